import { calleeOf } from '../helpers.js';
import type { Rule } from '../types.js';

/** Calls that create their path exclusively, failing when it exists: a name from mktemp() is then only a DoS risk. */
const EXCLUSIVE_CREATORS = new Set(['os.mkfifo', 'os.mkdir', 'os.makedirs', 'os.mknod']);

export const tempfileMktemp: Rule = {
  meta: {
    id: 'K912',
    name: 'tempfile-mktemp',
    summary: '`tempfile.mktemp()` returns a name that another process can take before the file is created',
    severity: 'medium',
    confidence: 'high',
    cwe: [377],
    owasp: 'A01:2021-Broken Access Control',
    sources: { bandit: ['B306'], ruff: ['S306'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports calls to `tempfile.mktemp()` (however it is imported). When its result is passed straight to ' +
      'a call that creates the path exclusively and fails if it exists (`os.mkfifo`, `os.mkdir`, `os.mknod`), ' +
      'the finding has low confidence: the race can then only make the call fail.',
    why:
      '`mktemp()` only invents a name that does not exist yet; the file is created later by whoever opens it. ' +
      'Between the two, another local process can create that path, or a symlink with that name, and the ' +
      'program then writes into a file the attacker controls or overwrites the target of the link. The ' +
      'function has been deprecated since Python 2.3 for this reason. `mkstemp()`, `NamedTemporaryFile()` and ' +
      '`TemporaryDirectory()`/`mkdtemp()` create the file or directory atomically, with private permissions.',
    bad:
      'import tempfile\n\n\n' +
      'def write_scratch(data: bytes) -> str:\n' +
      '    path = tempfile.mktemp(suffix=".bin")\n' +
      '    with open(path, "wb") as fh:\n' +
      '        fh.write(data)\n' +
      '    return path\n',
    good:
      'import tempfile\n\n\n' +
      'def write_scratch(data: bytes) -> str:\n' +
      '    with tempfile.NamedTemporaryFile("wb", suffix=".bin", delete=False) as fh:\n' +
      '        fh.write(data)\n' +
      '        return fh.name\n',
    references: [
      'https://cwe.mitre.org/data/definitions/377.html',
      'https://docs.python.org/3/library/tempfile.html#tempfile.mktemp',
    ],
  },
  textHint: /mktemp/,
  callees: ['tempfile.mktemp'],
  call(call, ctx) {
    const list = call.node.parent;
    const outer = list?.type === 'argument_list' ? list.parent : null;
    const creator = outer?.type === 'call' ? calleeOf(outer, ctx.model) : undefined;
    const exclusive = creator !== undefined && EXCLUSIVE_CREATORS.has(creator);
    ctx.report({
      node: call.node,
      message: exclusive
        ? `tempfile.mktemp() only picks a name; ${creator}() fails if someone created it first, so the race is a denial of service at worst, but tempfile.mkdtemp() avoids it`
        : 'tempfile.mktemp() only picks a name: another process can create that path (or a symlink) before this one opens it; use tempfile.mkstemp(), NamedTemporaryFile() or mkdtemp()',
      confidence: exclusive ? 'low' : 'high',
    });
  },
};
