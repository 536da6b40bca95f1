import type { CallSite } from '../../semantics/model.js';
import type { Rule, RuleContext } from '../types.js';
import { IV_CALLEES, staticUse } from './iv-nonce.js';

function check(call: CallSite, ctx: RuleContext): void {
  const found = staticUse(call, ctx.model, 'iv');
  if (!found) return;
  ctx.report({
    node: call.node,
    message: `${found.use.mode} with a static IV: ${found.what}, so equal plaintexts encrypt alike and the IV is predictable; generate 16 random bytes (os.urandom) per message and store them with the ciphertext`,
    confidence: found.confidence,
  });
}

export const staticIv: Rule = {
  meta: {
    id: 'K304',
    name: 'static-iv',
    summary: 'CBC encryption with an IV that is the same for every message (a constant, or generated once)',
    severity: 'medium',
    confidence: 'high',
    cwe: [329, 1204],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a CBC initialization vector that does not change from one message to the next:\n\n' +
      '- `cryptography`: `modes.CBC(iv)`;\n' +
      '- PyCryptodome and PyCrypto: `AES.new(key, AES.MODE_CBC, iv)` (third argument, `iv=` or `IV=`), ' +
      'and the same for the other block ciphers of `Crypto.Cipher` / `Cryptodome.Cipher`.\n\n' +
      'The IV counts as static when it is a literal or a name bound to one (`b"\\x00" * 16`, `bytes(16)`, ' +
      '`bytes.fromhex("…")`, `"0123456789abcdef".encode()`), at high confidence; and, at medium confidence, ' +
      'when it is random bytes made once and reused by every call: a module-level `IV = os.urandom(16)` read ' +
      'inside a function, or `self.iv = os.urandom(16)` set in `__init__` and read by another method. In ' +
      'test modules (known-answer tests use fixed vectors on purpose) the confidence is low.\n\n' +
      'Not reported: an IV from `os.urandom`, `secrets.token_bytes` or `get_random_bytes` made for the ' +
      'message, an IV read from the ciphertext (decryption), and a missing IV (PyCryptodome then makes a ' +
      'random one, available as `cipher.iv`). IVs of CFB and OFB, where a repeat repeats the keystream, ' +
      'are the business of `static-nonce`.',
    why:
      'CBC needs an IV that an attacker cannot predict. With a fixed IV the first block becomes ' +
      'deterministic: equal messages (or equal prefixes) give equal ciphertext, which reveals when a value ' +
      'repeats, and a predictable IV lets an attacker who can get chosen plaintext encrypted confirm guesses ' +
      'about other messages block by block (the attack behind BEAST). Generate 16 fresh random bytes for ' +
      'each message and send them with the ciphertext — or better, use an authenticated mode such as ' +
      'AES-GCM.',
    bad:
      'from Crypto.Cipher import AES\nfrom Crypto.Util.Padding import pad\n\nIV = b"\\x00" * 16\n\n\n' +
      'def encrypt(key: bytes, data: bytes) -> bytes:\n' +
      '    return AES.new(key, AES.MODE_CBC, IV).encrypt(pad(data, 16))\n',
    good:
      'from Crypto.Cipher import AES\nfrom Crypto.Random import get_random_bytes\nfrom Crypto.Util.Padding import pad\n\n\n' +
      'def encrypt(key: bytes, data: bytes) -> bytes:\n' +
      '    iv = get_random_bytes(16)\n' +
      '    return iv + AES.new(key, AES.MODE_CBC, iv).encrypt(pad(data, 16))\n',
    references: [
      'https://cwe.mitre.org/data/definitions/329.html',
      'https://csrc.nist.gov/pubs/sp/800/38/a/final',
      'https://cryptography.io/en/latest/hazmat/primitives/symmetric-encryption/#cryptography.hazmat.primitives.ciphers.modes.CBC',
    ],
  },
  textHint: /Crypto|cryptography|nacl/,
  callees: [...IV_CALLEES],
  call(call, ctx) {
    check(call, ctx);
  },
};
