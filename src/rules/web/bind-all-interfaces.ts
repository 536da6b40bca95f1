import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../../findings/types.js';
import type { CallSite } from '../../semantics/model.js';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { excerpt } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';
import { envFallback, importsAny, moduleSettings, parameterDefault, sequenceElements } from './shared.js';

/**
 * How an API takes the address it listens on:
 * - `host`: a host string (`app.run(host=...)`), or a list of them (aiohttp's `run_app`);
 * - `address`: a socket address tuple `(host, port)` (`sock.bind(...)`, `HTTPServer(...)`), or a
 *   `"host:port"` string where the API also accepts one (gevent);
 * - `hostport`: a `"host:port"` string, several separated by spaces (`add_insecure_port("[::]:50051")`).
 * `emptyIsAll`: the API passes the host to `socket.bind`, where `""` also means every interface.
 */
interface BindSpec {
  pos?: number;
  kw: string;
  kind: 'host' | 'address' | 'hostport';
  emptyIsAll?: boolean;
}

const host = (pos: number | undefined, kw = 'host', emptyIsAll = false): BindSpec => ({ ...(pos === undefined ? {} : { pos }), kw, kind: 'host', emptyIsAll });
const address = (kw: string): BindSpec => ({ pos: 0, kw, kind: 'address', emptyIsAll: true });
const hostport = (pos: number | undefined, kw: string): BindSpec => ({ ...(pos === undefined ? {} : { pos }), kw, kind: 'hostport' });

const SOCKETSERVERS = ['TCPServer', 'UDPServer', 'ThreadingTCPServer', 'ThreadingUDPServer', 'ForkingTCPServer', 'ForkingUDPServer'];

const BIND_CALLS: ReadonlyMap<string, BindSpec[]> = new Map([
  ...['flask.Flask.run', 'flask.app.Flask.run', 'quart.Quart.run', 'sanic.Sanic.run', 'bottle.run', 'bottle.Bottle.run', 'dash.Dash.run', 'dash.Dash.run_server'].map(
    (q): [string, BindSpec[]] => [q, [host(0)]],
  ),
  ...['werkzeug.serving.run_simple', 'werkzeug.run_simple'].map((q): [string, BindSpec[]] => [q, [host(0, 'hostname', true)]]),
  ['werkzeug.serving.make_server', [host(0, 'host', true)]],
  ['wsgiref.simple_server.make_server', [host(0, 'host', true)]],
  ['flask_socketio.SocketIO.run', [host(1)]],
  ...['uvicorn.run', 'uvicorn.main.run', 'uvicorn.Config', 'uvicorn.config.Config', 'aiohttp.web.run_app'].map((q): [string, BindSpec[]] => [q, [host(undefined)]]),
  ...['asyncio.start_server', 'asyncio.streams.start_server', 'aiohttp.web.TCPSite', 'aiohttp.web_runner.TCPSite'].map((q): [string, BindSpec[]] => [q, [host(1, 'host', true)]]),
  ...['tornado.web.Application.listen', 'tornado.httpserver.HTTPServer.listen', 'tornado.tcpserver.TCPServer.listen', 'tornado.netutil.bind_sockets'].map(
    (q): [string, BindSpec[]] => [q, [host(1, 'address', true)]],
  ),
  ['socket.socket.bind', [address('address')]],
  ['socket.create_server', [address('address')]],
  ...SOCKETSERVERS.map((c): [string, BindSpec[]] => [`socketserver.${c}`, [address('server_address')]]),
  ...['http.server.HTTPServer', 'http.server.ThreadingHTTPServer', 'wsgiref.simple_server.WSGIServer'].map((q): [string, BindSpec[]] => [q, [address('server_address')]]),
  ...['xmlrpc.server.SimpleXMLRPCServer', 'xmlrpc.server.DocXMLRPCServer'].map((q): [string, BindSpec[]] => [q, [address('addr')]]),
  ['multiprocessing.connection.Listener', [address('address')]],
  ['eventlet.listen', [address('addr')]],
  ...['gevent.pywsgi.WSGIServer', 'gevent.server.StreamServer', 'gevent.server.DatagramServer'].map((q): [string, BindSpec[]] => [q, [address('listener')]]),
  ['waitress.serve', [host(undefined), hostport(undefined, 'listen')]],
  ...['grpc.Server', 'grpc.aio.Server'].flatMap((s) =>
    ['add_insecure_port', 'add_secure_port'].map((m): [string, BindSpec[]] => [`${s}.${m}`, [hostport(0, 'address')]]),
  ),
  ...['gradio.Blocks.launch', 'gradio.Interface.launch', 'gradio.ChatInterface.launch'].map((q): [string, BindSpec[]] => [q, [host(undefined, 'server_name')]]),
]);

/**
 * Method calls on objects the scanner could not resolve, recognised by name and shape, reported one step less
 * certain: (method, spec, packages the module must import — empty when the shape alone is telling).
 */
