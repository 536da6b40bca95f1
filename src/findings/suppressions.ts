import type { Suppression } from './types.js';

/**
 * Suppression comments of one file, by 1-based line. Three syntaxes:
 *   `# krait: ignore` / `# krait: ignore[K101, K102]`  — krait's own, by id or name
 *   `# nosec` / `# nosec B602, B607`                   — Bandit's, matched through each rule's `sources`
 *   `# noqa: S602` (a bare `# noqa` is not honoured)   — Ruff's, matched through `sources`
 * A bare `# noqa` silences linters for style, not security, so it does not hide a security finding.
 */
export type SuppressionMap = Map<number, Suppression[]>;

const KRAIT = /#\s*krait\s*:\s*ignore\b(?:\[([^\]]*)\])?/i;
const NOSEC = /#\s*nosec\b(?![-\w])([:\s]*(?:[A-Za-z]+\d+[\s,]*)*)/i;
const NOQA = /#\s*noqa\s*:\s*([A-Za-z]+\d+(?:[\s,]+[A-Za-z]+\d+)*)/i;
const CANDIDATE = /#[^\n]*\b(?:krait|nosec|noqa)\b/i;

/** True when a source may hold a suppression comment: one search of the text spares the line-by-line scan. */
export function mayHaveSuppressions(text: string): boolean {
  return CANDIDATE.test(text);
}

function ids(list: string | undefined): string[] {
  if (!list) return [];
  return list
    .split(/[\s,]+/)
    .map((s) => s.replace(/^:/, '').trim())
    .filter((s) => s.length > 0);
}

/**
 * Finds suppression comments. `isComment(line, column)` confirms the `#` is a real comment (not inside a
 * string); it is asked only for the rare lines that mention one of the keywords.
 */
export function collectSuppressions(lines: readonly string[], isComment: (line: number, column: number) => boolean): SuppressionMap {
  const map: SuppressionMap = new Map();
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (!text.includes('#') || !CANDIDATE.test(text)) continue;
    const found: Suppression[] = [];
    for (const [re, kind] of [
      [KRAIT, 'krait'],
      [NOSEC, 'nosec'],
      [NOQA, 'noqa'],
    ] as const) {
      const m = re.exec(text);
      if (!m || !isComment(i + 1, m.index)) continue;
      found.push({ kind, line: i + 1, ids: ids(m[1]) });
    }
    if (found.length > 0) map.set(i + 1, found);
  }
  return map;
}

/** Does a suppression apply to a rule? Blanket comments apply to all; otherwise an id, name or source id must be named. */
export function suppresses(s: Suppression, ruleId: string, ruleName: string, sourceIds: readonly string[]): boolean {
  if (s.ids.length === 0) return s.kind !== 'noqa';
  return s.ids.some((id) => {
    const u = id.toUpperCase();
    if (s.kind === 'krait') return u === ruleId.toUpperCase() || id.toLowerCase() === ruleName;
    return sourceIds.some((src) => src.toUpperCase() === u) || u === ruleId.toUpperCase();
  });
}

/** The first suppression in the given line range that applies to the rule. */
export function findSuppression(
  map: SuppressionMap,
  fromLine: number,
  toLine: number,
  ruleId: string,
  ruleName: string,
  sourceIds: readonly string[],
): Suppression | undefined {
  if (map.size === 0) return undefined;
  for (let line = fromLine; line <= toLine; line++) {
    const list = map.get(line);
    if (!list) continue;
    const hit = list.find((s) => suppresses(s, ruleId, ruleName, sourceIds));
    if (hit) return hit;
  }
  return undefined;
}
