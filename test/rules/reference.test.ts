import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesReference, rulesTable } from '../../src/rules/docs.js';

const repo = path.resolve(import.meta.dirname, '../..');

describe('generated rule reference', () => {
  it('docs/rules.md matches the rules (run `npm run docs` after changing a rule)', () => {
    expect(fs.readFileSync(path.join(repo, 'docs/rules.md'), 'utf8')).toBe(rulesReference());
  });
  it("the README's rules table matches the rules", () => {
    expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toContain(rulesTable());
  });
});
