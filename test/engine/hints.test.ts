import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HintScanner, literalAlternatives } from '../../src/engine/hints.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import type { Rule } from '../../src/rules/types.js';

const repo = path.resolve(import.meta.dirname, '../..');

function ruleWithHint(id: string, textHint: RegExp): Rule {
  return { ...ALL_RULES[0], meta: { ...ALL_RULES[0].meta, id }, textHint };
}

describe('literalAlternatives', () => {
  it('splits plain alternations and unescapes literal escapes', () => {
    expect(literalAlternatives('pickle|dill')).toEqual(['pickle', 'dill']);
    expect(literalAlternatives(String.raw`\/tmp|0\.0\.0\.0|a\-b`)).toEqual(['/tmp', '0.0.0.0', 'a-b']);
  });
  it('refuses anything that is not a literal', () => {
    for (const source of [String.raw`\bassert\b`, 'set_(a|b)cookie', 'a|', '|a', 'x*', '[ab]', String.raw`\d`, 'caf\u00e9']) {
      expect(literalAlternatives(source), source).toBeUndefined();
    }
  });
});

describe('HintScanner', () => {
  it('answers a hint exactly as its regular expression does', () => {
    const rules = [
      ruleWithHint('T1', /pickle|dill|shelve/i),
      ruleWithHint('T2', /DEBUG|SECRET_KEY/),
      ruleWithHint('T3', /\bre\b/),
      ruleWithHint('T4', /abcab|bca|cab/),
    ];
    const scanner = new HintScanner(rules);
    const texts = [
      '',
      'import PICKLE',
      'debug = True',
      'DEBUG = True',
      'x = secret_key',
      'SECRET_KEY = 1',
      'import re',
      'import regex',
      'abcabca',
      'ab\u00e9cab',
      'xxcab',
      'Dil\u00e9l dill',
      'abca',
    ];
    for (const text of texts) {
      const answer = scanner.scan(text);
      for (const rule of rules) expect(answer(rule), `${rule.meta.id} on ${JSON.stringify(text)}`).toBe(rule.textHint?.test(text));
    }
  });

  it('agrees with every rule hint on every fixture and example file', () => {
    const rules = ALL_RULES.filter((r) => r.textHint);
    const scanner = new HintScanner(rules);
    const files = ['test/fixtures', 'examples']
      .flatMap((d) => fs.readdirSync(path.join(repo, d), { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile() && d.name.endsWith('.py'))
      .map((d) => path.join(d.parentPath, d.name));
    expect(files.length).toBeGreaterThan(50);
    let passes = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const answer = scanner.scan(text);
      for (const rule of rules) {
        const expected = rule.textHint?.test(text);
        if (expected) passes++;
        expect(answer(rule), `${rule.meta.id} on ${file}`).toBe(expected);
      }
    }
    expect(passes).toBeGreaterThan(0);
  });

  it('passes every rule without a hint', () => {
    const plain = ALL_RULES.find((r) => !r.textHint);
    expect(plain).toBeDefined();
    if (plain) expect(new HintScanner(ALL_RULES).scan('')(plain)).toBe(true);
  });
});
