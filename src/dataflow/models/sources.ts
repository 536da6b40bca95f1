import type { SourceKind } from '../types.js';

/**
 * Untrusted sources, one row per framework. A row names where the data is read:
 * - `qualified`: an attribute or object by qualified name (`flask.request.args`, `sys.argv`); reading it, or
 *   anything under it, is the source.
 * - `calls`: a call by qualified name whose result is the source (`input`, `os.getenv`).
 * - `requestAttrs` / `requestMethods`: attributes and methods of a request object, which is a parameter named
 *   `request`/`req`, a parameter annotated with a request class, or `self.request`.
 * - `selfAttrs` / `selfMethods` with `bases`: attributes and methods of `self` in a class deriving from one of
 *   the bases (Tornado handlers, `http.server` handlers, Django class-based views).
 */
export interface SourceRow {
  framework: string;
  kind: SourceKind;
  qualified?: string[];
  calls?: string[];
  requestAttrs?: string[];
  requestMethods?: string[];
  bases?: string[];
  /** Methods of any receiver (`sock.recv()` on a socket whose type is not known). */
  methods?: string[];
  selfAttrs?: string[];
  selfMethods?: string[];
  /** Attributes of objects of the given types that hold the request (Chalice `app.current_request`). */
  instanceAttrs?: { types: string[]; attrs: string[] };
  /** Attributes that cannot carry some kinds of payload, with the rules they are therefore safe for. */
  safeFor?: Record<string, string[]>;
}

