import type { Node } from 'web-tree-sitter';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { falsyKeyword } from '../helpers.js';
import { isTestPath } from '../../semantics/test-code.js';
import type { Rule } from '../types.js';
import { digestUse, mandatedBy } from './digest-use.js';

const DEFAULT_ALGORITHMS = ['md4', 'md5', 'sha1', 'md5-sha1'];

/** `SHA-1`, `sha_1` and `SHA1` name the same digest; compare names in this form. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

const HASHLIB_NAMES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3_224', 'sha3_256', 'sha3_384', 'sha3_512', 'blake2b', 'blake2s'];
const CRYPTOGRAPHY_NAMES: Record<string, string> = {
  MD5: 'md5',
  SHA1: 'sha1',
  SHA224: 'sha224',
  SHA256: 'sha256',
  SHA384: 'sha384',
  SHA512: 'sha512',
  SHA512_224: 'sha512-224',
  SHA512_256: 'sha512-256',
  SM3: 'sm3',
};
const PYCRYPTO_NAMES: Record<string, string> = {
  MD2: 'md2',
  MD4: 'md4',
  MD5: 'md5',
  SHA: 'sha1',
  SHA1: 'sha1',
  SHA224: 'sha224',
  SHA256: 'sha256',
  RIPEMD: 'ripemd160',
  RIPEMD160: 'ripemd160',
};

/** Hash constructors by qualified name → the algorithm they compute. */
const CONSTRUCTORS: ReadonlyMap<string, string> = new Map([
  ...HASHLIB_NAMES.map((n): [string, string] => [`hashlib.${n}`, n]),
  ...Object.entries(CRYPTOGRAPHY_NAMES).map(([k, v]): [string, string] => [`cryptography.hazmat.primitives.hashes.${k}`, v]),
  ...['Crypto', 'Cryptodome'].flatMap((pkg) => Object.entries(PYCRYPTO_NAMES).map(([k, v]): [string, string] => [`${pkg}.Hash.${k}.new`, v])),
]);

const HASHLIB_NEW = 'hashlib.new';
/** HMAC constructors and one-shot functions, with where their digest argument sits. */
const HMAC_CALLS: Readonly<Record<string, { pos: number; kw: string }>> = {
  'hmac.new': { pos: 2, kw: 'digestmod' },
  'hmac.HMAC': { pos: 2, kw: 'digestmod' },
  'hmac.digest': { pos: 2, kw: 'digest' },
};
/**
 * Digests whose HMAC is deprecated (RFC 6151 retires HMAC-MD5 for new designs). HMAC-SHA1 is not: HMAC needs
 * no collision resistance, and SHA-1's weakness is collisions (TOTP, OAuth 1 and webhooks sign with it).
 */
const WEAK_HMAC = new Set(['md4', 'md5']);
const FILE_DIGEST = 'hashlib.file_digest';

const DISPLAY: Readonly<Record<string, string>> = { md4: 'MD4', md5: 'MD5', sha1: 'SHA-1', md5sha1: 'MD5-SHA1' };

/** The algorithm a digest argument names: a string (`"md5"`) or a constructor passed by reference (`hashlib.md5`). */
function digestName(node: Node, model: ModuleModel): string | undefined {
  const s = model.constantString(node);
  if (s !== undefined) return s;
  const q = model.qualifiedName(node);
  return q ? CONSTRUCTORS.get(q) : undefined;
}