const UNRESOLVED_METHODS: readonly [string, BindSpec, readonly string[]][] = [
  ['run', host(0), ['flask', 'quart', 'sanic', 'bottle', 'dash']],
  ['run', host(1), ['flask_socketio']],
  ['bind', address('address'), []],
  ['listen', host(1, 'address', true), ['tornado']],
  ['create_server', host(1, 'host', true), ['asyncio', 'uvloop']],
  ['add_insecure_port', hostport(0, 'address'), []],
  ['add_secure_port', hostport(0, 'address'), []],
  ['launch', host(undefined, 'server_name'), ['gradio']],
];

/** The method names of `UNRESOLVED_METHODS`, to skip other calls before reading the tree. */
const UNRESOLVED_METHOD_NAMES = new Set(UNRESOLVED_METHODS.map(([m]) => m));

const ALL_HOSTS = new Set(['0.0.0.0', '::', '::0', '0:0:0:0:0:0:0:0', '0::0']);

function isAllHosts(h: string, emptyIsAll: boolean): boolean {
  const t = h.trim();
  if (t === '') return emptyIsAll;
  return ALL_HOSTS.has(t.replace(/^\[(.*)\]$/, '$1'));
}

/** The hosts of a `"host:port"` listen string (`"0.0.0.0:80 [::]:80"`, `"*:8080"`). */
function hostsOf(listen: string): string[] {
  return listen
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => {
      if (part.startsWith('[')) return part.slice(1, part.indexOf(']') < 0 ? undefined : part.indexOf(']'));
      const colon = part.lastIndexOf(':');
      return colon < 0 ? part : part.slice(0, colon);
    });
}

function isAllHostport(listen: string): boolean {
  return hostsOf(listen).some((h) => h === '*' || (h !== '' && isAllHosts(h, false)));
}

interface Hit {
  text: string;
  fallback: boolean;
}

/** Whether a constant string stands for every interface in this position. */
function stringHit(s: string, spec: BindSpec, asHostport: boolean): boolean {
  return asHostport ? isAllHostport(s) : isAllHosts(s, spec.emptyIsAll === true);
}

