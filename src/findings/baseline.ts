/**
 * A baseline is the accepted state of a project: the findings it had when the team adopted krait. A later scan
 * keeps those findings in its report (flagged), but they no longer fail the build; a baselined finding that
 * disappeared is reported as fixed.
 *
 * Matching does not use line numbers: the fingerprint hashes the rule, the path and the finding's first source
 * line, so a finding that moved is still the same one. A finding whose fingerprint changed only because an
 * identical line appeared above it (the occurrence index shifted) is matched on rule, path and line text.
 */
import { maskSecrets } from '../secrets/redact.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { Finding } from './types.js';

export const BASELINE_FORMAT = 'krait-baseline';
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  path: string;
  /** Where the finding was when the baseline was written; informative only, never used to match. */
  line: number;
  /** The finding's first source line, with any secret masked. */
  code: string;
}

export interface BaselineOutcome {
  /** The baseline file, as given. */
  file: string;
  /** Findings of this scan found in the baseline (flagged `baselined`). */
  matched: number;
  /** Baseline entries no finding of this scan matches: fixed (or deleted) since. */
  fixed: BaselineEntry[];
}

/**
 * The one place a baseline takes a finding's text. The engine has already masked every secret it saw in the
 * snippet; the report layer's text pass runs again here, so that a baseline on disk holds no more than a report.
 */
function maskedCode(f: Finding): string {
  return maskSecrets((f.snippet.split(/\r\n|\r|\n/)[0] ?? '').trim());
}

function normalise(code: string): string {
  return code.trim().replace(/\s+/g, ' ');
}

/** Entries for every finding a scan reports (suppressed findings are accepted already and left out). */
export function baselineEntries(findings: readonly Finding[]): BaselineEntry[] {
  return findings
    .filter((f) => !f.suppression)
    .map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.location.path, line: f.location.startLine, code: maskedCode(f) }));
}

export function writeBaseline(file: string, findings: readonly Finding[]): number {
  const entries = baselineEntries(findings);
  const doc = { format: BASELINE_FORMAT, version: BASELINE_VERSION, findings: entries };
  try {
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  } catch (err) {
    throw new UsageError(`cannot write baseline ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return entries.length;
}

function isEntry(v: unknown): v is BaselineEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.fingerprint === 'string' &&
    typeof e.ruleId === 'string' &&
    typeof e.path === 'string' &&
    typeof e.code === 'string' &&
    typeof e.line === 'number'
  );
}

/** Reads and checks a baseline file; a missing or malformed one is a usage error (exit status 2). */
export function readBaseline(file: string): BaselineEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read baseline ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError(`baseline ${file} is not valid JSON`);
  }
  const d = doc as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null || d.format !== BASELINE_FORMAT) {
    throw new UsageError(`baseline ${file} is not a krait baseline (write one with --write-baseline)`);
  }
  if (d.version !== BASELINE_VERSION) throw new UsageError(`baseline ${file} has version ${String(d.version)}; this krait reads version ${BASELINE_VERSION}`);
  if (!Array.isArray(d.findings) || !d.findings.every(isEntry)) throw new UsageError(`baseline ${file} is malformed: "findings" must be a list of entries`);
  return d.findings;
}

/**
 * Flags the findings the baseline holds (`baselined: true`) and returns what is left of the baseline. Each entry
 * accepts one finding: two identical findings against one entry leave one of them new.
 */
export function applyBaseline(findings: Finding[], entries: readonly BaselineEntry[], file: string): BaselineOutcome {
  const left = new Set(entries);
  const byFingerprint = new Map<string, BaselineEntry[]>();
  const byCode = new Map<string, BaselineEntry[]>();
  const codeKey = (ruleId: string, path: string, code: string) => `${ruleId}\0${path}\0${normalise(code)}`;
  for (const e of entries) {
    byFingerprint.set(e.fingerprint, [...(byFingerprint.get(e.fingerprint) ?? []), e]);
    const k = codeKey(e.ruleId, e.path, e.code);
    byCode.set(k, [...(byCode.get(k) ?? []), e]);
  }
  const take = (list: BaselineEntry[] | undefined): boolean => {
    const e = list?.find((x) => left.has(x));
    if (!e) return false;
    left.delete(e);
    return true;
  };
  const candidates = findings.filter((f) => !f.suppression);
  const unmatched: Finding[] = [];
  let matched = 0;
  for (const f of candidates) {
    if (take(byFingerprint.get(f.fingerprint))) {
      f.baselined = true;
      matched++;
    } else unmatched.push(f);
  }
  for (const f of unmatched) {
    if (take(byCode.get(codeKey(f.ruleId, f.location.path, maskedCode(f))))) {
      f.baselined = true;
      matched++;
    }
  }
  const fixed = entries.filter((e) => left.has(e));
  return { file, matched, fixed };
}
