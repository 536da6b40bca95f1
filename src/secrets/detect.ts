/**
 * Secret detection over text, shared by Python modules and configuration files. Two kinds of evidence:
 *
 * - a token format (providers.ts) found anywhere in the text: the value alone says what it is;
 * - a value bound to a name (`password = "…"`, `API_KEY=…`): the name says it is a secret, the value must look
 *   like one (not a placeholder, a template, a reference to a vault or an identifier).
 *
 * The callers (python.ts, config.ts) decide where values are and which matches count (in Python, only those in
 * string literals and comments); this module decides what is a secret and how sure that is.
 */
import type { Confidence } from '../findings/types.js';
import { looksRandom, shannonEntropy } from './entropy.js';
import { describesOtherThing, isPasswordName, nameWords, secretValueName } from './names.js';
import { isChecksum, isPasswordHash, isPlaceholder, isRepeatedOrSequential, isUuid } from './placeholders.js';
import { AWS_PAIR_LINES, AWS_SECRET_KEY, CREDENTIAL_SCHEMES, CREDENTIAL_URL, jwtHeader, type SecretFamily, TOKEN_FORMATS } from './providers.js';

/** A range of the file text, in UTF-16 offsets (what JavaScript strings and tree-sitter indices use). */
export interface TextSpan {
  start: number;
  end: number;
}

/** Which rule reports a hit: the token families, hardcoded passwords, and random values bound to secret names. */
export type SecretKind = SecretFamily | 'password' | 'entropy';

export interface SecretHit {
  kind: SecretKind;
  /** What was found, for the message: "GitHub token", "password", "value of `api_key`". */
  label: string;
  /** Where the finding points. */
  span: TextSpan;
  /** The secret itself: redacted in every output. */
  secret: TextSpan;
  confidence: Confidence;
  /** A clause the message appends ("paired with the access key id on line 3"). */
  detail?: string;
  /** For values bound to a name: the name and how it is bound. */
  name?: string;
  binding?: BindingKind;
}

/** How a value is bound to its name; decides the wording and, for passwords, Bandit's id. */
export type BindingKind = 'assigned' | 'keyword' | 'default' | 'compared' | 'dict key' | 'setting' | 'auth pair' | 'auth call';

export interface BoundValue {
  name: string;
  value: string;
  /** The literal's text span (inside the quotes). */
  span: TextSpan;
  binding: BindingKind;
}

const LOWER: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };

export function lowerConfidence(c: Confidence): Confidence {
  return LOWER[c];
}

/**
 * A hit in test code. A private key block there is a test fixture: it signs or decrypts only what the test
 * makes, and no account or server trusts it, so it is low confidence and says so. A provider token or a
 * password names an account that may be real, so it is only one step lower.
 */
export function inTestCode(hit: SecretHit): void {
  if (hit.kind !== 'private-key') {
    hit.confidence = lowerConfidence(hit.confidence);
    return;
  }
  hit.confidence = 'low';
  const fixture = 'in test code: a test fixture key that protects nothing unless it is also used elsewhere';
  hit.detail = hit.detail ? `${hit.detail}; ${fixture}` : fixture;
}

/** The number of distinct characters below which a token body is filler (`sk_live_000…`, `ghp_aaaa…`). */
const MIN_DISTINCT = 8;

function isFiller(body: string): boolean {
  return new Set(body).size < MIN_DISTINCT || isRepeatedOrSequential(body) || isPlaceholder(body);
}

