import { argument } from '../../semantics/model.js';
import { constantTruth } from '../helpers.js';
import type { Rule } from '../types.js';

const ADVICE = 'use ssl.create_default_context().wrap_socket(sock, server_hostname=host)';

export const sslWrapSocket: Rule = {
  meta: {
    id: 'K403',
    name: 'ssl-wrap-socket',
    summary: '`ssl.wrap_socket()`, removed in Python 3.12, which by default checks neither certificate nor host name',
    severity: 'medium',
    confidence: 'high',
    cwe: [295],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B504'], ruff: ['S504'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports calls to the module-level `ssl.wrap_socket()` on the client side:\n\n' +
      '- without `cert_reqs` (the default is `CERT_NONE`: no certificate check at all), at medium severity;\n' +
      '- with `cert_reqs` set to something else, at low severity: the certificate is checked but the host ' +
      'name never is, and the function is gone from Python 3.12.\n\n' +
      'Not reported: `cert_reqs=ssl.CERT_NONE` (that is `tls-cert-check-disabled`, one finding is enough), ' +
      '`server_side=True` (a server does not verify clients unless it asks for client certificates), and ' +
      '`SSLContext.wrap_socket()`, the replacement. Bandit\'s B504 reports the call when it lacks ' +
      '`ssl_version`; the protocol default has long been a negotiated one, so the real problem is the ' +
      'missing verification, which is what this rule says.',
    why:
      '`ssl.wrap_socket()` predates `SSLContext`. It builds a throw-away context that, unless told ' +
      'otherwise, accepts any certificate, and it has no way to check that the certificate belongs to the ' +
      'host being contacted, so anyone who can intercept the connection can impersonate the server. It was ' +
      'deprecated in Python 3.7 and removed in 3.12, so the code also breaks on upgrade. A context from ' +
      '`ssl.create_default_context()` verifies both, and `server_hostname` names the host to check.',
    bad:
      'import socket\nimport ssl\n\n\n' +
      'def connect(host: str) -> ssl.SSLSocket:\n' +
      '    return ssl.wrap_socket(socket.create_connection((host, 443)))\n',
    good:
      'import socket\nimport ssl\n\n\n' +
      'def connect(host: str) -> ssl.SSLSocket:\n' +
      '    context = ssl.create_default_context()\n' +
      '    return context.wrap_socket(socket.create_connection((host, 443)), server_hostname=host)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/295.html',
      'https://docs.python.org/3.11/library/ssl.html#ssl.wrap_socket',
      'https://docs.python.org/3/whatsnew/3.12.html#ssl',
    ],
  },
  callees: ['ssl.wrap_socket'],
  call(call, ctx) {
    const serverSide = argument(call, 3, 'server_side');
    if (serverSide && constantTruth(serverSide, ctx.model) === true) return;
    if (call.hasStarKwargs) return;
    const certReqs = argument(call, 4, 'cert_reqs');
    if (!certReqs) {
      ctx.report({
        node: call.node,
        message: `ssl.wrap_socket() without cert_reqs accepts any certificate (CERT_NONE) and never checks the host name, and it is removed in Python 3.12; ${ADVICE}`,
      });
      return;
    }
    const q = ctx.model.qualifiedName(certReqs);
    if (q === 'ssl.CERT_NONE' || q === 'ssl.VerifyMode.CERT_NONE') return;
    ctx.report({
      node: call.node,
      message: `ssl.wrap_socket() never checks that the certificate matches the host name, and it is removed in Python 3.12; ${ADVICE}`,
      severity: 'low',
    });
  },
};
