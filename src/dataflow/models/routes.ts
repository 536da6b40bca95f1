/**
 * Route detection: which decorators make a function a request handler, and which of its parameters carry
 * request data.
 */

/** Decorator methods that register a route (`@app.route`, `@router.get`, `@routes.post`). */
export const ROUTE_METHODS: ReadonlySet<string> = new Set([
  'route', 'get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'api_route', 'websocket', 'view', 'add_url_rule',
]);

/** Objects that own routes, by type; decorators on other receivers count only when the name reads like one. */
export const FLASK_APPS: ReadonlySet<string> = new Set(['flask.Flask', 'flask.Blueprint', 'flask.blueprints.Blueprint', 'flask.app.Flask', 'quart.Quart', 'quart.Blueprint']);
export const FASTAPI_APPS: ReadonlySet<string> = new Set([
  'fastapi.FastAPI', 'fastapi.APIRouter', 'fastapi.routing.APIRouter', 'starlette.applications.Starlette', 'starlette.routing.Router',
]);
export const AIOHTTP_APPS: ReadonlySet<string> = new Set(['aiohttp.web.RouteTableDef', 'aiohttp.web.Application']);
export const ROUTER_NAME = /^(app|application|api|bp|blueprint|\w*_bp|\w*_blueprint|router|\w*_router|routes|web_app)$/i;

/** FastAPI parameter types whose values cannot carry text (the framework converts and validates them). */
export const SAFE_PARAM_TYPES: ReadonlySet<string> = new Set([
  'int', 'float', 'bool', 'complex', 'uuid.UUID', 'UUID', 'decimal.Decimal', 'datetime.date', 'datetime.datetime',
  'datetime.time', 'datetime.timedelta', 'pydantic.PositiveInt', 'pydantic.NegativeInt', 'pydantic.conint',
  'pydantic.StrictInt', 'pydantic.StrictBool', 'pydantic.StrictFloat',
]);

/** FastAPI/Starlette parameters that are framework objects, not request values. */
export const FRAMEWORK_PARAM_TYPES: ReadonlySet<string> = new Set([
  'fastapi.Request', 'starlette.requests.Request', 'fastapi.requests.Request', 'fastapi.WebSocket', 'starlette.websockets.WebSocket',
  'fastapi.BackgroundTasks', 'starlette.background.BackgroundTasks', 'fastapi.Response', 'starlette.responses.Response',
  'sqlalchemy.orm.Session', 'sqlalchemy.orm.session.Session',
]);

/** Defaults that inject a dependency rather than read the request. */
export const DEPENDENCY_DEFAULTS: ReadonlySet<string> = new Set(['fastapi.Depends', 'fastapi.Security', 'fastapi.params.Depends']);

/** Flask URL converters that deliver numbers or UUIDs. */
export const SAFE_CONVERTERS: ReadonlySet<string> = new Set(['int', 'float', 'uuid']);

/** Django URL routing functions (`urls.py`). */
export const DJANGO_URL_FUNCS: ReadonlySet<string> = new Set(['django.urls.path', 'django.urls.re_path', 'django.conf.urls.url']);

/** aiohttp and Starlette registration calls whose handler argument receives the request. */
export const HANDLER_REGISTRATIONS: ReadonlySet<string> = new Set(['add_get', 'add_post', 'add_put', 'add_patch', 'add_delete', 'add_route', 'add_api_route']);

/**
 * How a route's URL names its parameters, and which of the handler's parameters are request values:
 * - 'flask': `<converter:name>`, only the named parameters (Flask, Quart);
 * - 'bottle': `<name:filter>`, only the named parameters (Bottle, Sanic);
 * - 'fastapi': every parameter that is not a framework object, typed parameters judged by type (FastAPI,
 *   Litestar, Chalice, whose handlers receive nothing else);
 * - 'aiohttp': the request object only.
 */
export type RouteStyle = 'flask' | 'bottle' | 'fastapi' | 'aiohttp';

/** Route owners beyond Flask/FastAPI/aiohttp, by type, with the style of their routes. */
export const APP_STYLES: Readonly<Record<string, RouteStyle>> = {
  'bottle.Bottle': 'bottle',
  'sanic.Sanic': 'bottle',
  'sanic.Blueprint': 'bottle',
  'sanic.app.Sanic': 'bottle',
  'chalice.Chalice': 'fastapi',
  'chalice.app.Chalice': 'fastapi',
  'chalice.Blueprint': 'fastapi',
  'litestar.Router': 'fastapi',
  // Azure Functions v2: the handler's parameter is a `func.HttpRequest`, found by its annotation.
  'azure.functions.FunctionApp': 'aiohttp',
  'azure.functions.Blueprint': 'aiohttp',
};

