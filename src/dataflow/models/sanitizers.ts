/**
 * Sanitizers: calls whose result is clean, for every taint rule (`rules` absent) or for the listed ones
 * (`html.escape` makes text safe in HTML, not in SQL). Guards (`if x in ALLOWED:`, a real-path prefix check,
 * `url_has_allowed_host_and_scheme`) are conditions the analysis recognises in `if` statements.
 */
const prefixed = (prefixes: string[], names: string[]) => prefixes.flatMap((p) => names.map((n) => `${p}.${n}`));

export interface SanitizerRow {
  callees: string[];
  rules?: string[];
  /**
   * An argument that turns the cleaning off: the call sanitizes only when it is left out or given a constant true
   * value (`linebreaksbr(text)` escapes, `linebreaksbr(text, autoescape=False)` does not, and
   * `linebreaksbr(text, flag)` is judged by the function's own code).
   */
  switch?: { kw: string; pos: number };
}

export const SANITIZER_ROWS: readonly SanitizerRow[] = [
  {
    // Conversions to numbers, booleans, identifiers and digests carry no attacker-chosen text.
    callees: [
      'int', 'float', 'bool', 'complex', 'len', 'abs', 'round', 'hash', 'ord', 'id', 'isinstance', 'issubclass',
      'callable', 'hasattr', 'uuid.UUID', 'decimal.Decimal', 'fractions.Fraction', 'ipaddress.ip_address',
      'ipaddress.ip_network', 'os.path.exists', 'os.path.isfile', 'os.path.isdir', 'os.path.getsize',
      'hmac.compare_digest', 'secrets.compare_digest', 'hashlib.md5', 'hashlib.sha1', 'hashlib.sha256',
      'hashlib.sha512', 'hashlib.new', 'hmac.new', 'datetime.datetime.fromisoformat', 'datetime.date.fromisoformat',
      'datetime.datetime.strptime', 'zlib.crc32', 'binascii.crc32', 'math.floor', 'math.ceil',
    ],
  },
  {
    callees: [
      'html.escape', 'markupsafe.escape', 'flask.escape', 'jinja2.escape', 'bleach.clean', 'bleach.linkify',
      'django.utils.html.escape', 'django.utils.html.conditional_escape', 'django.utils.html.strip_tags',
      'cgi.escape', 'xml.sax.saxutils.escape', 'werkzeug.utils.escape', 'flask.jsonify', 'json.dumps',
    ],
    rules: ['K707'],
  },
  // Django's HTML-producing template filters escape their input first while autoescaping is on, which is their
  // default when called from Python (`needs_autoescape` filters); `django.utils.html.linebreaks`/`urlize` default
  // to off and are not listed.
  {
    callees: prefixed(['django.template.defaultfilters'], ['linebreaksbr', 'linebreaks_filter', 'linenumbers', 'urlize', 'unordered_list']),
    rules: ['K707'],
    switch: { kw: 'autoescape', pos: 1 },
  },
  {
    callees: prefixed(['django.template.defaultfilters'], ['urlizetrunc', 'join']),
    rules: ['K707'],
    switch: { kw: 'autoescape', pos: 2 },
  },
  { callees: ['shlex.quote', 'pipes.quote', 'shlex.join'], rules: ['K702'] },
  // psycopg's composition quotes identifiers and literals itself: `sql.SQL("… {}").format(sql.Identifier(name))`.
  { callees: prefixed(['psycopg.sql', 'psycopg2.sql'], ['Identifier', 'Literal', 'Placeholder']), rules: ['K701'] },
  { callees: ['django.utils._os.safe_join', 'werkzeug.security.safe_join', 'werkzeug.utils.safe_join', 'flask.safe_join', 'os.path.basename', 'werkzeug.utils.secure_filename', 'werkzeug.secure_filename', 'django.utils.text.get_valid_filename', 'pathvalidate.sanitize_filename'], rules: ['K705'] },
  { callees: ['re.escape', 'regex.escape'], rules: ['K718'] },
  { callees: ['ldap.filter.escape_filter_chars', 'ldap.dn.escape_dn_chars', 'ldap3.utils.conv.escape_filter_chars', 'ldap3.utils.dn.escape_rdn'], rules: ['K710'] },
  // `quote` keeps `/` by default, so `quote("//evil.example")` is still a protocol-relative redirect target.
  { callees: ['urllib.parse.quote'], rules: ['K716', 'K717', 'K706'] },
  { callees: ['urllib.parse.quote_plus', 'urllib.parse.urlencode'], rules: ['K716', 'K717', 'K709', 'K706'] },
  // Django's `reverse()` builds a path of one of the site's own routes (a leading `//` is escaped), so its
  // result stays on the site whatever URL arguments fill the route.
  { callees: ['django.urls.reverse', 'django.urls.base.reverse', 'django.core.urlresolvers.reverse'], rules: ['K709'] },
  { callees: ['defusedxml.ElementTree.fromstring', 'defusedxml.ElementTree.parse', 'defusedxml.lxml.fromstring', 'defusedxml.minidom.parseString'], rules: ['K713', 'K714'] },
  { callees: ['bson.objectid.ObjectId', 'bson.ObjectId'], rules: ['K712'] },
];

