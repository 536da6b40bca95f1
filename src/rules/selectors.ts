import type { RuleMeta } from './types.js';

/**
 * Rule selectors, shared by the config validator, the CLI flags and the engine so a selector means the same
 * thing wherever it is written.
 *
 * A selector is one of:
 * - `ALL`: every rule, opt-in rules included;
 * - a rule id (`K101`) or an id prefix (`K1`, `K10`): `K` then digits, so a family is its hundreds digit;
 * - a rule name (`eval-of-dynamic-code`);
 * - a Bandit (`B307`) or Ruff (`S307`) id listed in the rule's `sources`, so configs migrated from those
 *   tools keep working. The letter is case-insensitive because both tools print them upper-case but users
 *   type them either way.
 */

const ID_PREFIX = /^K\d+$/;

export function selectorMatches(selector: string, meta: RuleMeta): boolean {
  if (selector === 'ALL') return true;
  if (selector === meta.id || selector === meta.name) return true;
  if (ID_PREFIX.test(selector) && meta.id.startsWith(selector)) return true;
  const upper = selector.toUpperCase();
  const aliases = [...(meta.sources.bandit ?? []), ...(meta.sources.ruff ?? [])];
  return aliases.some((alias) => alias.toUpperCase() === upper);
}

/**
 * True when the selector matches at least one rule. `ALL` is always known, so an empty catalog (a test, a
 * build with every rule filtered out) does not turn `--select ALL` into an error.
 */
export function isKnownSelector(selector: string, metas: readonly RuleMeta[]): boolean {
  return selector === 'ALL' || metas.some((meta) => selectorMatches(selector, meta));
}

/**
 * The ids of the rules to run. `select` replaces the default set rather than adding to it (as in Ruff), so
 * `select = []` runs nothing; a selector that matches an opt-in rule enables it, whatever the selector's kind.
 * `ignore` always wins over `select`.
 */
export function resolveEnabledRules(
  metas: readonly RuleMeta[],
  select: string[] | undefined,
  ignore: string[] | undefined,
): Set<string> {
  const enabled = new Set<string>();
  for (const meta of metas) {
    const selected =
      select === undefined ? meta.defaultEnabled : select.some((s) => selectorMatches(s, meta));
    if (!selected) continue;
    if (ignore?.some((s) => selectorMatches(s, meta))) continue;
    enabled.add(meta.id);
  }
  return enabled;
}

/**
 * A likely intended selector for an unknown one, for "did you mean" hints: a case slip (`k101`, `all`) or a
 * misspelt rule name.
 */
export function suggestSelector(selector: string, metas: readonly RuleMeta[]): string | undefined {
  const upper = selector.toUpperCase();
  if (upper !== selector && isKnownSelector(upper, metas)) return upper;
  const lower = selector.toLowerCase();
  if (lower !== selector && metas.some((meta) => meta.name === lower)) return lower;
  return closestMatch(
    selector,
    metas.map((meta) => meta.name),
  );
}

/**
 * The candidate nearest to `word`, if near enough to be a plausible typo. Spelling variants of the same
 * words (`per_file_ignores`, `perFileIgnores`, `Per-File-Ignores`) count as exact.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const squashed = squash(word);
  const variant = candidates.find((c) => squash(c) === squashed);
  if (variant !== undefined) return variant;
  // A third of the length keeps short words from matching anything ("jobs" is not "bogus").
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