export const SOURCE_ROWS: readonly SourceRow[] = [
  {
    framework: 'flask',
    kind: 'web',
    qualified: [
      'flask.request.args', 'flask.request.form', 'flask.request.values', 'flask.request.cookies',
      'flask.request.headers', 'flask.request.json', 'flask.request.data', 'flask.request.files',
      'flask.request.stream', 'flask.request.environ', 'flask.request.path', 'flask.request.full_path',
      'flask.request.url', 'flask.request.base_url', 'flask.request.host', 'flask.request.referrer',
      'flask.request.authorization', 'flask.request.view_args', 'flask.request.query_string',
      'flask.request.user_agent',
    ],
    calls: ['flask.request.get_json', 'flask.request.get_data', 'flask.request.args.get', 'flask.request.form.get'],
  },
  {
    framework: 'django',
    kind: 'web',
    requestAttrs: ['GET', 'POST', 'COOKIES', 'META', 'headers', 'body', 'FILES', 'path', 'path_info', 'content_params'],
    requestMethods: ['get_full_path', 'get_full_path_info', 'get_host', 'build_absolute_uri', 'read', 'readline', 'readlines'],
  },
  { framework: 'drf', kind: 'web', requestAttrs: ['data', 'query_params'] },
  {
    framework: 'starlette',
    kind: 'web',
    requestAttrs: ['query_params', 'path_params', 'cookies', 'url'],
    requestMethods: ['json', 'form', 'body', 'stream'],
  },
  {
    framework: 'aiohttp',
    kind: 'web',
    requestAttrs: ['match_info', 'query', 'rel_url', 'content', 'raw_path', 'query_string'],
    requestMethods: ['post', 'text', 'json', 'read', 'multipart'],
  },
  {
    framework: 'flask-request-object',
    kind: 'web',
    requestAttrs: ['args', 'form', 'values', 'json', 'data', 'files', 'stream', 'environ', 'full_path', 'host', 'referrer', 'authorization'],
    requestMethods: ['get_json', 'get_data'],
  },
  {
    framework: 'tornado',
    kind: 'web',
    bases: ['tornado.web.RequestHandler'],
    selfMethods: [
      'get_argument', 'get_arguments', 'get_query_argument', 'get_query_arguments', 'get_body_argument',
      'get_body_arguments', 'get_cookie', 'get_secure_cookie', 'get_signed_cookie', 'decode_argument',
    ],
    requestAttrs: ['arguments', 'query_arguments', 'body_arguments', 'uri', 'query', 'files'],
  },
  {
    framework: 'http.server',
    kind: 'web',
    bases: [
      'http.server.BaseHTTPRequestHandler', 'http.server.SimpleHTTPRequestHandler', 'http.server.CGIHTTPRequestHandler',
      'socketserver.StreamRequestHandler', 'socketserver.BaseRequestHandler',
    ],
    selfAttrs: ['path', 'headers', 'rfile', 'requestline', 'raw_requestline'],
    // The path is a word of the request line, split on whitespace and not percent-decoded: no CR or LF can be
    // in it, so it cannot start a new header line.
    safeFor: { path: ['K716'], requestline: ['K716'] },
  },
  {
    framework: 'django-class-views',
    kind: 'web',
    bases: [
      'django.views.View', 'django.views.generic.View', 'django.views.generic.base.View',
      'django.views.generic.TemplateView', 'django.views.generic.DetailView', 'django.views.generic.ListView',
      'django.views.generic.FormView', 'django.views.generic.RedirectView',
      'rest_framework.views.APIView', 'rest_framework.generics.GenericAPIView', 'rest_framework.viewsets.ViewSet',
      'rest_framework.viewsets.ModelViewSet', 'rest_framework.viewsets.GenericViewSet',
    ],
    selfAttrs: ['kwargs', 'args'],
  },
  {
    framework: 'pyramid',
    kind: 'web',
    requestAttrs: ['params', 'matchdict', 'json_body', 'cookies', 'headers', 'text', 'GET', 'POST', 'body'],
  },
  {
    // Falcon responders: `on_get(self, req, resp, **fields)`.
    framework: 'falcon',
    kind: 'web',
    requestAttrs: ['params', 'media', 'stream', 'bounded_stream', 'cookies', 'headers', 'query_string', 'uri', 'relative_uri'],
    requestMethods: ['get_param', 'get_param_as_list', 'get_header', 'get_cookie_values', 'get_media'],
  },
  {
    framework: 'bottle',
    kind: 'web',
    qualified: [
      'bottle.request.query', 'bottle.request.forms', 'bottle.request.params', 'bottle.request.json', 'bottle.request.files',
      'bottle.request.body', 'bottle.request.cookies', 'bottle.request.headers', 'bottle.request.GET', 'bottle.request.POST',
      'bottle.request.url', 'bottle.request.fullpath', 'bottle.request.query_string', 'bottle.request.environ',
    ],
    calls: ['bottle.request.get_cookie', 'bottle.request.get_header'],
  },
  {
    framework: 'quart',
    kind: 'web',
    qualified: [
      'quart.request.args', 'quart.request.form', 'quart.request.values', 'quart.request.cookies', 'quart.request.headers',
      'quart.request.json', 'quart.request.files', 'quart.request.path', 'quart.request.full_path', 'quart.request.url',
      'quart.request.host', 'quart.request.referrer', 'quart.request.view_args', 'quart.request.query_string',
    ],
    calls: ['quart.request.get_json', 'quart.request.get_data', 'quart.request.args.get', 'quart.request.form.get'],
  },
  { framework: 'chalice', kind: 'web', instanceAttrs: { types: ['chalice.Chalice', 'chalice.app.Chalice'], attrs: ['current_request'] } },
  // Sanic's request: `args`, `form`, `json`, `files`, `cookies` and `headers` are read above; these are its own.
  { framework: 'sanic', kind: 'web', requestAttrs: ['body', 'raw_url', 'query_args'], requestMethods: ['get_args', 'get_query_args'] },
  // Azure Functions' `func.HttpRequest` (found by annotation): `params`, `get_json()` and `get_body()`.
  { framework: 'azure-functions', kind: 'web', requestAttrs: ['params', 'route_params'], requestMethods: ['get_body'] },
  {
    // Tornado websocket handlers read the request like any handler; messages arrive as `on_message` arguments.
    framework: 'tornado-websocket',
    kind: 'web',
    bases: ['tornado.websocket.WebSocketHandler'],
    selfMethods: ['get_argument', 'get_arguments', 'get_query_argument', 'get_cookie', 'get_secure_cookie'],
  },
  { framework: 'cgi', kind: 'web', calls: ['cgi.FieldStorage', 'cgi.parse', 'cgi.parse_qs', 'cgi.parse_multipart'] },
  { framework: 'wsgi', kind: 'web', qualified: [] },
  {
    framework: 'process',
    kind: 'process',
    qualified: ['sys.argv', 'os.environ', 'sys.stdin', 'os.environb'],
    calls: [
      'input', 'raw_input', 'os.getenv', 'os.getenvb', 'os.environ.get', 'sys.stdin.read', 'sys.stdin.readline',
      'sys.stdin.readlines', 'argparse.ArgumentParser.parse_args', 'argparse.ArgumentParser.parse_known_args',
      'optparse.OptionParser.parse_args', 'fileinput.input', 'io.TextIOWrapper.read', 'io.TextIOWrapper.readline',
      'io.TextIOWrapper.readlines', 'pathlib.Path.read_text', 'pathlib.Path.read_bytes', 'socket.socket.recv',
      'socket.socket.recvfrom', 'socket.socket.recv_into', 'socket.socket.makefile',
    ],
    methods: ['recv', 'recvfrom', 'recv_bytes'],
  },
  {
    // Predictable values: a source for insecure randomness (K720) only, never for the injection rules.
    framework: 'random',
    kind: 'random',
    calls: [
      ...['random', 'randint', 'choice', 'choices', 'randrange', 'getrandbits', 'sample', 'uniform', 'randbytes', 'triangular'].flatMap((f) => [`random.${f}`, `random.Random.${f}`]),
      ...['rand', 'randint', 'random', 'random_sample', 'choice', 'bytes', 'permutation'].map((f) => `numpy.random.${f}`),
    ],
  },
];

