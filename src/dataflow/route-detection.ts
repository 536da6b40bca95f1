import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../semantics/module.js';
import { parameterParts, unparen } from '../syntax/nodes.js';
import type { FunctionPlan, LocalContext } from './context.js';
import { named } from './expressions.js';
import {
  AIOHTTP_APPS,
  APP_STYLES,
  DEPENDENCY_DEFAULTS,
  DJANGO_INCLUDE_FUNCS,
  DJANGO_URL_FUNCS,
  ENTRY_ROWS,
  type EntryRow,
  FASTAPI_APPS,
  FLASK_APPS,
  FRAMEWORK_PARAM_TYPES,
  REGISTRATION_ROWS,
  ROUTE_FUNCTIONS,
  ROUTE_METHODS,
  ROUTER_NAME,
  type RouteStyle,
  SAFE_CONVERTERS,
  SAFE_PARAM_TYPES,
  SAFE_URL_FILTERS,
} from './models/routes.js';
import { CLASS_VIEW_BASES, LAMBDA_PARAMS, REQUEST_PARAM_NAMES, REQUEST_TYPES } from './models/sources.js';
import type { RouteBinding } from './types.js';

/** Route detection: which functions are request handlers, and which of their parameters carry request data. */

export function parameterNames(fn: Node): string[] {
  return parameterParts(fn).map((p) => `${p.splat}${p.name.text}`);
}

/** Parameter nodes with their annotation and default, by name. */
export function parameterDetails(fn: Node): Map<string, { annotation: Node | null; value: Node | null }> {
  const out = new Map<string, { annotation: Node | null; value: Node | null }>();
  for (const p of parameterParts(fn)) {
    if (p.splat === '') out.set(p.name.text, { annotation: p.annotation, value: p.node.type === 'identifier' ? null : p.node.childForFieldName('value') });
  }
  return out;
}

/** Route decorators (Flask, FastAPI/Starlette, aiohttp) and AWS Lambda handlers: which parameters are input. */
/** The one web framework a module imports from (`flask` or `fastapi`), when it imports exactly one. */
function importedFramework(text: string): string | undefined {
  const found = new Set<string>();
  for (const m of text.matchAll(/^(?:from|import)[ \t]+(flask|fastapi|aiohttp|starlette)\b/gm)) found.add(m[1]);
  return found.size === 1 ? [...found][0] : undefined;
}

export function detectRoute(model: ModuleModel, plan: FunctionPlan, ctx: LocalContext): void {
  const fn = plan.info;
  if (!fn) return;
  // Handler methods of Django/DRF class-based views: parameters after (self, request) come from the URL.
  if (plan.clsBases?.some((b) => CLASS_VIEW_BASES.has(b)) && plan.params.length > 2 && REQUEST_PARAM_NAMES.has(plan.params[1])) {
    plan.sourceParams = [];
    const details = parameterDetails(fn.node);
    plan.params.forEach((p, i) => {
      if (i < 2) return;
      const ann = details.get(p.replace(/^\*+/, ''))?.annotation;
      if (ann && annotationVerdict(model, ann) === 'safe') return;
      plan.sourceParams?.push({ i, label: `URL parameter ${p.replace(/^\*+/, '')}`, kind: 'web' });
    });
    return;
  }
  if (entryPoint(model, plan)) return;
  if (ctx.operations && isOperation(plan.q, ctx.operations)) {
    // A Connexion handler: every parameter is a request parameter or the body.
    routeParams(model, plan, fn.node, 'fastapi', '');
    return;
  }
  if (plan.params.length === 2 && plan.params[0] === LAMBDA_PARAMS[0] && plan.params[1] === LAMBDA_PARAMS[1] && fn.scope.parent?.kind === 'module') {
    plan.sourceParams = [{ i: 0, label: 'Lambda event', kind: 'web' }];
    return;
  }
  for (const dec of fn.decorators) {
    const call = named(dec).find((c) => c.type === 'call');
    if (!call) continue;
    const callee = call.childForFieldName('function');
    if (callee?.type === 'identifier') {
      // `@route("/hello/<name>")` (Bottle), `@get("/books/{title:str}")` (Litestar).
      const style = ROUTE_FUNCTIONS[model.qualifiedName(callee) ?? ''];
      if (!style) continue;
      const args = call.childForFieldName('arguments');
      const first = args ? named(args)[0] : undefined;
      routeParams(model, plan, fn.node, style, first && first.type !== 'keyword_argument' ? (model.constantString(first) ?? '') : '');
      return;
    }
    if (callee?.type !== 'attribute') continue;
    const method = callee.childForFieldName('attribute')?.text ?? '';
    if (method === 'errorhandler' || method === 'app_errorhandler') {
      // Flask error handlers answer requests too: what they return is the response body.
      plan.flaskRoute = true;
      return;
    }
    if (!ROUTE_METHODS.has(method)) continue;
    const receiver = callee.childForFieldName('object');
    if (!receiver) continue;
    const type = model.instanceType(receiver);
    const args = call.childForFieldName('arguments');
    const first = args ? named(args)[0] : undefined;
    const url = first && first.type !== 'keyword_argument' ? (model.constantString(first) ?? '') : '';
    let kind: RouteStyle | undefined;
    if (type && APP_STYLES[type]) kind = APP_STYLES[type];
    else if (type && FLASK_APPS.has(type)) kind = 'flask';
    else if (type && FASTAPI_APPS.has(type)) kind = 'fastapi';
    else if (type && AIOHTTP_APPS.has(type)) kind = 'aiohttp';
    else if (ROUTER_NAME.test(receiver.text.split('.').pop() ?? '')) {
      const nonRequest = plan.params.filter((p) => !REQUEST_PARAM_NAMES.has(p));
      // An app imported from the project's own module (`from app import app`): the framework the module
      // imports decides.
      const framework = importedFramework(model.text);
      if (url.includes('<') || method === 'route' || framework === 'flask') kind = 'flask';
      else if (framework === 'fastapi') kind = 'fastapi';
      else if (url.includes('{') || nonRequest.length > 0) kind = 'fastapi';
      else kind = 'aiohttp';
    }
    if (!kind) continue;
    routeParams(model, plan, fn.node, kind, url);
    return;
  }
  void ctx;
}

