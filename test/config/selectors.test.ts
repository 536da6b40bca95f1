import { describe, expect, it } from 'vitest';
import {
  closestMatch,
  isKnownSelector,
  resolveEnabledRules,
  selectorMatches,
  suggestSelector,
} from '../../src/rules/selectors.js';
import { fakeMeta } from '../helpers/meta.js';

const meta = fakeMeta;

const K101 = meta('K101', 'eval-of-dynamic-code', { bandit: ['B307'], ruff: ['S307'] });
const K102 = meta('K102', 'exec-of-dynamic-code', { bandit: ['B102'], ruff: ['S102'] });
const K110 = meta('K110', 'assert-used', { bandit: ['B101'], ruff: ['S101'] }, false);
const K301 = meta('K301', 'weak-hash', { bandit: ['B303', 'B324'], ruff: ['S324'], semgrep: ['python.weak-hash'] });
const METAS = [K101, K102, K110, K301];

const matching = (selector: string) => METAS.filter((m) => selectorMatches(selector, m)).map((m) => m.id);

describe('selectorMatches', () => {
  it('matches an exact rule id', () => {
    expect(matching('K101')).toEqual(['K101']);
  });

  it('matches rules by id prefix: a family, or a narrower prefix', () => {
    expect(matching('K1')).toEqual(['K101', 'K102', 'K110']);
    expect(matching('K10')).toEqual(['K101', 'K102']);
    expect(matching('K11')).toEqual(['K110']);
    expect(matching('K3')).toEqual(['K301']);
  });

  it('does not treat a bare K, a non-digit tail or a non-prefix as a prefix', () => {
    expect(matching('K')).toEqual([]);
    expect(matching('K1x')).toEqual([]);
    expect(matching('K2')).toEqual([]);
    expect(matching('K1010')).toEqual([]);
    expect(matching('101')).toEqual([]);
  });

  it('matches an exact rule name, and not part of one', () => {
    expect(matching('weak-hash')).toEqual(['K301']);
    expect(matching('weak')).toEqual([]);
  });

  it('ALL matches every rule, opt-in ones included', () => {
    expect(matching('ALL')).toEqual(['K101', 'K102', 'K110', 'K301']);
  });

  it('matches Bandit and Ruff ids from sources, case-insensitive in the letter', () => {
    expect(matching('B307')).toEqual(['K101']);
    expect(matching('S307')).toEqual(['K101']);
    expect(matching('b324')).toEqual(['K301']);
    expect(matching('B303')).toEqual(['K301']);
    expect(matching('s101')).toEqual(['K110']);
  });

  it('does not match Bandit/Ruff prefixes or Semgrep ids', () => {
    expect(matching('B3')).toEqual([]);
    expect(matching('S')).toEqual([]);
    expect(matching('python.weak-hash')).toEqual([]);
  });
});

describe('isKnownSelector', () => {
  it('is true when a selector matches at least one rule', () => {
    expect(isKnownSelector('K1', METAS)).toBe(true);
    expect(isKnownSelector('assert-used', METAS)).toBe(true);
    expect(isKnownSelector('S324', METAS)).toBe(true);
  });

  it('is false for a selector matching nothing', () => {
    expect(isKnownSelector('K999', METAS)).toBe(false);
    expect(isKnownSelector('K9', METAS)).toBe(false);
    expect(isKnownSelector('B999', METAS)).toBe(false);
    expect(isKnownSelector('all', METAS)).toBe(false);
  });

  it('knows ALL even with no rules at all', () => {
    expect(isKnownSelector('ALL', [])).toBe(true);
  });
});

describe('resolveEnabledRules', () => {
  const ids = (set: Set<string>) => [...set].sort();

  it('without select, enables exactly the default-enabled rules', () => {
    expect(ids(resolveEnabledRules(METAS, undefined, undefined))).toEqual(['K101', 'K102', 'K301']);
  });

  it('with select, enables exactly the rules selected, opt-in ones included', () => {
    expect(ids(resolveEnabledRules(METAS, ['K1'], undefined))).toEqual(['K101', 'K102', 'K110']);
    expect(ids(resolveEnabledRules(METAS, ['assert-used'], undefined))).toEqual(['K110']);
    expect(ids(resolveEnabledRules(METAS, ['B307', 'S324'], undefined))).toEqual(['K101', 'K301']);
  });

  it('select ALL enables every rule', () => {
    expect(ids(resolveEnabledRules(METAS, ['ALL'], undefined))).toEqual(['K101', 'K102', 'K110', 'K301']);
  });

  it('an empty select enables nothing', () => {
    expect(ids(resolveEnabledRules(METAS, [], undefined))).toEqual([]);
  });

  it('applies ignore after select', () => {
    expect(ids(resolveEnabledRules(METAS, ['ALL'], ['K10']))).toEqual(['K110', 'K301']);
    expect(ids(resolveEnabledRules(METAS, ['K101'], ['eval-of-dynamic-code']))).toEqual([]);
  });

  it('applies ignore to the default set when there is no select', () => {
    expect(ids(resolveEnabledRules(METAS, undefined, ['b324', 'K102']))).toEqual(['K101']);
  });
});

describe('suggestSelector', () => {
  it('fixes the case of an id, an alias or ALL', () => {
    expect(suggestSelector('k101', METAS)).toBe('K101');
    expect(suggestSelector('k1', METAS)).toBe('K1');
    expect(suggestSelector('all', METAS)).toBe('ALL');
  });

  it('fixes the case of a name, or a misspelt name', () => {
    expect(suggestSelector('Weak-Hash', METAS)).toBe('weak-hash');
    expect(suggestSelector('eval-of-dynamic-cod', METAS)).toBe('eval-of-dynamic-code');
    expect(suggestSelector('weak_hash', METAS)).toBe('weak-hash');
  });

  it('suggests nothing when nothing is close', () => {
    expect(suggestSelector('K999', METAS)).toBeUndefined();
    expect(suggestSelector('sql-injection', METAS)).toBeUndefined();
  });
});

describe('closestMatch', () => {
  const keys = ['select', 'ignore', 'per-file-ignores', 'max-file-size', 'jobs'];

  it('finds a near spelling or a spelling variant', () => {
    expect(closestMatch('selct', keys)).toBe('select');
    expect(closestMatch('per_file_ignores', keys)).toBe('per-file-ignores');
    expect(closestMatch('maxFileSize', keys)).toBe('max-file-size');
  });

  it('does not stretch a short word to a distant one', () => {
    expect(closestMatch('jbs', keys)).toBe('jobs');
    expect(closestMatch('bogus', keys)).toBeUndefined();
    expect(closestMatch('x', keys)).toBeUndefined();
  });
});
