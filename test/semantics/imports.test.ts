import { describe, expect, it } from 'vitest';
import { moduleNameFor } from '../../src/semantics/module.js';
import { callees, modelOf } from '../helpers/model.js';

describe('import resolution', () => {
  it('resolves every import form to qualified names', async () => {
    const m = await modelOf(
      [
        'import os', //                                   1
        'import os.path', //                              2
        'import xml.etree.ElementTree as ET', //          3
        'from subprocess import Popen as P, run', //      4
        'from hashlib import *', //                       5
        'os.system("x")', //                              6
        'os.path.join("a")', //                           7
        'ET.parse("f")', //                               8
        'P(["ls"])', //                                   9
        'run("x")', //                                    10
        'md5(b"")', //                                    11
        'eval("1")', //                                   12
        'unknown_function()', //                          13: unbound, so it can only come from the star import
      ].join('\n'),
    );
    expect(callees(m)).toEqual([
      '6: os.system',
      '7: os.path.join',
      '8: xml.etree.ElementTree.parse',
      '9: subprocess.Popen',
      '10: subprocess.run',
      '11: hashlib.md5',
      '12: eval',
      '13: hashlib.unknown_function',
    ]);
  });

  it('`import a.b` binds only `a`', async () => {
    const m = await modelOf('import a.b\na.b.c()\nb.c()\n');
    expect(callees(m)).toEqual(['2: a.b.c', '3: ?']);
  });

  it('resolves relative imports against the package', async () => {
    const mod = await modelOf('from . import util\nfrom .db import query as q\nfrom ..core import base\nutil.f()\nq()\nbase.g()\n', 'app/web/views.py');
    expect(callees(mod)).toEqual(['4: app.web.util.f', '5: app.web.db.query', '6: app.core.base.g']);
    const init = await modelOf('from .models import User\nUser()\n', 'app/__init__.py');
    expect(callees(init)).toEqual(['2: app.models.User']);
  });

  it('follows __import__ and importlib.import_module with literal names', async () => {
    const m = await modelOf(
      ['import importlib', 'sp = importlib.import_module("subprocess")', 'sp.call("x")', 'o = __import__("os.path")', 'o.system("y")', '__import__("pickle").loads(b"")', 'dyn = importlib.import_module(name)', 'dyn.run()'].join('\n'),
    );
    expect(callees(m)).toEqual([
      '2: importlib.import_module',
      '3: subprocess.call',
      '4: __import__',
      '5: os.system',
      '6: pickle.loads',
      '6: __import__',
      '7: importlib.import_module',
      '8: ?',
    ]);
  });

  it('resolves calls through constructors and factory return types', async () => {
    const m = await modelOf(
      [
        'import sqlite3, requests',
        'def handler(p, q):',
        '    conn = sqlite3.connect(p)',
        '    cur = conn.cursor()',
        '    cur.execute(q)',
        '    s = requests.Session()',
        '    s.get(q)',
        '    with sqlite3.connect(p) as c2:',
        '        c2.execute(q)',
      ].join('\n'),
    );
    expect(callees(m)).toContain('5: sqlite3.Cursor.execute');
    expect(callees(m)).toContain('7: requests.Session.get');
    expect(callees(m)).toContain('9: sqlite3.Connection.execute');
  });

  it('honours scopes: local rebinding, shadowing defs, annotations, self', async () => {
    const m = await modelOf(
      [
        'import subprocess',
        'from sqlite3 import Cursor',
        'def f(subprocess):', //            3: parameter shadows the module
        '    subprocess.run("x")',
        'def g(cur: Cursor):',
        '    cur.execute("q")', //          6
        'class Repo:',
        '    def __init__(self):',
        '        self.save()', //           9
        '    def save(self):',
        '        pass',
        'subprocess.run("y")', //           12
        'def eval(x): return x',
        'eval("z")', //                     14
      ].join('\n'),
    );
    expect(callees(m)).toEqual(['4: ?', '6: sqlite3.Cursor.execute', '9: pkg.mod.Repo.save', '12: subprocess.run', '14: pkg.mod.eval']);
  });

  it('uses the binding in force at the call: a later import does not leak backwards', async () => {
    const m = await modelOf('run("a")\nfrom subprocess import run\nrun("b")\nrun = print\nrun("c")\n');
    expect(callees(m)).toEqual(['1: ?', '3: subprocess.run', '5: print']);
  });

  it('maps paths to module names', () => {
    expect(moduleNameFor('pkg/sub/mod.py')).toBe('pkg.sub.mod');
    expect(moduleNameFor('pkg/__init__.py')).toBe('pkg');
    expect(moduleNameFor('script.pyw')).toBe('script');
  });
});

describe('bindings that hide constants', () => {
  it('loop, comprehension, except and match variables are not the constant bound before them', async () => {
    const { modelOf: build } = await import('../helpers/model.js');
    const src = [
      'name = "fixed"',
      'def f(names):',
      '    for name in names:',
      '        g(name)', // 4
      'def h(items):',
      '    return [g(name) for name in items]', // 6
      'def k():',
      '    try:',
      '        pass',
      '    except Exception as name:',
      '        g(name)', // 11
      'def m(v):',
      '    match v:',
      '        case [name]:',
      '            g(name)', // 15
      'g(name)', // 16: the module constant
    ].join('\n');
    const m = await build(src);
    const constantArgs = m.calls
      .filter((c) => c.callee === undefined && c.calleeNode.text === 'g')
      .map((c) => `${c.node.startPosition.row + 1}: ${m.constantString(c.args[0]) ?? '?'}`)
      .sort();
    expect(constantArgs).toEqual(['11: ?', '15: ?', '16: fixed', '4: ?', '6: ?']);
  });
});

describe('callsTo: the index rules use', () => {
  it('finds calls under their own name, through import aliases and assigned aliases, and nothing else', async () => {
    const { modelOf: build } = await import('../helpers/model.js');
    const m = await build(
      ['import subprocess as sp', 'from subprocess import Popen as P', 'launch = sp.Popen', 'sp.Popen("a")', 'P("b")', 'launch("c")', 'Popen("d")', 'other.Popen("e")'].join('\n'),
    );
    expect(m.callsTo('subprocess.Popen').map((c) => c.node.startPosition.row + 1)).toEqual([4, 5, 6]);
    expect(m.callsTo('subprocess.run')).toEqual([]);
  });
});

describe('line counting', () => {
  it('counts lines as splitting would, for every line ending, without splitting', async () => {
    const { modelOf: build } = await import('../helpers/model.js');
    for (const src of ['', 'a = 1', 'a = 1\n', 'a = 1\r\nb = 2\rc = 3\n\n', '\r\n\r\n']) {
      const counted = (await build(src)).lineCount;
      expect(counted).toBe(src.split(/\r\n|\r|\n/).length);
    }
  });
});
