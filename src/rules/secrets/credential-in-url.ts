import type { Rule } from '../types.js';
import { secretHooks } from './shared.js';

export const credentialInUrl: Rule = {
  meta: {
    id: 'K603',
    name: 'credential-in-url',
    summary: 'A connection URL with a password in it (`postgres://user:password@host/db`)',
    severity: 'high',
    confidence: 'high',
    cwe: [798],
    owasp: 'A07:2021-Identification and Authentication Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a URL whose user-info carries a password, for databases and brokers (`postgres`, `postgresql`, ' +
      '`mysql`, `mariadb`, `mssql`, `oracle`, `mongodb`, `mongodb+srv`, `redis`, `rediss`, `amqp`, `amqps`, with ' +
      'or without a `+driver` suffix) and for `http`, `https`, `ftp`, `smtp` and `ldap`, in Python strings, ' +
      'comments and configuration files.\n\n' +
      'Not reported: URLs without a password (`https://user@host`), passwords that are templates or stand-ins ' +
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell substitution shown as text
      '(`${DB_PASSWORD}`, `%(password)s`, `{password}`, `<password>`, `changeme`, `password`), and documentation ' +
      'hosts (`example.com`, `*.example`, `*.test`, `*.invalid`). A password for `localhost` or a very short one ' +
      'is reported at medium confidence. A URL in a docstring (or any string standing alone as a statement) is ' +
      'documentation, an example of the syntax such as `postgresql://scott:tiger@localhost/test`: it is ' +
      'reported at low confidence only. Only the first characters of the password and its length are printed.',
    why:
      'A connection string with its password gives whoever reads it the database or broker behind it, often ' +
      'with the application\'s full rights. URLs also travel further than other settings: they end up in logs, ' +
      'error pages, process listings and crash reports. Keep the password out of the URL in the source: build ' +
      'the URL from the environment at startup, or use the driver\'s separate password setting.',
    bad: 'DATABASE_URL = "postgresql://app:kR4itD0cs-pw19@db.internal.lan:5432/app"\n',
    good: 'import os\n\nDATABASE_URL = os.environ["DATABASE_URL"]\n',
    references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html'],
  },
  ...secretHooks('url', (hit, shown) => `${hit.label} with the password ${shown} in it${hit.detail ? ` (${hit.detail})` : ''}: build the URL from the environment or pass the password separately`),
};
