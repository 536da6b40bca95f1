/**
 * The fixture annotation convention (ARCHITECTURE.md): `# expect: ID[, ID…]` on a line means exactly those
 * findings start on that line; `# ok: ID` means none for that id; an unannotated line has no finding.
 */
export interface Expectation {
  expected: Set<string>; // "line:ID"
  okLines: Set<string>; // "line:ID"
}

const EXPECT = /#\s*expect:\s*([A-Za-z0-9_,\s-]+?)\s*(?:#|$)/;
const OK = /#\s*ok:\s*([A-Za-z0-9_,\s-]+?)\s*(?:#|$)/;

function splitIds(s: string): string[] {
  return s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

export function parseAnnotations(text: string): Expectation {
  const expected = new Set<string>();
  const okLines = new Set<string>();
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    const e = EXPECT.exec(line);
    if (e) for (const id of splitIds(e[1])) expected.add(`${i + 1}:${id}`);
    const o = OK.exec(line);
    if (o) for (const id of splitIds(o[1])) okLines.add(`${i + 1}:${id}`);
  });
  return { expected, okLines };
}

/** Compares found "line:ID" keys with the annotations; returns human-readable differences (empty when equal). */
export function compareAnnotations(found: readonly string[], exp: Expectation): string[] {
  const problems: string[] = [];
  const foundSet = new Set(found);
  for (const key of exp.expected) if (!foundSet.has(key)) problems.push(`missing ${key}`);
  for (const key of foundSet) {
    if (exp.expected.has(key)) continue;
    problems.push(exp.okLines.has(key) ? `false positive on an ok line ${key}` : `unexpected ${key}`);
  }
  return problems.sort();
}
