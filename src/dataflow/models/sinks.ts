/**
 * Sinks: calls that are dangerous when the named arguments carry untrusted data. A row matches a call by
 * qualified callee (`callees`), or by method name on any receiver (`methods`) unless the callee resolves to
 * a module that is not the one meant (`notUnder`). `args` are positions and keyword names; `receiver` makes
 * the object the method is called on the sink (`tar.extractall()` of an uploaded archive).
 */
export type SinkCondition =
  | 'shell-or-string'
  | 'unsafe-yaml-loader'
  | 'torch-no-weights-only'
  | 'lxml-unsafe-parser'
  | 'sax-external-entities'
  | 'no-extraction-filter'
  | 'numpy-allow-pickle'
  | 'pathlib-receiver'
  | 'mongo-collection'
  | 'jinja-autoescape-off'
  | 'compiles-code'
  | 'shell-dash-c'
  | 'entities-enabled'
  | 'string-command';

export interface ArgSpec {
  pos?: number;
  kw?: string;
}

export interface SinkRow {
  rule: string;
  callees?: string[];
  methods?: string[];
  notUnder?: string[];
  args: ArgSpec[] | 'all';
  receiver?: boolean;
  /** For `methods` rows: the receiver as written (`logger` in `logger.info`) must match. */
  receiverName?: RegExp;
  when?: SinkCondition;
}

/** Receivers whose `info`/`error`… methods log. */
const LOGGER_NAME = /(^|\.)(_*log|_*logger|LOG|LOGGER|\w*_log(ger)?|logging|\w*Logger)$/i;
/** Receivers of `search*` that can be LDAP connections. */
const LDAP_NAME = /(ldap|conn|connection|directory|^l$|^ld$|^ad$)/i;
/** Receivers of `find`/`findall` that can be XML trees or elements. */
const XML_NAME = /(tree|root|doc|xml|dom|elem|node|etree|parser)/i;

const a = (pos?: number, kw?: string): ArgSpec => ({ pos, kw });
const prefixed = (prefixes: string[], names: string[]) => prefixes.flatMap((p) => names.map((n) => `${p}.${n}`));

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const REGEX_FUNCS = ['compile', 'match', 'search', 'fullmatch', 'sub', 'subn', 'split', 'findall', 'finditer'];
const LOG_LEVELS = ['debug', 'info', 'warning', 'warn', 'error', 'critical', 'exception', 'fatal'];
const OS_PATH_FUNCS = [
  'remove', 'unlink', 'rmdir', 'removedirs', 'mkdir', 'makedirs', 'listdir', 'scandir', 'chmod', 'chown',
  'lchown', 'truncate', 'open', 'mkfifo', 'utime',
];

/**
 * Response objects whose header writers refuse CR and LF (they raise instead of writing a header), so untrusted
 * text written through them cannot end a header or add one (K716 does not report them). `methods` are called on
 * the object (or on `self` in a subclass); `subscript` is `obj[name] = value`; `headers` is
 * `obj.headers[name] = value` and `obj.headers.add/set(name, value)`. Raw writers stay sinks: `http.server`'s
 * `send_header`, a WSGI `start_response` header list, `wsgiref` `Headers`, Starlette and aiohttp headers.
 */
export interface CheckedHeaderWriter {
  classes: string[];
  /** Every class of these modules (Django's many response classes, all `HttpResponseBase` subclasses). */
  modules?: string[];
  methods?: string[];
  subscript?: boolean;
  headers?: boolean;
}

export const CRLF_CHECKED_HEADER_WRITERS: readonly CheckedHeaderWriter[] = [
  // Tornado: `set_header`/`add_header` pass values through `_convert_header_value` (ValueError on [\x00-\x1f]),
  // `set_cookie` refuses [\x00-\x20] in name and value, and HTTP1Connection refuses a header line with a newline.
  { classes: ['tornado.web.RequestHandler'], methods: ['set_header', 'add_header', 'set_cookie', 'clear_cookie'] },
  // Django: `HttpResponse` headers (`ResponseHeaders`) raise BadHeaderError on CR or LF in a name or value.
  { classes: [], modules: ['django.http', 'django.http.response'], subscript: true, headers: true },
  // Werkzeug (and Flask, whose Response is Werkzeug's): `Headers` raises ValueError on a newline in a value.
  { classes: ['werkzeug.wrappers.Response', 'werkzeug.Response', 'flask.Response', 'flask.wrappers.Response'], headers: true },
];

