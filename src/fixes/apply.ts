import type { Fix, FixApplicability } from '../findings/types.js';
import { toChanges } from './positions.js';
import type { TextChange } from './types.js';

export interface ApplyResult {
  text: string;
  /** Fixes applied, in the order given. */
  applied: Fix[];
  /** Fixes left out: they overlap one applied before them, or their range is not in the text. */
  skipped: Fix[];
}

/** True when the fix may be applied under the chosen level. */
export function eligible(fix: Fix | undefined, unsafe: boolean): fix is Fix & { edits: NonNullable<Fix['edits']> } {
  if (!fix?.edits || fix.edits.length === 0 || !fix.applicability) return false;
  return fix.applicability === 'safe' || unsafe;
}

export function isApplicable(level: FixApplicability, unsafe: boolean): boolean {
  return level === 'safe' || unsafe;
}

function same(a: TextChange, b: TextChange): boolean {
  return a.start === b.start && a.end === b.end && a.text === b.text;
}

/** Two changes conflict when their ranges overlap, or one inserts strictly inside the other's range. */
function conflict(a: TextChange, b: TextChange): boolean {
  if (a.start < b.end && b.start < a.end) return true;
  if (a.start === a.end && b.start < a.start && a.start < b.end) return true;
  if (b.start === b.end && a.start < b.start && b.start < a.end) return true;
  return false;
}

/**
 * Applies whole fixes to a text: a fix is taken entirely or not at all, the first of two overlapping fixes wins
 * (run again to apply the rest), and a change identical to one already taken (the same added import) is applied once.
 */
export function applyFixes(text: string, fixes: readonly Fix[]): ApplyResult {
  const taken: TextChange[] = [];
  const applied: Fix[] = [];
  const skipped: Fix[] = [];
  for (const fix of fixes) {
    const changes = fix.edits ? toChanges(text, fix.edits) : undefined;
    if (!changes || changes.length === 0) {
      skipped.push(fix);
      continue;
    }
    const fresh = changes.filter((c) => !taken.some((t) => same(t, c)));
    if (fresh.some((c) => taken.some((t) => conflict(c, t)))) {
      skipped.push(fix);
      continue;
    }
    taken.push(...fresh);
    applied.push(fix);
  }
  // From the end, so earlier offsets stay valid; inserts at one point keep the order they were taken in.
  const order = taken.map((c, i) => ({ c, i })).sort((x, y) => y.c.start - x.c.start || y.c.end - x.c.end || y.i - x.i);
  let out = text;
  for (const { c } of order) out = out.slice(0, c.start) + c.text + out.slice(c.end);
  return { text: out, applied, skipped };
}
