import type { Node } from 'web-tree-sitter';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, calleeOf, constantTruth, truthyKeyword } from '../helpers.js';
import type { Rule } from '../types.js';
import { constantUses, isDefaultOfComparedLookup, isOverriddenDefault, keywordArguments } from './shared.js';

const NO_VERIFY = new Set(['ssl.CERT_NONE', 'ssl.VerifyMode.CERT_NONE', 'OpenSSL.SSL.VERIFY_NONE']);
const PATTERN = /\b(CERT_NONE|VERIFY_NONE)\b/g;
/** Values that turn verification on: a name first set to CERT_NONE and later to one of these is a default. */
const VERIFYING = /\b(CERT_REQUIRED|CERT_OPTIONAL|VERIFY_PEER)\b/;
/** `cert_reqs="CERT_NONE"` (urllib3's string form), found by text: the name is rare, so no call needs parsing. */
const CERT_REQS_STRING = /\bcert_reqs\s*=\s*[rbu]?["'](CERT_)?NONE["']/gi;

const AIOHTTP = [
  ...['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'ws_connect'].map((m) => `aiohttp.ClientSession.${m}`),
  'aiohttp.request',
  'aiohttp.TCPConnector',
  'aiohttp.connector.TCPConnector',
  'aiohttp.ws_connect',
];
const HTTPLIB2 = ['httplib2.Http'];
const TORNADO = ['tornado.httpclient.HTTPRequest', 'tornado.httpclient.AsyncHTTPClient.fetch', 'tornado.httpclient.HTTPClient.fetch', 'tornado.websocket.websocket_connect'];

const ADVICE = 'keep verification on and trust the issuing CA instead (cafile=/load_verify_locations())';

/** True when `obj` is a context made for the server side, where CERT_NONE only means "no client certificates". */
function isServerContext(obj: Node, model: ModuleModel): boolean {
  const v = boundValue(obj, model);
  if (v.type !== 'call') return false;
  const callee = calleeOf(v, model);
  const args = v.childForFieldName('arguments');
  const first = args?.namedChildren.find((c) => c !== null && c.type !== 'comment');
  const firstValue = first?.type === 'keyword_argument' ? first.childForFieldName('value') : first;
  const q = firstValue ? model.qualifiedName(firstValue) : undefined;
  if (callee === 'ssl.SSLContext') return q === 'ssl.PROTOCOL_TLS_SERVER';
  if (callee === 'ssl.create_default_context') return q === 'ssl.Purpose.CLIENT_AUTH';
  return false;
}

/** True when the call is made for the server side of a connection (`server_side=True`). */
function isServerSideCall(call: Node, model: ModuleModel): boolean {
  const args = call.childForFieldName('arguments');
  for (const a of args?.namedChildren ?? []) {
    if (a?.type !== 'keyword_argument' || a.childForFieldName('name')?.text !== 'server_side') continue;
    const v = a.childForFieldName('value');
    return !!v && constantTruth(v, model) === true;
  }
  return false;
}

/** `x` is literally `False` (not `None`, which means "the default" in aiohttp and tornado). */
function isFalse(node: Node | undefined, model: ModuleModel): boolean {
  if (!node) return false;
  return unparen(boundValue(node, model)).type !== 'none' && constantTruth(node, model) === false;
}

export const tlsCertCheckDisabled: Rule = {
  meta: {
    id: 'K405',
    name: 'tls-cert-check-disabled',
    summary: 'Certificate verification turned off: `CERT_NONE`, `VERIFY_NONE`, aiohttp `ssl=False`, and similar switches',
    severity: 'high',
    confidence: 'high',
    cwe: [295],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports client-side TLS connections told not to check the server\'s certificate (requests and httpx ' +
      '`verify=False` is `tls-verify-disabled`):\n\n' +
      '- `ctx.verify_mode = ssl.CERT_NONE`;\n' +
      '- `ssl.CERT_NONE` (or `ssl.VerifyMode.CERT_NONE`) passed to a call, typically `cert_reqs=ssl.CERT_NONE` ' +
      '(`ssl.wrap_socket`, urllib3\'s `PoolManager`, `HTTPSConnectionPool`), or stored under `"cert_reqs"` in ' +
      'an options dictionary (websocket-client\'s `sslopt`); urllib3\'s string form `cert_reqs="CERT_NONE"`;\n' +
      '- pyOpenSSL\'s `ctx.set_verify(SSL.VERIFY_NONE, ...)`;\n' +
      '- aiohttp: `ssl=False` or `verify_ssl=False` on `ClientSession` methods, `aiohttp.request` and ' +
      '`TCPConnector`;\n' +
      '- httplib2\'s `Http(disable_ssl_certificate_validation=True)` and Tornado\'s `validate_cert=False`;\n' +
      '- `CERT_NONE` assigned to a plain name (a setting, used later), at medium confidence.\n\n' +
      'Not reported: `self.verify_mode = ssl.CERT_NONE` (a class that implements a context, setting its ' +
      'initial state), server-side contexts (`SSLContext(PROTOCOL_TLS_SERVER)`, ' +
      '`create_default_context(Purpose.CLIENT_AUTH)`, `server_side=True`), where `CERT_NONE` only means that ' +
      'clients need no certificate; a choice made at run time (`ssl.CERT_NONE if insecure else ' +
      'ssl.CERT_REQUIRED`); comparisons with `CERT_NONE`, also `mode = options.get("cert_reqs", ssl.CERT_NONE)` when ' +
      '`mode` is then only compared (the code reads which mode its caller chose; passed on to a TLS call it is ' +
      'reported); a name set to `VERIFY_NONE` that the same function sets to `VERIFY_PEER` or `CERT_REQUIRED` ' +
      'when its caller asks (`if self.verify:`), the default of a choice left to the caller; aiohttp `ssl=None` (the default checks); and ' +
      '`ssl=False` on libraries where it means "no TLS" rather than "no verification" (database drivers).',
    why:
      'TLS without certificate verification still encrypts, but no longer proves who is at the other end. ' +
      'Anyone who can intercept the connection can present their own certificate, read everything sent, ' +
      'credentials included, and change responses. A switch added to get past a self-signed or internal ' +
      'certificate tends to reach production. Make the certificate verifiable instead: give the client the ' +
      'CA that issued it (`cafile=`, `load_verify_locations()`, aiohttp `ssl=ssl.create_default_context(cafile=...)`).',
    bad:
      'import ssl\n\n\n' +
      'def client_context() -> ssl.SSLContext:\n' +
      '    context = ssl.create_default_context()\n' +
      '    context.check_hostname = False\n' +
      '    context.verify_mode = ssl.CERT_NONE\n' +
      '    return context\n',
    good:
      'import ssl\n\n\n' +
      'def client_context() -> ssl.SSLContext:\n' +
      '    return ssl.create_default_context(cafile="/etc/ssl/certs/internal-ca.pem")\n',
    references: [
      'https://cwe.mitre.org/data/definitions/295.html',
      'https://docs.python.org/3/library/ssl.html#ssl.SSLContext.verify_mode',
      'https://docs.aiohttp.org/en/stable/client_advanced.html#ssl-control-for-tcp-sockets',
      'https://urllib3.readthedocs.io/en/stable/advanced-usage.html#certificate-verification',
    ],
  },
  textHint: /CERT_NONE|VERIFY_NONE|cert_reqs|ssl|validate_cert/,
  module(ctx) {
    const model = ctx.model;
    for (const kw of keywordArguments(model, CERT_REQS_STRING)) {
      const value = kw.childForFieldName('value');
      const s = value ? model.constantString(value) : undefined;
      const call = kw.parent?.parent;
      if (s === undefined || !['CERT_NONE', 'NONE'].includes(s.toUpperCase()) || call?.type !== 'call' || isServerSideCall(call, model)) continue;
      ctx.report({ node: call, message: `cert_reqs="${s}" turns certificate verification off; ${ADVICE}` });
    }
    if (!/CERT_NONE|VERIFY_NONE/.test(model.text)) return;
    for (const use of constantUses(model, PATTERN, NO_VERIFY)) {
      const c = use.context;
      const name = use.node.text;
      if (c.kind === 'argument') {
        if (isServerSideCall(c.call, model) || isDefaultOfComparedLookup(c.call)) continue;
        ctx.report({ node: c.call, message: `${name} turns certificate verification off: any server certificate is accepted; ${ADVICE}` });
      } else if (c.kind === 'assigned') {
        const t = unparen(c.target);
        if (t.type === 'attribute') {
          if (t.childForFieldName('attribute')?.text !== 'verify_mode') continue;
          const obj = t.childForFieldName('object');
          // `self.verify_mode = CERT_NONE` in a class of its own is the initial state of a context-like class.
          if (!obj || obj.text === 'self' || isServerContext(obj, model)) continue;
          ctx.report({ node: c.statement, message: `verify_mode = ${name} accepts any server certificate, so the connection can be intercepted; ${ADVICE}` });
        } else if (t.type === 'identifier') {
          if (isOverriddenDefault(t, c.statement, VERIFYING)) continue;
          ctx.report({ node: c.statement, message: `${t.text} = ${name}: a setting that turns certificate verification off wherever it is used; ${ADVICE}`, confidence: 'medium' });
        }
      } else {
        // `{"cert_reqs": ssl.CERT_NONE}` — an options dictionary for a TLS client (websocket-client's sslopt).
        const pair = use.node.parent;
        const key = pair?.type === 'pair' ? pair.childForFieldName('key') : null;
        if (pair?.childForFieldName('value')?.id === use.node.id && key && model.constantString(key) === 'cert_reqs') {
          ctx.report({ node: pair, message: `"cert_reqs": ${name} turns certificate verification off; ${ADVICE}` });
        }
      }
    }
  },
  callees: [...AIOHTTP, ...HTTPLIB2, ...TORNADO],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    if (callee.startsWith('aiohttp.')) {
      const kw = isFalse(call.keywords.get('ssl'), model) ? 'ssl' : isFalse(call.keywords.get('verify_ssl'), model) ? 'verify_ssl' : undefined;
      if (kw) ctx.report({ node: call.node, message: `aiohttp with ${kw}=False accepts any server certificate; ${ADVICE} (ssl=ssl.create_default_context(cafile=...))` });
    } else if (callee.startsWith('httplib2.')) {
      if (truthyKeyword(call, 'disable_ssl_certificate_validation', model)) {
        ctx.report({ node: call.node, message: `httplib2 with disable_ssl_certificate_validation=True accepts any server certificate; ${ADVICE} (ca_certs=...)` });
      }
    } else if (isFalse(argument(call, undefined, 'validate_cert'), model)) {
      ctx.report({ node: call.node, message: `validate_cert=False makes Tornado accept any server certificate; ${ADVICE} (ca_certs=...)` });
    }
  },
};
