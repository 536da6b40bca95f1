import { argument } from '../../semantics/model.js';
import type { Rule } from '../types.js';

const MODE_CIPHERS = ['AES', 'DES', 'DES3', 'ARC2', 'Blowfish', 'CAST'];
const PYCRYPTO_NEW = ['Crypto', 'Cryptodome'].flatMap((pkg) => MODE_CIPHERS.map((c) => `${pkg}.Cipher.${c}.new`));
const CRYPTOGRAPHY_ECB = 'cryptography.hazmat.primitives.ciphers.modes.ECB';

const ADVICE = 'use an authenticated mode (AES-GCM, or ChaCha20-Poly1305) with a fresh nonce per message';

export const ecbMode: Rule = {
  meta: {
    id: 'K303',
    name: 'ecb-mode',
    summary: 'A block cipher used in ECB mode, which encrypts equal blocks to equal ciphertext',
    severity: 'medium',
    confidence: 'high',
    cwe: [327],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B305'], ruff: ['S305'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports Electronic Codebook mode:\n\n' +
      '- `cryptography`: `modes.ECB()` (as in `Cipher(algorithms.AES(key), modes.ECB())`);\n' +
      '- PyCryptodome and PyCrypto: `AES.new(key, AES.MODE_ECB)` (or `mode=`), and the same for `DES`, ' +
      '`DES3`, `ARC2`, `Blowfish` and `CAST`, from `Crypto.Cipher` or `Cryptodome.Cipher`;\n' +
      '- `Crypto.Cipher.AES.new(key)` with no mode at all, at medium confidence: PyCryptodome rejects that ' +
      'call, so code that runs it uses the abandoned PyCrypto, whose default mode is ECB.\n\n' +
      'A weak cipher in ECB mode (`DES.new(k, DES.MODE_ECB)`) is also reported by `weak-cipher`: replacing ' +
      'DES with AES leaves the mode problem in place.',
    why:
      'ECB encrypts each block on its own with the same key, so equal plaintext blocks give equal ' +
      'ciphertext blocks: the structure of the data shows through (the well-known "ECB penguin"), records ' +
      'can be compared, reordered and spliced without the key, and a byte-at-a-time oracle can decrypt ' +
      'secrets appended to attacker-chosen input. It also provides no integrity. Use an authenticated ' +
      'mode such as GCM (`AESGCM`) or ChaCha20-Poly1305, each message with its own nonce.',
    bad:
      'from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n\n\n' +
      'def encrypt_block(key: bytes, block: bytes) -> bytes:\n' +
      '    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()\n' +
      '    return encryptor.update(block) + encryptor.finalize()\n',
    good:
      'import os\n\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM\n\n\n' +
      'def encrypt_record(key: bytes, record: bytes) -> bytes:\n' +
      '    nonce = os.urandom(12)\n' +
      '    return nonce + AESGCM(key).encrypt(nonce, record, None)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/327.html',
      'https://csrc.nist.gov/pubs/sp/800/38/a/final',
      'https://cryptography.io/en/latest/hazmat/primitives/symmetric-encryption/#cryptography.hazmat.primitives.ciphers.modes.ECB',
    ],
  },
  callees: [CRYPTOGRAPHY_ECB, ...PYCRYPTO_NEW],
  call(call, ctx) {
    if (call.callee === CRYPTOGRAPHY_ECB) {
      ctx.report({ node: call.node, message: `ECB mode encrypts equal blocks to equal ciphertext and shows the data's structure; ${ADVICE}` });
      return;
    }
    const mode = argument(call, 1, 'mode');
    if (!mode) {
      if (call.hasStarArgs || call.hasStarKwargs || !call.callee?.startsWith('Crypto.') || call.args.length === 0) return;
      ctx.report({
        node: call.node,
        message: `${call.callee}() without a mode runs only under PyCrypto, whose default mode is ECB; ${ADVICE}`,
        confidence: 'medium',
      });
      return;
    }
    const q = ctx.model.qualifiedName(mode);
    if (!q?.endsWith('.MODE_ECB')) return;
    ctx.report({ node: call.node, message: `MODE_ECB encrypts equal blocks to equal ciphertext and shows the data's structure; ${ADVICE}` });
  },
};
