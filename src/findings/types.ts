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

export interface Fix {
  description: string;
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
  trace?: TraceStep[];
  fix?: Fix;
  /** Stable across line shifts: hash of rule id, path, normalised snippet and occurrence index. */
  fingerprint: string;
  /** Present when a comment or the configuration suppresses the finding. */
  suppression?: Suppression;
}

export type NoticeKind =
  | 'syntax-error'
  | 'decode-error'
  | 'unreadable'
  | 'binary'
  | 'too-large'
  | 'symlink-outside-root'
  | 'symlink-loop'
  | 'internal-error'
  /** Taint analysis stopped at a budget (a huge function, a project too large to settle): partial results. */
  | 'taint-budget';

export interface Notice {
  kind: NoticeKind;
  path: string;
  line?: number;
  column?: number;
  message: string;
  /** True when the file was not analysed at all (counted as skipped in the summary). */
  skipped: boolean;
}
