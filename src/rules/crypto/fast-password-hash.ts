import type { Node } from 'web-tree-sitter';
import type { Confidence, Severity } from '../../findings/types.js';
import { argument, type CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, calleeOf } from '../helpers.js';
import type { Rule } from '../types.js';
import { isPasswordName } from '../../secrets/names.js';
import { nameWords } from '../../secrets/names.js';
import { constantInt } from './shared.js';
import { mandatedBy } from './digest-use.js';

const FAST_HASHES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3_224', 'sha3_256', 'sha3_384', 'sha3_512', 'blake2b', 'blake2s'];
const PYCRYPTO_HASHES = ['MD5', 'SHA', 'SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512', 'SHA3_256', 'SHA3_512', 'BLAKE2b', 'BLAKE2s'];

/** Fast hash calls and where their data argument is: callee → (position, keyword). */
const HASH_DATA: ReadonlyMap<string, [number, string]> = new Map([
  ...FAST_HASHES.map((h): [string, [number, string]] => [`hashlib.${h}`, [0, 'data']]),
  ['hashlib.new', [1, 'data']],
  ['hashlib._Hash.update', [0, 'data']],
  ['cryptography.hazmat.primitives.hashes.Hash.update', [0, 'data']],
  ...['Crypto', 'Cryptodome'].flatMap((p) => PYCRYPTO_HASHES.map((h): [string, [number, string]] => [`${p}.Hash.${h}.new`, [0, 'data']])),
]);

/** OWASP Password Storage Cheat Sheet (2023): PBKDF2 iterations per HMAC digest. */
const OWASP_ITERATIONS: Readonly<Record<string, number>> = { sha1: 1_300_000, sha256: 600_000, sha512: 210_000 };
const DEFAULT_MIN_ITERATIONS = 100_000;
const MIN_BCRYPT_ROUNDS = 10;

const KDFS: ReadonlyMap<string, { position: number; keyword: string; digest: [number, string]; fallback?: number }> = new Map([
  ['hashlib.pbkdf2_hmac', { position: 3, keyword: 'iterations', digest: [0, 'hash_name'] }],
  ['cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC', { position: 3, keyword: 'iterations', digest: [0, 'algorithm'] }],
  // PyCryptodome's PBKDF2 runs 1000 iterations unless told otherwise.
  ['Crypto.Protocol.KDF.PBKDF2', { position: 3, keyword: 'count', digest: [5, 'hmac_hash_module'], fallback: 1000 }],
  ['Cryptodome.Protocol.KDF.PBKDF2', { position: 3, keyword: 'count', digest: [5, 'hmac_hash_module'], fallback: 1000 }],
]);
const BCRYPT_GENSALT = 'bcrypt.gensalt';

/** Data that goes into a digest for a protocol, not for storage: HTTP Digest (realm), challenge-response (nonce). */
const PROTOCOL_WORDS = new Set(['realm', 'nonce', 'challenge', 'cnonce']);

const MAX_NAMES = 64;

/** Verbs of function names around the subject: `hash_password`, `_check_pw`, `makePasswordDigest`. */
const VERBS = new Set(['hash', 'hashed', 'encrypt', 'encode', 'check', 'verify', 'make', 'set', 'digest', 'store', 'get', 'compute', 'create', 'generate', 'gen', 'save', 'for', 'of']);