/**
 * Guards: calls that, used as an `if` condition on a value, prove it safe inside the branch (or after it,
 * when the negated branch leaves the function). `arg` names the checked parameter when it is passed by keyword
 * (`url_has_allowed_host_and_scheme(url=next_url, …)`); `rules` absent means every rule (an allow-list check).
 */
export interface GuardRow {
  rules?: readonly string[];
  arg: string;
}

export const GUARD_CALLS: Readonly<Record<string, GuardRow | undefined>> = {
  'django.utils.http.url_has_allowed_host_and_scheme': { rules: ['K709', 'K706'], arg: 'url' },
  'django.utils.http.is_safe_url': { rules: ['K709', 'K706'], arg: 'url' },
  // True only for a language code of the configured LANGUAGES (a regex-checked allow-list).
  'django.utils.translation.check_for_language': { arg: 'lang_code' },
  'django.utils.translation.trans_real.check_for_language': { arg: 'lang_code' },
};

/**
 * Types whose `isinstance` check proves a value holds no attacker-chosen text (`if isinstance(n, int):`).
 */
export const NUMERIC_TYPES: ReadonlySet<string> = new Set([
  'int', 'float', 'bool', 'complex', 'decimal.Decimal', 'fractions.Fraction', 'numbers.Number', 'numbers.Integral',
  'numbers.Real', 'datetime.date', 'datetime.datetime', 'datetime.time', 'datetime.timedelta', 'uuid.UUID',
]);

/**
 * Methods of framework objects whose result is HTML the framework escaped itself (Django forms render their
 * fields, labels and error lists through `format_html`), so wrapping it in `mark_safe` is not XSS even when the
 * form was bound to request data.
 */
export const SANITIZER_METHODS: Readonly<Record<string, readonly string[]>> = {
  as_ul: ['K707'],
  as_p: ['K707'],
  as_table: ['K707'],
  as_div: ['K707'],
  as_widget: ['K707'],
  label_tag: ['K707'],
  // `QueryDict.urlencode()`: the values become query parameters, which cannot choose a redirect's host.
  urlencode: ['K709', 'K706', 'K716', 'K717'],
};

/** String methods whose truth says the value holds no attacker-chosen text (`if x.isdigit():`). */
export const GUARD_METHODS: ReadonlySet<string> = new Set(['isdigit', 'isdecimal', 'isnumeric', 'isalnum', 'isalpha', 'isidentifier']);

/**
 * Decoders undo what an encoding or a source's shape guaranteed: `unquote(self.path)` can hold CR/LF again
 * (`%0d%0a`), `html.unescape` brings back markup. Their result loses the listed rules' sanitization.
 */
export const DECODERS: Readonly<Record<string, readonly string[]>> = {
  'urllib.parse.unquote': ['K716', 'K717'],
  'urllib.parse.unquote_plus': ['K716', 'K717'],
  'urllib.parse.unquote_to_bytes': ['K716', 'K717'],
  'urllib.parse.parse_qs': ['K716', 'K717'],
  'urllib.parse.parse_qsl': ['K716', 'K717'],
  'html.unescape': ['K707'],
  'base64.b64decode': ['K716', 'K717', 'K707'],
  'base64.urlsafe_b64decode': ['K716', 'K717', 'K707'],
  'codecs.decode': ['K716', 'K717', 'K707'],
};

/** External calls whose result carries none of its arguments' content (predicates, sizes, identities). */
export const NON_PROPAGATING: ReadonlySet<string> = new Set([
  'type', 'print', 'repr', 'os.path.islink', 'os.path.ismount', 'os.path.getmtime', 'os.access', 'time.time',
  'range', 'enumerate.__len__', 'any', 'all', 'max', 'min', 'sum', 'sorted.__len__', 'startswith', 'endswith',
]);

/**
 * Functions outside the project whose result carries their arguments' content. Other library functions do
 * not propagate (`get_object_or_404(Model, code=user_code)` returns a database row, not the code); methods
 * always carry their receiver, and their arguments only for the string-building ones below.
 */
