/**
 * Request handlers as the access rules see them: which functions and class-based views answer requests, the
 * HTTP methods they take, the URL parameters they receive, and the authentication they carry. Computed once per
 * module (cached) and shared by the access rules and the application facts.
 */
import type { Node } from 'web-tree-sitter';
import { FASTAPI_APPS, FLASK_APPS, ROUTE_METHODS, ROUTER_NAME } from '../dataflow/models/routes.js';
import type { CallSite, FunctionInfo, Scope } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';
import { parameterParts, unparen } from '../syntax/nodes.js';
import { isTestPath } from '../semantics/test-code.js';
import type { Framework } from './types.js';

export interface Handler {
  /** The function, or the class of a class-based view. */
  node: Node;
  name: string;
  framework: Framework;
  /** HTTP methods, upper case; empty when any method reaches it (a Django function view). */
  methods: string[];
  url: string;
  /** Parameters whose value comes from the URL. */
  urlParams: Set<string>;
  /** The authentication it carries, as messages name it; undefined when none is visible. */
  auth?: string;
  /** For class-based views: the state-changing behaviour the base class brings (`ModelViewSet` creates, updates and deletes). */
  writingBase?: string;
  /** A decorator or base that restricts the route to some users beyond being logged in (admin, staff, a permission). */
  restricted: boolean;
}

