import { describe, expect, it } from 'vitest';
import { ruleMarkdown } from '../../src/rules/docs.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { analyze } from '../helpers/analyze.js';

describe("every rule's documented examples", () => {
  for (const rule of ALL_RULES) {
    describe(`${rule.meta.id} ${rule.meta.name}`, () => {
      it('the bad example is reported', async () => {
        const r = await analyze(rule.docs.bad, { rules: [rule] });
        expect(r.findings.map((f) => f.ruleId)).toContain(rule.meta.id);
      });
      it('the good example is not', async () => {
        const r = await analyze(rule.docs.good, { rules: [rule] });
        expect(r.findings).toEqual([]);
      });
      it('has complete metadata and documentation', () => {
        expect(rule.meta.id).toMatch(/^K\d{3}$/);
        expect(rule.meta.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(rule.meta.cwe.length).toBeGreaterThan(0);
        for (const part of [rule.docs.what, rule.docs.why, rule.docs.bad, rule.docs.good]) expect(part.trim().length).toBeGreaterThan(10);
        expect(rule.docs.references.length).toBeGreaterThan(0);
        expect(ruleMarkdown(rule)).toContain('## Use instead');
      });
    });
  }

  it('ids and names are unique', () => {
    const ids = ALL_RULES.map((r) => r.meta.id);
    const names = ALL_RULES.map((r) => r.meta.name);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(names).size).toBe(names.length);
  });
});
