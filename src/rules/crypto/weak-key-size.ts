import type { Node } from 'web-tree-sitter';
import type { Severity } from '../../findings/types.js';
import { argument, type CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { boundValue, calleeOf } from '../helpers.js';
import type { Rule } from '../types.js';
import { constantInt } from './shared.js';

const MIN_BITS = 2048;
const BROKEN_BITS = 1024;
const MIN_EC_BITS = 224;

type Kind = 'RSA' | 'DSA' | 'DH' | 'ElGamal';

/** Key generators that take a size: callee → (algorithm, position, keyword, default size when omitted). */
type SizeSpec = [Kind, number | undefined, string, number | undefined];
const SIZED: ReadonlyMap<string, SizeSpec> = new Map<string, SizeSpec>([
  ['cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key', ['RSA', 1, 'key_size', undefined]],
  ['cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key', ['DSA', 0, 'key_size', undefined]],
  ['cryptography.hazmat.primitives.asymmetric.dsa.generate_parameters', ['DSA', 0, 'key_size', undefined]],
  ['cryptography.hazmat.primitives.asymmetric.dh.generate_parameters', ['DH', 1, 'key_size', undefined]],
  ...['Crypto', 'Cryptodome'].flatMap((p): [string, SizeSpec][] => [
    [`${p}.PublicKey.RSA.generate`, ['RSA', 0, 'bits', undefined]],
    [`${p}.PublicKey.DSA.generate`, ['DSA', 0, 'bits', undefined]],
    [`${p}.PublicKey.ElGamal.generate`, ['ElGamal', 0, 'bits', undefined]],
  ]),
  ['rsa.newkeys', ['RSA', 0, 'nbits', undefined]],
  ['rsa.key.newkeys', ['RSA', 0, 'nbits', undefined]],
  ['paramiko.RSAKey.generate', ['RSA', 0, 'bits', undefined]],
  ['paramiko.rsakey.RSAKey.generate', ['RSA', 0, 'bits', undefined]],
  // paramiko's DSA keys are 1024 bits unless told otherwise (and SSH's ssh-dss allows only 1024).
  ['paramiko.DSSKey.generate', ['DSA', 0, 'bits', 1024]],
  ['paramiko.dsskey.DSSKey.generate', ['DSA', 0, 'bits', 1024]],
]);

/** pyOpenSSL: `PKey().generate_key(TYPE_RSA | TYPE_DSA, bits)`. */
const OPENSSL_GENERATE = 'OpenSSL.crypto.PKey.generate_key';

const EC = 'cryptography.hazmat.primitives.asymmetric.ec';
/** Curves under 224 bits, by their names in `cryptography` and PyCryptodome. */
const SMALL_CURVES: ReadonlyMap<string, number> = new Map([
  [`${EC}.SECP192R1`, 192],
  [`${EC}.SECT163K1`, 163],
  [`${EC}.SECT163R2`, 163],
]);
const SMALL_CURVE_NAMES: ReadonlyMap<string, number> = new Map([
  ['p192', 192],
  ['nistp192', 192],
  ['secp192r1', 192],
  ['prime192v1', 192],
]);
const EC_GENERATORS: ReadonlyMap<string, [number, string]> = new Map([
  [`${EC}.generate_private_key`, [0, 'curve']],
  [`${EC}.derive_private_key`, [1, 'curve']],
  ['Crypto.PublicKey.ECC.generate', [-1, 'curve']],
  ['Cryptodome.PublicKey.ECC.generate', [-1, 'curve']],
]);

/** The size in bits of the curve an argument names (`ec.SECP192R1()`, `ec.SECP192R1`, `"P-192"`), if small. */
function smallCurve(node: Node, model: ModuleModel): [string, number] | undefined {
  const n = boundValue(node, model);
  const s = model.constantString(n);
  if (s !== undefined) {
    const bits = SMALL_CURVE_NAMES.get(s.toLowerCase().replace(/[\s_-]/g, ''));
    return bits ? [s, bits] : undefined;
  }
  const q = n.type === 'call' ? calleeOf(n, model) : model.qualifiedName(n);
  const bits = q ? SMALL_CURVES.get(q) : undefined;
  return q && bits ? [q.slice(q.lastIndexOf('.') + 1), bits] : undefined;
}

function sizeOf(call: CallSite, position: number | undefined, keyword: string, fallback: number | undefined, model: ModuleModel): [number, Node] | undefined {
  const arg = argument(call, position, keyword);
  if (!arg) {
    if (fallback === undefined || call.hasStarArgs || call.hasStarKwargs || (position !== undefined && call.args.length > position)) return undefined;
    return [fallback, call.node];
  }
  const bits = constantInt(arg, model);
  return bits === undefined ? undefined : [bits, arg];
}

export const weakKeySize: Rule = {
  meta: {
    id: 'K306',
    name: 'weak-key-size',
    summary: 'An RSA, DSA, DH or ElGamal key under 2048 bits, or an elliptic curve under 224 bits',
    severity: 'medium',
    confidence: 'high',
    cwe: [326],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B505'], ruff: ['S505'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports key generation with a constant size below current minimums:\n\n' +
      '- RSA under 2048 bits: `cryptography`\'s `rsa.generate_private_key(65537, 1024)` (or `key_size=`), ' +
      'PyCryptodome\'s `RSA.generate(1024)`, python-rsa\'s `rsa.newkeys(512)`, paramiko\'s ' +
      '`RSAKey.generate(1024)`, pyOpenSSL\'s `PKey().generate_key(TYPE_RSA, 1024)`;\n' +
      '- DSA under 2048 bits: `dsa.generate_private_key(1024)`, `dsa.generate_parameters(1024)`, ' +
      '`DSA.generate(1024)`, and paramiko\'s `DSSKey.generate()`, which makes 1024-bit keys by default;\n' +
      '- Diffie-Hellman parameters under 2048 bits (`dh.generate_parameters(2, 1024)`, Logjam) and ElGamal ' +
      'keys under 2048 bits;\n' +
      '- elliptic curves under 224 bits: `ec.generate_private_key(ec.SECP192R1())`, `SECT163K1`, ' +
      '`SECT163R2`, `ec.derive_private_key(value, ec.SECP192R1())`, PyCryptodome\'s ' +
      '`ECC.generate(curve="P-192")`.\n\n' +
      'Sizes under 1024 bits are reported at high severity, the rest at medium. Sizes are read through ' +
      'constant names and simple arithmetic (`KEY_BITS = 1 << 10`). Not reported: sizes the scanner cannot ' +
      'compute (a parameter, a setting), and loading existing keys (`load_pem_private_key`), whose size is ' +
      'not in the source.',
    why:
      'The work to factor an RSA modulus or compute a discrete logarithm falls quickly as the key shrinks: ' +
      '512-bit RSA keys are factored in hours on rented machines, 768-bit RSA and DH groups have been broken ' +
      'publicly, and 1024-bit keys are within reach of well-funded attackers (Logjam estimated that one ' +
      '1024-bit DH group breaks a large share of VPN traffic). NIST has disallowed keys under 2048 bits for ' +
      'signatures and key exchange since 2013, and curves under 224 bits since 2014. A key made today ' +
      'protects data that may be recorded now and attacked later; generate RSA keys of 3072 bits (2048 at ' +
      'least), or use an elliptic curve such as P-256 or Ed25519.',
    bad:
      'from cryptography.hazmat.primitives.asymmetric import rsa\n\n\n' +
      'def new_signing_key() -> rsa.RSAPrivateKey:\n' +
      '    return rsa.generate_private_key(public_exponent=65537, key_size=1024)\n',
    good:
      'from cryptography.hazmat.primitives.asymmetric import rsa\n\n\n' +
      'def new_signing_key() -> rsa.RSAPrivateKey:\n' +
      '    return rsa.generate_private_key(public_exponent=65537, key_size=3072)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/326.html',
      'https://csrc.nist.gov/pubs/sp/800/131/a/r2/final',
      'https://weakdh.org/',
      'https://www.keylength.com/en/4/',
    ],
  },
  callees: [...SIZED.keys(), ...EC_GENERATORS.keys(), OPENSSL_GENERATE],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    const ec = EC_GENERATORS.get(callee);
    if (ec) {
      const curveArg = argument(call, ec[0] < 0 ? undefined : ec[0], ec[1]);
      const curve = curveArg ? smallCurve(curveArg, model) : undefined;
      if (!curve) return;
      ctx.report({
        node: call.node,
        message: `the ${curve[0]} curve gives ${curve[1]}-bit keys, under the ${MIN_EC_BITS}-bit minimum; use P-256 (SECP256R1) or Ed25519`,
      });
      return;
    }
    let spec = SIZED.get(callee);
    if (!spec && callee === OPENSSL_GENERATE) {
      const type = argument(call, 0, 'type');
      const q = type ? model.qualifiedName(type) : undefined;
      const kind: Kind | undefined = q?.endsWith('.TYPE_RSA') ? 'RSA' : q?.endsWith('.TYPE_DSA') ? 'DSA' : undefined;
      if (kind) spec = [kind, 1, 'bits', undefined];
    }
    if (!spec) return;
    const [kind, position, keyword, fallback] = spec;
    const size = sizeOf(call, position, keyword, fallback, model);
    if (!size || size[0] >= MIN_BITS || size[0] <= 0) return;
    const severity: Severity = size[0] < BROKEN_BITS ? 'high' : 'medium';
    const implicit = size[1] === call.node ? ' (the default)' : '';
    const instead = kind === 'DSA' ? 'use Ed25519 or ECDSA P-256 (DSA is being withdrawn)' : `use ${kind === 'RSA' ? '3072' : '2048 or more'} bits`;
    ctx.report({
      node: call.node,
      message: `${size[0]}-bit ${kind} key${implicit} is too small to resist factoring or discrete-log attacks (minimum 2048); ${instead}`,
      severity,
    });
  },
};
