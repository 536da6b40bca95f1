import { describe, expect, it } from 'vitest';
import { analyze } from '../helpers/analyze.js';

/** Inputs that once overflowed the stack or could: the analysis must finish with its findings intact. */
describe('pathological input', () => {
  it('self-referential bindings in class bodies and functions', async () => {
    const src = [
      'import subprocess',
      'codec = make()',
      'class Codec:',
      '    codec = codec',
      '    shell = shell',
      'def f(cmd):',
      '    flag = flag or True',
      '    y = y + cmd',
      '    subprocess.run(y, shell=flag)',
      '    return eval(y)',
    ].join('\n');
    const r = await analyze(src);
    expect(r.notices).toEqual([]);
    expect(r.findings.map((f) => `${f.location.startLine}:${f.ruleId}`)).toEqual(['1:K254', '9:K110', '10:K101']);
  });

  it('a very long concatenation and deep nesting', async () => {
    const chain = `x = ${Array.from({ length: 5000 }, (_, i) => `"p${i}"`).join(' + ')}\neval(x)\n`;
    const nested = `y = ${'('.repeat(300)}1${')'.repeat(300)}\neval(y)\n`;
    const r = await analyze(chain + nested);
    expect(r.findings.map((f) => f.location.startLine)).toEqual([2]);
  });
});
