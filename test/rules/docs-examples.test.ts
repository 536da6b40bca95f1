import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/types.js';
import { ruleMarkdown } from '../../src/rules/docs.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import type { Rule } from '../../src/rules/types.js';
import { analyze } from '../helpers/analyze.js';
import { auditFixture } from '../helpers/deps.js';

/**
 * Findings for a rule's example. Python examples are analysed; manifest examples (dependency rules) are written
 * as the file they name and audited against the small advisory set in test/fixtures/deps/advisories.
 */
async function findingsOf(rule: Rule, example: string): Promise<Finding[]> {
  const file = rule.docs.exampleFile;
  if (!file) return (await analyze(example, { rules: [rule] })).findings;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-doc-example-'));
  fs.writeFileSync(path.join(root, file), example);
  const r = await auditFixture(root, [file], { enabled: (id) => id === rule.meta.id });
  expect(r.stats.requirements).toBeGreaterThan(0);
  return r.findings;
}

describe("every rule's documented examples", () => {
  for (const rule of ALL_RULES) {
    describe(`${rule.meta.id} ${rule.meta.name}`, () => {
      it('the bad example is reported', async () => {
        expect((await findingsOf(rule, rule.docs.bad)).map((f) => f.ruleId)).toContain(rule.meta.id);
      });
      it('the good example is not', async () => {
        expect(await findingsOf(rule, rule.docs.good)).toEqual([]);
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