/** Line number (0-based) of an offset, by a sorted array of line-start offsets. */
export function lineOf(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Offsets where lines start, splitting as the rest of krait does (`\r\n`, `\r` or `\n`). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

const TOKEN_CHAR = /[A-Za-z0-9_-]/;

/**
 * Every format's hints in one regex, longest first (so `sk-ant-` is seen as itself, not as `sk-`): one pass over
 * the file tells which hints occur, and only the formats with a hint present run their own regex. Measured on
 * the CPython standard library, this costs half of a substring search per hint.
 */
const ANY_HINT = new RegExp(
  [...new Set(TOKEN_FORMATS.flatMap((f) => f.hints))]
    .sort((a, b) => b.length - a.length)
    .map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'g',
);

function hintsIn(text: string): Set<string> {
  const present = new Set<string>();
  ANY_HINT.lastIndex = 0;
  for (let m = ANY_HINT.exec(text); m !== null; m = ANY_HINT.exec(text)) present.add(m[0]);
  return present;
}

/**
 * Token formats, private keys, JWTs and credential URLs anywhere in `text`. A format's regex runs only when
 * one of its literal hints occurs in the text, so a file without any costs a few substring searches.
 */
export function findTokens(text: string): SecretHit[] {
  const present = hintsIn(text);
  if (present.size === 0) return credentialUrls(text);
  const hits: SecretHit[] = [];
  for (const format of TOKEN_FORMATS) {
    if (!format.hints.some((h) => present.has(h))) continue;
    format.pattern.lastIndex = 0;
    for (let m = format.pattern.exec(text); m !== null; m = format.pattern.exec(text)) {
      if (format.bounded && m.index > 0 && TOKEN_CHAR.test(text[m.index - 1])) continue;
      if (format.validate && !format.validate(m)) continue;
      const token = m[0];
      if (format.body && isFiller(format.body(token))) continue;
      if (isPlaceholder(token.replace(/^[a-z]+[_-]/i, '')) && format.family !== 'private-key') continue;
      const span = { start: m.index, end: m.index + token.length };
      if (format.family === 'private-key') {
        hits.push(privateKeyHit(text, m));
        continue;
      }
      const group = m.groups?.secret;
      const secret = group !== undefined ? { start: span.start + token.lastIndexOf(group), end: span.end } : span;
      let confidence = format.confidence;
      let detail: string | undefined;
      if (format.family === 'jwt') {
        const header = jwtHeader(token);
        const signature = token.slice(token.lastIndexOf('.') + 1);
        if (header?.alg.toLowerCase() === 'none' || signature.length < 16) {
          confidence = 'low';
          detail = 'unsigned';
        }
      }
      hits.push({ kind: format.family, label: format.label, span, secret, confidence, ...(detail ? { detail } : {}) });
    }
  }
  hits.push(...credentialUrls(text));
  return hits;
}

const PEM_END = /-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----/g;

function privateKeyHit(text: string, m: RegExpExecArray): SecretHit {
  const header = `-----BEGIN ${m.groups?.kind ?? ''}PRIVATE KEY`;
  const start = m.index;
  PEM_END.lastIndex = start;
  const end = PEM_END.exec(text);
  // Without an END marker the key runs to the end of its base64 body.
  const stop = end && end.index - start < 64 * 1024 ? end.index + end[0].length : start + m[0].length;
  const encrypted = /ENCRYPTED/.test(m[0]);
  const kind = (m.groups?.kind ?? '').trim();
  return {
    kind: 'private-key',
    label: kind === '' || kind === 'ENCRYPTED' ? 'private key' : `${kind === 'OPENSSH' ? 'OpenSSH' : kind} private key`,
    span: { start, end: start + header.length + 5 },
    secret: { start, end: stop },
    // An encrypted key still needs its passphrase; the exposure is real but one step removed.
    confidence: encrypted ? 'medium' : 'high',
    ...(encrypted ? { detail: 'encrypted with a passphrase' } : {}),
  };
}

/** Hosts of documentation and tests by convention (RFC 2606, RFC 6761): credentials there are examples. */
const EXAMPLE_HOST = /(?:^|\.)(?:example(?:\.(?:com|org|net))?|test|invalid|localdomain\.test)$|^(?:host|hostname|server|myhost|domain|your[-_]?host)$/i;
const LOCAL_HOST = /^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\])$/i;

