/**
 * Values that stand in for a secret rather than being one. Secret scanners are judged by their noise, and most
 * of it comes from documentation values, templates and test data; every filter here has a test
 * (test/secrets/placeholders.test.ts) and a near-miss fixture.
 */

/** Substitution syntaxes of shells, compose, Ansible/Jinja, configparser, str.format and printf. */
const TEMPLATE =
  /\$\{[^}]*\}|\$\([^)]*\)|^\$[A-Za-z_][A-Za-z0-9_]*$|\{\{[^}]*\}\}|\{%[^%]*%\}|%\([^)]*\)[sdr]|%[sd]|\{[A-Za-z_][\w.]*\}|\{\d*\}|<[^<>]{1,60}>/;

/** Words that announce a stand-in value (anywhere in it, case-insensitive). */
const PLACEHOLDER_WORDS =
  /change[\s_.-]?(?:me|it|this)|replace[\s_.-]?(?:me|this|with)|placeholder|dummy|example|sample|fake|redacted|your[\s_.-]?(?:own[\s_.-]?)?(?:api[\s_.-]?)?(?:key|token|secret|password|pass|pwd|id|access|app)|insert[\s_.-]?(?:your|here)|put[\s_.-]?your|enter[\s_.-]?your|not[\s_.-]?(?:a[\s_.-]?)?(?:real|set)|notasecret|todo|fixme|xxxx|\*{3}|\.{3}|…|_here$/i;

/** Whole values that are the name of the thing rather than a value of it, or a well-known stand-in. */
const STAND_IN_VALUES = new Set([
  'password', 'passwd', 'pass', 'pwd', 'pw', 'secret', 'secrets', 'token', 'key', 'apikey', 'api_key', 'api-key',
  'mypassword', 'my_password', 'mysecret', 'my_secret', 'mytoken', 'yourpassword', 'secretkey', 'secret_key',
  'test', 'testing', 'tests', 'none', 'null', 'nil', 'undefined', 'true', 'false', 'yes', 'no', 'on', 'off',
  'default', 'user', 'username', 'admin', 'root', 'guest', 'anonymous', 'foo', 'bar', 'baz', 'foobar', 'qux',
  'spam', 'eggs', 'hunter2', 'abc', 'abcd', 'xyz', 'str', 'string', 'bytes', 'value', 'required', 'optional',
  'empty', 'unset', 'unknown', 'n/a', 'na', 'tbd', 'env', 'environment', 'vault', 'auto', 'prompt', 'ask',
]);

/** References to where the secret really lives: a vault, a cloud secret manager, an encrypted blob, a file. */
const STORE_REFERENCE =
  /^(?:vault:|!vault|\$ANSIBLE_VAULT|ENC\[|arn:aws:(?:secretsmanager|ssm|kms):|ssm:|secretsmanager:|projects\/[^/]+\/secrets\/|azurekeyvault:|@Microsoft\.KeyVault|op:\/\/|file:|env:|keyring:|sops:)/i;

/**
 * True when the value is a run of one character (`aaaaaaaa`, `00000000`, `********`) or a run of neighbours
 * on the keyboard's letter or digit rows (`abcdefgh`, `12345678`, `87654321`, `qwertyuiop`).
 */
export function isRepeatedOrSequential(value: string): boolean {
  const v = value.toLowerCase();
  if (v.length < 3) return false;
  if (/^(.)\1+$/s.test(v)) return true;
  // Two-character patterns repeated (`abababab`, `12121212`).
  if (v.length >= 6 && /^(..)\1+.?$/s.test(v)) return true;
  let up = true;
  let down = true;
  for (let i = 1; i < v.length; i++) {
    const d = v.charCodeAt(i) - v.charCodeAt(i - 1);
    if (d !== 1) up = false;
    if (d !== -1) down = false;
  }
  if ((up || down) && /^[a-z0-9]+$/.test(v)) return true;
  return /^(?:qwerty|asdf|zxcv|1234567890|0123456789|abc123|123abc|letmein|passw0rd|p@ssw0rd|p@ssword)/.test(v) && v.length <= 12;
}

/** True when a candidate secret is a template, a stand-in, a store reference or a trivially guessable run. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (STAND_IN_VALUES.has(v.toLowerCase())) return true;
  if (TEMPLATE.test(v) || PLACEHOLDER_WORDS.test(v) || STORE_REFERENCE.test(v)) return true;
  if (/^x+$/i.test(v) || /^[*•#?.-]+$/.test(v)) return true;
  return isRepeatedOrSequential(v);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID: an identifier far more often than a credential (Heroku keys are the exception, matched by name). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A checksum or content hash as written in manifests and lock files: `sha256:…`, `sha512-…` integrity strings,
 * `--hash=sha256:…`. Bare hex is not one by itself: many API secrets are 32 or 40 hex digits, so a hex value is
 * judged by the name it is bound to (`checksum`, `sha256`, `integrity` are not secret names).
 */
export function isChecksum(value: string): boolean {
  return /^(?:--hash=)?(?:md5|sha1|sha224|sha256|sha384|sha512|blake2b|blake2s|sha3-\d+)[:=-][A-Za-z0-9+/=_-]+$/i.test(value);
}

/** Hashed passwords (bcrypt, argon2, Django's and passlib's formats): stored verifiers, not the secret itself. */
export function isPasswordHash(value: string): boolean {
  return /^(?:\$(?:2[abxy]?|argon2(?:id|i|d)|pbkdf2(?:-sha\d+)?|scrypt|[156])\$|(?:pbkdf2_sha\d+|bcrypt(?:_sha256)?|argon2|scrypt|sha1|md5|unsalted_md5|unsalted_sha1|crypt)\$|!|\{SSHA\}|\{SHA\})/i.test(value);
}
