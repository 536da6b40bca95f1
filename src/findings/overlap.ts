import type { Finding } from './types.js';

/**
 * Pattern rules that report the same problem on the same code for the same reason, the more specific first:
 * a weak hash of a password is a fast password hash (K308), which says more than "MD5 is broken" (K301).
 */
const MORE_SPECIFIC: Readonly<Record<string, readonly string[]>> = {
  K308: ['K301'],
};

const GENERAL = new Set(Object.values(MORE_SPECIFIC).flat());

function overlaps(a: Finding, b: Finding): boolean {
  const before = (x: Finding, y: Finding) =>
    x.location.endLine < y.location.startLine || (x.location.endLine === y.location.startLine && x.location.endColumn <= y.location.startColumn);
  return !before(a, b) && !before(b, a);
}

/** One finding per problem: drops a general finding that a more specific one on overlapping code replaces. */
export function dropSuperseded(findings: Finding[]): Finding[] {
  if (!findings.some((f) => GENERAL.has(f.ruleId))) return findings;
  return findings.filter((f) => {
    if (!GENERAL.has(f.ruleId)) return true;
    return !findings.some((g) => MORE_SPECIFIC[g.ruleId]?.includes(f.ruleId) && overlaps(f, g));
  });
}
