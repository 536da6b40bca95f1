import type { Rule } from '../types.js';
import { boundWhere } from './bound-name.js';
import { REVOKE, secretHooks } from './shared.js';

export const highEntropySecret: Rule = {
  meta: {
    id: 'K605',
    name: 'high-entropy-secret',
    summary: 'A random-looking string bound to a secret-like name (`api_key`, `client_secret`, `access_token`)',
    severity: 'high',
    confidence: 'medium',
    cwe: [798],
    owasp: 'A07:2021-Identification and Authentication Failures',
    sources: { bandit: ['B105', 'B106', 'B107'], ruff: ['S105', 'S106', 'S107'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a string literal that looks machine-generated (16 characters or more, no spaces, several ' +
      'character classes, and entropy near that of random text: at least 3.2 bits per character for hex, 3.4 ' +
      'to 3.8 for other alphabets) given to a secret-like name in the same ways as K604: assigned, passed as a ' +
      'keyword, a default, compared, a dict value, or a setting in a configuration file. Secret-like names are ' +
      'those that name a credential (`api_key`, `secret`, `client_secret`, `access_token`, `private_key`, ' +
      '`credentials`: medium confidence) or often do (`token`, `auth`, `bearer`: low confidence).\n\n' +
      'Not reported: names about a secret (`token_url`, `api_key_header`, `secret_name`), UUIDs (identifiers, ' +
      'except beside a Heroku name, where they are API keys and reported by K601), checksums and hashes, ' +
      'placeholders and templates, and values a more specific rule reports (a provider token, K601; a framework ' +
      '`SECRET_KEY`, K502). Passwords, which are seldom random, are K604\'s.',
    why:
      'A long random string named like a key is almost always a key: an API secret, an OAuth client secret, a ' +
      'signing or encryption key. Whoever reads the source can use it as the program does, and it stays in ' +
      'the history. Load it from the environment or a secret manager, and rotate the one that was committed.',
    bad: 'STRIPE_CLIENT_SECRET = "q8Vw2LmZ4xR7tK1pN6sD9fH3jB5cG0yA"\n',
    good: 'import os\n\nSTRIPE_CLIENT_SECRET = os.environ["STRIPE_CLIENT_SECRET"]\n',
    references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html'],
  },
  ...secretHooks('entropy', (hit, shown) => `random-looking secret ${shown} ${boundWhere(hit)}: ${REVOKE}`),
};