export const weakHash: Rule = {
  meta: {
    id: 'K301',
    name: 'weak-hash',
    summary: 'A broken hash function (MD4, MD5, SHA-1) used where it may protect something',
    severity: 'medium',
    confidence: 'high',
    cwe: [328],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B324', 'B303'], ruff: ['S324', 'S303'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports the creation of MD4, MD5, SHA-1 and MD5-SHA1 hashes (the `algorithms` option sets the list):\n\n' +
      '- `hashlib.md5()`, `hashlib.sha1()`, `hashlib.new("md5")` and `hashlib.new(name="SHA1")` (names are ' +
      'compared without case, dashes or underscores, so `"SHA-1"` counts), and `hashlib.file_digest(f, "md5")`;\n' +
      '- `cryptography`\'s `hashes.MD5()` and `hashes.SHA1()`;\n' +
      '- PyCryptodome and PyCrypto `Crypto.Hash.MD5.new()`, `MD4.new()`, `SHA.new()`, `SHA1.new()` (and ' +
      '`Cryptodome.Hash`);\n' +
      '- HMAC over MD4 or MD5: `hmac.new(key, msg, hashlib.md5)`, `hmac.new(key, msg, "md5")`, `hmac.digest(...)`, ' +
      'at medium confidence (RFC 6151 deprecates HMAC-MD5 for new designs; it is not broken like MD5 itself).\n\n' +
      'Not reported: `usedforsecurity=False` (Python 3.9+), which states that the digest is a checksum or ' +
      'cache key and also lets the code run on FIPS-mode systems; a hash name the scanner cannot read ' +
      '(`hashlib.new(algorithm)`); a constructor passed without being called other than to HMAC ' +
      '(`CHECKSUM = hashlib.md5`); HMAC-SHA1 (`hmac.new(key, msg, hashlib.sha1)`): HMAC does not rely on ' +
      'collision resistance, which is what SHA-1 lost, and protocols such as TOTP and OAuth 1 mandate it; and ' +
      'a digest whose every use, followed through the function, only names or files something: a dictionary ' +
      'or cache key, an identifier cut short (`hexdigest()[:12]`), a file or folder name, an HTTP ETag, the ' +
      'result of a SQL function registered in SQLite (`create_function("MD5", 1, ...)`), or a hash object made ' +
      'only to read `digest_size`. A collision there breaks nothing.\n\n' +
      'Confidence: high when the digest is compared or computed over a password, secret or private key; low ' +
      'when it leaves the function unseen (returned, stored, passed on: on real code that is mostly a cache key ' +
      'or an identifier), low in test code, and low when the surrounding ' +
      'class or function speaks a protocol that mandates the hash (HTTP Digest authentication, the OAuth 1 ' +
      'body hash, WS-Security PasswordDigest, the WebSocket handshake): true, but not something the code can ' +
      'change, and the message says so.',
    why:
      'Collisions are cheap for MD4 and MD5 and practical for SHA-1 (SHAttered, 2017; chosen-prefix ' +
      'collisions, 2020). Anything that relies on a digest to tell two inputs apart — signatures, ' +
      'certificates, integrity checks of downloads, deduplication of untrusted uploads, tokens — can be ' +
      'fooled with two inputs that share a digest. These hashes are also fast, which makes them poor ' +
      'password hashes (see the password-storage rules). Use SHA-256 or SHA-3, or BLAKE2; when the digest ' +
      'protects nothing, say so with `usedforsecurity=False`.',
    bad: 'import hashlib\n\n\ndef fingerprint(document: bytes) -> str:\n    return hashlib.md5(document).hexdigest()\n',
    good: 'import hashlib\n\n\ndef fingerprint(document: bytes) -> str:\n    return hashlib.sha256(document).hexdigest()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/328.html',
      'https://docs.python.org/3/library/hashlib.html#hash-algorithms',
      'https://shattered.io/',
      'https://www.rfc-editor.org/rfc/rfc6151',
    ],
  },
  options: {
    algorithms: {
      type: 'string[]',
      default: DEFAULT_ALGORITHMS,
      description: 'Hash algorithms to report (case, dashes and underscores are ignored: "SHA-1" = "sha1").',
    },
  },
  callees: [...CONSTRUCTORS.keys(), HASHLIB_NEW, FILE_DIGEST, ...Object.keys(HMAC_CALLS)],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    let algorithm: string | undefined;
    if (callee === HASHLIB_NEW) {
      const name = argument(call, 0, 'name');
      algorithm = name ? model.constantString(name) : undefined;
    } else if (Object.hasOwn(HMAC_CALLS, callee)) {
      const { pos, kw } = HMAC_CALLS[callee];
      const digest = argument(call, pos, kw);
      algorithm = digest ? digestName(digest, model) : undefined;
      if (algorithm === undefined || !WEAK_HMAC.has(normalize(algorithm))) return;
    } else if (callee === FILE_DIGEST) {
      const digest = argument(call, 1, 'digest');
      algorithm = digest ? digestName(digest, model) : undefined;
    } else {
      algorithm = CONSTRUCTORS.get(callee);
    }
    if (algorithm === undefined) return;
    const configured = ctx.options.algorithms;
    const list = Array.isArray(configured) ? configured : DEFAULT_ALGORITHMS;
    const key = normalize(algorithm);
    if (!list.some((a) => normalize(a) === key)) return;
    const hashlib = callee.startsWith('hashlib.');
    if (hashlib && falsyKeyword(call, 'usedforsecurity', model)) return;
    const shown = DISPLAY[key] ?? algorithm.toUpperCase().replace(/_/g, '-');
    const use = digestUse(call.node, model);
    if (use === 'no-data' || use === 'bookkeeping') return;
    const protocol = mandatedBy(call.node, model);
    if (protocol) {
      ctx.report({
        node: call.node,
        message: `${shown} is mandated here by ${protocol}: the weakness is the protocol's, nothing to change in this code unless a stronger variant can be negotiated`,
        confidence: 'low',
      });
      return;
    }
    if (Object.hasOwn(HMAC_CALLS, callee)) {
      // A MAC exists to authenticate, so where it goes does not lower this further; it is weaker than a broken hash.
      ctx.report({
        node: call.node,
        message: `HMAC-${shown} is deprecated (RFC 6151): it is not broken the way ${shown} is, but use HMAC-SHA256 for anything new`,
        confidence: isTestPath(model.relPath) ? 'low' : 'medium',
      });
      return;
    }
    const optOut = hashlib && callee !== FILE_DIGEST ? ', or pass usedforsecurity=False if the digest protects nothing' : '';
    ctx.report({
      node: call.node,
      message: `${shown} is a broken hash: collisions can be made on purpose; use SHA-256 or stronger${optOut}`,
      ...(use === 'protects' && !isTestPath(model.relPath) ? {} : { confidence: 'low' as const }),
    });
  },
};