function isOperation(q: string, operations: ReadonlySet<string>): boolean {
  if (operations.has(q)) return true;
  for (const op of operations) if (q.endsWith(`.${op}`) || op.endsWith(`.${q}`)) return true;
  return false;
}

/** Marks the request values among a route handler's parameters, read the way its framework reads them. */
function routeParams(model: ModuleModel, plan: FunctionPlan, node: Node, kind: RouteStyle, url: string): void {
  if (kind === 'flask' || kind === 'bottle') {
    if (kind === 'flask') plan.flaskRoute = true;
    const names = urlParams(url, kind);
    const details = parameterDetails(node);
    plan.sourceParams = [];
    plan.params.forEach((p, i) => {
      const conv = names.get(p);
      if (conv === undefined) return;
      if ((kind === 'flask' ? SAFE_CONVERTERS : SAFE_URL_FILTERS).has(conv)) return;
      const ann = details.get(p)?.annotation;
      if (ann && annotationVerdict(model, ann) === 'safe') return;
      plan.sourceParams?.push({ i, label: `route parameter ${p}`, kind: 'web' });
    });
  } else if (kind === 'fastapi') {
    const details = parameterDetails(node);
    plan.sourceParams = [];
    plan.params.forEach((p, i) => {
      if (p.startsWith('*')) return;
      const d = details.get(p);
      if (d?.value?.type === 'call') {
        const dq = model.qualifiedName(d.value.childForFieldName('function') ?? d.value);
        if (dq && DEPENDENCY_DEFAULTS.has(dq)) {
          // `Depends(current_filter)`: the value is what the dependency returns, judged when it is solved.
          const dep = d.value.childForFieldName('arguments');
          const target = dep ? named(dep)[0] : undefined;
          const tq = target && target.type !== 'keyword_argument' ? model.qualifiedName(target) : undefined;
          if (tq) plan.sourceParams?.push({ i, label: `dependency ${tq.slice(tq.lastIndexOf('.') + 1)}()`, kind: 'web', dep: tq });
          return;
        }
      }
      if (d?.annotation) {
        const verdict = annotationVerdict(model, d.annotation);
        if (verdict === 'safe' || verdict === 'request') return;
        plan.sourceParams?.push({ i, label: `request parameter ${p}`, kind: 'web', ...(verdict !== 'taint' ? { type: verdict } : {}) });
        return;
      }
      if (REQUEST_PARAM_NAMES.has(p)) return;
      plan.sourceParams?.push({ i, label: `request parameter ${p}`, kind: 'web' });
    });
  }
}

