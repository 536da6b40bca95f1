import { argument } from '../../semantics/model.js';
import type { Rule } from '../types.js';
import { HTTP_CONNECTIONS, URL_CALLS } from './http-targets.js';
import { constantPrefix, isLocalHost, urlHost } from './shared.js';

const CLEARTEXT = new Set(['http', 'ws']);

export const cleartextHttpUrl: Rule = {
  meta: {
    id: 'K414',
    name: 'cleartext-http-url',
    summary: 'A request to a remote host over plain `http://` (or `ws://`), readable and modifiable in transit',
    severity: 'medium',
    confidence: 'high',
    cwe: [319],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a constant `http://` or `ws://` URL — or a URL built on a constant `http://host/` beginning ' +
      '(`f"http://api.example.org/users/{uid}"`) — used as the target of a request: `requests` and ' +
      '`httpx` functions and session/client methods (and `base_url=`), `aiohttp` sessions, `urllib.request` ' +
      '`urlopen`/`Request`/`urlretrieve`, `xmlrpc.client.ServerProxy`, `websocket`/`websockets` clients; and ' +
      '`http.client.HTTPConnection` to a constant remote host.\n\n' +
      'Not reported: local and private hosts (`localhost`, `127.0.0.0/8`, `[::1]`, `10/8`, `172.16/12`, ' +
      '`192.168/16`, link-local addresses such as the cloud metadata service, single-label names such as a ' +
      'container\'s `http://api:8000`, `.local`, `.internal`, `.svc`, `.lan`, `.test`, `.example`, and the ' +
      '`example.com` family); URLs whose host is not constant (`f"http://{host}/"`); and `http://` strings ' +
      'that are not request targets, such as XML namespaces or links in text.',
    why:
      'Plain HTTP has no encryption and no server authentication. On any network between the program and ' +
      'the server, the request and response can be read — API keys, tokens, cookies and personal data ' +
      'included — and changed: a response can be replaced with other data or, for downloads, with ' +
      'malware. Even a service that redirects to HTTPS has already received the first request in clear. ' +
      'Use `https://` (and `wss://`).',
    bad:
      'import requests\n\n\n' +
      'def send_invoice(invoice: dict, token: str) -> None:\n' +
      '    requests.post("http://billing.acme-corp.com/api/invoices", json=invoice, headers={"Authorization": token}, timeout=10)\n',
    good:
      'import requests\n\n\n' +
      'def send_invoice(invoice: dict, token: str) -> None:\n' +
      '    requests.post("https://billing.acme-corp.com/api/invoices", json=invoice, headers={"Authorization": token}, timeout=10)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/319.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html',
      'https://https.cio.gov/everything/',
    ],
  },
  textHint: /http:\/\/|ws:\/\/|HTTPConnection/i,
  callees: [...URL_CALLS.keys(), ...HTTP_CONNECTIONS.keys()],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    const connection = HTTP_CONNECTIONS.get(callee);
    if (connection) {
      const hostArg = argument(call, connection[0], connection[1]);
      const host = hostArg ? model.constantString(hostArg) : undefined;
      if (host === undefined) return;
      const name = host.toLowerCase().split(':')[0];
      if (isLocalHost(name)) return;
      ctx.report({ node: call.node, message: `HTTPConnection to ${name} speaks plain HTTP: the traffic can be read and changed in transit; use http.client.HTTPSConnection` });
      return;
    }
    const slot = URL_CALLS.get(callee);
    if (!slot) return;
    const url = argument(call, slot[0], slot[1]);
    const prefix = url ? constantPrefix(url, model) : undefined;
    if (!prefix) return;
    const parsed = urlHost(prefix.text);
    if (!parsed || !CLEARTEXT.has(parsed.scheme)) return;
    if (!parsed.hostComplete && !prefix.complete) return;
    if (isLocalHost(parsed.host)) return;
    const secure = parsed.scheme === 'ws' ? 'wss://' : 'https://';
    ctx.report({
      node: url ?? call.node,
      message: `${parsed.scheme}://${parsed.host} is plain ${parsed.scheme === 'ws' ? 'WebSocket' : 'HTTP'}: the request and response can be read and changed in transit; use ${secure}`,
    });
  },
};
