import type { BaselineOutcome } from '../findings/baseline.js';
import type { Finding, Notice, NoticeKind, Severity } from '../findings/types.js';
import type { RuleDocs, RuleMeta } from '../rules/types.js';

/** A rule as reporters see it: data only, no check. */
export interface RuleDescriptor {
  meta: RuleMeta;
  docs: RuleDocs;
}

export interface ScanStats {
  /** Files analysed (parsed, possibly with syntax errors). */
  filesScanned: number;
  /** Files not analysed at all; every one has a notice with `skipped: true`. */
  filesSkipped: number;
  /** Python files skipped or only partly analysed (too large, unreadable, undecodable, out of time): `incomplete`. */
  filesIncomplete?: number;
  /** How many of `filesScanned` were configuration files, read by the secret rules only (absent when none). */
  configFilesScanned?: number;
  skippedByReason: Partial<Record<NoticeKind, number>>;
  lines: number;
  /** Reported (unsuppressed, above thresholds) findings by severity. */
  findingsBySeverity: Record<Severity, number>;
  suppressed: number;
  /** Findings the baseline accepts (present when a baseline was given); not in `findingsBySeverity`. */
  baselined?: number;
  durationMs: number;
  jobs: number;
  /** Present when the dependency audit ran. */
  dependencies?: DependencyStats;
}

export interface DependencyStats {
  manifests: number;
  /** Requirements audited (pins, locks and ranges), after a lock or pin beside a range replaced it. */
  requirements: number;
  packages: number;
  /** Where the advisories came from: "osv-db <path>", "OSV API", "OSV API cache", or "none". */
  source: string;
}

export interface ScanResult {
  /** Absolute path every finding path is relative to. */
  root: string;
  toolVersion: string;
  /** Findings that pass the filters, sorted by path, line, column, rule id. Suppressed ones carry `suppression`. */
  findings: Finding[];
  notices: Notice[];
  /** Paths of the Python files skipped or only partly analysed (what `--strict` fails on), sorted. */
  incomplete?: string[];
  stats: ScanStats;
  /** Every rule that ran, sorted by id. */
  rules: RuleDescriptor[];
  /** Present when the scan compared against a baseline (--baseline). */
  baseline?: BaselineOutcome;
  /** How the result cache served this scan; for tests and the progress line, never part of a report. */
  cache?: { reused: number; analysed: number };
  /** Present when only findings on changed lines are kept (--diff-base). */
  diffBase?: DiffBaseInfo;
}

export interface DiffBaseInfo {
  ref: string;
  mergeBase: string;
  /** Findings left out because neither their location nor their trace touches a changed line. */
  outside: number;
}
