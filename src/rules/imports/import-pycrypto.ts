import { importRule, OPT_IN_NOTE } from './shared.js';

export const importPycrypto = importRule(
  {
    id: 'K263',
    name: 'import-pycrypto',
    summary: 'Import from the `Crypto` package, which may be the unmaintained PyCrypto',
    severity: 'medium',
    confidence: 'low',
    cwe: [1104, 1395],
    owasp: 'A06:2021-Vulnerable and Outdated Components',
    sources: { bandit: ['B413'], ruff: ['S413'] },
    defaultEnabled: false,
  },
  {
    what:
      'Reports imports of the `Crypto` package (`Crypto.Cipher`, `Crypto.Hash`, `Crypto.PublicKey`…).\n\n' +
      `${OPT_IN_NOTE}\n\nConfidence is low because the import cannot tell which library is installed: ` +
      'PyCryptodome, the maintained fork, installs under the same `Crypto` name as PyCrypto (only ' +
      '`pycryptodomex` uses `Cryptodome`). Check the project\'s requirements: if they name `pycryptodome`, ' +
      'turn this rule off. The weak-algorithm rules look at what the code does with either library.',
    why:
      'PyCrypto has had no release since 2013 and has a known heap overflow in its AES code ' +
      '(CVE-2013-7459) that will never be fixed. Replace it with `pycryptodome` (same API) or, better, ' +
      '`cryptography`, whose high-level recipes are hard to misuse.',
    bad: 'from Crypto.Cipher import AES\n\n\ndef seal(key, data):\n    return AES.new(key, AES.MODE_GCM).encrypt_and_digest(data)\n',
    good: 'from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n\n\ndef seal(key, nonce, data):\n    return AESGCM(key).encrypt(nonce, data, None)\n',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2013-7459', 'https://www.pycryptodome.org/src/installation', 'https://cwe.mitre.org/data/definitions/1104.html'],
  },
  {
    modules: ['Crypto'],
    message: () => 'the Crypto package is PyCrypto, unmaintained since 2013 with unfixed flaws, unless PyCryptodome provides it; use cryptography or pycryptodome',
  },
  /Crypto/,
);
