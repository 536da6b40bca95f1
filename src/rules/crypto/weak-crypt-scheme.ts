import type { Node } from 'web-tree-sitter';
import type { Severity } from '../../findings/types.js';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { tupleElements } from '../../semantics/module.js';
import { boundValue } from '../helpers.js';
import { constantPrefix } from '../transport/shared.js';
import type { Rule } from '../types.js';

const CRYPT_MODULES = ['crypt', 'legacycrypt'];
const WEAK_METHODS: Readonly<Record<string, string>> = { METHOD_CRYPT: 'traditional DES crypt', METHOD_MD5: 'MD5-crypt' };

interface Scheme {
  shown: string;
  severity: Severity;
}

const DES: Scheme = { shown: 'DES-based crypt (8-character passwords, 12-bit salt)', severity: 'high' };
const MD5CRYPT: Scheme = { shown: 'MD5-crypt (a fixed 1,000 rounds of MD5, retired by its author)', severity: 'medium' };
const FAST: Scheme = { shown: 'a single fast digest', severity: 'high' };

/** passlib handlers that store passwords in a breakable form. */
const PASSLIB_WEAK: Readonly<Record<string, Scheme>> = {
  des_crypt: DES,
  bsdi_crypt: DES,
  bigcrypt: DES,
  crypt16: DES,
  md5_crypt: MD5CRYPT,
  apr_md5_crypt: MD5CRYPT,
  sun_md5_crypt: MD5CRYPT,
  ldap_md5: FAST,
  ldap_salted_md5: FAST,
  ldap_sha1: FAST,
  ldap_salted_sha1: FAST,
  ldap_des_crypt: DES,
  ldap_md5_crypt: MD5CRYPT,
  hex_md4: FAST,
  hex_md5: FAST,
  hex_sha1: FAST,
  hex_sha256: FAST,
  hex_sha512: FAST,
  lmhash: { shown: 'the LAN Manager hash (uppercased, split in 7-character halves, unsalted)', severity: 'high' },
  nthash: { shown: 'the NT hash (unsalted MD4)', severity: 'high' },
  mysql323: { shown: 'the MySQL 3.2.3 hash (broken)', severity: 'high' },
  mysql41: { shown: 'the MySQL 4.1 hash (unsalted double SHA-1)', severity: 'high' },
  postgres_md5: { shown: 'PostgreSQL\'s MD5 scheme (salted only with the user name)', severity: 'high' },
  oracle10: { shown: 'the Oracle 10g hash (DES-based, case-insensitive)', severity: 'high' },
  msdcc: { shown: 'Windows cached credentials v1 (MD4)', severity: 'high' },
  cisco_type7: { shown: 'Cisco type 7 (reversible encoding)', severity: 'high' },
};
const PASSLIB_METHODS = ['hash', 'encrypt', 'using'];
const CRYPT_CONTEXT = 'passlib.context.CryptContext';

/** What a `crypt()` salt selects: a 2-character salt is DES, `_` extended DES, `$1$` MD5-crypt. */
function saltScheme(salt: string): string | undefined {
  if (salt.startsWith('$1$')) return 'MD5-crypt';
  if (salt.startsWith('_')) return 'BSDi extended DES crypt';
  if (!salt.startsWith('$') && salt.length >= 2) return 'traditional DES crypt';
  return undefined;
}

function weakMethod(node: Node, model: ModuleModel): string | undefined {
  const q = model.qualifiedName(node);
  if (!q) return undefined;
  const dot = q.lastIndexOf('.');
  return CRYPT_MODULES.includes(q.slice(0, dot)) ? WEAK_METHODS[q.slice(dot + 1)] : undefined;
}

const ADVICE = 'hash passwords with Argon2id, bcrypt or scrypt (or crypt\'s METHOD_SHA512 where only crypt(3) will do)';