/** Route decorators that are plain functions (`@route("/x")` in Bottle, `@get("/x")` in Litestar). */
export const ROUTE_FUNCTIONS: Readonly<Record<string, RouteStyle>> = {
  'bottle.route': 'bottle',
  'bottle.get': 'bottle',
  'bottle.post': 'bottle',
  'bottle.put': 'bottle',
  'bottle.delete': 'bottle',
  'bottle.patch': 'bottle',
  'litestar.get': 'fastapi',
  'litestar.post': 'fastapi',
  'litestar.put': 'fastapi',
  'litestar.patch': 'fastapi',
  'litestar.delete': 'fastapi',
  'litestar.route': 'fastapi',
  'litestar.websocket': 'fastapi',
  'litestar.handlers.get': 'fastapi',
  'litestar.handlers.post': 'fastapi',
};

/** Bottle and Sanic URL filters that deliver numbers or UUIDs (`<id:int>`). */
export const SAFE_URL_FILTERS: ReadonlySet<string> = new Set(['int', 'float', 'uuid', 'number']);

/**
 * Handlers found by something other than a route decorator. A row matches a function by decorator (qualified
 * name, called or not), by a decorator method on an object of a type (`@query.field("x")` on an Ariadne
 * `QueryType`), or as a method of a class deriving from `bases`, named in `methods` or matching `methodPattern`.
 * Parameters from index `from` (up to `count` of them) are request values, except those named in `skip` and
 * those whose annotation is a number, boolean or UUID.
 */
export interface EntryRow {
  framework: string;
  label: string;
  decorators?: string[];
  decoratorMethods?: { types: string[]; methods: string[] };
  bases?: string[];
  methods?: string[];
  methodPattern?: RegExp;
  /** The parameter that must hold the request (by name) for a `methodPattern` row without bases. */
  requestParam?: number;
  from: number;
  count?: number;
  skip?: string[];
}

const GRAPHENE_TYPES = ['graphene.ObjectType', 'graphene.types.objecttype.ObjectType', 'graphene.types.ObjectType'];

export const ENTRY_ROWS: readonly EntryRow[] = [
  // Google Cloud Functions: the first parameter is a Flask request, whatever its name.
  { framework: 'google-cloud-functions', label: 'Cloud Function request', decorators: ['functions_framework.http'], from: 0, count: 1 },
  { framework: 'graphene', label: 'GraphQL argument', bases: GRAPHENE_TYPES, methodPattern: /^resolve_\w+$/, from: 2 },
  {
    framework: 'graphene',
    label: 'GraphQL mutation argument',
    bases: ['graphene.Mutation', 'graphene.relay.ClientIDMutation', 'graphene.types.mutation.Mutation'],
    methods: ['mutate', 'mutate_and_get_payload'],
    from: 2,
  },
  {
    framework: 'strawberry',
    label: 'GraphQL argument',
    decorators: ['strawberry.field', 'strawberry.mutation', 'strawberry.subscription'],
    from: 0,
    skip: ['self', 'root', 'info', 'cls'],
  },
  {
    framework: 'ariadne',
    label: 'GraphQL argument',
    decoratorMethods: { types: ['ariadne.QueryType', 'ariadne.MutationType', 'ariadne.ObjectType', 'ariadne.SubscriptionType'], methods: ['field'] },
    from: 2,
  },
  { framework: 'tornado-websocket', label: 'websocket message', bases: ['tornado.websocket.WebSocketHandler'], methods: ['on_message'], from: 1, count: 1 },
  // Falcon responders `on_get(self, req, resp, **fields)`: the fields come from the URL template.
  { framework: 'falcon', label: 'URL field', methodPattern: /^on_(?:get|post|put|patch|delete|head|options)(?:_\w+)?$/, requestParam: 1, from: 3 },
];

/**
 * Calls that register a view for a URL, outside `urls.py`: the view is a function, or a class through
 * `as_view(...)`, and its parameters named in the URL are request values. `url`/`view` are the positions and
 * keyword names of the URL and the view; `style` reads the URL's placeholders.
 */
export interface RegistrationRow {
  methods: string[];
  /** Receiver types; other receivers count when their name reads like an app or router. */
  types: string[];
  url: { pos: number; kw: string };
  view: { pos: number; kw: string };
  style: 'flask' | 'bottle';
}

export const REGISTRATION_ROWS: readonly RegistrationRow[] = [
  { methods: ['add_url_rule'], types: [...FLASK_APPS], url: { pos: 0, kw: 'rule' }, view: { pos: 2, kw: 'view_func' }, style: 'flask' },
  // Sanic `app.add_route(handler, "/x/<name>")`.
  { methods: ['add_route'], types: ['sanic.Sanic', 'sanic.Blueprint', 'sanic.app.Sanic'], url: { pos: 1, kw: 'uri' }, view: { pos: 0, kw: 'handler' }, style: 'bottle' },
];

/** Django `include()`: a URL prefix's parameters reach every view of the included module. */
export const DJANGO_INCLUDE_FUNCS: ReadonlySet<string> = new Set(['django.urls.include', 'django.conf.urls.include']);
