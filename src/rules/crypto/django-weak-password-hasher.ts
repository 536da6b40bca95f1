import type { Node } from 'web-tree-sitter';
import { argument } from '../../semantics/model.js';
import { tupleElements } from '../../semantics/module.js';
import { isSettingsModule } from '../helpers.js';
import type { Rule } from '../types.js';

/** Django's hashers that are fast or unsalted (kept in Django for legacy databases and fast tests). */
const WEAK_HASHERS: Readonly<Record<string, string>> = {
  MD5PasswordHasher: 'salted MD5',
  SHA1PasswordHasher: 'salted SHA-1',
  UnsaltedMD5PasswordHasher: 'unsalted MD5',
  UnsaltedSHA1PasswordHasher: 'unsalted SHA-1',
  CryptPasswordHasher: 'crypt(3), DES-based on most systems',
};
/** The same hashers by their algorithm names (`make_password(pw, hasher="md5")`). */
const WEAK_ALGORITHMS: Readonly<Record<string, string>> = {
  md5: 'salted MD5',
  sha1: 'salted SHA-1',
  unsalted_md5: 'unsalted MD5',
  unsalted_sha1: 'unsalted SHA-1',
  crypt: 'crypt(3)',
};

const HASHERS = 'django.contrib.auth.hashers';
const ADVICE = 'put Argon2PasswordHasher, PBKDF2PasswordHasher or ScryptPasswordHasher first (or drop the setting to use Django\'s default)';

/** Settings modules that only run the test suite, where a fast hasher is a common and harmless speed-up. */
function isTestSettings(relPath: string): boolean {
  const base = relPath.split('/').pop() ?? '';
  return /(^|_)(test|tests|testing|ci)(_|\.pyw?$)/.test(base);
}

function weakHasher(path: string): string | undefined {
  return WEAK_HASHERS[path.slice(path.lastIndexOf('.') + 1)];
}

export const djangoWeakPasswordHasher: Rule = {
  meta: {
    id: 'K309',
    name: 'django-weak-password-hasher',
    summary: 'Django stores new passwords with a fast or unsalted hasher (MD5, SHA-1, unsalted, crypt)',
    severity: 'high',
    confidence: 'high',
    cwe: [916],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports, in a Django settings module (`settings.py`, a module of a `settings/` package, or a module ' +
      'that assigns `INSTALLED_APPS` or `MIDDLEWARE` at top level), a `PASSWORD_HASHERS` list whose **first** ' +
      'entry is `MD5PasswordHasher`, `SHA1PasswordHasher`, `UnsaltedMD5PasswordHasher`, ' +
      '`UnsaltedSHA1PasswordHasher` or `CryptPasswordHasher`: Django hashes every new or changed password ' +
      'with the first hasher. Anywhere in the code, it also reports `make_password(password, salt, ' +
      'hasher="md5")` and `get_hasher("md5")` with those algorithms (`md5`, `sha1`, `unsalted_md5`, ' +
      '`unsalted_sha1`, `crypt`).\n\n' +
      'Not reported: weak hashers later in the list (they only verify old hashes, which Django upgrades at ' +
      'the next login), settings modules named for tests (`settings/test.py`, `test_settings.py`, ' +
      '`settings_ci.py`), where a fast hasher speeds up the suite, and `override_settings` in tests.',
    why:
      'Django\'s default hashers (PBKDF2 with hundreds of thousands of iterations, Argon2, scrypt) make ' +
      'each guess against a stolen hash expensive. The MD5 and SHA-1 hashers compute a single fast digest, ' +
      'so a leaked table of hashes falls to GPU cracking within hours, and the unsalted variants also let ' +
      'one precomputed table crack every account at once. These hashers exist so that old databases can ' +
      'be migrated and test suites run fast, not to store production passwords.',
    bad:
      'INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]\n\n' +
      'PASSWORD_HASHERS = [\n' +
      '    "django.contrib.auth.hashers.MD5PasswordHasher",\n' +
      '    "django.contrib.auth.hashers.PBKDF2PasswordHasher",\n' +
      ']\n',
    good:
      'INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]\n\n' +
      'PASSWORD_HASHERS = [\n' +
      '    "django.contrib.auth.hashers.Argon2PasswordHasher",\n' +
      '    "django.contrib.auth.hashers.PBKDF2PasswordHasher",\n' +
      '    "django.contrib.auth.hashers.MD5PasswordHasher",\n' +
      ']\n',
    references: [
      'https://cwe.mitre.org/data/definitions/916.html',
      'https://docs.djangoproject.com/en/stable/topics/auth/passwords/#how-django-stores-passwords',
      'https://docs.djangoproject.com/en/stable/ref/settings/#password-hashers',
      'https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html',
    ],
  },
  textHint: /PASSWORD_HASHERS|make_password|get_hasher/,
  callees: [`${HASHERS}.make_password`, `${HASHERS}.get_hasher`],
  call(call, ctx) {
    const arg = call.callee?.endsWith('.make_password') ? argument(call, 2, 'hasher') : argument(call, 0, 'algorithm');
    const name = arg ? ctx.model.constantString(arg) : undefined;
    const weak = name !== undefined ? WEAK_ALGORITHMS[name] : undefined;
    if (!weak) return;
    ctx.report({ node: call.node, message: `hasher "${name}" stores the password as ${weak}, which is fast to brute-force; use the default hasher (omit the argument)` });
  },
  assignment(assignment, ctx) {
    if (assignment.scope.kind !== 'module' || !assignment.value) return;
    if (!assignment.targets.some((t) => t.type === 'identifier' && t.text === 'PASSWORD_HASHERS')) return;
    if (!isSettingsModule(ctx.model) || isTestSettings(ctx.model.relPath)) return;
    const first: Node | undefined = tupleElements(assignment.value)?.[0];
    const path = first ? ctx.model.constantString(first) : undefined;
    const weak = path !== undefined ? weakHasher(path) : undefined;
    if (!first || !path || !weak) return;
    ctx.report({
      node: first,
      message: `the first of PASSWORD_HASHERS hashes every new password, and ${path.slice(path.lastIndexOf('.') + 1)} is ${weak}, fast to brute-force; ${ADVICE}`,
    });
  },
};
