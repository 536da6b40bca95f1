import { createHash } from 'node:crypto';

/**
 * A fingerprint that survives line shifts: it hashes what was found and where in the file's text (rule, path,
 * the finding's first source line with whitespace folded), plus the occurrence index among identical
 * candidates in the same file, so two identical lines still get distinct fingerprints.
 */
export function fingerprint(ruleId: string, path: string, snippetLine: string, occurrence: number): string {
  const normalised = snippetLine.trim().replace(/\s+/g, ' ');
  return createHash('sha256').update(`${ruleId}\0${path}\0${normalised}\0${occurrence}`).digest('hex').slice(0, 20);
}
