import type { Node } from 'web-tree-sitter';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { boundValue, calleeOf } from '../helpers.js';
import type { Rule } from '../types.js';
import { constantPrefix } from './shared.js';

/** urllib openers that follow any scheme the URL names, with the URL's argument slot. */
const OPENERS: ReadonlyMap<string, [number, string]> = new Map([
  ...['urllib.request', 'six.moves.urllib.request'].flatMap((m): [string, [number, string]][] => [
    [`${m}.urlopen`, [0, 'url']],
    [`${m}.Request`, [0, 'url']],
    [`${m}.urlretrieve`, [0, 'url']],
    [`${m}.URLopener.open`, [0, 'fullurl']],
    [`${m}.URLopener.retrieve`, [0, 'url']],
    [`${m}.FancyURLopener.open`, [0, 'fullurl']],
    [`${m}.FancyURLopener.retrieve`, [0, 'url']],
    [`${m}.OpenerDirector.open`, [0, 'fullurl']],
  ]),
  ['urllib.urlopen', [0, 'url']],
  ['urllib.urlretrieve', [0, 'url']],
  ['urllib2.urlopen', [0, 'url']],
  ['urllib2.Request', [0, 'url']],
]);

const REQUEST_TYPES = new Set(['urllib.request.Request', 'urllib2.Request', 'six.moves.urllib.request.Request']);
const WEB_SCHEMES = /^(https?|ftp):\/\//i;
/** A scheme check in the same function: `urlparse(u).scheme in (...)`, `u.startswith(("http://", "https://"))`. */
const SCHEME_CHECK = /\.scheme\b|startswith\(\s*\(?\s*(f?["'])(https?|ftp)/;

function enclosingFunction(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition') return p;
  return undefined;
}

function isRequestObject(node: Node, model: ModuleModel): boolean {
  const type = model.instanceType(node);
  if (type && REQUEST_TYPES.has(type)) return true;
  const v = boundValue(node, model);
  const callee = v.type === 'call' ? calleeOf(v, model) : undefined;
  return callee !== undefined && REQUEST_TYPES.has(callee);
}

export const urlopenAnyScheme: Rule = {
  meta: {
    id: 'K413',
    name: 'urlopen-any-scheme',
    summary: '`urllib` opening a URL whose scheme is not fixed, so `file://` (local files) and other schemes are accepted',
    severity: 'medium',
    confidence: 'low',
    cwe: [73, 918],
    owasp: 'A01:2021-Broken Access Control',
    sources: { bandit: ['B310'], ruff: ['S310'] },
    defaultEnabled: false,
  },
  docs: {
    what:
      'Reports `urllib.request.urlopen`, `Request`, `urlretrieve`, `URLopener`/`FancyURLopener` `open` and ' +
      '`retrieve`, `build_opener().open` (and their Python 2 and `six.moves` names) when the URL is not ' +
      'constant and its scheme is not fixed by a constant beginning such as `f"https://api.example.com/{path}"`.\n\n' +
      'Not reported: constant URLs (whatever the scheme, it is the programmer\'s choice), URLs that start ' +
      'with a constant `http://`, `https://` or `ftp://`, `urlopen(request)` of a `Request` object (the ' +
      '`Request(...)` call is the one looked at), and functions that check the scheme themselves ' +
      '(`urlparse(url).scheme`, `url.startswith(("http://", "https://"))`).\n\n' +
      'This rule is opt-in: a variable URL is ordinary in scripts and tools, and when the URL comes from a ' +
      'request or another untrusted source the taint rules report it with the path it took (server-side ' +
      'request forgery). CWE: 73 (external control of a file name or path, the `file://` case) before 918 ' +
      '(the request itself); Bandit files this under 22.',
    why:
      'Unlike HTTP libraries, `urllib` opens whatever scheme the string names. A URL taken from a user, a ' +
      'configuration file or a message can be `file:///etc/passwd` or `file:///proc/self/environ`, and ' +
      'the "download" reads local files — secrets included — back to whoever controls the URL; `ftp://` ' +
      'and `data:` URLs open other doors. Fix the scheme in the code (build the URL from a constant ' +
      '`https://` base) or check it before opening, or use an HTTP-only client such as `requests`.',
    bad:
      'import urllib.request\n\n\n' +
      'def download(url: str) -> bytes:\n' +
      '    with urllib.request.urlopen(url, timeout=10) as response:\n' +
      '        return response.read()\n',
    good:
      'import urllib.request\nfrom urllib.parse import urlparse\n\n\n' +
      'def download(url: str) -> bytes:\n' +
      '    if urlparse(url).scheme not in ("http", "https"):\n' +
      '        raise ValueError("only HTTP(S) URLs are allowed")\n' +
      '    with urllib.request.urlopen(url, timeout=10) as response:\n' +
      '        return response.read()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/73.html',
      'https://docs.python.org/3/library/urllib.request.html#urllib.request.urlopen',
      'https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html',
    ],
  },
  callees: [...OPENERS.keys()],
  call(call, ctx) {
    const model = ctx.model;
    const slot = call.callee ? OPENERS.get(call.callee) : undefined;
    if (!slot) return;
    const url = argument(call, slot[0], slot[1]);
    if (!url || isRequestObject(url, model)) return;
    const prefix = constantPrefix(url, model);
    if (prefix && (prefix.complete || WEB_SCHEMES.test(prefix.text))) return;
    const fn = enclosingFunction(call.node);
    if (fn && SCHEME_CHECK.test(fn.text)) return;
    ctx.report({
      node: call.node,
      message: `${call.callee}() opens any scheme the URL names, file:// included, and this URL is not fixed; build it from a constant https:// base or check urlparse(url).scheme first`,
    });
  },
};
