import type { Severity } from '../../findings/types.js';
import type { Rule } from '../types.js';
import { mandatedBy } from './digest-use.js';

interface CipherInfo {
  shown: string;
  severity: Severity;
  why: string;
}

const DES: CipherInfo = { shown: 'DES', severity: 'high', why: 'its 56-bit key is found by exhaustive search in hours' };
const TDES: CipherInfo = {
  shown: 'Triple DES',
  severity: 'medium',
  why: 'its 64-bit block leaks plaintext after a few gigabytes under one key (Sweet32), and NIST disallowed it for encryption after 2023',
};
const RC2: CipherInfo = { shown: 'RC2', severity: 'high', why: 'it has related-key attacks and is often used with 40-bit keys' };
const RC4: CipherInfo = { shown: 'RC4', severity: 'high', why: 'its keystream is biased, enough to recover plaintext such as cookies (RFC 7465 banned it from TLS)' };
const BLOWFISH: CipherInfo = { shown: 'Blowfish', severity: 'medium', why: 'its 64-bit block makes long messages leak plaintext (Sweet32)' };
const IDEA: CipherInfo = { shown: 'IDEA', severity: 'medium', why: 'its 64-bit block makes long messages leak plaintext (Sweet32), and it has classes of weak keys' };
const CAST: CipherInfo = { shown: 'CAST5', severity: 'medium', why: 'its 64-bit block makes long messages leak plaintext (Sweet32)' };
const XOR: CipherInfo = { shown: 'XOR', severity: 'high', why: 'XOR with a repeating key is not encryption: the key falls out of a little known plaintext' };

const PYCRYPTO: Record<string, CipherInfo> = { DES, DES3: TDES, ARC2: RC2, ARC4: RC4, Blowfish: BLOWFISH, CAST, XOR };
const CRYPTOGRAPHY: Record<string, CipherInfo> = { TripleDES: TDES, ARC4: RC4, RC2, Blowfish: BLOWFISH, IDEA, CAST5: CAST };
const CRYPTOGRAPHY_MODULES = ['cryptography.hazmat.primitives.ciphers.algorithms', 'cryptography.hazmat.decrepit.ciphers.algorithms'];

/** Cipher constructors by qualified name. */
const CIPHERS: ReadonlyMap<string, CipherInfo> = new Map([
  ...['Crypto', 'Cryptodome'].flatMap((pkg) => Object.entries(PYCRYPTO).map(([k, v]): [string, CipherInfo] => [`${pkg}.Cipher.${k}.new`, v])),
  ...CRYPTOGRAPHY_MODULES.flatMap((m) => Object.entries(CRYPTOGRAPHY).map(([k, v]): [string, CipherInfo] => [`${m}.${k}`, v])),
  ['pyDes.des', DES],
  ['pyDes.triple_des', TDES],
]);

export const weakCipher: Rule = {
  meta: {
    id: 'K302',
    name: 'weak-cipher',
    summary: 'Encryption with a broken or obsolete cipher (DES, Triple DES, RC2, RC4, Blowfish, IDEA, CAST5, XOR)',
    severity: 'high',
    confidence: 'high',
    cwe: [327],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B304'], ruff: ['S304'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports the creation of a cipher object for an algorithm that no longer protects data:\n\n' +
      '- PyCryptodome and PyCrypto: `DES.new`, `DES3.new`, `ARC2.new`, `ARC4.new`, `Blowfish.new`, ' +
      '`CAST.new` and `XOR.new` from `Crypto.Cipher` or `Cryptodome.Cipher`;\n' +
      '- `cryptography`: `algorithms.TripleDES`, `ARC4`, `RC2`, `Blowfish`, `IDEA` and `CAST5`, from ' +
      '`cryptography.hazmat.primitives.ciphers.algorithms` or their newer home, ' +
      '`cryptography.hazmat.decrepit.ciphers.algorithms`;\n' +
      '- pyDes: `pyDes.des` and `pyDes.triple_des`.\n\n' +
      'DES, RC2, RC4 and XOR are reported at high severity (practical breaks); the 64-bit-block ciphers ' +
      '(Triple DES, Blowfish, IDEA, CAST5) at medium severity (they fail on volume, not on a single message).\n\n' +
      'Not reported: AES, ChaCha20, Camellia, and SEED — a 128-bit-block cipher with no practical attack that ' +
      '`cryptography` moved aside for lack of use, not for weakness. The block mode is another rule ' +
      '(`ecb-mode`). Low confidence, with a message saying so: a cipher a file format or protocol fixes, ' +
      'recognised by its marker strings in the surrounding class or function (OpenSSL\'s encrypted PEM keys: ' +
      '`Proc-Type` and `DEK-Info`).',
    why:
      'A broken cipher gives the confidentiality of plain text to anyone who records the ciphertext, now or ' +
      'later: a DES key is recovered by brute force in hours, RC4\'s biases reveal repeated plaintext such ' +
      'as cookies and passwords, and ciphers with 64-bit blocks leak plaintext through block collisions ' +
      'after a few gigabytes under one key (Sweet32). Data encrypted today must stay secret for years, so ' +
      'use an authenticated cipher designed for it: AES-GCM or ChaCha20-Poly1305 (`cryptography`\'s ' +
      '`AESGCM`/`ChaCha20Poly1305`, or Fernet for a simple, safe default).',
    bad:
      'from Crypto.Cipher import DES\n\n\n' +
      'def encrypt(key: bytes, data: bytes) -> bytes:\n' +
      '    cipher = DES.new(key, DES.MODE_CBC)\n' +
      '    return cipher.iv + cipher.encrypt(data)\n',
    good:
      'import os\n\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM\n\n\n' +
      'def encrypt(key: bytes, data: bytes) -> bytes:\n' +
      '    nonce = os.urandom(12)\n' +
      '    return nonce + AESGCM(key).encrypt(nonce, data, None)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/327.html',
      'https://sweet32.info/',
      'https://www.rfc-editor.org/rfc/rfc7465',
      'https://csrc.nist.gov/pubs/sp/800/131/a/r2/final',
      'https://cryptography.io/en/latest/hazmat/decrepit/ciphers/',
    ],
  },
  callees: [...CIPHERS.keys()],
  call(call, ctx) {
    const info = call.callee ? CIPHERS.get(call.callee) : undefined;
    if (!info) return;
    // A file format that names the cipher (`DEK-Info: DES-EDE3-CBC` in an encrypted PEM key) leaves no choice.
    const format = mandatedBy(call.node, ctx.model);
    ctx.report({
      node: call.node,
      message: format
        ? `${info.shown} is not a safe cipher (${info.why}), but ${format} mandates it here: nothing to change in this code; prefer a format with a modern cipher where the reader supports one`
        : `${info.shown} is not a safe cipher: ${info.why}; use AES-GCM or ChaCha20-Poly1305`,
      severity: info.severity,
      ...(format ? { confidence: 'low' as const } : {}),
    });
  },
};
