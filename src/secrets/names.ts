import type { Node } from 'web-tree-sitter';

/**
 * Deciding from a name whether a value is a secret: the one matcher shared by the hardcoded-secret rules (K6xx),
 * secrets in logs (K930), secrets compared with `==` (K903), permissions of key files (K910), and the crypto rules
 * about random secrets and password hashing (K3xx, through {@link secretWord} and {@link isPasswordName}).
 *
 * A name is split into lower-case words (`apiKey`, `API_KEY`, `api-key` → `api`, `key`); it names a secret when
 * the words contain a secret term and no word that turns it into something else: `token_count`, `password_reset_url`,
 * `token_type`, `is_password_set`, `max_tokens` describe a secret, they are not one.
 */

/** Splits an identifier, attribute name, dictionary key or header name into lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0 && !/^\d+$/.test(w));
}

export type SecretStrength = 'strong' | 'weak';

/**
 * Words that make a name about a secret rather than the secret itself: sizes and counts, kinds and formats, names
 * and locations, lifetimes, flags, policies, and the vocabulary of language-model token accounting.
 */
const NOT_THE_SECRET = new Set([
  // counts, sizes, positions
  'count', 'counts', 'cnt', 'num', 'number', 'len', 'length', 'size', 'total', 'min', 'max', 'limit', 'limits',
  'index', 'idx', 'pos', 'position', 'start', 'end', 'offset', 'budget', 'usage', 'cost', 'price', 'rate', 'range',
  'cache', 'cached',
  // kinds, formats, names, places
  'type', 'types', 'kind', 'format', 'fmt', 'name', 'names', 'id', 'ids', 'url', 'urls', 'uri', 'endpoint', 'path',
  'paths', 'file', 'filename', 'dir', 'sock', 'socket', 'username', 'field', 'fields', 'label', 'prompt', 'hint', 'placeholder', 'pattern',
  'regex', 're', 'env', 'var', 'version', 'algorithm', 'algorithms', 'alg', 'algo', 'scheme', 'location', 'mode',
  'method', 'template', 'class', 'cls', 'schema', 'style', 'prefix', 'suffix', 'separator', 'sep', 'column', 'col',
  'attr', 'attribute', 'param', 'parameter', 'option', 'options', 'arg', 'argname', 'widget', 'form',
  'input', 'output', 'completion', 'tokenizer', 'tokenize', 'tokenized', 'backend', 'provider', 'manager', 'service',
  'validator', 'validators', 'generator', 'factory', 'handler', 'helper', 'module', 'model', 'serializer', 'view',
  // lifetimes and state
  'expiry', 'expires', 'expiration', 'exp', 'expire', 'expired', 'ttl', 'age', 'timeout', 'lifetime', 'issued',
  'created', 'updated', 'changed', 'reset', 'forgot', 'rotation', 'rotated', 'status', 'state', 'flag', 'error',
  'errors', 'message', 'msg', 'policy', 'policies', 'strength', 'complexity', 'required', 'enabled', 'enable',
  'disabled', 'valid', 'validity', 'invalid', 'set', 'is', 'has', 'should', 'use', 'needs', 'need', 'allow',
  'allowed', 'check', 'checked', 'verify', 'verified', 'match', 'matches', 'mask', 'masked', 'redacted', 'hidden',
  'hash', 'hashed', 'hasher', 'digest', 'salt', 'encrypted', 'secure',
]);

/** Words that are a secret on their own. */
const STRONG_WORDS = new Set([
  'password', 'passwords', 'passwd', 'passphrase', 'secret', 'secrets', 'credential', 'credentials', 'creds',
  'apikey', 'apikeys', 'secretkey', 'privatekey', 'privkey', 'accesstoken', 'authtoken', 'apitoken', 'clientsecret',
  'refreshtoken', 'accesskey', 'bearertoken', 'sessiontoken', 'sessionkey', 'signingkey', 'encryptionkey',
]);

/** Two adjacent words that together are a secret (`api_key`, `privateKey`, `ACCESS_TOKEN`). */
const STRONG_PAIRS = new Set([
  'api key', 'api keys', 'private key', 'secret key', 'access key', 'signing key', 'encryption key', 'master key',
  'session key', 'client secret', 'access token', 'refresh token', 'auth token', 'bearer token', 'api token',
  'session token', 'id token', 'csrf token', 'oauth token', 'app secret', 'secret token', 'pass word',
]);

/** Words that are usually a secret (a bearer token, an Authorization header) but have innocent meanings too. */
const WEAK_WORDS = new Set(['token', 'auth', 'authorization', 'jwt', 'bearer', 'otp', 'pwd', 'sessionid', 'cookie']);

/**
 * How strongly a name designates a secret value (what a log line must not contain): `password`, `api_key`,
 * `client_secret`, `access_token` are strong; `token`, `auth`, `authorization`, `otp` are weak. Undefined for
 * anything else, and for names about a secret rather than of one (`token_count`, `password_reset_url`).
 */