export const PROPAGATORS: ReadonlySet<string> = new Set([
  'str', 'bytes', 'bytearray', 'repr', 'ascii', 'format', 'list', 'tuple', 'set', 'frozenset', 'dict', 'sorted',
  'reversed', 'enumerate', 'zip', 'iter', 'next', 'map', 'filter', 'min', 'max', 'getattr', 'vars',
  'os.path.join', 'os.path.normpath', 'os.path.abspath', 'os.path.realpath', 'os.path.expanduser', 'os.path.expandvars',
  'os.path.dirname', 'os.path.splitext', 'os.path.split', 'os.fspath', 'os.fsencode', 'os.fsdecode', 'posixpath.join',
  'ntpath.join', 'pathlib.Path', 'pathlib.PurePath', 'pathlib.PosixPath', 'pathlib.PurePosixPath',
  'urllib.parse.urljoin', 'urllib.parse.unquote', 'urllib.parse.unquote_plus', 'urllib.parse.urlparse', 'urllib.parse.urlsplit',
  'urllib.parse.urlunparse', 'urllib.parse.urlunsplit', 'urllib.parse.parse_qs', 'urllib.parse.parse_qsl',
  'json.loads', 'json.load', 'ujson.loads', 'orjson.loads', 'simplejson.loads', 'ast.literal_eval',
  'base64.b64decode', 'base64.b64encode', 'base64.urlsafe_b64decode', 'base64.urlsafe_b64encode', 'base64.b32decode',
  'base64.b16decode', 'base64.decodebytes', 'binascii.unhexlify', 'binascii.a2b_base64', 'codecs.decode', 'codecs.encode',
  'io.StringIO', 'io.BytesIO', 'io.TextIOWrapper', 'io.BufferedReader', 'textwrap.dedent', 'textwrap.indent', 'textwrap.fill',
  'string.Template', 'copy.copy', 'copy.deepcopy', 'typing.cast', 'html.unescape', 'shlex.split', 'shlex.join',
  'tarfile.open', 'tarfile.TarFile', 'zipfile.ZipFile', 'gzip.decompress', 'gzip.GzipFile', 'gzip.open', 'zlib.decompress',
  'bz2.decompress', 'lzma.decompress', 'email.message_from_string', 'email.message_from_bytes', 'unicodedata.normalize',
  'operator.itemgetter', 'functools.partial', 'itertools.chain', 'collections.OrderedDict', 'collections.defaultdict',
  'collections.deque', 'collections.ChainMap', 'dataclasses.asdict', 'dataclasses.replace',
  'base64.b32hexdecode', 'base64.b85decode', 'base64.a85decode', 'base64.standard_b64decode', 'binascii.a2b_hex',
  'binascii.a2b_qp', 'quopri.decodestring', 'urllib.parse.unquote_to_bytes',
  // Matches, pieces and substitutions carry the text they were taken from (and what was put into it).
  're.search', 're.match', 're.fullmatch', 're.findall', 're.finditer', 're.split', 're.sub', 're.subn',
  // A document fetched from a URL the attacker chose is the attacker's content.
  'requests.get', 'requests.post', 'requests.request', 'httpx.get', 'httpx.post', 'urllib.request.urlopen',
  'urllib.request.Request', 'urllib.request.urlretrieve',
]);

/** Methods whose arguments end up in their result (string building and container merging). */
export const ARGUMENT_METHODS: ReadonlySet<string> = new Set([
  'format', 'format_map', 'join', 'replace', 'union', 'copy', 'center', 'ljust', 'rjust', 'zfill', 'expandtabs',
  'joinpath', 'with_name', 'with_suffix', 'with_stem', 'relative_to', '__add__', '__mod__', 'decode', 'encode',
  'substitute', 'safe_substitute', 'fromkeys',
  // Compiled patterns: the match, the pieces or the substitution hold the string they were applied to.
  'search', 'match', 'fullmatch', 'findall', 'finditer', 'sub', 'subn',
]);

/** Methods of containers that put their argument into the receiver (`items.append(x)` taints `items`). */
export const STORE_METHODS: ReadonlySet<string> = new Set(['append', 'extend', 'insert', 'add', 'update', 'setdefault', 'appendleft', 'extendleft', 'put', 'put_nowait']);

/** Methods whose result comes from the receiver, not the arguments (`ALLOWED.get(user_key)` is a value of ALLOWED). */
export const RECEIVER_ONLY_METHODS: ReadonlySet<string> = new Set(['get', 'pop', 'copy', 'items', 'values', 'keys', 'popitem', 'getlist', 'get_all']);

/** Methods that answer a question about the receiver rather than return its content. */
export const PREDICATE_METHODS: ReadonlySet<string> = new Set([
  'startswith', 'endswith', 'isdigit', 'isdecimal', 'isnumeric', 'isalnum', 'isalpha', 'isidentifier', 'islower',
  'isupper', 'isspace', 'count', 'index', 'find', 'rfind', 'exists', 'is_file', 'is_dir', 'is_absolute',
  '__len__', '__contains__',
]);
