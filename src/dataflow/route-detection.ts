import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../semantics/module.js';
import { parameterParts, unparen } from '../syntax/nodes.js';
import type { FunctionPlan, LocalContext } from './context.js';
import { named } from './expressions.js';
import {
  AIOHTTP_APPS,
  DEPENDENCY_DEFAULTS,
  DJANGO_URL_FUNCS,
  FASTAPI_APPS,
  FLASK_APPS,
  FRAMEWORK_PARAM_TYPES,
  ROUTE_METHODS,
  ROUTER_NAME,
  SAFE_CONVERTERS,
  SAFE_PARAM_TYPES,
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
  if (plan.params.length === 2 && plan.params[0] === LAMBDA_PARAMS[0] && plan.params[1] === LAMBDA_PARAMS[1] && fn.scope.parent?.kind === 'module') {
    plan.sourceParams = [{ i: 0, label: 'Lambda event', kind: 'web' }];
    return;
  }
  for (const dec of fn.decorators) {
    const call = named(dec).find((c) => c.type === 'call');
    if (!call) continue;
    const callee = call.childForFieldName('function');
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
    let kind: 'flask' | 'fastapi' | 'aiohttp' | undefined;
    if (type && FLASK_APPS.has(type)) kind = 'flask';
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
    if (kind === 'flask') {
      plan.flaskRoute = true;
      const names = new Map<string, string>();
      for (const m of url.matchAll(/<(?:([A-Za-z_]\w*)(?:\([^)]*\))?:)?([A-Za-z_]\w*)>/g)) names.set(m[2], m[1] ?? 'string');
      plan.sourceParams = [];
      plan.params.forEach((p, i) => {
        const conv = names.get(p);
        if (conv !== undefined && !SAFE_CONVERTERS.has(conv)) plan.sourceParams?.push({ i, label: `route parameter ${p}`, kind: 'web' });
      });
    } else if (kind === 'fastapi') {
      const details = parameterDetails(fn.node);
      plan.sourceParams = [];
      plan.params.forEach((p, i) => {
        if (p.startsWith('*')) return;
        const d = details.get(p);
        if (d?.value?.type === 'call') {
          const dq = model.qualifiedName(d.value.childForFieldName('function') ?? d.value);
          if (dq && DEPENDENCY_DEFAULTS.has(dq)) return;
        }
        if (d?.annotation) {
          const verdict = annotationVerdict(model, d.annotation);
          if (verdict === 'safe') return;
          if (verdict === 'request' && REQUEST_PARAM_NAMES.has(p)) return;
          if (verdict === 'request') return;
          plan.sourceParams?.push({ i, label: `request parameter ${p}`, kind: 'web', ...(verdict !== 'taint' ? { type: verdict } : {}) });
          return;
        }
        if (REQUEST_PARAM_NAMES.has(p)) return;
        plan.sourceParams?.push({ i, label: `request parameter ${p}`, kind: 'web' });
      });
    }
    return;
  }
  void ctx;
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
    let target: string | undefined;
    const v = unparen(view);
    if (v.type === 'call') {
      const fn = v.childForFieldName('function');
      const obj = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'as_view' ? fn.childForFieldName('object') : null;
      if (obj) target = model.qualifiedName(obj);
    } else target = model.qualifiedName(v);
    if (target && params.length > 0) out.push({ target, params, loc: ctx.location(call.node) });
  }
  return out;
}
