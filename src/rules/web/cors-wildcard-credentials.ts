import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../../findings/types.js';
import type { CallSite } from '../../semantics/model.js';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { constantTruth } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';
import { isDeployableSettings, moduleSettings, sequenceElements } from './shared.js';

const FLASK_CORS = ['flask_cors.CORS', 'flask_cors.extension.CORS', 'flask_cors.cross_origin', 'flask_cors.decorator.cross_origin', 'sanic_cors.CORS', 'sanic_cors.cross_origin'];
const CORS_MIDDLEWARE = new Set(['starlette.middleware.cors.CORSMiddleware', 'fastapi.middleware.cors.CORSMiddleware']);
const MIDDLEWARE_WRAPPER = new Set(['starlette.middleware.Middleware', 'fastapi.middleware.Middleware']);
const AIOHTTP_OPTIONS = new Set(['aiohttp_cors.ResourceOptions', 'aiohttp_cors.resource_options.ResourceOptions']);

/** Regular expressions that accept any origin: `.*`, `^.*$`, `.+`, `^https?://.*$`. */
function isMatchAll(pattern: string): boolean {
  const body = pattern
    .replace(/^\^/, '')
    .replace(/\$$/, '')
    .replace(/^(https\??|http):\\?\/\\?\//, '');
  return /^\(?\.[*+]\??\)?$/.test(body);
}

/** True when an origins argument allows every origin: `"*"`, `["*"]`, or a match-all regular expression. */
function allowsAnyOrigin(node: Node, model: ModuleModel, regex = false): boolean {
  const s = model.constantString(node);
  if (s !== undefined) return s === '*' || (regex && isMatchAll(s));
  const elems = sequenceElements(node, model);
  return !!elems && elems.some((e) => {
    const v = model.constantString(e);
    return v === '*' || (regex && v !== undefined && isMatchAll(v));
  });
}

const RISK = 'any website can then make the user\'s browser send credentialed requests and read the responses (their data, CSRF tokens, API keys)';
const ADVICE = 'list the trusted origins explicitly';

function report(ctx: RuleContext, node: Node, what: string, confidence?: Confidence): void {
  ctx.report({ node, message: `${what}: ${RISK}; ${ADVICE}`, ...(confidence ? { confidence } : {}) });
}

/** flask-cors / sanic-cors: `origins` defaults to "*"; `resources` may carry per-path options. */
function checkFlaskCors(call: CallSite, ctx: RuleContext): void {
  const model = ctx.model;
  const topCredentials = call.keywords.get('supports_credentials');
  const credentials = !!topCredentials && constantTruth(topCredentials, model) === true;
  const origins = call.keywords.get('origins');
  const resources = call.keywords.get('resources');
  const resourceDict = resources ? unparen(resources) : undefined;
  if (resourceDict?.type === 'dictionary') {
    for (const pair of resourceDict.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const opts = pair.childForFieldName('value');
      if (opts?.type !== 'dictionary') continue;
      let o: Node | undefined;
      let c: Node | undefined;
      for (const p of opts.namedChildren) {
        if (p?.type !== 'pair') continue;
        const k = p.childForFieldName('key');
        const v = p.childForFieldName('value');
        if (!k || !v) continue;
        const key = model.constantString(k);
        if (key === 'origins') o = v;
        if (key === 'supports_credentials') c = v;
      }
      const cred = c ? constantTruth(c, model) === true : credentials;
      if (!cred) continue;
      const anyOrigin = o ? allowsAnyOrigin(o, model, true) : origins ? allowsAnyOrigin(origins, model, true) : undefined;
      if (anyOrigin === true) report(ctx, pair, 'CORS allows every origin ("*") with supports_credentials=True for this resource');
      else if (anyOrigin === undefined && !call.hasStarKwargs) report(ctx, pair, 'CORS with supports_credentials=True and no origins for this resource, which defaults to every origin', 'medium');
    }
    return;
  }
  if (!credentials) return;
  if (origins) {
    if (allowsAnyOrigin(origins, model, true)) report(ctx, call.node, 'CORS allows every origin with supports_credentials=True');
  } else if (!call.hasStarKwargs) {
    report(ctx, call.node, 'CORS with supports_credentials=True and no origins, which default to every origin ("*")', 'medium');
  }
}

/** Starlette's CORSMiddleware options (from `add_middleware`, `Middleware(...)` or a direct construction). */
function checkStarletteOptions(call: CallSite, ctx: RuleContext): void {
  const model = ctx.model;
  const credentials = call.keywords.get('allow_credentials');
  if (!credentials || constantTruth(credentials, model) !== true) return;
  const origins = call.keywords.get('allow_origins');
  const regex = call.keywords.get('allow_origin_regex');
  if ((origins && allowsAnyOrigin(origins, model)) || (regex && allowsAnyOrigin(regex, model, true))) {
    report(ctx, call.node, 'CORSMiddleware allows every origin with allow_credentials=True (Starlette then echoes the caller\'s origin)');
  }
}

export const corsWildcardCredentials: Rule = {
  meta: {
    id: 'K515',
    name: 'cors-wildcard-with-credentials',
    summary: 'CORS that allows every origin and credentials together',
    severity: 'high',
    confidence: 'high',
    cwe: [942],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports cross-origin resource sharing configured to accept any origin while allowing credentials:\n\n' +
      '- flask-cors and sanic-cors: `CORS(app, supports_credentials=True)` with `origins="*"` (or `["*"]`, or ' +
      'a match-all pattern such as `r".*"`), also per resource in `resources={...}`, and the ' +
      '`@cross_origin(...)` decorator; with credentials and no `origins` at all (the default is `"*"`), at ' +
      'medium confidence, since the application config may set `CORS_ORIGINS`;\n' +
      '- Starlette and FastAPI: `CORSMiddleware` with `allow_credentials=True` and `allow_origins=["*"]` or a ' +
      'match-all `allow_origin_regex`, through `app.add_middleware(...)`, `Middleware(...)` or directly;\n' +
      '- django-cors-headers settings: `CORS_ALLOW_ALL_ORIGINS = True` (or the old `CORS_ORIGIN_ALLOW_ALL`), or ' +
      'a match-all `CORS_ALLOWED_ORIGIN_REGEXES`, together with `CORS_ALLOW_CREDENTIALS = True`;\n' +
      '- aiohttp-cors: a `"*"` entry whose `ResourceOptions` has `allow_credentials=True`.\n\n' +
      'Not reported: any origin without credentials (a public API), and credentials with a list of origins.',
    why:
      'Browsers refuse a literal `Access-Control-Allow-Origin: *` on credentialed requests, so these ' +
      'libraries answer with the caller\'s own origin instead. Every website then has the same access as the ' +
      'application\'s own pages: a script on any page the user visits can call the API with the user\'s ' +
      'cookies and read the answers, which defeats the same-origin policy and CSRF protection alike.',
    bad:
      'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n' +
      'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])\n',
    good:
      'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n' +
      'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True, allow_methods=["*"])\n',
    references: [
      'https://cwe.mitre.org/data/definitions/942.html',
      'https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#credentialed_requests_and_wildcards',
      'https://portswigger.net/web-security/cors',
      'https://flask-cors.readthedocs.io/en/latest/api.html',
    ],
  },
  textHint: /CORS|cors/,
  callees: [...FLASK_CORS, ...CORS_MIDDLEWARE, ...MIDDLEWARE_WRAPPER, ...AIOHTTP_OPTIONS],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    if (FLASK_CORS.includes(callee)) checkFlaskCors(call, ctx);
    else if (CORS_MIDDLEWARE.has(callee)) checkStarletteOptions(call, ctx);
    else if (MIDDLEWARE_WRAPPER.has(callee)) {
      const cls = argument(call, 0, 'cls');
      if (cls && CORS_MIDDLEWARE.has(model.qualifiedName(cls) ?? '')) checkStarletteOptions(call, ctx);
    } else if (AIOHTTP_OPTIONS.has(callee)) {
      const credentials = call.keywords.get('allow_credentials');
      if (!credentials || constantTruth(credentials, model) !== true) return;
      const pair = call.node.parent;
      const key = pair?.type === 'pair' ? pair.childForFieldName('key') : null;
      if (pair && key && model.constantString(key) === '*') report(ctx, pair, 'aiohttp-cors allows every origin ("*") with allow_credentials=True');
    }
  },
  module(ctx) {
    const model = ctx.model;
    // app.add_middleware(CORSMiddleware, ...) on an application of any type.
    for (const call of model.calls) {
      // `call.name` (the callee's last name as written, a plain string) first: other calls are not read from the tree.
      if (call.name !== 'add_middleware' || call.calleeNode.type !== 'attribute') continue;
      const cls = argument(call, 0, 'middleware_class');
      if (cls && CORS_MIDDLEWARE.has(model.qualifiedName(cls) ?? '')) checkStarletteOptions(call, ctx);
    }
    // django-cors-headers
    if (!/CORS_ALLOW_CREDENTIALS/.test(model.text) || !isDeployableSettings(model)) return;
    const settings = moduleSettings(model);
    const truthy = (name: string) => (settings.get(name) ?? []).filter((a) => a.value && constantTruth(a.value, model) === true);
    if (truthy('CORS_ALLOW_CREDENTIALS').length === 0) return;
    for (const name of ['CORS_ALLOW_ALL_ORIGINS', 'CORS_ORIGIN_ALLOW_ALL']) {
      for (const a of truthy(name)) report(ctx, a.node, `${name} = True with CORS_ALLOW_CREDENTIALS = True`);
    }
    for (const name of ['CORS_ALLOWED_ORIGIN_REGEXES', 'CORS_ORIGIN_REGEX_WHITELIST']) {
      for (const a of settings.get(name) ?? []) {
        if (a.value && allowsAnyOrigin(a.value, model, true)) report(ctx, a.node, `${name} matches every origin, with CORS_ALLOW_CREDENTIALS = True`);
      }
    }
  },
};
