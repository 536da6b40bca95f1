import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, Fix } from '../../src/findings/types.js';
import { applyFixes } from '../../src/fixes/apply.js';
import { ALL_FIXES } from '../../src/fixes/registry.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { analyze as analyzeWith } from '../helpers/analyze.js';

/**
 * Fix fixtures: `# fix: ID => text` marks a finding that must carry a fix, and `text` must appear in the fixed
 * file; `# nofix: ID` marks a finding the fix must leave alone (a shape it cannot rewrite faithfully).
 */
const dir = path.resolve(import.meta.dirname, '../fixtures/fixes');
const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith('.py')).sort();
const ANNOTATION = /#\s*(fix|nofix):\s*(K\d+)(?:\s*=>\s*(.+))?$/;

interface Marks {
  fix: Map<number, { id: string; expect?: string }>;
  nofix: Map<number, string>;
}

function marks(text: string): Marks {
  const out: Marks = { fix: new Map(), nofix: new Map() };
  text.split('\n').forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) return;
    if (m[1] === 'fix') out.fix.set(i + 1, { id: m[2], ...(m[3] ? { expect: m[3].trim() } : {}) });
    else out.nofix.set(i + 1, m[2]);
  });
  return out;
}

/** The fixed text without the annotations, whose expected text would otherwise match itself. */
function code(text: string): string {
  return text.replace(/\s*#\s*(?:fix|nofix):.*$/gm, '');
}

const python = spawnSync('python3', ['--version']).status === 0;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-fixes-'));

/** Compiles every text with one Python process; returns the error output, or undefined when all compile. */
function compiles(texts: readonly string[], name: string): string | undefined {
  const files = texts.map((text, i) => {
    const file = path.join(tmp, `${i}-${name}`);
    fs.writeFileSync(file, text);
    return file;
  });
  const r = spawnSync('python3', ['-m', 'py_compile', ...files], { encoding: 'utf8' });
  return r.status === 0 ? undefined : r.stderr;
}

const count = (findings: readonly Finding[], id: string) => findings.filter((f) => f.ruleId === id).length;

describe('automatic fixes on their fixtures', () => {
  it('has a fixture for every fix, and every fix belongs to a rule', () => {
    const ruleIds = new Set(ALL_RULES.map((r) => r.meta.id));
    const fixed = new Set(fixtures.flatMap((f) => [...marks(fs.readFileSync(path.join(dir, f), 'utf8')).fix.values()].map((m) => m.id)));
    for (const p of ALL_FIXES) {
      expect(ruleIds.has(p.ruleId), p.name).toBe(true);
      expect(fixed.has(p.ruleId), `no fixture for ${p.name}`).toBe(true);
    }
    expect(new Set(ALL_FIXES.map((p) => p.ruleId)).size).toBe(ALL_FIXES.length);
  });

  for (const name of fixtures) {
    describe(name, () => {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      const m = marks(text);
      // Only the rules the fixture is about: the fixes are what is tested here, and the other rules cost time.
      const ids = new Set([...[...m.fix.values()].map((x) => x.id), ...m.nofix.values()]);
      const rules = ALL_RULES.filter((r) => ids.has(r.meta.id));
      const analyze = (source: string) => analyzeWith(source, { rules });

      it('offers a fix exactly on the marked findings', async () => {
        const { findings } = await analyze(text);
        for (const [line, { id }] of m.fix) {
          const f = findings.find((x) => x.ruleId === id && x.location.startLine === line);
          expect(f, `${name}:${line} ${id} not found`).toBeDefined();
          expect(f?.fix?.edits?.length, `${name}:${line} ${id} has no fix`).toBeGreaterThan(0);
        }
        for (const [line, id] of m.nofix) {
          const f = findings.find((x) => x.ruleId === id && x.location.startLine === line);
          expect(f, `${name}:${line} ${id} not found`).toBeDefined();
          expect(f?.fix?.edits, `${name}:${line} ${id} should have no fix`).toBeUndefined();
        }
      });

      it.skipIf(!python)('each fix alone compiles and removes its finding', async () => {
        const { findings } = await analyze(text);
        const variants = [text];
        for (const f of findings.filter((x) => x.fix?.edits)) {
          const { text: after, applied } = applyFixes(text, [f.fix as Fix]);
          expect(applied).toHaveLength(1);
          variants.push(after);
          const again = await analyze(after);
          expect(count(again.findings, f.ruleId), `${name}:${f.location.startLine} ${f.ruleId} still reported`).toBe(count(findings, f.ruleId) - 1);
        }
        expect(compiles(variants, name)).toBeUndefined();
      });

      it.skipIf(!python)('all fixes together compile, leave only the unfixable findings and write the expected code', async () => {
        const { findings } = await analyze(text);
        const { text: after, applied, skipped } = applyFixes(text, findings.flatMap((f) => (f.fix?.edits ? [f.fix] : [])));
        expect(skipped).toEqual([]);
        expect(applied).toHaveLength(m.fix.size);
        expect(compiles([after], `all-${name}`)).toBeUndefined();
        const again = await analyze(after);
        for (const id of new Set([...m.fix.values()].map((x) => x.id))) {
          expect(count(again.findings, id), id).toBe([...m.nofix.values()].filter((x) => x === id).length);
        }
        for (const { expect: wanted } of m.fix.values()) if (wanted) expect(code(after)).toContain(wanted);
        // An import a fix needs is added once, however many fixes need it.
        const imports = code(after).split('\n').filter((l) => /^(?:import|from) /.test(l));
        expect(new Set(imports).size).toBe(imports.length);
      });
    });
  }
});
