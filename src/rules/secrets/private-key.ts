import type { Rule } from '../types.js';
import { secretHooks } from './shared.js';

export const privateKey: Rule = {
  meta: {
    id: 'K602',
    name: 'private-key',
    summary: 'A private key block (RSA, EC, DSA, OpenSSH, PKCS#8, PGP) in code or configuration',
    severity: 'critical',
    confidence: 'high',
    cwe: [321, 798],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a PEM or OpenSSH private key (`-----BEGIN RSA PRIVATE KEY-----`, `EC`, `DSA`, `OPENSSH`, ' +
      'PKCS#8 `PRIVATE KEY` and `ENCRYPTED PRIVATE KEY`) or an armored PGP private key block, in a Python string ' +
      'literal or comment or in a configuration file. A header alone (a parser\'s constant, say) is not ' +
      'reported: the header must be followed by key material. Encrypted keys are reported at medium confidence, ' +
      'since the passphrase is still needed. The key is never printed. Not reported above low: a key block in test code ' +
      '(test directories, `test_*.py`, `conftest.py`) is a test fixture that signs or decrypts only what the test makes, ' +
      'so it is low confidence and the message says so; a provider token or password in test code is only one step ' +
      'lower, since it names an account that may be real.',
    why:
      'Whoever holds a private key is its owner as far as the other side can tell: they can log in with an SSH ' +
      'key, impersonate a TLS server, sign releases or JWTs, and decrypt what was encrypted to the key. A key in ' +
      'the source is shared with everyone who ever reads the repository. Replace the key pair, and load the ' +
      'new key from a file outside the repository or from a secret manager.',
    bad: 'KEY = """-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAkraitDOCS0a1b2c3d4e5f6g7h8i9j0k1m2n3o4p5q6r7s8t9\n-----END RSA PRIVATE KEY-----"""\n',
    good: 'from pathlib import Path\n\nKEY = Path("/run/secrets/signing-key.pem").read_text()\n',
    references: ['https://cwe.mitre.org/data/definitions/321.html', 'https://cwe.mitre.org/data/definitions/798.html'],
  },
  ...secretHooks('private-key', (hit, shown, place) => `${hit.label} ${shown} written ${place}${hit.detail ? ` (${hit.detail})` : ''}: whoever reads it holds the key; replace the key pair and load the key from outside the repository`),
};
