import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import type { Assignment } from '../../semantics/model.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, calleeOf, constantTruth, mayContainWord } from '../helpers.js';
import type { Rule } from '../types.js';
import { guardedBy } from './shared.js';

const NO_VERIFY = new Set(['ssl.CERT_NONE', 'ssl.VerifyMode.CERT_NONE']);
const MATCH_HOSTNAME = new Set(['ssl.match_hostname', 'urllib3.connection.match_hostname', 'urllib3.util.ssl_match_hostname.match_hostname']);
const ADVICE = 'leave check_hostname on and connect with server_hostname= set to the name in the certificate';

function compact(node: Node): string {
  return node.text.replace(/\s+/g, '');
}

/** True when the same scope also sets `<obj>.verify_mode = CERT_NONE`: that finding says more, and it is reported. */
function alsoVerifyNone(assignment: Assignment, obj: Node, model: ModuleModel): boolean {
  const name = compact(obj);
  return model.assignments.some((a) => {
    if (a.scope !== assignment.scope || !a.value) return false;
    const q = model.qualifiedName(a.value);
    if (!q || !NO_VERIFY.has(q)) return false;
    return a.targets.some((t) => {
      const tt = unparen(t);
      const o = tt.type === 'attribute' ? tt.childForFieldName('object') : null;
      return tt.childForFieldName('attribute')?.text === 'verify_mode' && !!o && compact(o) === name;
    });
  });
}

function isServerContext(obj: Node, model: ModuleModel): boolean {
  const v = boundValue(obj, model);
  if (v.type !== 'call') return false;
  const callee = calleeOf(v, model);
  const first = v.childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'comment');
  const value = first?.type === 'keyword_argument' ? first.childForFieldName('value') : first;
  const q = value ? model.qualifiedName(value) : undefined;
  return (callee === 'ssl.SSLContext' && q === 'ssl.PROTOCOL_TLS_SERVER') || (callee === 'ssl.create_default_context' && q === 'ssl.Purpose.CLIENT_AUTH');
}

export const tlsHostnameCheckDisabled: Rule = {
  meta: {
    id: 'K406',
    name: 'tls-hostname-check-disabled',
    summary: 'TLS host name verification turned off (`check_hostname = False`, urllib3 `assert_hostname=False`)',
    severity: 'high',
    confidence: 'high',
    cwe: [297, 295],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports code that keeps checking certificates but stops checking that they belong to the host:\n\n' +
      '- `ctx.check_hostname = False` (on an `SSLContext`, or any object: the attribute name is specific ' +
      'enough);\n' +
      '- urllib3\'s `assert_hostname=False` (`PoolManager`, `HTTPSConnectionPool`, `connection_from_url`);\n' +
      '- replacing `ssl.match_hostname` (or urllib3\'s copy) with a function of one\'s own.\n\n' +
      'Not reported: `check_hostname = False` in a branch taken when there is no host name to check ' +
      '(`if not server_hostname:`), `check_hostname = False` when the same code also sets `verify_mode = ssl.CERT_NONE` on ' +
      'that context (Python requires the first before the second; `tls-cert-check-disabled` reports the ' +
      'pair once), or in a branch taken only when the verify mode already is `CERT_NONE` (`if ' +
      'options["cert_reqs"] == ssl.CERT_NONE:`, the same requirement), `self.check_hostname = False` (a class implementing a context, setting its initial ' +
      'state), server-side contexts (a server has no host name to check), and values read from ' +
      'configuration.',
    why:
      'A certificate proves only that a CA vouched for some name. Without the host name check, any valid ' +
      'certificate for any domain — one an attacker obtains for their own site in minutes — is accepted ' +
      'for your server, so interception works as well as with no verification at all. If the server is ' +
      'reached by an address that is not in its certificate, connect with `server_hostname=` set to the ' +
      'name that is, or reissue the certificate with the right subject alternative names.',
    bad:
      'import ssl\n\n\n' +
      'def internal_context() -> ssl.SSLContext:\n' +
      '    context = ssl.create_default_context(cafile="/etc/ssl/certs/internal-ca.pem")\n' +
      '    context.check_hostname = False\n' +
      '    return context\n',
    good:
      'import ssl\n\n\n' +
      'def internal_context() -> ssl.SSLContext:\n' +
      '    return ssl.create_default_context(cafile="/etc/ssl/certs/internal-ca.pem")\n',
    references: [
      'https://cwe.mitre.org/data/definitions/297.html',
      'https://docs.python.org/3/library/ssl.html#ssl.SSLContext.check_hostname',
      'https://www.rfc-editor.org/rfc/rfc6125',
    ],
  },
  textHint: /check_hostname|assert_hostname|match_hostname/,
  call(call, ctx) {
    // Only a call whose text has `assert_hostname` in it can pass `assert_hostname=`: the others are not resolved.
    if (!mayContainWord(ctx.model, call.node, 'assert_hostname')) return;
    if (!call.callee?.startsWith('urllib3.')) return;
    const v = call.keywords.get('assert_hostname');
    if (!v || unparen(boundValue(v, ctx.model)).type === 'none' || constantTruth(v, ctx.model) !== false) return;
    ctx.report({ node: call.node, message: `assert_hostname=False accepts a valid certificate for any host name; ${ADVICE}` });
  },
  assignment(assignment, ctx) {
    const model = ctx.model;
    for (const target of assignment.targets) {
      const t = unparen(target);
      if (t.type !== 'attribute') continue;
      const q = model.qualifiedName(t);
      if (q && MATCH_HOSTNAME.has(q)) {
        ctx.report({ node: assignment.node, message: `replacing ${q} changes host name checking for every TLS client in the process; ${ADVICE}` });
        return;
      }
      if (t.childForFieldName('attribute')?.text !== 'check_hostname' || !assignment.value) continue;
      if (unparen(boundValue(assignment.value, model)).type === 'none' || constantTruth(assignment.value, model) !== false) continue;
      const obj = t.childForFieldName('object');
      // `self.check_hostname = False` in a class of its own is the initial state of a context-like class.
      if (!obj || obj.text === 'self' || alsoVerifyNone(assignment, obj, model) || isServerContext(obj, model)) continue;
      // `if not server_hostname: ctx.check_hostname = False`: no name to check, so nothing is given up.
      if (guardedBy(assignment.node, /hostname|server_name|\bsni\b/i)) continue;
      // `if options["cert_reqs"] == ssl.CERT_NONE: ctx.check_hostname = False`: verification is already off by
      // the tested choice, and Python refuses CERT_NONE while the host name check is on.
      if (guardedBy(assignment.node, /==\s*(?:ssl\.)?(?:VerifyMode\.)?CERT_NONE\b/)) continue;
      const type = model.instanceType(obj);
      ctx.report({
        node: assignment.node,
        message: `${compact(t)} = False accepts a valid certificate issued for any other host; ${ADVICE}`,
        confidence: type === undefined || type === 'ssl.SSLContext' ? 'high' : 'medium',
      });
    }
  },
};
