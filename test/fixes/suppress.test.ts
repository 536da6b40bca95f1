import { describe, expect, it } from 'vitest';
import { suppressionChange } from '../../src/fixes/suppress.js';
import { analyze } from '../helpers/analyze.js';
import { ALL_RULES } from '../../src/rules/registry.js';

const K201 = ALL_RULES.filter((r) => r.meta.id === 'K201' || r.meta.id === 'K101');

/** Inserts the suppression the editor would offer for the first finding of `id`, and re-analyses. */
async function suppress(source: string, id: string): Promise<{ text: string; left: string[] }> {
  const before = await analyze(source, { rules: K201 });
  const f = before.findings.find((x) => x.ruleId === id);
  if (!f) throw new Error(`no ${id} finding`);
  const change = await suppressionChange(source, f.location, id);
  if (!change) return { text: source, left: [] };
  const text = source.slice(0, change.start) + change.text + source.slice(change.end);
  const after = await analyze(text, { rules: K201 });
  return { text, left: after.findings.filter((x) => !x.suppression).map((x) => `${x.location.startLine}:${x.ruleId}`) };
}

describe('"suppress on this line" placement', () => {
  it('appends to the finding\'s line', async () => {
    const r = await suppress('import yaml\nyaml.load(s)\n', 'K201');
    expect(r.text).toBe('import yaml\nyaml.load(s)  # krait: ignore[K201]\n');
    expect(r.left).toEqual([]);
  });

  it('skips rows that end inside a multi-line string or after a backslash', async () => {
    const source = 'import yaml\nx = yaml.load("""\na: 1\n""") + \\\n    1\n';
    const r = await suppress(source, 'K201');
    expect(r.text).toBe('import yaml\nx = yaml.load("""\na: 1\n""") + \\\n    1  # krait: ignore[K201]\n');
    expect(r.left).toEqual([]);
  });

  it('adds the id to an existing krait comment, and keeps another comment', async () => {
    const one = await suppress('import yaml\ny = eval(yaml.load(s))  # krait: ignore[K101]\n', 'K201');
    expect(one.text).toBe('import yaml\ny = eval(yaml.load(s))  # krait: ignore[K101, K201]\n');
    expect(one.left).toEqual([]);
    const two = await suppress('import yaml\ny = yaml.load(s)  # the loader is fixed below\n', 'K201');
    expect(two.text).toBe('import yaml\ny = yaml.load(s)  # the loader is fixed below  # krait: ignore[K201]\n');
    expect(two.left).toEqual([]);
  });

  it('uses the statement\'s header, not a compound statement\'s body', async () => {
    const source = 'import yaml\nif yaml.load(s):\n    pass\n';
    const r = await suppress(source, 'K201');
    expect(r.text).toBe('import yaml\nif yaml.load(s):  # krait: ignore[K201]\n    pass\n');
    expect(r.left).toEqual([]);
  });
});
