/**
 * What CI asks of a finished scan: only what a change introduced (--diff-base), and what the baseline accepts
 * not counted. Both run after the whole project was analysed (taint needs every file), and both leave the
 * summary's counts consistent with the findings that remain.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { applyBaseline, type BaselineEntry } from '../findings/baseline.js';
import type { Finding, Location, Severity } from '../findings/types.js';
import type { ChangedLines } from '../vcs/git.js';
import type { ScanResult } from './types.js';

function touches(loc: Location, changed: ChangedLines['files'], root: string): boolean {
  const lines = changed.get(path.join(root, loc.path));
  if (!lines) return false;
  if (lines === 'all' || loc.startLine < 1) return lines === 'all' || lines.size > 0;
  for (let n = loc.startLine; n <= Math.max(loc.startLine, loc.endLine); n++) if (lines.has(n)) return true;
  return false;
}

/** Keeps the findings whose location, or any step of whose trace, is on a line the change added or modified. */
export function keepChanged(result: ScanResult, changed: ChangedLines): void {
  let root = result.root;
  try {
    root = realpathSync(root);
  } catch {
    // The root was just scanned; if it vanished meanwhile, the paths as given are the best there is.
  }
  const before = result.findings.length;
  result.findings = result.findings.filter(
    (f) => touches(f.location, changed.files, root) || (f.trace ?? []).some((s) => touches(s.location, changed.files, root)),
  );
  result.diffBase = { ref: changed.ref, mergeBase: changed.mergeBase, outside: before - result.findings.length };
  recount(result);
}

/**
 * Keeps the findings in the given files or folders (relative to the root; '' is the root), or whose trace passes
 * through them, and their notices: the files a commit stages, when the whole project was analysed so that taint
 * sees every module.
 */
export function keepFiles(result: ScanResult, relPaths: readonly string[]): void {
  const inside = (p: string) => relPaths.some((r) => r === '' || p === r || p.startsWith(`${r}/`));
  result.findings = result.findings.filter((f) => inside(f.location.path) || (f.trace ?? []).some((s) => inside(s.location.path)));
  result.notices = result.notices.filter((n) => inside(n.path));
  recount(result);
}

export function baselineScan(result: ScanResult, entries: readonly BaselineEntry[], file: string): void {
  result.baseline = applyBaseline(result.findings, entries, file);
  recount(result);
}

/** A finding that counts: not suppressed, not accepted by the baseline. */
export function counts(f: Finding): boolean {
  return !f.suppression && !f.baselined;
}

function recount(result: ScanResult): void {
  const bySeverity: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  let suppressed = 0;
  let baselined = 0;
  for (const f of result.findings) {
    if (f.suppression) suppressed++;
    else if (f.baselined) baselined++;
    else bySeverity[f.severity]++;
  }
  result.stats.findingsBySeverity = bySeverity;
  result.stats.suppressed = suppressed;
  if (result.baseline) result.stats.baselined = baselined;
}
