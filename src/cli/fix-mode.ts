import type { ScanResult } from '../engine/types.js';
import { planFixes, unifiedDiff, writePatches } from '../fixes/files.js';
import { maskSecrets } from '../secrets/redact.js';
import type { ScanFlags } from './scan-command.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : word.endsWith('x') ? 'es' : 's'}`;
}

/**
 * `--diff`: prints the fixes and returns the exit status (1 when there is something to fix). `--fix`: writes them
 * and returns undefined, so the caller scans again and reports what is left. The counts go to standard error,
 * keeping standard output for the diff or the report.
 */
export function runFixes(result: ScanResult, flags: Pick<ScanFlags, 'fix' | 'diff' | 'unsafeFixes' | 'exitZero'>): number | undefined {
  const plan = planFixes(result.root, result.findings, flags.unsafeFixes === true);
  const applied = plan.patches.reduce((n, p) => n + p.applied.length, 0);
  const left = plan.patches.reduce((n, p) => n + p.skipped.length, 0);
  const notes: string[] = [];
  if (left > 0) notes.push(`${plural(left, 'overlapping fix')} left for the next run`);
  if (plan.unsafeLeft > 0) notes.push(`${plural(plan.unsafeLeft, 'more fix')} with --unsafe-fixes`);
  if (plan.unreadable.length > 0) notes.push(`not rewritten (not UTF-8 or unreadable): ${plan.unreadable.join(', ')}`);
  const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  if (flags.diff) {
    // The diff shows lines of the user's code: like every output, it never shows a secret in full (a masked line
    // no longer applies with `patch`, which is the price of that rule; `--fix` writes the real edit).
    process.stdout.write(maskSecrets(unifiedDiff(plan.patches)));
    process.stderr.write(`krait: ${plural(applied, 'fix')} in ${plural(plan.patches.length, 'file')} would be applied${tail}\n`);
    return applied > 0 && !flags.exitZero ? 1 : 0;
  }
  writePatches(plan.patches);
  process.stderr.write(`krait: applied ${plural(applied, 'fix')} in ${plural(plan.patches.length, 'file')}${tail}\n`);
  return undefined;
}