/** Names an expression reads: identifiers, attribute names (`user.password`), constant keys (`form["pwd"]`, `.get("pwd")`). */
function namesIn(node: Node, model: ModuleModel): string[] {
  const out: string[] = [];
  const visit = (n: Node) => {
    if (out.length >= MAX_NAMES) return;
    switch (n.type) {
      case 'identifier':
        out.push(n.text);
        return;
      case 'attribute': {
        const obj = n.childForFieldName('object');
        const attr = n.childForFieldName('attribute');
        if (obj) visit(obj);
        // A method called on the value (`password.encode()`) says nothing about it.
        if (attr && !(n.parent?.type === 'call' && n.parent.childForFieldName('function')?.id === n.id)) out.push(attr.text);
        return;
      }
      case 'call': {
        const fn = n.childForFieldName('function');
        if (fn?.type === 'attribute') {
          const obj = fn.childForFieldName('object');
          if (obj) visit(obj);
          if (fn.childForFieldName('attribute')?.text === 'get') {
            const first = n.childForFieldName('arguments')?.namedChildren[0];
            const key = first ? model.constantString(first) : undefined;
            if (key) out.push(key);
          }
        }
        const args = n.childForFieldName('arguments');
        if (args) for (const a of args.namedChildren) if (a) visit(a);
        return;
      }
      case 'subscript': {
        const value = n.childForFieldName('value');
        const key = n.childForFieldName('subscript');
        if (value) visit(value);
        const k = key ? model.constantString(key) : undefined;
        if (k) out.push(k);
        return;
      }
      case 'keyword_argument': {
        const v = n.childForFieldName('value');
        if (v) visit(v);
        return;
      }
      default:
        for (const c of n.namedChildren) if (c) visit(c);
    }
  };
  visit(node);
  return out;
}

function enclosingFunction(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return p;
    if (p.type === 'class_definition') return undefined;
  }
  return undefined;
}

function parameterNames(fn: Node): Set<string> {
  const out = new Set<string>();
  const params = fn.childForFieldName('parameters');
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    const id = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier'));
    if (id?.type === 'identifier') out.add(id.text);
  }
  return out;
}

/** Whether hashed data is a password: by its names (high), or as a parameter of a `hash_password`-like function (medium). */
function passwordEvidence(data: Node, model: ModuleModel): Confidence | undefined {
  // Follow a local rename once: `raw = password.encode(); sha256(raw)`.
  const value = boundValue(data, model);
  const names = [...namesIn(data, model), ...(value.id !== unparen(data).id ? namesIn(value, model) : [])];
  if (names.some((n) => nameWords(n).some((w) => PROTOCOL_WORDS.has(w)))) return undefined;
  if (names.some(isPasswordName)) return 'high';
  const fn = enclosingFunction(data);
  const fname = fn?.childForFieldName('name')?.text;
  if (!fn || !fname) return undefined;
  const subject = nameWords(fname).filter((w) => !VERBS.has(w));
  if (subject.length === 0 || !isPasswordName(subject.join('_'))) return undefined;
  const params = parameterNames(fn);
  return names.some((n) => params.has(n) && n !== 'self' && n !== 'cls') ? 'medium' : undefined;
}

/** The digest a KDF uses, lower-cased (`"sha256"`, `hashes.SHA256()` → sha256), if known. */
function digestOf(call: CallSite, spec: [number, string], model: ModuleModel): string | undefined {
  const arg = argument(call, spec[0], spec[1]);
  if (!arg) return undefined;
  const s = model.constantString(arg);
  if (s !== undefined) return s.toLowerCase().replace(/-/g, '');
  const n = boundValue(arg, model);
  const q = n.type === 'call' ? calleeOf(n, model) : model.qualifiedName(n);
  return q?.slice(q.lastIndexOf('.') + 1).toLowerCase();
}

/**
 * `class SHA1PasswordHasher: algorithm = "sha1"` hashing with `hashlib.sha1`: a class whose job is the named
 * algorithm (a pluggable hasher a framework keeps so old stored hashes still verify). Which hasher the
 * application uses is its configuration, elsewhere. The class's `algorithm` must name the digest the call uses.
 */
function implementedAlgorithm(call: CallSite, model: ModuleModel): string | undefined {
  const digest = call.callee === 'hashlib.new' ? digestOf(call, [0, 'name'], model) : call.callee?.slice(call.callee.lastIndexOf('.') + 1).toLowerCase();
  if (!digest || call.callee?.endsWith('.update')) return undefined;
  let cls: Node | null = call.node.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  const body = cls?.childForFieldName('body');
  for (const stmt of body?.namedChildren ?? []) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : null;
    if (a?.type !== 'assignment' || a.childForFieldName('left')?.text !== 'algorithm') continue;
    const right = a.childForFieldName('right');
    const value = right ? model.constantString(right) : undefined;
    // "sha1", "md5", "unsalted_md5": the algorithm named is the digest itself, not a scheme built on it.
    if (value !== undefined && value.toLowerCase().split('_').at(-1) === digest) return value;
  }
  return undefined;
}