/** The all-interfaces literal an argument carries (directly or as an environment fallback), if any. */
function allInterfaces(value: Node, spec: BindSpec, model: ModuleModel, depth = 0): Hit | undefined {
  if (depth > 2) return undefined;
  const asHostport = spec.kind === 'hostport';
  const s = model.constantString(value);
  if (s !== undefined) {
    if (spec.kind === 'address') return s.includes(':') && isAllHostport(s) ? { text: s, fallback: false } : undefined;
    return stringHit(s, spec, asHostport) ? { text: s, fallback: false } : undefined;
  }
  const elems = sequenceElements(value, model);
  if (elems) {
    // An address tuple's host is its first element; a host list (aiohttp) binds each of its elements.
    const hostSpec: BindSpec = { ...spec, kind: spec.kind === 'address' ? 'host' : spec.kind };
    const candidates = spec.kind === 'address' ? elems.slice(0, 1) : elems;
    if (spec.kind === 'address' && (elems.length < 2 || elems.length > 4)) return undefined;
    for (const e of candidates) {
      const hit = allInterfaces(e, hostSpec, model, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  if (spec.kind === 'address') return undefined;
  const fallback = envFallback(value, model) ?? parameterDefault(value, model);
  if (!fallback) return undefined;
  const fs = model.constantString(fallback);
  return fs !== undefined && stringHit(fs, spec, asHostport) ? { text: fs, fallback: true } : undefined;
}

const RISK = 'the service answers on every network the machine is attached to, around the proxy or firewall meant to stand in front of it';
const ADVICE = 'bind to 127.0.0.1 (or the one interface that should serve) and take the address from configuration';

function report(call: CallSite, hit: Hit, confidence: Confidence, ctx: RuleContext): void {
  const what = `${excerpt(call.calleeNode)}(...) listens on ${JSON.stringify(hit.text)}, every network interface`;
  ctx.report({
    node: call.node,
    message: hit.fallback ? `${what} unless the environment or the caller chooses another address: ${RISK}; ${ADVICE}` : `${what}: ${RISK}; ${ADVICE}`,
    confidence: hit.fallback ? 'low' : confidence,
  });
}

function check(call: CallSite, specs: readonly BindSpec[], confidence: Confidence, ctx: RuleContext): boolean {
  for (const spec of specs) {
    const value = argument(call, spec.pos, spec.kw);
    if (!value) continue;
    const hit = allInterfaces(value, spec, ctx.model);
    if (hit) {
      report(call, hit, confidence, ctx);
      return true;
    }
  }
  return false;
}

/** gunicorn reads its configuration from a Python module: `bind = "0.0.0.0:8000"`. */
function isGunicornConfig(model: ModuleModel): boolean {
  const base = model.relPath.split('/').pop() ?? '';
  return /^gunicorn([._-]?(conf|config|cfg|settings))?(\.conf)?\.pyw?$/.test(base);
}

export const bindAllInterfaces: Rule = {
  meta: {
    id: 'K505',
    name: 'bind-all-interfaces',
    summary: 'A server or socket bound to every network interface (`0.0.0.0`, `::`)',
    severity: 'medium',
    confidence: 'high',
    cwe: [1327],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ['B104'], ruff: ['S104'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports an all-interfaces address (`"0.0.0.0"`, `"::"`, and `""` where the API hands it to ' +
      '`socket.bind`) used as the address a server listens on:\n\n' +
      '- `app.run(host=...)` for Flask, Quart, Sanic, Bottle and Dash; Werkzeug `run_simple`/`make_server`, ' +
      '`wsgiref.simple_server.make_server`, Flask-SocketIO `socketio.run(app, host=...)`;\n' +
      '- `uvicorn.run(..., host=...)`, `uvicorn.Config`, aiohttp `web.run_app(host=...)` and `TCPSite`, ' +
      '`asyncio.start_server`, `loop.create_server`, Tornado `listen(port, address=...)`, waitress ' +
      '`serve(host=..., listen=...)`, gradio `launch(server_name=...)`;\n' +
      '- socket addresses: `sock.bind((host, port))`, `socket.create_server`, `socketserver` and ' +
      '`http.server` servers, `xmlrpc.server`, `multiprocessing.connection.Listener`, gevent and eventlet servers;\n' +
      '- `"host:port"` strings: gRPC `add_insecure_port("[::]:50051")` / `add_secure_port`, and ' +
      '`bind = "0.0.0.0:8000"` in a gunicorn configuration module (`gunicorn.conf.py`).\n\n' +
      'The address may come through a constant name. A literal fallback of an environment read ' +
      '(`host=os.environ.get("HOST", "0.0.0.0")`) is reported at low confidence; a method call on an object ' +
      'the scanner cannot resolve (an application factory\'s result, an untyped socket) at medium confidence.\n\n' +
      'Unlike a search for the literal, the string is reported only where it is bound: a comparison ' +
      '(`if host == "0.0.0.0"`), a log message, a URL, a default in a dictionary that is not passed to a ' +
      'server, and `host="127.0.0.1"` are clean. Omitted arguments are not reported even where the default ' +
      'is every interface (asyncio, aiohttp, Tornado): only an explicit choice is.',
    why:
      'A service bound to every interface answers on each network the machine is attached to: the public ' +
      'interface of a VM, a Docker bridge, a VPN, the office Wi-Fi. Services meant to sit behind a reverse ' +
      'proxy, or to be reached only locally (development servers, debug consoles, admin and metrics ' +
      'endpoints, Jupyter-like tools), become reachable directly, around the proxy\'s TLS, authentication and ' +
      'rate limits. Inside a container `0.0.0.0` is usually what is wanted, because the container\'s network ' +
      'is the boundary: take the address from configuration, or suppress the finding with a comment saying so.',
    bad: 'from flask import Flask\n\napp = Flask(__name__)\napp.run(host="0.0.0.0", port=8080)\n',
    good: 'import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\napp.run(host=os.environ.get("BIND_HOST", "127.0.0.1"), port=8080)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/1327.html',
      'https://docs.python.org/3/library/socket.html#socket-families',
      'https://flask.palletsprojects.com/en/latest/api/#flask.Flask.run',
    ],
  },
  textHint: /0\.0\.0\.0|::|""|''|bind|listen/,
  callees: [...BIND_CALLS.keys()],
  call(call, ctx) {
    const specs = BIND_CALLS.get(call.callee ?? '');
    if (specs) check(call, specs, 'high', ctx);
  },
  module(ctx) {
    const model = ctx.model;
    for (const call of model.calls) {
      // `call.name` is the attribute as written for `obj.method(...)`: a plain string, no tree access.
      if (!UNRESOLVED_METHOD_NAMES.has(call.name) || call.calleeNode.type !== 'attribute') continue;
      const method = call.name;
      const candidates = UNRESOLVED_METHODS.filter(([m]) => m === method);
      if (candidates.length === 0) continue;
      if (call.callee !== undefined && BIND_CALLS.has(call.callee)) continue;
      // Resolved to something else (a project class, a known library type): not a server.
      const obj = call.calleeNode.childForFieldName('object');
      if (!obj || model.resolve(obj) !== undefined) continue;
      for (const [, spec, packages] of candidates) {
        if (packages.length > 0 && !importsAny(model, packages)) continue;
        if (check(call, [spec], 'medium', ctx)) break;
      }
    }
    if (isGunicornConfig(model)) {
      for (const a of moduleSettings(model).get('bind') ?? []) {
        if (!a.value) continue;
        const hit = allInterfaces(a.value, hostport(undefined, 'bind'), model);
        if (!hit) continue;
        ctx.report({
          node: a.node,
          message: `gunicorn is configured to bind ${JSON.stringify(hit.text)}, every network interface: ${RISK}; bind to 127.0.0.1 or a Unix socket behind the proxy, or take the address from configuration`,
          ...(hit.fallback ? { confidence: 'low' as Confidence } : {}),
        });
      }
    }
  },
};