export function secretValueName(name: string): SecretStrength | undefined {
  const words = nameWords(name);
  const { pair, rest } = splitPair(words);
  if (words.length === 0 || rest.some((w) => NOT_THE_SECRET.has(w))) return undefined;
  if (pair || words.some((w) => STRONG_WORDS.has(w))) return 'strong';
  if (words.some((w) => WEAK_WORDS.has(w))) return 'weak';
  return undefined;
}

/** The first strong pair of words in a name (`id token` in `id_token_raw`), and the words outside it. */
function splitPair(words: string[]): { pair: boolean; rest: string[] } {
  for (let i = 0; i + 1 < words.length; i++) {
    if (STRONG_PAIRS.has(`${words[i]} ${words[i + 1]}`)) return { pair: true, rest: [...words.slice(0, i), ...words.slice(i + 2)] };
  }
  return { pair: false, rest: words };
}

/** True when a name says what it holds is a property of a secret or something else (`token_count`, `user_id`, `max_len`). */
export function describesOtherThing(name: string): boolean {
  return nameWords(name).some((w) => NOT_THE_SECRET.has(w));
}

/** Words of values compared to check a secret: tokens, signatures, MACs, password hashes, one-time codes. */
const VERIFIER_WORDS = new Set([
  'token', 'signature', 'hmac', 'mac', 'secret', 'password', 'passwd', 'otp', 'totp', 'hotp', 'apikey', 'secretkey',
  'accesstoken', 'authtoken', 'apitoken', 'csrftoken', 'xsrf', 'csrf', 'pwhash', 'passwordhash', 'passcode', 'signed',
]);

/**
 * Words of values that may be public (a file's checksum, a format's magic signature, a signal number) or secret
 * (a keyed digest): evidence only beside a stronger one.
 */
const WEAK_VERIFIER_WORDS = new Set(['digest', 'checksum', 'sig']);

/** Words that, beside a verifier word, still name the secret (`expected_signature`, `password_hash`). */
const VERIFIER_COMPANIONS = new Set(['hash', 'hashed', 'digest', 'key']);

const COMPARE_NOT_SECRET = new Set([...NOT_THE_SECRET].filter((w) => !VERIFIER_COMPANIONS.has(w) && w !== 'verify' && w !== 'verified' && w !== 'check'));

/**
 * Whether a name designates a value that proves knowledge of a secret and is checked by comparison: a token, a
 * signature or MAC, a password or its hash, an API key, a one-time code ('strong'); a digest or checksum, which
 * may as well be public ('weak'). `token_type`, `signature_name`, `otp_length` are neither.
 */
export function verifierName(name: string): SecretStrength | undefined {
  const words = nameWords(name);
  const { pair, rest } = splitPair(words);
  if (words.length === 0 || rest.some((w) => COMPARE_NOT_SECRET.has(w))) return undefined;
  if (pair || words.some((w) => VERIFIER_WORDS.has(w) || STRONG_WORDS.has(w))) return 'strong';
  return words.some((w) => WEAK_VERIFIER_WORDS.has(w)) ? 'weak' : undefined;
}

/** Words in the name of a file that holds a key or another secret (`id_rsa`, `server.key`, `secrets.json`). */
const KEY_FILE = /(^|[^a-z])(id_(rsa|dsa|ecdsa|ed25519)|[\w.-]*\.(pem|key|p12|pfx|jks|keystore|kdbx|gpg|asc)|\.ssh|\.netrc|\.pgpass|\.env|htpasswd|shadow)($|[^a-z])/i;

/** True when a path or a name of a path variable looks like a key, credentials or secrets file. */
export function sensitiveFileName(text: string): boolean {
  if (KEY_FILE.test(text)) return true;
  const words = nameWords(text);
  return words.some((w) => STRONG_WORDS.has(w) || w === 'keyfile' || w === 'keystore' || w === 'keyring' || w === 'token' || w === 'tokens' || w === 'private') ||
    words.some((w, i) => i + 1 < words.length && STRONG_PAIRS.has(`${w} ${words[i + 1]}`)) ||
    (words.includes('key') && !words.includes('public') && !words.includes('pub'));
}

// ---- names of values that must be random, or hashed as passwords (the crypto family's questions) ----

/** Words that name a secret on their own. Plurals are left out: `tokens`, `passwords` usually hold data sets. */
const SECRET_WORDS = new Set([
  'token',
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'pw',
  'passcode',
  'secret',
  'salt',
  'nonce',
  'otp',
  'totp',
  'hotp',
  'pincode',
  'csrf',
  'xsrf',
  'iv',
  'apikey',
  'sessionid',
  'sessid',
  'sessionkey',
  'privkey',
  'seckey',
  'credential',
  'credentials',
  'mfa',
  'twofa',
]);