/** Django and DRF class-based views: extra parameters of their handler methods are URL keyword arguments. */
export const CLASS_VIEW_BASES: ReadonlySet<string> = new Set(SOURCE_ROWS.find((r) => r.framework === 'django-class-views')?.bases ?? []);

/**
 * Process inputs that are configuration rather than input: the environment is set by whoever starts the
 * process (`DJANGO_SETTINGS_MODULE` naming the module to import is the design). Reported at low confidence.
 */
export const CONFIG_SOURCES: ReadonlySet<string> = new Set(['os.environ', 'os.environb', 'os.getenv', 'os.getenvb', 'os.environ.get']);

/**
 * Process inputs of the local user who runs the program: its command line, environment, standard input and the
 * files it reads. Whoever could choose them to attack the program can already run commands as that user, so a
 * finding from them alone is low confidence. Socket reads are a remote peer's data and keep the process rating.
 */
export const LOCAL_PROCESS_SOURCES: ReadonlySet<string> = new Set(
  SOURCE_ROWS.filter((r) => r.kind === 'process').flatMap((r) => [...(r.qualified ?? []), ...(r.calls ?? [])]).filter((q) => !q.startsWith('socket.')),
);

/** Request attributes holding the CGI/WSGI environment: only some of its keys come from the client. */
export const ENVIRON_ATTRS: ReadonlySet<string> = new Set(['META', 'environ']);

/**
 * Environment keys the client writes (CGI/WSGI): headers, the request line and the body. Other keys are the
 * server's (`SERVER_NAME`, `REMOTE_ADDR`) or the framework's (`CSRF_COOKIE`, set by Django's CSRF middleware).
 */
export const CLIENT_ENVIRON_KEY =
  /^(HTTP_\w*|QUERY_STRING|PATH_INFO|PATH_TRANSLATED|SCRIPT_NAME|REQUEST_URI|RAW_URI|REQUEST_METHOD|CONTENT_TYPE|CONTENT_LENGTH|REMOTE_USER|REMOTE_IDENT|AUTH_TYPE|wsgi\.input|werkzeug\.request)$/;

/** Parameter names that hold the request in view functions and handlers. */
export const REQUEST_PARAM_NAMES: ReadonlySet<string> = new Set(['request', 'req']);

/**
 * Annotations that make a parameter named `request` an outgoing request the program itself builds for an HTTP
 * client (Tornado's `HTTPRequest` handed to `curl_httpclient`), not one a client sent: its URL and headers are
 * the program's own choice, so reading them is no source.
 */
export const CLIENT_REQUEST_TYPES: ReadonlySet<string> = new Set([
  'tornado.httpclient.HTTPRequest', 'urllib.request.Request', 'requests.Request', 'requests.PreparedRequest', 'httpx.Request',
]);

/** Annotations that make a parameter the request object, whatever its name. */
export const REQUEST_TYPES: ReadonlySet<string> = new Set([
  'django.http.HttpRequest', 'django.http.request.HttpRequest', 'rest_framework.request.Request',
  'starlette.requests.Request', 'fastapi.Request', 'fastapi.requests.Request', 'aiohttp.web.Request',
  'aiohttp.web.BaseRequest', 'aiohttp.web_request.Request', 'flask.Request', 'werkzeug.wrappers.Request',
  'tornado.httputil.HTTPServerRequest', 'azure.functions.HttpRequest', 'azure.functions._http.HttpRequest', 'falcon.Request',
  'falcon.asgi.Request', 'sanic.Request', 'sanic.request.Request', 'pyramid.request.Request', 'litestar.Request', 'quart.Request',
]);

/** AWS Lambda: a module-level function with these two parameters is a handler; `event` is the request. */
export const LAMBDA_PARAMS = ['event', 'context'] as const;
