import type { Confidence, Severity } from '../findings/types.js';
import type { RuleOptions } from '../rules/types.js';
import type { TaintConfig } from '../dataflow/spec.js';

/** Settings from a config file, validated; every key optional. Flags override these. */
export interface KraitConfig {
  /** The file these settings came from (absolute), when one was found. */
  file?: string;
  /** Directory relative globs in the config are resolved against (the config file's folder). */
  baseDir?: string;
  select?: string[];
  ignore?: string[];
  include?: string[];
  exclude?: string[];
  severity?: Severity;
  confidence?: Confidence;
  /** glob (relative to baseDir) → rule ids or prefixes ignored in matching files. */
  perFileIgnores?: Record<string, string[]>;
  /** rule id → options. */
  rules?: Record<string, RuleOptions>;
  /** Files larger than this many bytes are skipped with a notice. */
  maxFileSize?: number;
  respectGitignore?: boolean;
  jobs?: number;
  /** Exit 2 when a Python file was skipped or only partly analysed. */
  strict?: boolean;
  /** Seconds of analysis a file may take before it is cut short. */
  fileTimeout?: number;
  /** A baseline file (see --baseline), resolved against the config file's folder. */
  baseline?: string;
  /** `[tool.krait.deps]`: the dependency audit. */
  deps?: DepsConfig;
  /** `[tool.krait.taint]`: sources, sinks, sanitizers and propagators added by qualified name. */
  taint?: TaintConfig;
  /** Folders (absolute) that imports resolve against, for layouts the markers do not show. */
  sourceRoots?: string[];
}

export interface DepsConfig {
  /** false turns the audit off in `krait scan` (as --no-deps does). */
  enabled?: boolean;
  /** Whether `krait scan` may ask the OSV API (`krait deps` does unless --offline). */
  online?: boolean;
  /** An OSV export (zip or folder), resolved against the config file's folder. */
  osvDb?: string;
  /** Cache folder, resolved against the config file's folder. */
  cacheDir?: string;
  /** Seconds a package's advisory list from the API stays fresh. */
  cacheTtl?: number;
  /** Seconds to wait for one API request. */
  timeout?: number;
  /** Advisories to ignore: an id or any alias, why, and an optional last day (YYYY-MM-DD). */
  ignore?: { id: string; reason: string; expires?: string }[];
}
