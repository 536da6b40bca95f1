import type { CallSite } from '../../semantics/model.js';
import type { Rule, RuleContext } from '../types.js';
import { IV_CALLEES, selfCipherCalls, staticUse } from './iv-nonce.js';

function check(call: CallSite, ctx: RuleContext, callee?: string): void {
  const found = staticUse(call, ctx.model, 'nonce', callee);
  if (!found) return;
  ctx.report({
    node: call.node,
    message: `${found.use.mode} with a reused ${/^(CFB|CFB8|OFB|OPENPGP)$/.test(found.use.mode) ? 'IV' : 'nonce'}: ${found.what}, so every message shares one keystream${found.use.mode.includes('GCM') ? ' and forgeries become possible' : ''}; draw a fresh random nonce (os.urandom) per message and send it with the ciphertext`,
    confidence: found.confidence,
  });
}

export const staticNonce: Rule = {
  meta: {
    id: 'K305',
    name: 'static-nonce',
    summary: 'A nonce (or stream-mode IV) reused for every message: GCM, CTR, ChaCha20, AEAD encrypt, CFB/OFB',
    severity: 'high',
    confidence: 'high',
    cwe: [323],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a nonce that is the same at every encryption under one key:\n\n' +
      '- `cryptography`: `modes.GCM(nonce)` (without a tag: with one it decrypts), `modes.CTR`, ' +
      '`modes.CFB`, `modes.CFB8`, `modes.OFB`, `algorithms.ChaCha20(key, nonce)`, and ' +
      '`AESGCM(key).encrypt(nonce, …)`, `ChaCha20Poly1305`, `AESCCM` and `AESOCB3`;\n' +
      '- PyCryptodome and PyCrypto: `AES.new(key, mode, nonce=…)` for `MODE_GCM`, `MODE_CTR`, `MODE_EAX`, ' +
      '`MODE_CCM` and `MODE_OCB`, the IV of `MODE_CFB`, `MODE_OFB` and `MODE_OPENPGP`, and ' +
      '`ChaCha20.new`, `ChaCha20_Poly1305.new` and `Salsa20.new` with `nonce=`;\n' +
      '- PyNaCl: `SecretBox(key).encrypt(msg, nonce)`, `Box(…).encrypt(msg, nonce)` and `Aead.encrypt`.\n\n' +
      'A nonce is static when it is a literal or a name bound to one (`b"\\x00" * 12`, `bytes(12)`, ' +
      '`b"unique nonce"`), at high confidence; or random bytes made once and then used for every message ' +
      '(a module-level `NONCE = os.urandom(12)` read inside a function, or `self.nonce = os.urandom(12)` set ' +
      'in `__init__` and read by another method), at medium confidence. In test modules the confidence is ' +
      'low: known-answer tests use fixed vectors on purpose.\n\n' +
      'Not reported: a nonce made per message (`os.urandom(12)` in the function, a counter), a nonce read ' +
      'from the message being decrypted, an omitted nonce (the library then draws one), `AESGCMSIV` and ' +
      '`AESSIV` (built to survive a repeated nonce), and `decrypt` calls.',
    why:
      'In CTR-based modes (GCM, CTR, CCM, EAX, OCB) and stream ciphers (ChaCha20, Salsa20), the key and ' +
      'nonce define a keystream that is XORed into the plaintext. Reuse the pair and two messages share ' +
      'the keystream: XORing the ciphertexts cancels it, and a known or guessable plaintext reveals the ' +
      'other one. In GCM the repeat also exposes the authentication key, so an attacker can forge ' +
      'messages that decrypt without error. OFB and CFB behave the same way with a repeated IV. Draw a ' +
      'fresh random nonce for each message (12 bytes for GCM and ChaCha20-Poly1305, 24 for XChaCha and ' +
      'NaCl) and send it with the ciphertext, or use a counter that never repeats under the key.',
    bad:
      'from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n\n\n' +
      'def seal(key: bytes, message: bytes) -> bytes:\n' +
      '    return AESGCM(key).encrypt(b"\\x00" * 12, message, None)\n',
    good:
      'import os\n\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM\n\n\n' +
      'def seal(key: bytes, message: bytes) -> bytes:\n' +
      '    nonce = os.urandom(12)\n' +
      '    return nonce + AESGCM(key).encrypt(nonce, message, None)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/323.html',
      'https://csrc.nist.gov/pubs/sp/800/38/d/final',
      'https://eprint.iacr.org/2016/475',
      'https://cryptography.io/en/latest/hazmat/primitives/aead/',
    ],
  },
  textHint: /Crypto|cryptography|nacl/,
  callees: [...IV_CALLEES],
  module(ctx) {
    for (const { call, callee } of selfCipherCalls(ctx.model)) check(call, ctx, callee);
  },
  call(call, ctx) {
    check(call, ctx);
  },
};
