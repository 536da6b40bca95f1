import { accountPasswords } from '../../secrets/accounts.js';
import { describeSecret } from '../../secrets/redact.js';
import type { Rule } from '../types.js';

export const accountPassword: Rule = {
  meta: {
    id: 'K608',
    name: 'hardcoded-account-password',
    summary: 'A user account created or changed with a password written in the source (`create_user(...)`, `User(password=...)`, `set_password(...)`)',
    severity: 'high',
    confidence: 'medium',
    cwe: [259, 798],
    owasp: 'A07:2021-Identification and Authentication Failures',
    sources: { bandit: ['B106'], ruff: ['S106'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a string literal used as the password of an account: the `password` of `create_user(...)` and ' +
      '`create_superuser(...)` (keyword, or the third positional argument as in Django), `set_password("...")`, ' +
      '`password=` given to a class (`Customer(email=..., password=...)`) or to `Model.objects.create(...)`, and ' +
      'a literal passed through a hashing helper there (`password=generate_password_hash("...")`, ' +
      '`make_password("...")`, `bcrypt.hashpw(b"...", salt)`). The place says the value is a password, so it is ' +
      'reported whatever it looks like: `"admin"`, `"password"` or `"changeme"` on an account is a default ' +
      'credential, not a placeholder. Medium confidence in application code; low in test code and seed data ' +
      '(files named `seed*`, `fixtures`, `populate*`, `demo*`, and functions named `seed*`, `populate*`, ' +
      '`create_demo*`), where accounts are usually for development, though those scripts do reach production.\n\n' +
      '**Not reported:** passwords from a variable, the environment or a prompt; already-hashed values ' +
      '(`pbkdf2_sha256$...`, `$2b$...`), which a database fixture may hold; empty strings and templates. When the ' +
      'same literal is also a `password=` keyword that K604 would report, this rule reports it instead (one ' +
      'finding per secret).',
    why:
      'An account whose password is in the source can be logged into by everyone who has read the code, and ' +
      'seed scripts written for development end up run against production. Default administrator accounts are ' +
      'a classic way in. Read the password from the environment or generate one and print it once, and force a ' +
      'change on first login.',
    bad: 'from django.contrib.auth.models import User\n\nUser.objects.create_superuser("admin", "admin@shop.test", "admin")\n',
    good:
      'import os\n\nfrom django.contrib.auth.models import User\n\nUser.objects.create_superuser("admin", "admin@shop.test", os.environ["ADMIN_PASSWORD"])\n',
    references: ['https://cwe.mitre.org/data/definitions/259.html', 'https://cwe.mitre.org/data/definitions/798.html'],
  },
  textHint: /password|create_user|create_superuser/,
  module(ctx) {
    for (const hit of accountPasswords(ctx.model)) {
      const shown = describeSecret(ctx.model.text.slice(hit.secret.start, hit.secret.end));
      ctx.report({
        node: hit.literal,
        secrets: [hit.secret],
        confidence: hit.confidence,
        message: `the account made by ${hit.where} gets the password ${shown} written in the source: read it from the environment or generate it, and change it wherever it was used`,
      });
    }
  },
};