/** The scheme in front of a `://`, read backwards from it. */
const SCHEME_BEFORE = /(?:^|[^A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{1,20})$/;

function credentialUrls(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  // The regex starts at the literal `://`, which the engine finds fast; the scheme is checked backwards.
  CREDENTIAL_URL.lastIndex = 0;
  for (let m = CREDENTIAL_URL.exec(text); m !== null; m = CREDENTIAL_URL.exec(text)) {
    const scheme = SCHEME_BEFORE.exec(text.slice(Math.max(0, m.index - 21), m.index))?.[1].toLowerCase();
    if (!scheme || !CREDENTIAL_SCHEMES.test(scheme)) continue;
    const { secret, host, user } = m.groups as { secret: string; host: string; user: string };
    let password: string;
    try {
      password = decodeURIComponent(secret);
    } catch {
      password = secret;
    }
    if (isPlaceholder(password) || isPlaceholder(user) && user !== '' && /[{}$%<]/.test(user)) continue;
    if (EXAMPLE_HOST.test(host) || /[{}$%<]/.test(host)) continue;
    const start = m.index + m[0].lastIndexOf(`:${secret}@`) + 1;
    const local = LOCAL_HOST.test(host);
    const from = m.index - scheme.length;
    hits.push({
      kind: 'url',
      label: `${scheme.replace(/\+.*$/, '')} URL`,
      span: { start: from, end: m.index + m[0].length },
      secret: { start, end: start + secret.length },
      // A password for a local development database is a credential too, but rarely a production one.
      confidence: local || password.length < 6 ? 'medium' : 'high',
      ...(local ? { detail: 'for a local host' } : {}),
    });
  }
  return hits;
}

/**
 * AWS secret access keys have no prefix; a 40-character base64 string is one when an access key id sits
 * within a few lines of it, or when the name it is bound to says so.
 */
export function awsSecretKeys(text: string, tokens: readonly SecretHit[], bound: readonly BoundValue[]): SecretHit[] {
  const ids = tokens.filter((t) => t.label === 'AWS access key id');
  const lineStarts = ids.length > 0 ? lineStartsOf(text) : [];
  const hits: SecretHit[] = [];
  const seen = new Set<number>();
  const add = (span: TextSpan, value: string, pairLine: number | undefined) => {
    if (seen.has(span.start) || isPlaceholder(value) || shannonEntropy(value) < 4 || !/[0-9]/.test(value) || !/[A-Z]/.test(value) || !/[a-z]/.test(value)) return;
    seen.add(span.start);
    hits.push({
      kind: 'provider',
      label: 'AWS secret access key',
      span,
      secret: span,
      confidence: 'high',
      ...(pairLine !== undefined ? { detail: `paired with the access key id on line ${pairLine + 1}` } : {}),
    });
  };
  if (ids.length > 0) {
    const idLines = ids.map((t) => lineOf(lineStarts, t.span.start));
    AWS_SECRET_KEY.lastIndex = 0;
    for (let m = AWS_SECRET_KEY.exec(text); m !== null; m = AWS_SECRET_KEY.exec(text)) {
      const line = lineOf(lineStarts, m.index);
      const pair = idLines.find((l) => Math.abs(l - line) <= AWS_PAIR_LINES);
      if (pair !== undefined) add({ start: m.index, end: m.index + 40 }, m[0], pair);
    }
    for (const id of ids) {
      const idLine = lineOf(lineStarts, id.span.start);
      const pair = hits.find((h) => Math.abs(lineOf(lineStarts, h.span.start) - idLine) <= AWS_PAIR_LINES);
      if (pair) id.detail = `its secret access key is on line ${lineOf(lineStarts, pair.span.start) + 1}`;
    }
  }
  for (const b of bound) {
    const words = nameWords(b.name);
    if (words.includes('aws') && words.includes('secret') && /^[A-Za-z0-9+/]{40}$/.test(b.value)) add(b.span, b.value, undefined);
  }
  return hits;
}

/** Values that are names, labels or prose rather than secrets: `"db_password"`, `"API_KEY"`, `"Password: "`. */
function isNotAValue(value: string): boolean {
  if (/\s/.test(value.trim()) || /^\s|\s$/.test(value) || /[:?]\s*$/.test(value)) return true;
  // Identifiers and setting names (`api_key`, `DB_PASSWORD`, `auth.token`) name the secret; they are not it.
  if (/^[a-z]+(?:[._][a-z]+)+$/.test(value) || /^[A-Z]+(?:_[A-Z]+)+$/.test(value)) return true;
  // Dotted numbers (`257.1`, `1.0.3`, `10.0.0.1`) are versions, numbered reply codes or addresses. A run of digits
  // alone (`2571`) can be a PIN and is not excused.
  if (/^\d+(?:\.\d+)+$/.test(value)) return true;
  // Paths, URLs without credentials, dotted import paths, e-mail addresses.
  if (/^(?:[./~]|[A-Za-z]:\\)/.test(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^\w+(?:\.\w+){2,}$/.test(value)) return true;
  return /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(value);
}

/** Names bound to a value that the binding itself says is an environment, vault or file lookup key. */
const LOOKUP_NAME_WORDS = new Set([
  'env', 'environ', 'variable', 'var', 'vault', 'file', 'path', 'header', 'param', 'field', 'name', 'setting', 'option',
  'label', 'prompt', 'message', 'msg', 'text', 'template', 'format', 'url',
  // digests of something, not secrets: `secret_sha256`, `token_checksum`, `key_fingerprint`
  'sha', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'md5', 'checksum', 'integrity', 'etag', 'fingerprint',
]);

/**
 * A hardcoded password (K604) or a random-looking value bound to a secret name (K605), or nothing. Passwords
 * are reported whatever they look like (people choose them; `"admin123"` is still one), once the stand-ins
 * are filtered; other secret names need a value that looks generated.
 */
/** 40, 56, 64, 96 or 128 hex digits: the length of a SHA-1, SHA-224, SHA-256, SHA-384 or SHA-512 digest. */
const SHA_HEX_DIGEST = /^(?:[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/i;

export function classifyBound(b: BoundValue): SecretHit | undefined {
  const value = b.value;
  // In `auth=(user, pw)` and `HTTPDigestAuth(user, pw)` the place says it is a password, whatever the name.
  const authPlace = b.binding === 'auth pair' || b.binding === 'auth call';
  if (value.length === 0 || value.length > 512 || (!authPlace && describesOtherThing(b.name))) return undefined;
  const words = nameWords(b.name);
  if (!authPlace && words.some((w) => LOOKUP_NAME_WORDS.has(w))) return undefined;
  if (isPlaceholder(value) || isPasswordHash(value) || isNotAValue(value)) return undefined;
  // The value is the name again (`password = "Password"`, `token = "TOKEN"`): a label, not a value.
  const compact = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (compact === words.join('') || words.includes(compact)) return undefined;
  if (authPlace || isPasswordName(b.name)) {
    if (value.length < 4 && !/[^A-Za-z]/.test(value)) return undefined;
    // A SHA-1/SHA-2 hex digest in a password slot is a stored hash to check against, not the password.
    if (SHA_HEX_DIGEST.test(value)) return undefined;
    return {
      kind: 'password',
      label: 'password',
      span: b.span,
      secret: b.span,
      name: b.name,
      binding: b.binding,
      confidence: b.binding === 'compared' || b.binding === 'default' ? 'low' : 'medium',
    };
  }
  const strength = secretValueName(b.name);
  if (!strength || !looksRandom(value) || isChecksum(value) || (isUuid(value) && !words.includes('heroku'))) return undefined;
  if (words.includes('heroku') && isUuid(value)) {
    return { kind: 'provider', label: 'Heroku API key', span: b.span, secret: b.span, confidence: 'high' };
  }
  return {
    kind: 'entropy',
    label: `value of \`${b.name.length > 40 ? `${b.name.slice(0, 40)}…` : b.name}\``,
    span: b.span,
    secret: b.span,
    name: b.name,
    binding: b.binding,
    confidence: strength === 'strong' ? 'medium' : 'low',
  };
}

/** Test code and fixtures: real tokens do leak there, but most are made up, so they are reported one step lower. */
const TEST_PATH =
  /(?:^|\/)(?:tests?|testing|__tests__|specs?|fixtures?|testdata|test[-_]data|unittests?|mocks?)(?:\/|$)|(?:^|\/)test_[^/]*$|(?:^|\/)tests?\.pyw?$|_tests?\.pyw?$|(?:^|\/)conftest\.py$/i;
/** Configuration templates committed for others to fill in. */
const TEMPLATE_PATH = /(?:^|[./_-])(?:example|examples|sample|samples|template|templates|dist|default|defaults|tmpl|tpl)(?:[./_-]|$)/i;

export function isTestPath(relPath: string): boolean {
  return TEST_PATH.test(relPath);
}

export function isTemplatePath(relPath: string): boolean {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  return TEMPLATE_PATH.test(name);
}
