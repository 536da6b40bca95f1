/**
 * The one finding shape shared by every family (pattern rules, taint, secrets, dependencies).
 * Lines and columns are 1-based; columns count Unicode code points of the line (what editors show).
 */
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type Confidence = 'low' | 'medium' | 'high';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
export const CONFIDENCES: readonly Confidence[] = ['low', 'medium', 'high'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}
export function confidenceRank(c: Confidence): number {
  return CONFIDENCES.indexOf(c);
}

export interface Location {
  /** Path relative to the scan root, with forward slashes. */
  path: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface TraceStep {
  location: Location;
  /** What happened at this step: "source: request.args", "assigned to q", "sink: cursor.execute". */
  message: string;
}

/** One replacement of a fix: the range (end exclusive, same columns as `Location`) and the text to put there. */
export interface FixEdit {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  text: string;
}

/**
 * `safe` fixes keep the program's behaviour apart from the flaw; `unsafe` ones may change it (a timeout, a new
 * dependency) and are applied only when asked (`--unsafe-fixes`).
 */
export type FixApplicability = 'safe' | 'unsafe';

export interface Fix {
  description: string;
  /** Present when krait can apply the fix itself (src/fixes); absent for advice only. */
  applicability?: FixApplicability;
  /** Replacements in the finding's file, not overlapping, in source order. */
  edits?: FixEdit[];
}

/** One advisory behind a dependency finding (OSV). */
export interface DependencyAdvisory {
  /** OSV id: PYSEC-…, GHSA-…, MAL-…. */
  id: string;
  /** The same vulnerability under other ids (CVE, GHSA, PYSEC). */
  aliases: string[];
  summary: string;
  /** Computed from the advisory's CVSS vector, when it has one krait can score. */
  cvss?: { version: string; vector: string; score: number };
  /** Affected version ranges as people read them: ">=0, <5.4". */
  affected: string[];
  /** Versions with the fix (from `fixed` events). */
  fixed: string[];
  url?: string;
}

/** What a dependency finding is about. */
export interface DependencyInfo {
  ecosystem: 'PyPI';
  /** The name as the manifest writes it; `name` is its PEP 503 form. */
  package: string;
  name: string;
  /** The pinned or locked version, when the manifest fixes one. */
  version?: string;
  /** The specifier as written, for a range. */
  specifier?: string;
  /** Environment marker: the dependency applies only where it holds. */
  marker?: string;
  advisories: DependencyAdvisory[];
  /** The smallest version that no known advisory for the package affects (pins and locks). */
  fixVersion?: string;
  /** The smallest change to a range that admits none of the advisories. */
  suggestedSpecifier?: string;
}

export type SuppressionKind = 'krait' | 'nosec' | 'noqa' | 'config';

export interface Suppression {
  kind: SuppressionKind;
  /** Line of the comment that suppresses, or 0 for configuration. */
  line: number;
  /** The ids named by the comment, empty for a blanket suppression. */
  ids: string[];
}

export interface Finding {
  ruleId: string;
  ruleName: string;
  message: string;
  severity: Severity;
  confidence: Confidence;
  /** CWE ids, most specific first. */
  cwe: number[];
  location: Location;
  /** The source lines of the finding (the first line of a long statement, up to a few lines). */
  snippet: string;
  /**
   * Set when the finding's line is very long (see src/findings/snippet.ts): `snippet` is then a window of that
   * one line, starting at this 1-based code-point column; reporters shift columns by it.
   */
  snippetColumn?: number;
  trace?: TraceStep[];
  fix?: Fix;
  /** Stable across line shifts: hash of rule id, path, normalised snippet and occurrence index. */
  fingerprint: string;
  /** Present when a comment or the configuration suppresses the finding. */
  suppression?: Suppression;
  /** Dependency findings (K8xx): the package, its version or range, and the advisories. */
  dependency?: DependencyInfo;
  /** Present (true) when the scan's baseline holds this finding: reported, but not counted for the exit status. */
  baselined?: boolean;
}

export type NoticeKind =
  | 'syntax-error'
  | 'decode-error'
  | 'unreadable'
  | 'binary'
  | 'too-large'
  | 'symlink-outside-root'
  | 'symlink-loop'
  /** A FIFO, socket or device file met in a walked folder: never opened. */
  | 'special-file'
  /** The file's analysis ran out of its time budget (`--file-timeout`): the findings so far are kept. */
  | 'time-budget'
  | 'internal-error'
  /** Dependency audit: a manifest line (or file) that could not be read. */
  | 'manifest-error'
  /** Dependency audit: a URL, VCS, path or editable requirement, which advisories cannot be matched to. */
  | 'unchecked-dependency'
  /** Dependency audit: advisory data missing, stale or not evaluable (offline with no data, API down). */
  | 'advisory-data'
  /** Dependency audit: a configured ignore entry that has expired and no longer suppresses. */
  | 'expired-ignore'
  /** Secrets: a lock file left out of the secret scan. */
  | 'lock-file'
  /** Secrets: a minified (generated) configuration file left out of the secret scan. */
  | 'minified'
  /** Taint analysis stopped at a budget (a huge function, a project too large to settle): partial results. */
  | 'taint-budget'
  /** The result cache could not be used (corrupt, foreign, unreadable): the scan analysed every file. */
  | 'cache';

export interface Notice {
  kind: NoticeKind;
  path: string;
  line?: number;
  column?: number;
  message: string;
  /** True when the file was not analysed at all (counted as skipped in the summary). */
  skipped: boolean;
}
