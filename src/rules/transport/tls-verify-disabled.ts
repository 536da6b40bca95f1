import type { Node } from 'web-tree-sitter';
import { unparen } from '../../syntax/nodes.js';
import { attributeName, boundValue, constantTruth, excerpt } from '../helpers.js';
import type { Rule } from '../types.js';

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];
const SESSION_TYPES = ['requests.Session', 'requests.sessions.Session'];

/** Callables that take `verify=`: module-level helpers, session methods, httpx clients and transports. */
const TAKES_VERIFY: readonly string[] = [
  ...HTTP_METHODS.flatMap((m) => [`requests.${m}`, `requests.api.${m}`]),
  ...SESSION_TYPES.flatMap((t) => [...HTTP_METHODS, 'send'].map((m) => `${t}.${m}`)),
  ...[...HTTP_METHODS, 'stream'].map((m) => `httpx.${m}`),
  'httpx.Client',
  'httpx.AsyncClient',
  'httpx.HTTPTransport',
  'httpx.AsyncHTTPTransport',
];

const ADVICE = 'anyone on the network path can read and alter the traffic; keep verification on (pass a CA bundle path for a private CA)';

export const tlsVerifyDisabled: Rule = {
  meta: {
    id: 'K401',
    name: 'tls-verify-disabled',
    summary: 'TLS certificate verification turned off for `requests` or `httpx` (`verify=False`)',
    severity: 'high',
    confidence: 'high',
    cwe: [295],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B501'], ruff: ['S501'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `verify=` with a literally false value (`False`, `0`, `""`, also through a constant name) on:\n\n' +
      '- `requests.get`/`post`/`put`/`patch`/`delete`/`head`/`options`/`request`;\n' +
      '- the same methods and `send` on a `requests.Session` (or `requests.session()`), and the assignment ' +
      '`session.verify = False`;\n' +
      '- `httpx.get`/…/`request`/`stream`, and `httpx.Client`, `httpx.AsyncClient`, `httpx.HTTPTransport` ' +
      'and `httpx.AsyncHTTPTransport`.\n\n' +
      'Not reported: `verify=True`, a CA bundle path, an `ssl.SSLContext`, `verify=None` (in `requests` it ' +
      'means "use the session\'s setting", not "off"), a value read from settings or the environment (its ' +
      'value is unknown), and `.get(verify=False)` on objects that are not HTTP clients.',
    why:
      'Without certificate verification, TLS still encrypts but no longer proves who is at the other end. ' +
      'Anyone who can intercept the connection (public Wi-Fi, a compromised router, a malicious proxy, DNS ' +
      'spoofing) can present their own certificate, read credentials and tokens, and change responses. ' +
      '`verify=False` added "for now" to get past a self-signed certificate tends to stay. Point `verify` ' +
      'at the CA bundle that signed the server\'s certificate instead.',
    bad: 'import requests\n\n\ndef fetch_report(url: str) -> bytes:\n    return requests.get(url, verify=False, timeout=10).content\n',
    good:
      'import requests\n\n\n' +
      'def fetch_report(url: str) -> bytes:\n' +
      '    return requests.get(url, verify="/etc/ssl/certs/internal-ca.pem", timeout=10).content\n',
    references: [
      'https://cwe.mitre.org/data/definitions/295.html',
      'https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification',
      'https://www.python-httpx.org/advanced/ssl/',
    ],
  },
  textHint: /verify/,
  callees: [...TAKES_VERIFY],
  call(call, ctx) {
    const verify = call.keywords.get('verify');
    if (!verify || unparen(boundValue(verify, ctx.model)).type === 'none') return;
    if (constantTruth(verify, ctx.model) !== false) return;
    ctx.report({ node: call.node, message: `${call.callee}() with verify=False does not check the server's certificate, so ${ADVICE}` });
  },
  assignment(assignment, ctx) {
    const model = ctx.model;
    // Only an attribute target can be reported: plain names (most assignments) are skipped first.
    if (!assignment.value || assignment.targets.every((t) => t.type === 'identifier')) return;
    const value = boundValue(assignment.value, model);
    if (value.type === 'none' || constantTruth(assignment.value, model) !== false) return;
    const isSession = (obj: Node) => SESSION_TYPES.includes(model.instanceType(obj) ?? '');
    const target = assignment.targets.find((t) => attributeName(t, isSession) === 'verify');
    if (!target) return;
    ctx.report({
      node: assignment.node,
      message: `${excerpt(target)} = False turns off certificate checks for every request of the session: ${ADVICE}`,
    });
  },
};
