import { describe, expect, it } from 'vitest';
import { modelOf, assignedValue } from '../helpers/model.js';

async function fold(source: string, name = 'x'): Promise<string | undefined> {
  const m = await modelOf(source);
  return m.constantString(assignedValue(m, name));
}

describe('constant folding', () => {
  it('folds literals, escapes, prefixes and implicit concatenation', async () => {
    expect(await fold('x = "a\\tb"')).toBe('a\tb');
    expect(await fold("x = r'a\\tb'")).toBe('a\\tb');
    expect(await fold('x = b"\\x41\\x42"')).toBe('AB');
    expect(await fold('x = "\\u00e9"')).toBe('é');
    expect(await fold('x = ("SELECT * "\n     "FROM t")')).toBe('SELECT * FROM t');
    expect(await fold('x = """multi\nline"""')).toBe('multi\nline');
  });

  it('folds + of constants and names bound to constants', async () => {
    expect(await fold('A = "ls "\nB = A + "-l"\nx = B + " /tmp"')).toBe('ls -l /tmp');
  });

  it('folds f-strings whose fields are constant, and only those', async () => {
    expect(await fold('N = "users"\nx = f"SELECT * FROM {N}"')).toBe('SELECT * FROM users');
    expect(await fold('x = f"{{literal}} braces"')).toBe('{literal} braces');
    expect(await fold('x = f"SELECT * FROM {table}"')).toBeUndefined();
    expect(await fold('N = "u"\nx = f"{N!r}"')).toBeUndefined();
  });

  it('does not fold what depends on input or flow', async () => {
    expect(await fold('x = "a" + y')).toBeUndefined();
    expect(await fold('x = "%s" % y')).toBeUndefined();
    expect(await fold('x = "{}".format(y)')).toBeUndefined();
    expect(await fold('x = input()')).toBeUndefined();
    // A name reassigned with an augmented assignment is no longer the constant it started as.
    expect(await fold('q = "a"\nq += y\nx = q')).toBeUndefined();
  });

  it('tells constant expressions from dynamic ones', async () => {
    const m = await modelOf('A = "x"\na = ["ls", "-l", A]\nb = ("ls", name)\nc = -1\nd = {"k": 1}\ne = {"k": v}\n');
    expect(m.isConstant(assignedValue(m, 'a'))).toBe(true);
    expect(m.isConstant(assignedValue(m, 'b'))).toBe(false);
    expect(m.isConstant(assignedValue(m, 'c'))).toBe(true);
    expect(m.isConstant(assignedValue(m, 'd'))).toBe(true);
    expect(m.isConstant(assignedValue(m, 'e'))).toBe(false);
  });
});

describe('constants and branches', () => {
  it('a value bound in another branch does not reach the use; one in the same or an enclosing block does', async () => {
    const m = await modelOf(
      [
        'def f(y, c):',
        '    if c == "0":',
        '        y = None',
        '    else:',
        '        g(y)', // 5: y may be the parameter
        '    z = "const"',
        '    if c:',
        '        g(z)', // 8: the enclosing block's constant
        '        w = "inner"',
        '        g(w)', // 10: same block
        '    g(w)', // 11: w only bound if c
        '    try:',
        '        import json',
        '    except ImportError:',
        '        import simplejson as json',
        '    json.loads(y)', // 16: imports keep their qualified name
      ].join('\n'),
    );
    const arg = (line: number) => {
      const c = m.calls.find((x) => x.node.startPosition.row + 1 === line);
      if (!c) throw new Error(`no call on ${line}`);
      return c;
    };
    expect(m.isConstant(arg(5).args[0])).toBe(false);
    expect(m.constantString(arg(8).args[0])).toBe('const');
    expect(m.constantString(arg(10).args[0])).toBe('inner');
    expect(m.isConstant(arg(11).args[0])).toBe(false);
    expect(arg(16).callee).toBe('simplejson.loads');
  });
});

describe('blocks that always run', () => {
  it('a value bound in a try or with body reaches the code after it', async () => {
    const m = await modelOf(['def f(p):', '    try:', '        a = "x"', '    except E:', '        pass', '    with p:', '        b = "y"', '    g(a)', '    g(b)'].join('\n'));
    const args = m.calls.filter((c) => c.calleeNode.text === 'g').map((c) => m.constantString(c.args[0]));
    expect(args).toEqual(['x', 'y']);
  });
});

describe('numeric folding', () => {
  it('folds only the operators the caller allows, with names and leaves', async () => {
    const m = await modelOf('K = 1 << 10\nx = K * 2\ny = 0o777 | 2\nz = ~0o022\nw = 3 / 2\nv = n + 1\n');
    const arith = new Set(['+', '-', '*', '//', '<<', '**']);
    expect(m.constantNumber(assignedValue(m, 'x'), arith)).toBe(2048);
    expect(m.constantNumber(assignedValue(m, 'y'), arith)).toBeUndefined();
    expect(m.constantNumber(assignedValue(m, 'y'), new Set(['|']))).toBe(0o777);
    expect(m.constantNumber(assignedValue(m, 'z'), new Set(['~']))).toBe(~0o022);
    expect(m.constantNumber(assignedValue(m, 'w'), new Set(['/']))).toBe(1.5);
    expect(m.constantNumber(assignedValue(m, 'v'), arith)).toBeUndefined();
    const leaf = (n: { type: string }) => (n.type === 'identifier' ? 7 : null);
    expect(m.constantNumber(assignedValue(m, 'v'), arith, leaf)).toBe(8);
  });
});
