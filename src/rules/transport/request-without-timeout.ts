import type { Node } from 'web-tree-sitter';
import type { CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, calleeOf } from '../helpers.js';
import type { Rule } from '../types.js';
import { REQUESTS_CALLS, REQUESTS_SESSIONS } from './http-targets.js';

const SESSION_SEND = REQUESTS_SESSIONS.map((s) => `${s}.send`);

function compact(node: Node): string {
  return node.text.replace(/\s+/g, '');
}

/**
 * True when the session the call is made on has a transport adapter mounted with a timeout
 * (`session.mount("https://", TimeoutHTTPAdapter(timeout=10))`), the usual way to give a session a default.
 */
function sessionHasTimeoutAdapter(call: CallSite, model: ModuleModel): boolean {
  const callee = call.calleeNode;
  if (callee.type !== 'attribute') return false;
  const receiver = callee.childForFieldName('object');
  if (!receiver) return false;
  const name = compact(receiver);
  // A local session is the same object only in the same function; `self.session` is shared by the class.
  const anyScope = name.startsWith('self.');
  return model.calls.some((c) => {
    // `call.name` (the callee's last name as written, a plain string) first: other calls are not read from the tree.
    if (c.name !== 'mount') return false;
    if (!anyScope && c.scope !== call.scope) return false;
    const fn = c.calleeNode;
    if (fn.type !== 'attribute') return false;
    const obj = fn.childForFieldName('object');
    if (!obj || compact(obj) !== name) return false;
    const adapter = c.args[1] ?? c.keywords.get('adapter');
    const v = adapter ? boundValue(adapter, model) : undefined;
    return v?.type === 'call' && /\btimeout\s*=/.test(v.childForFieldName('arguments')?.text ?? '') && calleeOf(v, model) !== undefined;
  });
}

export const requestWithoutTimeout: Rule = {
  meta: {
    id: 'K412',
    name: 'request-without-timeout',
    summary: 'An HTTP request made with `requests` without a timeout, which can hang for ever',
    severity: 'medium',
    confidence: 'high',
    cwe: [1088, 400],
    owasp: 'A04:2021-Insecure Design',
    sources: { bandit: ['B113'], ruff: ['S113'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `requests.get`/`post`/`put`/`patch`/`delete`/`head`/`options`/`request`, and the same ' +
      'methods and `send` on a `requests.Session`, called without `timeout=` or with `timeout=None`.\n\n' +
      'Not reported: calls that pass `**kwargs` (a wrapper may forward a timeout), sessions with a ' +
      'transport adapter mounted with a timeout (`session.mount("https://", TimeoutAdapter(timeout=10))`), ' +
      'and `httpx`, `aiohttp` and `urllib`, which have default timeouts (httpx: 5 seconds; aiohttp: 5 ' +
      'minutes; urllib: the socket default, which applications usually set).',
    why:
      '`requests` has no default timeout: if the server accepts the connection and then stops answering, ' +
      'or trickles bytes, the call waits for ever. In a web worker or a queue consumer, a few stuck calls ' +
      'exhaust the pool, and a slow or malicious upstream becomes a denial of service. Always pass ' +
      '`timeout=` — a (connect, read) pair such as `(3.05, 27)` — and handle `requests.Timeout`.',
    bad: 'import requests\n\n\ndef fetch_rates(url: str) -> dict:\n    return requests.get(url).json()\n',
    good: 'import requests\n\n\ndef fetch_rates(url: str) -> dict:\n    return requests.get(url, timeout=(3.05, 27)).json()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/1088.html',
      'https://requests.readthedocs.io/en/latest/user/advanced/#timeouts',
      'https://www.python-httpx.org/advanced/timeouts/',
    ],
  },
  callees: [...REQUESTS_CALLS.keys(), ...SESSION_SEND],
  call(call, ctx) {
    const timeout = call.keywords.get('timeout');
    if (timeout) {
      if (unparen(boundValue(timeout, ctx.model)).type !== 'none') return;
      ctx.report({ node: call.node, message: `${call.callee}() with timeout=None waits for ever on a server that stops answering; pass a number of seconds (or a (connect, read) pair)` });
      return;
    }
    if (call.hasStarKwargs) return;
    const isSession = REQUESTS_SESSIONS.some((s) => call.callee?.startsWith(`${s}.`));
    if (isSession && sessionHasTimeoutAdapter(call, ctx.model)) return;
    ctx.report({ node: call.node, message: `${call.callee}() has no timeout, so it waits for ever on a server that stops answering; pass timeout= (seconds, or a (connect, read) pair)` });
  },
};
