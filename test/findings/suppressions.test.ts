import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/registry.js';
import type { Rule } from '../../src/rules/types.js';
import { analyze } from '../helpers/analyze.js';

const evalRule = findRule('K101') as Rule;

async function suppressionOf(source: string) {
  const r = await analyze(source, { rules: [evalRule] });
  expect(r.findings).toHaveLength(1);
  return r.findings[0].suppression;
}

describe('suppression comments', () => {
  it('krait: ignore, blanket and by id or name', async () => {
    expect(await suppressionOf('eval(x)  # krait: ignore\n')).toEqual({ kind: 'krait', line: 1, ids: [] });
    expect(await suppressionOf('eval(x)  # krait: ignore[K101]\n')).toEqual({ kind: 'krait', line: 1, ids: ['K101'] });
    expect(await suppressionOf('eval(x)  # krait: ignore[K999, eval-dynamic]\n')).toMatchObject({ kind: 'krait' });
    expect(await suppressionOf('eval(x)  # krait: ignore[K102]\n')).toBeUndefined();
  });

  it("Bandit's nosec, blanket and by Bandit id through the rule's sources", async () => {
    expect(await suppressionOf('eval(x)  # nosec\n')).toEqual({ kind: 'nosec', line: 1, ids: [] });
    expect(await suppressionOf('eval(x)  # nosec B307\n')).toEqual({ kind: 'nosec', line: 1, ids: ['B307'] });
    expect(await suppressionOf('eval(x)  # nosec: B602, B307\n')).toMatchObject({ kind: 'nosec', ids: ['B602', 'B307'] });
    expect(await suppressionOf('eval(x)  # nosec B602\n')).toBeUndefined();
  });

  it("Ruff's noqa by Ruff id; a bare noqa does not hide a security finding", async () => {
    expect(await suppressionOf('eval(x)  # noqa: S307\n')).toEqual({ kind: 'noqa', line: 1, ids: ['S307'] });
    expect(await suppressionOf('eval(x)  # noqa: E501, S307\n')).toMatchObject({ kind: 'noqa' });
    expect(await suppressionOf('eval(x)  # noqa\n')).toBeUndefined();
    expect(await suppressionOf('eval(x)  # noqa: E501\n')).toBeUndefined();
  });

  it('applies on any line of a multi-line statement', async () => {
    const first = 'y = eval(  # krait: ignore\n    x,\n)\n';
    const middle = 'y = eval(\n    x,  # nosec B307\n)\n';
    const last = 'y = eval(\n    x,\n)  # noqa: S307\n';
    expect(await suppressionOf(first)).toMatchObject({ kind: 'krait', line: 1 });
    expect(await suppressionOf(middle)).toMatchObject({ kind: 'nosec', line: 2 });
    expect(await suppressionOf(last)).toMatchObject({ kind: 'noqa', line: 3 });
  });

  it('a statement that starts on an earlier line is covered from its first line', async () => {
    expect(await suppressionOf('result = compute(  # krait: ignore[K101]\n    eval(x),\n)\n')).toMatchObject({ kind: 'krait', line: 1 });
  });

  it('does not leak from a comment inside a compound statement body or the next statement', async () => {
    expect(await suppressionOf('if eval(x):\n    pass  # krait: ignore\n')).toBeUndefined();
    expect(await suppressionOf('eval(x)\ny = 1  # krait: ignore\n')).toBeUndefined();
    expect(await suppressionOf('# krait: ignore\neval(x)\n')).toBeUndefined();
  });

  it('ignores the words inside a string literal', async () => {
    expect(await suppressionOf('eval(x + "# krait: ignore")\n')).toBeUndefined();
    expect(await suppressionOf('eval(x + "# nosec")\n')).toBeUndefined();
  });
});
