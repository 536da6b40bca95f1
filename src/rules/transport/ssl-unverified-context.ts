import type { Rule } from '../types.js';

const UNVERIFIED = ['ssl._create_unverified_context', 'ssl._create_stdlib_context'];
const DEFAULT_HTTPS_CONTEXT = 'ssl._create_default_https_context';

export const sslUnverifiedContext: Rule = {
  meta: {
    id: 'K404',
    name: 'ssl-unverified-context',
    summary: 'A TLS context that skips certificate checks (`ssl._create_unverified_context`), or made the global default',
    severity: 'high',
    confidence: 'high',
    cwe: [295],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B323'], ruff: ['S323'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports:\n\n' +
      '- calls to `ssl._create_unverified_context()` and its alias `ssl._create_stdlib_context()`, which ' +
      'return a context with `verify_mode = CERT_NONE` and `check_hostname = False` (as in ' +
      '`urlopen(url, context=ssl._create_unverified_context())`);\n' +
      '- the assignment `ssl._create_default_https_context = ...`, which replaces the context used by ' +
      '`urllib`, `http.client` and everything built on them, for the whole process — usually with the ' +
      'unverified one, to silence a certificate error.\n\n' +
      'Not reported: `ssl.create_default_context()` (public, verifying) and contexts built for a server.',
    why:
      'A context that does not verify certificates accepts any server that answers: anyone on the network ' +
      'path (a hostile Wi-Fi, a compromised router, a DNS spoof) can present their own certificate, read ' +
      'the traffic, including credentials, and change responses. The leading underscore says these ' +
      'functions are not a public API; they exist for backwards compatibility. Monkey-patching ' +
      '`_create_default_https_context` is worse: it turns verification off for every library in the process, ' +
      'including ones that never asked. Fix the certificate problem instead: install the missing CA, or ' +
      'point `cafile=` at it.',
    bad:
      'import ssl\nimport urllib.request\n\n\n' +
      'def fetch(url: str) -> bytes:\n' +
      '    with urllib.request.urlopen(url, context=ssl._create_unverified_context()) as response:\n' +
      '        return response.read()\n',
    good:
      'import ssl\nimport urllib.request\n\n\n' +
      'def fetch(url: str) -> bytes:\n' +
      '    context = ssl.create_default_context(cafile="/etc/ssl/certs/internal-ca.pem")\n' +
      '    with urllib.request.urlopen(url, context=context) as response:\n' +
      '        return response.read()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/295.html',
      'https://peps.python.org/pep-0476/',
      'https://docs.python.org/3/library/ssl.html#ssl-security',
    ],
  },
  textHint: /_create_unverified_context|_create_stdlib_context|_create_default_https_context/,
  callees: UNVERIFIED,
  call(call, ctx) {
    ctx.report({
      node: call.node,
      message: `${call.callee}() makes a context that accepts any certificate for any host; use ssl.create_default_context() (with cafile= for a private CA)`,
    });
  },
  assignment(assignment, ctx) {
    const target = assignment.targets.find((t) => ctx.model.qualifiedName(t) === DEFAULT_HTTPS_CONTEXT);
    if (!target) return;
    const value = assignment.value ? ctx.model.qualifiedName(assignment.value) : undefined;
    if (value === 'ssl.create_default_context') return;
    ctx.report({
      node: assignment.node,
      message: `replacing ssl._create_default_https_context${value && UNVERIFIED.includes(value) ? ' with the unverified context' : ''} changes certificate checking for every HTTPS client in the process; fix the trust store instead`,
    });
  },
};