/** Two-word names that name a secret (`api_key`, `session_id`, `reset_code`); `key` and `code` alone do not. */
const SECRET_PAIRS = new Set([
  'api key',
  'secret key',
  'private key',
  'priv key',
  'signing key',
  'encryption key',
  'enc key',
  'crypto key',
  'aes key',
  'hmac key',
  'master key',
  'session key',
  'session id',
  'access key',
  'auth key',
  'license key',
  'activation key',
  'activation code',
  'reset code',
  'reset key',
  'verification code',
  'verify code',
  'confirmation code',
  'confirm code',
  'auth code',
  'access code',
  'security code',
  'sms code',
  'otp code',
  'login code',
  'mfa code',
  'invite code',
  'invitation code',
  'recovery code',
  'backup code',
  'unlock code',
  'one time',
  'pin code',
  'pin number',
  'user pin',
  'card pin',
]);

/**
 * Words that make the name describe something about a secret rather than the secret itself: `token_count`,
 * `password_length`, `max_tokens`, `token_id` (a vocabulary index), `pin_memory` (PyTorch).
 */
const RANDOM_QUALIFIERS = new Set([
  'count',
  'len',
  'length',
  'size',
  'num',
  'max',
  'min',
  'limit',
  'index',
  'idx',
  'id',
  'ids',
  'type',
  'kind',
  'ttl',
  'expiry',
  'expires',
  'expire',
  'expiration',
  'timeout',
  'delay',
  'interval',
  'retries',
  'retry',
  'attempts',
  'memory',
  'field',
  'label',
  'prompt',
  'policy',
  'column',
  'name',
  'pos',
  'position',
  'offset',
  'width',
  'prob',
  'probability',
  'rate',
  'ratio',
  'chance',
  'threshold',
  'score',
  'bucket',
  'shard',
  'mask',
  'weight',
  'dropout',
  'strength',
  'hint',
  'hash',
  'hashed',
  'digest',
]);

/** `secret_number`, `secret_word`: the hidden value of a guessing game, not a credential. */
const GAME_NOUNS = new Set(['number', 'num', 'word', 'guess', 'card', 'letter', 'item', 'color', 'colour', 'animal', 'city', 'move', 'choice']);

export interface SecretNameOptions {
  /** Leave out `token` (language-model code names vocabulary items "tokens"). */
  ignoreToken?: boolean;
}

/**
 * The secret a name stands for (`csrf_token` → "token", `api_key` → "api key"), or undefined when the name
 * does not name a secret or describes a property of one (`token_length`, `max_tokens`, `secret_number`).
 */
export function secretWord(name: string, options: SecretNameOptions = {}): string | undefined {
  const words = nameWords(name);
  if (words.length === 0) return undefined;
  for (let i = 0; i + 1 < words.length; i++) {
    const pair = `${words[i]} ${words[i + 1]}`;
    if (SECRET_PAIRS.has(pair)) {
      const rest = [...words.slice(0, i), ...words.slice(i + 2)];
      return rest.some((w) => RANDOM_QUALIFIERS.has(w)) ? undefined : pair;
    }
  }
  if (words.some((w) => RANDOM_QUALIFIERS.has(w))) return undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!SECRET_WORDS.has(w)) continue;
    if (w === 'token' && options.ignoreToken) continue;
    if (w === 'secret' && (GAME_NOUNS.has(words[i + 1] ?? '') || GAME_NOUNS.has(words[i - 1] ?? ''))) continue;
    return w;
  }
  return undefined;
}

const PASSWORD_WORDS = new Set(['password', 'passwd', 'passphrase', 'pwd', 'pw', 'passcode', 'pword']);
const NOT_PASSWORD = new Set(['salt', 'policy', 'reset', 'token', 'expired', 'changed']);

/** True when a name stands for a password (`password`, `new_pwd`, `userPassword`), not a property of one. */
export function isPasswordName(name: string): boolean {
  const words = nameWords(name);
  if (words.some((w) => RANDOM_QUALIFIERS.has(w) || NOT_PASSWORD.has(w))) return false;
  if (words.some((w) => PASSWORD_WORDS.has(w))) return true;
  // `pass` alone is a keyword; as the last word of a longer name it is a password (`db_pass`, `smtp_pass`),
  // elsewhere it is not (`pass_through`).
  return words.length > 1 && words[words.length - 1] === 'pass';
}

/** Words of function and class names that say the randomness protects nothing: MIME boundaries, back-off, test data. */
const HARMLESS_CONTEXT = new Set(['boundary', 'jitter', 'backoff', 'delay', 'sleep', 'shuffle', 'fake', 'faker', 'dummy', 'mock', 'stub', 'test', 'tests', 'fixture', 'example', 'demo', 'game', 'simulate', 'simulation', 'factory']);

/** True when a function or class around the call is named for something harmless (`_make_boundary`, `test_login`, `UserFactory`). */
export function harmlessContext(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type !== 'function_definition' && p.type !== 'class_definition') continue;
    const name = p.childForFieldName('name')?.text ?? '';
    if (nameWords(name).some((w) => HARMLESS_CONTEXT.has(w))) return true;
  }
  return false;
}
