import { constantTruth } from '../helpers.js';
import type { Rule } from '../types.js';
import { argumentOf, dataOrigin, loadsCallersData, writesOwnStore } from './shared.js';

const WRITERS: ReadonlySet<string> = new Set(['marshal.dump', 'marshal.dumps']);

const ADVICE = 'read only data this program wrote itself, or use a data format meant for exchange (JSON)';

export const marshalLoad: Rule = {
  meta: {
    id: 'K203',
    name: 'marshal-load',
    summary: '`marshal.load()`/`marshal.loads()` on data that may come from outside the program',
    severity: 'medium',
    confidence: 'medium',
    cwe: [502],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: { bandit: ['B302'], ruff: ['S302'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `marshal.load(file)` and `marshal.loads(data)`. When the input is a file at a path fixed by the ' +
      'source (a constant, or a path built from `__file__`), or when the module also writes with `marshal.dump`/' +
      '`dumps` (a bytecode cache it reads back, not a parameter passed straight in), the finding drops to low severity and low ' +
      'confidence. Not reported: bytes written literally in the source, `allow_code=False` (Python 3.13+, which ' +
      'refuses code objects), and `marshal.dump`/`dumps`.',
    why:
      '`marshal` is the format of `.pyc` files: it rebuilds code objects as well as data, and the Python ' +
      'documentation warns that it is not hardened against malformed or malicious input (crafted data has ' +
      'crashed the interpreter). A code object read from an attacker is one `exec()` away from running, ' +
      'and the format changes between Python versions, so it is unfit for data exchanged with anyone ' +
      'else. Use JSON or another data-only format for anything that crosses a trust boundary.',
    bad: 'import marshal\n\n\ndef receive(sock):\n    return marshal.loads(sock.recv(65536))\n',
    good: 'import json\n\n\ndef receive(sock):\n    return json.loads(sock.recv(65536))\n',
    references: [
      'https://cwe.mitre.org/data/definitions/502.html',
      'https://docs.python.org/3/library/marshal.html',
    ],
  },
  callees: ['marshal.load', 'marshal.loads'],
  call(call, ctx) {
    const callee = call.callee ?? '';
    const fromFile = callee === 'marshal.load';
    const input = argumentOf(call, 0, fromFile ? ['file'] : ['bytes', 'data']);
    if (!input) return;
    // Python 3.13's allow_code=False refuses code objects: what is left is plain data.
    const allowCode = call.keywords.get('allow_code');
    if (allowCode && constantTruth(allowCode, ctx.model) === false) return;
    const origin = dataOrigin(input, ctx.model);
    if (origin === 'constant' && !fromFile) return;
    if (origin !== 'unknown' || (writesOwnStore(ctx.model, WRITERS) && !loadsCallersData(input, ctx.model))) {
      ctx.report({
        node: call.node,
        message: `${callee}() reads ${origin !== 'unknown' ? 'a file at a fixed path' : 'back what this module writes with marshal (a cache of its own)'}; marshal is not safe against crafted data, so make sure nobody else can write that file`,
        severity: 'low',
        confidence: 'low',
      });
      return;
    }
    ctx.report({ node: call.node, message: `${callee}() is not safe against crafted data and rebuilds code objects; ${ADVICE}` });
  },
};
