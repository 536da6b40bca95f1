/** A dependency as one manifest line states it. Positions are 1-based; columns count code points. */
export interface Requirement {
  /** PEP 503-normalised name: the key for advisories. */
  name: string;
  /** The name as written. */
  displayName: string;
  /**
   * `locked`: a lock file's resolved version; `pinned`: `==X` / `===X` in a manifest; `range`: anything else
   * (including no specifier at all). Only locked and pinned requirements have a `version`.
   */
  kind: 'locked' | 'pinned' | 'range';
  version?: string;
  /** PEP 440 specifier set as written (`>=2.0,<3`), empty for "any version". */
  specifier: string;
  extras: string[];
  /** PEP 508 environment marker, kept so a finding can say when the dependency applies. */
  marker?: string;
  /** Where it came from: path relative to the scan root, with forward slashes. */
  file: string;
  line: number;
  column: number;
  endColumn: number;
  /** The manifest line, for the snippet. */
  text: string;
  /** Dependency group, extra or lock section (`dev`, `optional: docs`), when the manifest has one. */
  group?: string;
}

export interface ManifestNotice {
  file: string;
  line?: number;
  /** `manifest-error`: the line (or file) could not be read; `unchecked-dependency`: a URL, VCS, path or editable requirement. */
  kind: 'manifest-error' | 'unchecked-dependency';
  message: string;
}

export interface ParsedManifest {
  file: string;
  /** Lock files resolve versions; a lock beside a manifest wins over the manifest's ranges. */
  isLock: boolean;
  requirements: Requirement[];
  notices: ManifestNotice[];
  /** Other manifests this one pulls in (`-r` / `-c`), already parsed into `requirements`. */
  includes: string[];
}

/** Reads another file for a manifest (nested `-r`), relative to the scan root; null when it may not be read. */
export interface ManifestSource {
  root: string;
  read(relPath: string): string | null;
}