export const weakCryptScheme: Rule = {
  meta: {
    id: 'K310',
    name: 'weak-crypt-scheme',
    summary: 'Passwords hashed with a legacy crypt or passlib scheme (DES crypt, MD5-crypt, LM/NT hash, MySQL, LDAP MD5/SHA1)',
    severity: 'high',
    confidence: 'high',
    cwe: [916, 328],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports password hashing with schemes that are cheap to crack:\n\n' +
      '- `crypt.crypt(word, salt)` (and the `legacycrypt` package that replaces `crypt` from Python 3.13) ' +
      'when the salt is `crypt.METHOD_CRYPT` or `crypt.METHOD_MD5`, or a constant salt that selects DES ' +
      '(two characters, like `"ab"`), BSDi extended DES (`"_…"`) or MD5-crypt (`"$1$…"`, also ' +
      '`"$1$" + salt`);\n' +
      '- `crypt.mksalt(crypt.METHOD_CRYPT)` and `crypt.mksalt(crypt.METHOD_MD5)`;\n' +
      '- passlib\'s legacy handlers used to hash (`.hash()`, `.encrypt()`, `.using()`): `des_crypt`, ' +
      '`bsdi_crypt`, `bigcrypt`, `crypt16`, `md5_crypt`, `apr_md5_crypt`, `ldap_md5`, `ldap_sha1` and their ' +
      'salted forms, `hex_md5`/`hex_sha1`/…, `lmhash`, `nthash`, `mysql323`, `mysql41`, `postgres_md5`, ' +
      '`oracle10`, `msdcc`, `cisco_type7`;\n' +
      '- a passlib `CryptContext` whose default scheme (the `default=` argument, or else the first of ' +
      '`schemes`) is one of those.\n\n' +
      'Not reported: `crypt.crypt(word)` (Python picks the strongest method), `crypt.crypt(word, stored)` ' +
      'with a salt read from a stored hash (that verifies a password, whatever its scheme), ' +
      '`METHOD_SHA256`/`METHOD_SHA512`/`METHOD_BLOWFISH`, and legacy schemes listed after the default in a ' +
      '`CryptContext` (kept to verify old hashes, which passlib can upgrade).',
    why:
      'Traditional crypt(3) uses DES: it ignores everything after the eighth character and has 4,096 ' +
      'salts, so any hash is cracked in minutes. MD5-crypt runs a fixed 1,000 MD5 rounds, which GPUs ' +
      'try at billions per second; its author declared it unsafe in 2012. LM, NT, MySQL and LDAP ' +
      'digest schemes are unsalted or salted with something predictable, and a single fast hash at ' +
      'most. They exist to interoperate with old systems; passwords stored with them fall to offline ' +
      'cracking as soon as the table leaks. Use Argon2id, bcrypt or scrypt.',
    bad:
      'import crypt\n\n\n' +
      'def shadow_entry(user: str, password: str) -> str:\n' +
      '    return f"{user}:{crypt.crypt(password, crypt.METHOD_MD5)}"\n',
    good:
      'import crypt\n\n\n' +
      'def shadow_entry(user: str, password: str) -> str:\n' +
      '    return f"{user}:{crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))}"\n',
    references: [
      'https://cwe.mitre.org/data/definitions/916.html',
      'https://docs.python.org/3.12/library/crypt.html',
      'https://passlib.readthedocs.io/en/stable/lib/passlib.hash.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html',
    ],
  },
  textHint: /crypt|passlib/,
  callees: [
    ...CRYPT_MODULES.flatMap((m) => [`${m}.crypt`, `${m}.mksalt`]),
    ...Object.keys(PASSLIB_WEAK).flatMap((h) => PASSLIB_METHODS.map((m) => `passlib.hash.${h}.${m}`)),
    CRYPT_CONTEXT,
  ],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    if (callee.endsWith('.mksalt')) {
      const method = argument(call, 0, 'method');
      const weak = method ? weakMethod(method, model) : undefined;
      if (weak) ctx.report({ node: call.node, message: `mksalt() for ${weak}: a password hashed with it is cheap to crack; ${ADVICE}` });
      return;
    }
    if (callee.endsWith('.crypt')) {
      const salt = argument(call, 1, 'salt');
      if (!salt) return;
      const method = weakMethod(salt, model);
      const literal = model.constantString(salt);
      // `"$1$" + random_salt()` still selects MD5-crypt: only the prefix matters.
      const prefix = literal === undefined ? constantPrefix(salt, model)?.text : undefined;
      const scheme = method ?? (literal !== undefined ? saltScheme(literal) : prefix?.startsWith('$1$') ? 'MD5-crypt' : undefined);
      if (!scheme) return;
      ctx.report({
        node: call.node,
        message: `crypt() with ${scheme}: ${scheme.includes('DES') ? 'only the first 8 characters count and there are 4,096 salts' : 'a fixed 1,000 MD5 rounds'}, cheap to crack; ${ADVICE}`,
        severity: scheme.includes('DES') ? 'high' : 'medium',
      });
      return;
    }
    if (callee === CRYPT_CONTEXT) {
      const explicit = call.keywords.get('default');
      let name = explicit ? model.constantString(explicit) : undefined;
      if (explicit && name === undefined) return;
      if (name === undefined) {
        const schemes = argument(call, 0, 'schemes');
        const list = schemes ? tupleElements(boundValue(schemes, model)) : undefined;
        const first = list?.[0];
        name = first ? model.constantString(first) : undefined;
      }
      const scheme = name !== undefined ? PASSLIB_WEAK[name] : undefined;
      if (!scheme) return;
      ctx.report({ node: call.node, message: `CryptContext hashes new passwords with ${name}, ${scheme.shown}; make argon2, bcrypt or scrypt the default and keep ${name} only to verify old hashes`, severity: scheme.severity });
      return;
    }
    const handler = callee.split('.')[2];
    const scheme = handler ? PASSLIB_WEAK[handler] : undefined;
    if (!scheme) return;
    ctx.report({ node: call.node, message: `passlib's ${handler} is ${scheme.shown}, cheap to crack; ${ADVICE}`, severity: scheme.severity });
  },
};
