import { describe, expect, it } from 'vitest';
import { compareAnnotations, parseAnnotations } from './annotations.js';

describe('fixture annotations', () => {
  const src = ['a = 1', 'eval(x)  # expect: K101', 'eval("1")  # ok: K101', 'f(y)  # expect: K101, K102', 'eval(z)  # krait: ignore  # ok: K101'].join('\n');
  const exp = parseAnnotations(src);

  it('parses expect and ok lines, several ids per line, next to other comments', () => {
    expect([...exp.expected].sort()).toEqual(['2:K101', '4:K101', '4:K102']);
    expect([...exp.okLines].sort()).toEqual(['3:K101', '5:K101']);
  });

  it('reports a miss, an unexpected finding and a finding on an ok line', () => {
    expect(compareAnnotations(['2:K101', '4:K101', '4:K102'], exp)).toEqual([]);
    expect(compareAnnotations(['2:K101', '4:K101'], exp)).toEqual(['missing 4:K102']);
    expect(compareAnnotations(['1:K101', '2:K101', '4:K101', '4:K102'], exp)).toEqual(['unexpected 1:K101']);
    expect(compareAnnotations(['2:K101', '3:K101', '4:K101', '4:K102'], exp)).toEqual(['false positive on an ok line 3:K101']);
  });
});