/** Placeholders of a route URL with their converter: Flask `<int:id>`, Bottle and Sanic `<id:int>`. */
function urlParams(url: string, kind: 'flask' | 'bottle'): Map<string, string> {
  const names = new Map<string, string>();
  if (kind === 'flask') {
    for (const m of url.matchAll(/<(?:([A-Za-z_]\w*)(?:\([^)]*\))?:)?([A-Za-z_]\w*)>/g)) names.set(m[2], m[1] ?? 'string');
  } else {
    for (const m of url.matchAll(/<([A-Za-z_]\w*)(?::([A-Za-z_]\w*)[^>]*)?>/g)) names.set(m[1], m[2] ?? 'string');
  }
  return names;
}

/** The handlers of ENTRY_ROWS (GraphQL resolvers, websocket messages, Cloud Functions, Falcon responders). */
function entryPoint(model: ModuleModel, plan: FunctionPlan): boolean {
  const fn = plan.info;
  if (!fn) return false;
  const name = fn.node.childForFieldName('name')?.text ?? '';
  for (const row of ENTRY_ROWS) {
    if (!entryMatches(model, plan, row, name)) continue;
    const details = parameterDetails(fn.node);
    plan.sourceParams = [];
    const end = row.count !== undefined ? row.from + row.count : plan.params.length;
    plan.params.forEach((p, i) => {
      const bare = p.replace(/^\*+/, '');
      if (i < row.from || i >= end || row.skip?.includes(bare)) return;
      const ann = details.get(bare)?.annotation;
      const verdict = ann ? annotationVerdict(model, ann) : 'taint';
      if (verdict === 'safe' || (verdict === 'request' && row.count === undefined)) return;
      plan.sourceParams?.push({ i, label: `${row.label} ${bare}`, kind: 'web', ...(verdict !== 'taint' && verdict !== 'request' ? { type: verdict } : {}) });
    });
    return true;
  }
  return false;
}

function entryMatches(model: ModuleModel, plan: FunctionPlan, row: EntryRow, name: string): boolean {
  if (row.bases && !plan.clsBases?.some((b) => row.bases?.includes(b))) return false;
  if (row.methods && !row.methods.includes(name)) return false;
  if (row.methodPattern) {
    if (!row.methodPattern.test(name)) return false;
    if (row.requestParam !== undefined && !REQUEST_PARAM_NAMES.has(plan.params[row.requestParam] ?? '')) return false;
  }
  if (!row.decorators && !row.decoratorMethods) return true;
  for (const dec of plan.info?.decorators ?? []) {
    const expr = named(dec)[0];
    if (!expr) continue;
    const target = expr.type === 'call' ? expr.childForFieldName('function') : expr;
    if (!target) continue;
    if (row.decorators) {
      const q = model.qualifiedName(target);
      if (q && row.decorators.includes(q)) return true;
    }
    if (row.decoratorMethods && target.type === 'attribute') {
      const method = target.childForFieldName('attribute')?.text ?? '';
      const obj = target.childForFieldName('object');
      const type = obj ? model.instanceType(obj) : undefined;
      if (row.decoratorMethods.methods.includes(method) && type && row.decoratorMethods.types.includes(type)) return true;
    }
  }
  return false;
}

/**
 * Views registered by a call rather than a decorator (`app.add_url_rule("/u/<name>", view_func=show)`,
 * `MethodView.as_view(...)`): the view's parameters named in the URL are untrusted.
 */
export function registeredRoutes(model: ModuleModel, ctx: LocalContext): RouteBinding[] {
  const out: RouteBinding[] = [];
  for (const row of REGISTRATION_ROWS) {
    for (const method of row.methods) {
      if (!model.text.includes(method)) continue;
      for (const call of model.calls) {
        if (call.name !== method || call.calleeNode.type !== 'attribute') continue;
        const receiver = call.calleeNode.childForFieldName('object');
        if (!receiver) continue;
        const type = model.instanceType(receiver);
        if (!(type ? row.types.includes(type) : ROUTER_NAME.test(receiver.text.split('.').pop() ?? ''))) continue;
        const urlNode = call.keywords.get(row.url.kw) ?? call.args[row.url.pos];
        const viewNode = call.keywords.get(row.view.kw) ?? call.args[row.view.pos];
        if (!urlNode || !viewNode) continue;
        const url = model.constantString(urlNode);
        const target = viewTarget(model, viewNode);
        if (url === undefined || !target) continue;
        const params: string[] = [];
        for (const [p, conv] of urlParams(url, row.style)) if (!(row.style === 'flask' ? SAFE_CONVERTERS : SAFE_URL_FILTERS).has(conv)) params.push(p);
        if (params.length > 0) out.push({ target, params, loc: ctx.location(call.node) });
      }
    }
  }
  return out;
}