/** Modules the access rules look at: they import a web framework, and are not test code. */
const WEB_IMPORT = /^(?:flask|django|fastapi|rest_framework|starlette|quart)\b/;
const ROUTE_DECORATOR = /@[ \t]*\w+[ \t]*\.[ \t]*(?:route|get|post|put|patch|delete|api_route)[ \t]*\(/;
const webModules = new WeakMap<ModuleModel, boolean>();

export function isWebModule(model: ModuleModel): boolean {
  let web = webModules.get(model);
  if (web === undefined) {
    // Routes may sit in a module that imports only the project's own `app` (`from myapp import app`).
    web = (model.imports.some((i) => WEB_IMPORT.test(i.module)) || ROUTE_DECORATOR.test(model.text)) && !isTestPath(model.relPath);
    webModules.set(model, web);
  }
  return web;
}

/** Decorators that require a logged-in user, by last name. */
const AUTH_DECORATORS = new Set([
  'login_required', 'jwt_required', 'fresh_jwt_required', 'jwt_refresh_token_required', 'permission_required',
  'user_passes_test', 'staff_member_required', 'superuser_required', 'auth_required', 'token_required', 'roles_required',
  'roles_accepted', 'admin_required', 'requires_auth', 'login_required_json', 'http_auth_required', 'auth_token_required',
  'verify_token', 'authenticated', 'permission_classes', 'authentication_classes', 'secure',
]);
/** Project decorators named for what they require (`@admin_only`, `@requires_login`, `@api_key_required`). */
const AUTH_DECORATOR_NAME = /(?:^|_)(?:login|auth|authenticated|jwt|token|key|permission|permissions|admin|staff|role|roles|user|signin|session)_(?:required|only)$|^requires?_(?:auth|login|permission|role|user|admin|token)/;
/** Of those, the ones that restrict to some users, not just any logged-in one. */
const RESTRICTING = /admin|staff|superuser|permission|role|user_passes_test/;

const DJANGO_AUTH_MIXINS = /^(LoginRequiredMixin|PermissionRequiredMixin|UserPassesTestMixin|AccessMixin|StaffRequiredMixin|SuperuserRequiredMixin|\w*LoginRequired\w*Mixin)$/;
/** DRF permission classes that let anyone in. */
const OPEN_PERMISSIONS = /^\s*[[(]?\s*(?:(?:rest_framework\.)?(?:permissions\.)?AllowAny\s*,?\s*)?[\])]?\s*$/;

/** Django and DRF views by base class: the ones whose base class writes (DRF generics, Django edit views). */
const WRITING_BASES: Record<string, string> = {
  ModelViewSet: 'ModelViewSet', CreateAPIView: 'CreateAPIView', UpdateAPIView: 'UpdateAPIView', DestroyAPIView: 'DestroyAPIView',
  ListCreateAPIView: 'ListCreateAPIView', RetrieveUpdateAPIView: 'RetrieveUpdateAPIView', RetrieveDestroyAPIView: 'RetrieveDestroyAPIView',
  RetrieveUpdateDestroyAPIView: 'RetrieveUpdateDestroyAPIView', CreateModelMixin: 'CreateModelMixin', UpdateModelMixin: 'UpdateModelMixin',
  DestroyModelMixin: 'DestroyModelMixin', CreateView: 'CreateView', UpdateView: 'UpdateView', DeleteView: 'DeleteView',
};
const VIEW_BASE = /(?:^|\.)(?:View|APIView|GenericAPIView|ViewSet|GenericViewSet|ModelViewSet|ReadOnlyModelViewSet|\w+APIView|TemplateView|DetailView|ListView|FormView|CreateView|UpdateView|DeleteView|RedirectView|\w+ModelMixin|MethodView)$/;
/** Handler methods of class-based views, and the HTTP method each answers. */
const VIEW_METHODS: Record<string, string> = {
  get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE', list: 'GET', retrieve: 'GET', create: 'POST',
  update: 'PUT', partial_update: 'PATCH', destroy: 'DELETE', perform_create: 'POST', perform_update: 'PUT',
  perform_destroy: 'DELETE', form_valid: 'POST',
};

/** FastAPI dependencies that identify the caller (`Depends(get_current_user)`, `Security(oauth2_scheme)`). */
const AUTH_DEPENDENCY = /user|auth|token|login|jwt|session|principal|verify|require|admin|permission|oauth|bearer|api_key|apikey|credential/i;

/** A check written in the handler: `current_user.is_authenticated`, `abort(401)`, `raise PermissionDenied`. */
const INLINE_CHECK =
  /\bis_authenticated\b|\bis_anonymous\b|get_jwt_identity\s*\(|verify_jwt_in_request\s*\(|get_current_user\s*\(|\bhas_perm\s*\(|session\s*\.\s*get\s*\(\s*['"](?:user|uid|logged)|['"]user_id['"]\s+(?:not\s+)?in\s+session|abort\s*\(\s*40[13]\b|HttpResponseForbidden|PermissionDenied|NotAuthenticated|status_code\s*=\s*(?:40[13]\b|status\.HTTP_40[13])|HTTP_40[13]_|\bUnauthorized\s*\(|\bForbidden\s*\(/;

/** The label of a check written in the view: it protects that view, but says nothing of the application's mechanism. */
export const INLINE_CHECK_LABEL = 'a check in the view';

/** Where Django function views live: `views.py`, a `views/` package, `api.py`, `endpoints.py`. */
const VIEWS_MODULE = /(?:^|\/)(?:\w*views?|api|endpoints)(?:\/|\.pyw?$)/;

const DJANGO_VIEW_IMPORTS = /^(?:django\.(?:views|http|shortcuts|contrib\.auth|template\.response)|rest_framework)\b/;

/** A module of views: named so, or importing Django's responses or shortcuts. */
function viewsModule(model: ModuleModel): boolean {
  return VIEWS_MODULE.test(model.relPath) || model.imports.some((i) => /^django\.(?:http|shortcuts)\b/.test(i.module));
}

const cache = new WeakMap<ModuleModel, Handler[]>();

/** The request handlers of a module; none in test code or in modules that name no web framework. */
export function handlersOf(model: ModuleModel): Handler[] {
  let out = cache.get(model);
  if (out) return out;
  out = [];
  if (isWebModule(model)) {
    // Django views import what views need (responses, shortcuts, view classes, auth decorators): the framework's
    // other modules (models, forms, utilities) hold no views.
    const djangoModule = model.imports.some((i) => DJANGO_VIEW_IMPORTS.test(i.module));
    const fastapiModule = model.imports.some((i) => /^(?:fastapi|starlette)\b/.test(i.module));
    const djangoViews = djangoModule && viewsModule(model);
    const classes = new Map<number, Handler | null>();
    for (const fn of model.functions) {
      const h = functionHandler(model, fn, djangoModule, djangoViews, fastapiModule);
      if (h) {
        out.push(h);
        continue;
      }
      const cls = enclosingClass(fn);
      if (!djangoModule || !cls || !(fn.name in VIEW_METHODS)) continue;
      if (!classes.has(cls.id)) classes.set(cls.id, classView(model, cls));
      const view = classes.get(cls.id);
      if (view) view.methods.push(VIEW_METHODS[fn.name]);
    }
    // Class views with no handler method of their own still answer requests through their base (a ModelViewSet).
    if (djangoModule) {
      for (const cls of classNodes(model)) {
        if (classes.has(cls.id)) continue;
        const view = classView(model, cls);
        if (view?.writingBase) classes.set(cls.id, view);
      }
    }
    for (const view of classes.values()) if (view) out.push(view);
  }
  cache.set(model, out);
  return out;
}

/** Every class definition of the module, from its scopes (no walk of the tree). */
export function classNodes(model: ModuleModel): Node[] {
  const out: Node[] = [];
  const visit = (scope: Scope) => {
    for (const child of scope.children) {
      if (child.kind === 'class' && child.node) out.push(child.node);
      visit(child);
    }
  };
  visit(model.moduleScope);
  return out;
}

export function enclosingClass(fn: FunctionInfo): Node | undefined {
  const parent = fn.scope.parent;
  return parent?.kind === 'class' && parent.node ? parent.node : undefined;
}

/** The last name of a decorator's expression (`login_required` for `@auth.login_required()`). */
function decoratorName(dec: Node): { name: string; call?: Node } {
  let expr = dec.namedChildren[0] ?? dec;
  let call: Node | undefined;
  if (expr.type === 'call') {
    call = expr;
    expr = expr.childForFieldName('function') ?? expr;
  }
  const text = expr.text;
  return { name: text.slice(text.lastIndexOf('.') + 1), ...(call ? { call } : {}) };
}

function stringList(node: Node | undefined, model: ModuleModel): string[] {
  if (!node) return [];
  const n = unparen(node);
  if (n.type !== 'list' && n.type !== 'tuple') return [];
  return n.namedChildren.flatMap((c) => {
    const s = c ? model.constantString(c) : undefined;
    return s ? [s.toUpperCase()] : [];
  });
}

function keywordOf(call: Node, name: string): Node | undefined {
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

function firstPositional(call: Node): Node | undefined {
  const a = call.childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'keyword_argument' && c.type !== 'comment');
  return a ?? undefined;
}

/** `Depends(get_current_user)` or `Security(scheme)` whose dependency identifies the caller. */
function authDependency(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const n = unparen(node);
  if (n.type !== 'call') return undefined;
  const fn = n.childForFieldName('function')?.text ?? '';
  if (!/(?:^|\.)(?:Depends|Security)$/.test(fn)) return undefined;
  const dep = firstPositional(n);
  // A login form (`OAuth2PasswordRequestForm`) reads credentials; it does not identify a caller.
  return dep && AUTH_DEPENDENCY.test(dep.text) && !/RequestForm/.test(dep.text) ? `${fn.slice(fn.lastIndexOf('.') + 1)}(${dep.text.slice(0, 40)})` : undefined;
}

function functionHandler(model: ModuleModel, fn: FunctionInfo, djangoModule: boolean, djangoViews: boolean, fastapiModule: boolean): Handler | undefined {
  let framework: Framework | undefined;
  let methods: string[] = [];
  let url = '';
  let auth: string | undefined;
  let restricted = false;
  for (const dec of fn.decorators) {
    const { name, call } = decoratorName(dec);
    if (AUTH_DECORATORS.has(name) || AUTH_DECORATOR_NAME.test(name)) {
      const args = call?.childForFieldName('arguments')?.text ?? '';
      if (name !== 'permission_classes' || !OPEN_PERMISSIONS.test(args.slice(1, -1))) {
        auth ??= `@${name}`;
        if (RESTRICTING.test(name)) restricted = true;
      }
      continue;
    }
    if (name === 'api_view' && call) {
      framework = 'drf';
      methods = stringList(firstPositional(call), model);
      if (methods.length === 0) methods = ['GET'];
      continue;
    }
    if (/^require_(POST|GET|safe)$/.test(name)) {
      framework ??= 'django';
      methods = name === 'require_POST' ? ['POST'] : ['GET'];
      continue;
    }
    if (name === 'require_http_methods' && call) {
      framework ??= 'django';
      methods = stringList(firstPositional(call), model);
      continue;
    }
    if (!call || !ROUTE_METHODS.has(name)) continue;
    const callee = call.childForFieldName('function');
    const receiver = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
    if (!receiver) continue;
    const type = model.instanceType(receiver);
    const first = firstPositional(call);
    url = (first ? model.constantString(first) : undefined) ?? '';
    if (type && FLASK_APPS.has(type)) framework = 'flask';
    else if (type && FASTAPI_APPS.has(type)) framework = 'fastapi';
    else if (ROUTER_NAME.test(receiver.text.split('.').pop() ?? '')) framework = fastapiModule && name !== 'route' && !url.includes('<') ? 'fastapi' : 'flask';
    else continue;
    if (name === 'route' || name === 'api_route') {
      methods = stringList(keywordOf(call, 'methods'), model);
      if (methods.length === 0) methods = name === 'route' ? ['GET'] : [];
    } else if (name !== 'view' && name !== 'add_url_rule') methods = [name.toUpperCase()];
    const deps = keywordOf(call, 'dependencies');
    for (const d of deps?.namedChildren ?? []) auth ??= authDependency(d);
  }
  // A Django function view: first parameter `request`, in a views module (helpers elsewhere take a request too).
  if (!framework && djangoModule && fn.scope.parent?.kind === 'module' && (auth || djangoViews)) {
    const params = parameterParts(fn.node);
    if (params[0]?.name.text === 'request') framework = 'django';
  }
  if (!framework) return undefined;
  const urlParams = new Set<string>();
  const params = parameterParts(fn.node);
  if (framework === 'flask') for (const m of url.matchAll(/<(?:[A-Za-z_]\w*(?:\([^)]*\))?:)?([A-Za-z_]\w*)>/g)) urlParams.add(m[1]);
  else if (framework === 'fastapi') {
    for (const m of url.matchAll(/\{([A-Za-z_]\w*)(?::[^}]*)?\}/g)) urlParams.add(m[1]);
    for (const p of params) auth ??= authDependency(p.node.type === 'identifier' ? null : p.node.childForFieldName('value'));
  } else {
    for (const p of params.slice(1)) if (p.splat === '') urlParams.add(p.name.text);
  }
  const body = fn.node.childForFieldName('body');
  if (!auth && body && INLINE_CHECK.test(body.text)) auth = INLINE_CHECK_LABEL;
  return { node: fn.node, name: fn.name, framework, methods, url, urlParams, ...(auth ? { auth } : {}), restricted };
}

function classBases(model: ModuleModel, cls: Node): string[] {
  const args = cls.childForFieldName('superclasses');
  return (args?.namedChildren ?? []).flatMap((b) => (b && b.type !== 'keyword_argument' ? [model.qualifiedName(b) ?? b.text] : []));
}

/** A class body's assignment of `name`, as written. */
export function classAttribute(cls: Node, name: string): Node | undefined {
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : null;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === name) return a.childForFieldName('right') ?? undefined;
  }
  return undefined;
}

function classView(model: ModuleModel, cls: Node): Handler | null {
  // Most classes are no views: their bases' text says so before any name is resolved.
  if (!/View|Mixin/.test(cls.childForFieldName('superclasses')?.text ?? '')) return null;
  const bases = classBases(model, cls);
  const last = bases.map((b) => b.slice(b.lastIndexOf('.') + 1));
  if (!bases.some((b) => VIEW_BASE.test(b))) return null;
  const drf = bases.some((b) => /rest_framework|APIView|ViewSet|ModelMixin/.test(b));
  let auth: string | undefined;
  let restricted = false;
  const mixin = last.find((b) => DJANGO_AUTH_MIXINS.test(b));
  if (mixin) {
    auth = mixin;
    restricted = /Permission|UserPassesTest|Staff|Superuser/.test(mixin);
  }
  const perms = classAttribute(cls, 'permission_classes');
  if (perms && !OPEN_PERMISSIONS.test(perms.text)) {
    auth ??= 'permission_classes';
    if (/Admin|Staff|Model|Object|Owner|Permission(?!s?\.IsAuthenticated)/.test(perms.text.replace(/IsAuthenticated(OrReadOnly)?/g, ''))) restricted = true;
  }
  const decorated = cls.parent?.type === 'decorated_definition' ? cls.parent.namedChildren.filter((c) => c?.type === 'decorator') : [];
  for (const d of decorated) if (d && /login_required|permission_required|staff_member_required/.test(d.text)) auth ??= 'method_decorator(login_required)';
  const body = cls.childForFieldName('body');
  if (!auth && body && /method_decorator\s*\(\s*\w*(login_required|permission_required)/.test(body.text)) auth = 'method_decorator(login_required)';
  if (!auth && body && INLINE_CHECK.test(body.text)) auth = INLINE_CHECK_LABEL;
  const writing = last.find((b) => b in WRITING_BASES);
  const name = cls.childForFieldName('name')?.text ?? '';
  const methods: string[] = [];
  if (writing) methods.push(...(/Create/.test(writing) ? ['POST'] : []), ...(/Update|ModelViewSet/.test(writing) ? ['PUT'] : []), ...(/Destroy|Delete|ModelViewSet/.test(writing) ? ['DELETE'] : []), ...(/ModelViewSet/.test(writing) ? ['POST'] : []));
  return {
    node: cls,
    name,
    framework: drf ? 'drf' : 'django',
    methods,
    url: '',
    urlParams: new Set(['pk', 'id', 'slug']),
    ...(auth ? { auth } : {}),
    ...(writing ? { writingBase: writing } : {}),
    restricted,
  };
}

/** The handler a node sits in (the innermost function or class view). */
export function handlerAt(model: ModuleModel, node: Node): Handler | undefined {
  let best: Handler | undefined;
  for (const h of handlersOf(model)) {
    if (node.startIndex >= h.node.startIndex && node.endIndex <= h.node.endIndex && (!best || h.node.startIndex >= best.node.startIndex)) best = h;
  }
  return best;
}

/** The calls inside a node. */
export function callsWithin(model: ModuleModel, node: Node): CallSite[] {
  return model.calls.filter((c) => c.node.startIndex >= node.startIndex && c.node.endIndex <= node.endIndex);
}
