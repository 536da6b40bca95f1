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