function number(n: number): string {
  return n.toLocaleString('en-US').replace(/,/g, '_');
}

export const fastPasswordHash: Rule = {
  meta: {
    id: 'K308',
    name: 'fast-password-hash',
    summary: 'A password hashed with a fast hash (MD5, SHA-1, SHA-2, BLAKE2) or a too cheap PBKDF2/bcrypt setting',
    severity: 'high',
    confidence: 'high',
    cwe: [916],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports password hashing that an attacker with the hashes can brute-force cheaply:\n\n' +
      '- a general-purpose hash of a password: `hashlib.md5/sha1/sha224/sha256/sha384/sha512/sha3_*/' +
      'blake2b/blake2s(...)`, `hashlib.new("sha256", ...)`, `.update(...)` on such a hash object, ' +
      '`cryptography`\'s `hashes.Hash(...).update(...)` and PyCryptodome\'s `SHA256.new(...)`, salted or ' +
      'not. The data is a password when a name in it says so (`password`, `passwd`, `pwd`, `passphrase`, ' +
      '`user.password`, `form["password"]`, `data.get("pwd")`: words of names, so `newPassword` counts and ' +
      '`password_hash` or `password_length` do not), at high confidence; or when it is a parameter of a ' +
      'function named for hashing or checking a password (`def hash_password(raw):`), at medium confidence;\n' +
      '- PBKDF2 with fewer iterations than the `minIterations` option (100,000 by default): ' +
      '`hashlib.pbkdf2_hmac`, `cryptography`\'s `PBKDF2HMAC`, and PyCryptodome\'s `PBKDF2`, whose default is ' +
      'only 1,000 — the message gives the OWASP figure for the digest (600,000 for SHA-256, 210,000 for ' +
      'SHA-512, 1,300,000 for SHA-1);\n' +
      '- `bcrypt.gensalt(rounds=N)` with N under 10.\n\n' +
      'Not reported: HMAC (`hmac.new(key, password, ...)`), digests that are part of a protocol rather than ' +
      'storage (HTTP Digest authentication and challenge-response, recognised by a `realm`, `nonce` or ' +
      '`challenge` in the same data), the SHA-1 prefix lookup of the "Have I Been Pwned" range API (in a ' +
      'module that names `pwnedpasswords`), and hashes of tokens and API keys, which are long random ' +
      'values where a fast hash is fine. MD5 and SHA-1 of a password are also reported by `weak-hash`.\n\n' +
      'Low confidence: a protocol or file format that fixes the digest, recognised by its marker strings in the ' +
      'surrounding class or function (POP3 `APOP`, OpenSSL\'s encrypted PEM keys with `Proc-Type` and ' +
      '`DEK-Info`, and the other protocols of `weak-hash`), where the code has no choice; and a class whose ' +
      '`algorithm` attribute names the very digest it calls (`class SHA1PasswordHasher: algorithm = "sha1"`), a ' +
      'pluggable hasher a framework keeps so old stored hashes still verify: which hasher is active is the ' +
      'application\'s configuration. A class whose `algorithm` names another scheme, or none, is reported as usual.',
    why:
      'A stolen password table is attacked offline: the attacker hashes candidate passwords until the ' +
      'hashes match. General-purpose hashes are built to be fast — a single GPU computes billions of ' +
      'SHA-256 or MD5 hashes a second — so most human-chosen passwords fall within hours, salt or no salt ' +
      '(a salt only stops precomputed tables). Password hashing functions are slow and memory-hard on ' +
      'purpose: use Argon2id (`argon2-cffi`), scrypt, bcrypt, or PBKDF2 with at least 600,000 iterations ' +
      'of HMAC-SHA256 (OWASP); in Django, keep its default hashers.',
    bad:
      'import hashlib\nimport os\n\n\n' +
      'def store_password(password: str) -> str:\n' +
      '    salt = os.urandom(16)\n' +
      '    return salt.hex() + hashlib.sha256(salt + password.encode()).hexdigest()\n',
    good:
      'import hashlib\nimport os\n\n\n' +
      'def store_password(password: str) -> str:\n' +
      '    salt = os.urandom(16)\n' +
      '    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)\n' +
      '    return salt.hex() + digest.hex()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/916.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html',
      'https://pages.nist.gov/800-63-3/sp800-63b.html#memsecretver',
      'https://docs.djangoproject.com/en/stable/topics/auth/passwords/',
    ],
  },
  options: {
    minIterations: {
      type: 'number',
      default: DEFAULT_MIN_ITERATIONS,
      description: 'PBKDF2 iteration counts below this are reported (OWASP recommends 600,000 for HMAC-SHA256).',
    },
  },
  callees: [...HASH_DATA.keys(), ...KDFS.keys(), BCRYPT_GENSALT],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    const kdf = KDFS.get(callee);
    if (kdf) {
      const arg = argument(call, kdf.position, kdf.keyword);
      let iterations: number | undefined;
      if (arg) iterations = constantInt(arg, model);
      else if (kdf.fallback !== undefined && !call.hasStarArgs && !call.hasStarKwargs) iterations = kdf.fallback;
      const configured = ctx.options.minIterations;
      const min = typeof configured === 'number' ? configured : DEFAULT_MIN_ITERATIONS;
      if (iterations === undefined || iterations >= min) return;
      const digest = digestOf(call, kdf.digest, model) ?? (kdf.fallback !== undefined ? 'sha1' : undefined);
      const owasp = digest ? OWASP_ITERATIONS[digest] : undefined;
      const advice = owasp ? `OWASP recommends ${number(owasp)} for HMAC-${digest?.toUpperCase().replace('SHA', 'SHA-')}` : 'OWASP recommends 600_000 for HMAC-SHA256';
      const severity: Severity = iterations < 10_000 ? 'high' : 'medium';
      ctx.report({
        node: call.node,
        message: `PBKDF2 with ${number(iterations)} iterations${arg ? '' : ' (the default)'} is cheap to brute-force; ${advice}, or use Argon2id/scrypt/bcrypt`,
        severity,
      });
      return;
    }
    if (callee === BCRYPT_GENSALT) {
      const arg = argument(call, 0, 'rounds');
      const rounds = arg ? constantInt(arg, model) : undefined;
      if (rounds === undefined || rounds >= MIN_BCRYPT_ROUNDS) return;
      ctx.report({ node: call.node, message: `bcrypt with ${rounds} rounds is cheap to brute-force; keep the default (12) or at least ${MIN_BCRYPT_ROUNDS}`, severity: 'medium' });
      return;
    }
    const spec = HASH_DATA.get(callee);
    if (!spec) return;
    const data = argument(call, spec[0], spec[1]);
    if (!data) return;
    if (/pwnedpasswords/i.test(model.text)) return;
    const confidence = passwordEvidence(data, model);
    if (!confidence) return;
    const name = callee === 'hashlib.new' ? 'hashlib.new()' : callee.endsWith('.update') ? 'a fast hash (update)' : `${callee}()`;
    const protocol = mandatedBy(call.node, model);
    if (protocol) {
      ctx.report({ node: call.node, message: `password hashed with ${name}, as ${protocol} mandates here: nothing to change in this code, but the protocol lets a captured exchange be brute-forced; prefer a stronger mechanism where the peer supports one`, confidence: 'low' });
      return;
    }
    const hasher = implementedAlgorithm(call, model);
    if (hasher) {
      ctx.report({ node: call.node, message: `password hashed with ${name} by a class that implements the "${hasher}" hasher (kept to read stored hashes of that format): make sure the application's active hasher is Argon2id, scrypt, bcrypt or PBKDF2, and this one only verifies old hashes`, confidence: 'low' });
      return;
    }
    ctx.report({
      node: call.node,
      message: `password hashed with ${name}: fast hashes let a stolen hash be brute-forced at billions of guesses a second, salted or not; use Argon2id, scrypt, bcrypt or PBKDF2 (600_000+ iterations)`,
      confidence,
    });
  },
};