export const SINK_ROWS: readonly SinkRow[] = [
  // K701 SQL injection
  { rule: 'K701', methods: ['execute', 'executemany', 'executescript', 'mogrify', 'exec_driver_sql'], args: [a(0, 'sql'), a(0, 'query'), a(0, 'operation'), a(0, 'statement')], notUnder: ['subprocess', 'os'] },
  { rule: 'K701', methods: ['fetch', 'fetchrow', 'fetchval', 'copy_expert'], args: [a(0, 'query')], notUnder: ['requests', 'httpx', 'aiohttp', 'urllib'] },
  { rule: 'K701', methods: ['raw'], args: [a(0, 'raw_query')], notUnder: ['os', 'json'] },
  { rule: 'K701', methods: ['extra'], args: [a(undefined, 'where'), a(undefined, 'select'), a(undefined, 'tables'), a(undefined, 'order_by')] },
  {
    rule: 'K701',
    callees: [
      'sqlalchemy.text', 'sqlalchemy.sql.text', 'sqlalchemy.sql.expression.text', 'django.db.models.expressions.RawSQL',
      'django.db.models.RawSQL', 'pandas.read_sql', 'pandas.read_sql_query', 'pandas.io.sql.read_sql',
    ],
    args: [a(0, 'sql'), a(0, 'text')],
  },
  // SQLAlchemy column text, Peewee SQL fragments, Pony and Tortoise raw queries, psycopg `sql.SQL` of built text.
  {
    rule: 'K701',
    callees: [
      'sqlalchemy.literal_column', 'sqlalchemy.sql.literal_column', 'sqlalchemy.sql.expression.literal_column', 'peewee.SQL',
      'psycopg.sql.SQL', 'psycopg2.sql.SQL', 'pony.orm.raw_sql',
    ],
    args: [a(0, 'text'), a(0, 'sql'), a(0, 'string')],
  },
  { rule: 'K701', methods: ['execute_query', 'execute_query_dict', 'execute_script'], args: [a(0, 'query'), a(0, 'sql')], notUnder: ['os', 'subprocess'] },
  { rule: 'K701', methods: ['select_by_sql', 'get_by_sql'], args: [a(0, 'sql')] },
  // K702 OS command injection
  // Fabric and Invoke run their command through a shell.
  {
    rule: 'K702',
    callees: [
      ...prefixed(['fabric.Connection', 'fabric.connection.Connection', 'invoke.Context', 'invoke.context.Context'], ['run', 'sudo', 'local']),
      'invoke.run', 'invoke.sudo', 'fabric.api.run', 'fabric.api.sudo', 'fabric.api.local', 'fabric.operations.run',
      'fabric.operations.sudo', 'fabric.operations.local',
    ],
    args: [a(0, 'command')],
  },
  // `sh.bash("-c", cmd)`, `create_subprocess_exec("sh", "-c", cmd)`: a shell given a command line.
  { rule: 'K702', callees: ['sh.bash', 'sh.sh', 'sh.zsh', 'sh.dash', 'sh.ksh', 'asyncio.create_subprocess_exec', 'plumbum.local.__getitem__'], args: 'all', when: 'shell-dash-c' },
  { rule: 'K702', callees: ['sh.Command', 'plumbum.local.get', 'plumbum.machines.local.get'], args: [a(0, 'path'), a(0, 'cmd')] },
  // Docker SDK: a command string is split into the container's argv; a list is passed as it is.
  { rule: 'K702', methods: ['run', 'create', 'exec_run'], args: [a(1, 'command'), a(0, 'cmd')], receiverName: /containers?$|^container$/, when: 'string-command' },
  { rule: 'K702', callees: ['os.system', 'os.popen', 'os.popen2', 'os.popen3', 'commands.getoutput', 'commands.getstatusoutput', 'pty.spawn', 'asyncio.create_subprocess_shell', 'subprocess.getoutput', 'subprocess.getstatusoutput'], args: [a(0, 'cmd'), a(0, 'command'), a(0, 'argv')] },
  { rule: 'K702', callees: prefixed(['subprocess'], ['run', 'call', 'check_call', 'check_output', 'Popen']), args: [a(0, 'args')], when: 'shell-or-string' },
  { rule: 'K702', callees: ['asyncio.create_subprocess_exec', ...prefixed(['os'], ['execl', 'execle', 'execlp', 'execlpe', 'execv', 'execve', 'execvp', 'execvpe', 'startfile'])], args: [a(0, 'program'), a(0, 'path'), a(0, 'file')] },
  { rule: 'K702', callees: prefixed(['os'], ['spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe']), args: [a(1, 'path'), a(1, 'file')] },
  // `posix_spawn(path, argv, env)`: the program is the first argument; argv is a list run without a shell.
  { rule: 'K702', callees: prefixed(['os'], ['posix_spawn', 'posix_spawnp']), args: [a(0, 'path'), a(0, 'file')] },
  { rule: 'K702', methods: ['exec_command'], args: [a(0, 'command')] },
  // K703 code injection
  { rule: 'K703', callees: ['exec', 'builtins.exec', 'importlib.import_module', '__import__', 'builtins.__import__'], args: [a(0, 'source'), a(0, 'name')] },
  { rule: 'K703', callees: ['compile', 'builtins.compile'], args: [a(0, 'source')], when: 'compiles-code' },
  { rule: 'K703', methods: ['runsource', 'runcode'], args: [a(0, 'source'), a(0, 'code')], notUnder: [] },
  // K704 eval injection
  { rule: 'K704', callees: ['eval', 'builtins.eval'], args: [a(0, 'source')] },
  // K705 path traversal
  { rule: 'K705', callees: ['open', 'io.open', 'builtins.open', 'codecs.open', 'os.open', 'shelve.open', 'aiofiles.open'], args: [a(0, 'file'), a(0, 'filename')] },
  { rule: 'K705', callees: prefixed(['os'], OS_PATH_FUNCS), args: [a(0, 'path')] },
  { rule: 'K705', callees: ['os.rename', 'os.replace', 'os.link', 'os.symlink', ...prefixed(['shutil'], ['copy', 'copy2', 'copyfile', 'copytree', 'move', 'copyfileobj'])], args: [a(0, 'src'), a(1, 'dst')] },
  { rule: 'K705', callees: ['shutil.rmtree', 'shutil.unpack_archive', 'flask.send_file', 'flask.helpers.send_file', 'django.http.FileResponse', 'starlette.responses.FileResponse', 'fastapi.responses.FileResponse', 'aiohttp.web.FileResponse'], args: [a(0, 'path'), a(0, 'path_or_file'), a(0, 'filename')] },
  { rule: 'K705', methods: ['read_text', 'read_bytes', 'write_text', 'write_bytes', 'unlink', 'rmdir', 'mkdir', 'touch', 'open'], args: [], receiver: true, when: 'pathlib-receiver' },
  { rule: 'K705', methods: ['extractall', 'extract'], args: [], receiver: true, when: 'no-extraction-filter' },
  { rule: 'K705', methods: ['save'], args: [a(0, 'dst')], notUnder: ['PIL', 'django'] },
  // K706 SSRF
  {
    rule: 'K706',
    callees: [
      ...prefixed(['requests', 'requests.Session', 'requests.sessions.Session', 'httpx', 'httpx.Client', 'httpx.AsyncClient', 'aiohttp.ClientSession'], HTTP_VERBS),
      'urllib.request.urlopen', 'urllib.request.Request', 'urllib.request.urlretrieve', 'urllib.urlopen', 'urllib2.urlopen',
      'http.client.HTTPConnection', 'http.client.HTTPSConnection', 'httpx.stream', 'aiohttp.request',
    ],
    args: [a(0, 'url'), a(0, 'host')],
  },
  { rule: 'K706', callees: ['requests.request', 'requests.Session.request', 'httpx.request', 'httpx.Client.request', 'httpx.AsyncClient.request', 'aiohttp.ClientSession.request', 'urllib3.PoolManager.request'], args: [a(1, 'url')] },
  // boto3: object keys chosen by the client name any object of the bucket (`../` and prefixes included).
  { rule: 'K705', methods: ['generate_presigned_url'], args: [a(1, 'Params')], receiverName: /s3|client|boto/i },
  {
    rule: 'K705',
    methods: ['get_object', 'put_object', 'delete_object', 'head_object', 'copy_object', 'download_file', 'upload_file', 'upload_fileobj', 'download_fileobj', 'Object'],
    args: [a(undefined, 'Key')],
    receiverName: /s3|client|bucket|boto/i,
  },
  // A template chosen by the client: any template of the app (admin pages, files below the template folder).
  { rule: 'K705', callees: ['flask.render_template', 'quart.render_template', 'django.shortcuts.render', 'django.template.loader.get_template', 'django.template.loader.render_to_string'], args: [a(0, 'template_name_or_list'), a(0, 'template_name')] },
  { rule: 'K705', callees: ['django.shortcuts.render'], args: [a(1, 'template_name')] },
  // K707 XSS
  {
    rule: 'K707',
    callees: [
      'flask.make_response', 'flask.Response', 'werkzeug.wrappers.Response', 'django.http.HttpResponse', 'django.http.response.HttpResponse',
      'markupsafe.Markup', 'flask.Markup', 'jinja2.Markup', 'django.utils.safestring.mark_safe', 'django.utils.safestring.SafeString',
      'starlette.responses.HTMLResponse', 'fastapi.responses.HTMLResponse', 'aiohttp.web.Response',
    ],
    args: [a(0, 'response'), a(0, 'content'), a(0, 'body'), a(undefined, 'text'), a(undefined, 'body')],
  },
  { rule: 'K707', methods: ['render', 'render_async', 'stream', 'generate'], args: 'all', when: 'jinja-autoescape-off' },
  // K708 template injection
  { rule: 'K708', callees: ['flask.render_template_string', 'jinja2.Template', 'jinja2.Environment.from_string', 'jinja2.environment.Environment.from_string'], args: [a(0, 'source')] },
  { rule: 'K708', callees: ['mako.template.Template'], args: [a(0, 'text')] },
  { rule: 'K708', callees: ['django.template.Template', 'django.template.base.Template', 'tornado.template.Template'], args: [a(0, 'template_string'), a(0, 'template_code')] },
  { rule: 'K708', methods: ['from_string'], args: [a(0, 'source')], notUnder: ['jinja2'] },
  { rule: 'K708', callees: ['chameleon.PageTemplate', 'chameleon.zpt.template.PageTemplate', 'chameleon.PageTextTemplate'], args: [a(0, 'body')] },
  // K709 open redirect
  {
    rule: 'K709',
    callees: [
      'flask.redirect', 'werkzeug.utils.redirect', 'django.shortcuts.redirect', 'django.http.HttpResponseRedirect',
      'django.http.HttpResponsePermanentRedirect', 'starlette.responses.RedirectResponse', 'fastapi.responses.RedirectResponse',
      'aiohttp.web.HTTPFound', 'aiohttp.web.HTTPSeeOther', 'aiohttp.web.HTTPMovedPermanently', 'aiohttp.web.HTTPTemporaryRedirect',
    ],
    args: [a(0, 'location'), a(0, 'to'), a(0, 'redirect_to'), a(0, 'url')],
  },
  // K710 LDAP injection
  { rule: 'K710', methods: ['search_s', 'search_st', 'search_ext', 'search_ext_s', 'search'], args: [a(0, 'base'), a(2, 'filterstr'), a(1, 'search_filter'), a(0, 'search_base')], notUnder: ['re', 'regex'], receiverName: LDAP_NAME },
  { rule: 'K710', callees: ['ldap3.Connection.search', 'ldap3.core.connection.Connection.search'], args: [a(0, 'search_base'), a(1, 'search_filter')] },
  // K711 XPath injection
  { rule: 'K711', callees: ['lxml.etree.XPath', 'lxml.etree.ETXPath', 'lxml.etree.XPathEvaluator'], args: [a(0, 'path')] },
  { rule: 'K711', methods: ['xpath'], args: [a(0, 'path'), a(0, '_path')], notUnder: ['re', 'regex'] },
  { rule: 'K711', methods: ['find', 'findall', 'findtext', 'iterfind'], args: [a(0, 'path')], notUnder: ['re', 'regex'], receiverName: XML_NAME },
  // K712 NoSQL injection
  { rule: 'K712', methods: ['find', 'distinct', 'find_raw_batches'], args: [a(0, 'filter')], notUnder: ['re', 'regex', 'str', 'xml', 'lxml', 'django'], when: 'mongo-collection' },
  {
    rule: 'K712',
    methods: ['find_one', 'find_one_and_delete', 'find_one_and_replace', 'find_one_and_update', 'aggregate', 'count_documents', 'delete_one', 'delete_many', 'update_one', 'update_many', 'replace_one', 'map_reduce'],
    args: [a(0, 'filter'), a(0, 'pipeline')],
    notUnder: ['re', 'regex', 'str', 'xml', 'lxml', 'django', 'sqlalchemy'],
  },
  // MongoEngine `__raw__` filters are Mongo documents; Redis `eval` runs a Lua script; Elasticsearch `q=` is
  // Lucene query-string syntax (fields, wildcards, ranges, regular expressions).
  { rule: 'K712', methods: ['objects', 'filter', 'update', 'delete', 'first'], args: [a(undefined, '__raw__')] },
  { rule: 'K712', methods: ['eval', 'evalsha'], args: [a(0, 'script')], receiverName: /redis|cache|^r$|store|client/i },
  { rule: 'K712', methods: ['search', 'count', 'delete_by_query', 'update_by_query', 'msearch'], args: [a(undefined, 'q')], receiverName: /^es$|elastic|search|client/i },
  // K713 XML external entities
  { rule: 'K713', callees: ['lxml.etree.fromstring', 'lxml.etree.XML', 'lxml.etree.parse', 'lxml.etree.iterparse'], args: [a(0, 'text'), a(0, 'source')], when: 'lxml-unsafe-parser' },
  { rule: 'K713', callees: ['xml.dom.pulldom.parseString', 'xml.dom.pulldom.parse'], args: [a(0, 'string'), a(0, 'stream_or_string')] },
  { rule: 'K713', callees: ['xml.sax.parseString', 'xml.sax.parse'], args: [a(0, 'string'), a(0, 'source')], when: 'sax-external-entities' },
  { rule: 'K713', methods: ['parse', 'feed'], args: [a(0, 'source'), a(0, 'data')], when: 'sax-external-entities', receiverName: /parser|reader|sax/i, notUnder: ['xml.etree', 'lxml', 'json', 'email', 'argparse', 'urllib', 'dateutil', 'defusedxml'] },
  // xmltodict parses with expat; it only refuses entity declarations while `disable_entities` stays True.
  { rule: 'K714', callees: ['xmltodict.parse'], args: [a(0, 'xml_input')], when: 'entities-enabled' },
  // K714 XML entity expansion
  {
    rule: 'K714',
    callees: [
      ...prefixed(['xml.etree.ElementTree', 'xml.etree.cElementTree'], ['fromstring', 'XML', 'parse', 'iterparse', 'fromstringlist']),
      'xml.dom.minidom.parseString', 'xml.dom.minidom.parse', 'xml.dom.expatbuilder.parseString', 'xml.sax.parseString', 'xml.sax.parse',
    ],
    args: [a(0, 'text'), a(0, 'source'), a(0, 'string'), a(0, 'file')],
  },
  // K715 deserialization
  {
    rule: 'K715',
    callees: [
      ...prefixed(['pickle', 'cPickle', '_pickle', 'dill', 'cloudpickle', 'marshal', 'joblib'], ['loads', 'load']),
      'pickle.Unpickler', 'jsonpickle.decode', 'jsonpickle.loads', 'yaml.unsafe_load', 'yaml.unsafe_load_all', 'pandas.read_pickle', 'shelve.open',
    ],
    args: [a(0, 'data'), a(0, 'file'), a(0, 'string'), a(0, 'stream'), a(0, 'filepath_or_buffer'), a(0, 'filename')],
  },
  { rule: 'K715', callees: ['yaml.load', 'yaml.load_all'], args: [a(0, 'stream')], when: 'unsafe-yaml-loader' },
  { rule: 'K715', callees: ['torch.load'], args: [a(0, 'f')], when: 'torch-no-weights-only' },
  { rule: 'K715', callees: ['numpy.load'], args: [a(0, 'file')], when: 'numpy-allow-pickle' },
  // K716 header injection (subscript writes to response headers are found by the analysis itself)
  { rule: 'K716', methods: ['set_cookie', 'set_signed_cookie', 'set_secure_cookie', 'set_header', 'add_header', 'send_header'], args: [a(0, 'key'), a(1, 'value'), a(0, 'name'), a(0, 'keyword')] },
  {
    rule: 'K716',
    callees: [
      'flask.Response', 'werkzeug.wrappers.Response', 'django.http.HttpResponse', 'django.http.JsonResponse', 'starlette.responses.Response',
      'starlette.responses.JSONResponse', 'starlette.responses.HTMLResponse', 'starlette.responses.PlainTextResponse', 'fastapi.Response',
      'fastapi.responses.Response', 'fastapi.responses.JSONResponse', 'fastapi.responses.HTMLResponse', 'fastapi.responses.PlainTextResponse',
      'aiohttp.web.Response', 'aiohttp.web.json_response',
    ],
    args: [a(undefined, 'headers')],
  },
  { rule: 'K716', callees: ['flask.make_response'], args: [a(2)] },
  { rule: 'K716', callees: ['wsgiref.headers.Headers.add_header'], args: [a(0), a(1)] },
  // K720 insecure randomness: predictable values sent as cookies or mailed (links with reset tokens). Session
  // entries, headers and secret-named variables are found by the analysis itself.
  { rule: 'K720', methods: ['set_cookie', 'set_signed_cookie', 'set_secure_cookie'], args: [a(1, 'value')] },
  {
    rule: 'K720',
    callees: [
      'django.core.mail.send_mail', 'django.core.mail.send_mass_mail', 'django.core.mail.EmailMessage', 'django.core.mail.EmailMultiAlternatives',
      'smtplib.SMTP.sendmail', 'smtplib.SMTP.send_message', 'smtplib.SMTP_SSL.sendmail', 'smtplib.SMTP_SSL.send_message', 'flask_mail.Message',
      'email.message.EmailMessage.set_content',
    ],
    args: 'all',
  },
  // K717 log injection
  { rule: 'K717', callees: prefixed(['logging', 'logging.Logger', 'logging.LoggerAdapter'], [...LOG_LEVELS, 'log']), args: 'all' },
  { rule: 'K717', methods: LOG_LEVELS, args: 'all', notUnder: ['logging', 'warnings', 'os', 'sys', 'math', 'numpy'], receiverName: LOGGER_NAME },
  // K718 regex injection
  { rule: 'K718', callees: prefixed(['re', 'regex'], REGEX_FUNCS), args: [a(0, 'pattern')] },
];


/** Objects whose subscript picks the program to run (`local["ls"]` in plumbum). */
export const COMMAND_LOOKUPS: ReadonlySet<string> = new Set(['plumbum.local', 'plumbum.machines.local', 'plumbum.machines.LocalMachine']);