/** The function or class a view expression names: `show`, `views.show`, `ItemAPI.as_view("items")`. */
function viewTarget(model: ModuleModel, view: Node): string | undefined {
  const v = unparen(view);
  if (v.type === 'call') {
    const fn = v.childForFieldName('function');
    const obj = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'as_view' ? fn.childForFieldName('object') : null;
    return obj ? model.qualifiedName(obj) : undefined;
  }
  return model.qualifiedName(v);
}

/**
 * A FastAPI parameter annotation: 'safe' (numbers, booleans, UUIDs), 'request' (framework objects), 'taint'
 * (text and models), or the qualified name of a class the solver checks for an enum.
 */
export function annotationVerdict(model: ModuleModel, ann: Node): string {
  const names: Node[] = [];
  const walk = (n: Node, depth: number) => {
    if (depth > 6) return;
    if (n.type === 'identifier' || n.type === 'attribute') {
      names.push(n);
      return;
    }
    if (n.type === 'generic_type') {
      const base = n.namedChildren[0];
      const baseText = base?.text ?? '';
      // Annotated[T, Query()] and Optional[T]: the first type argument is the value's type.
      const params = n.namedChildren.find((c) => c?.type === 'type_parameter');
      if (/^(typing\.)?(Annotated|Optional|Union)$/.test(baseText) && params) {
        const types = named(params);
        for (const t of baseText.endsWith('Annotated') ? types.slice(0, 1) : types) walk(t, depth + 1);
        return;
      }
      names.push(n);
      return;
    }
    for (const c of named(n)) walk(c, depth + 1);
  };
  walk(ann, 0);
  const real = names.filter((n) => n.text !== 'None');
  if (real.length === 0) return 'taint';
  let verdict: string | undefined;
  for (const n of real) {
    const q = n.type === 'generic_type' ? undefined : (model.qualifiedName(n) ?? n.text);
    if (q && (SAFE_PARAM_TYPES.has(q) || SAFE_PARAM_TYPES.has(n.text))) {
      verdict ??= 'safe';
      continue;
    }
    if (q && (FRAMEWORK_PARAM_TYPES.has(q) || REQUEST_TYPES.has(q))) return 'request';
    if (q && q !== 'str' && q !== 'bytes' && /^[A-Za-z_][\w.]*$/.test(q) && /^[A-Z]/.test(q.slice(q.lastIndexOf('.') + 1)) && real.length === 1) return q;
    return 'taint';
  }
  return verdict ?? 'taint';
}

/** Django `urls.py`: `path('<str:slug>/', views.detail)` makes `slug` of `detail` untrusted. */
export function djangoRoutes(model: ModuleModel, ctx: LocalContext): RouteBinding[] {
  const out: RouteBinding[] = [];
  if (!model.text.includes('django') || !/\b(path|re_path|url)\s*\(/.test(model.text)) return out;
  for (const call of model.calls) {
    if (!['path', 're_path', 'url'].includes(call.name)) continue;
    const q = call.callee;
    if (!q || !DJANGO_URL_FUNCS.has(q)) continue;
    const [route, view] = call.args;
    if (!route || !view) continue;
    const pattern = model.constantString(route);
    if (pattern === undefined) continue;
    const params: string[] = [];
    if (q === 'django.urls.path') {
      for (const m of pattern.matchAll(/<(?:(\w+):)?(\w+)>/g)) if (!['int', 'uuid'].includes(m[1] ?? 'str')) params.push(m[2]);
    } else {
      for (const m of pattern.matchAll(/\(\?P<(\w+)>((?:\\.|[^()])*)\)/g)) if (!/^(\\d|\[0-9\])[+*]$/.test(m[2])) params.push(m[1]);
    }
    const v = unparen(view);
    if (v.type === 'call' && DJANGO_INCLUDE_FUNCS.has(model.qualifiedName(v.childForFieldName('function') ?? v) ?? '')) {
      const mod = v.childForFieldName('arguments');
      const first = mod ? named(mod)[0] : undefined;
      const name = first ? model.constantString(first) : undefined;
      if (name && params.length > 0) out.push({ target: name, params, loc: ctx.location(call.node), include: true });
      continue;
    }
    const target = viewTarget(model, v);
    // Views without URL parameters are kept too: an `include()` prefix may give them some.
    if (target) out.push({ target, params, loc: ctx.location(call.node) });
  }
  return out;
}
