import type { Rule } from '../types.js';
import { boundWhere } from './bound-name.js';
import { secretHooks } from './shared.js';

export const hardcodedPassword: Rule = {
  meta: {
    id: 'K604',
    name: 'hardcoded-password',
    summary: 'A password written as a string literal: assigned, passed as a keyword, a parameter default, compared, or a dict value',
    severity: 'high',
    confidence: 'medium',
    cwe: [259, 798],
    owasp: 'A07:2021-Identification and Authentication Failures',
    sources: { bandit: ['B105', 'B106', 'B107'], ruff: ['S105', 'S106', 'S107'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a string (or bytes) literal given to a name that stands for a password (`password`, `passwd`, ' +
      '`pwd`, `passphrase`, `db_pass`, `userPassword`…):\n\n' +
      '- assigned: `password = "…"`, `self.password = "…"`, `config["password"] = "…"` (Bandit B105);\n' +
      '- passed as a keyword argument: `connect(password="…")` (B106);\n' +
      '- as a parameter default: `def login(user, password="…")` (B107, low confidence);\n' +
      '- compared: `if password == "…"` (low confidence);\n' +
      '- as a dict value: `{"password": "…"}`, `dict(password="…")`;\n' +
      '- as the second item of a `(user, password)` pair passed as `auth=` (requests, httpx, aiohttp), ' +
      '`basic_auth=`, `http_auth=`, `proxy_auth=` or `credentials=`, or to `HTTPBasicAuth("user", "…")` and the ' +
      'other `…BasicAuth`, `…DigestAuth` and `…ProxyAuth` classes;\n' +
      '- in a configuration file: `DB_PASSWORD=…` in `.env`, `password: …` in YAML, `password = …` in INI or TOML.\n\n' +
      'Names about a password rather than of one (`password_length`, `password_field`, `PASSWORD_RESET_URL`, ' +
      '`password_hash`) are not reported, nor are values that cannot be the password itself: empty strings, ' +
      'stand-ins (`changeme`, `xxx`, `<password>`, `your-password`, `dummy`, `example`, runs like `aaaa` or ' +
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell substitution shown as text
      '`12345678`), templates (`${DB_PASSWORD}`, `%(password)s`, `{{ password }}`, `{password}`), references to a ' +
      'vault or secret manager, prompts and labels (`"Password: "`, `"DB_PASSWORD"`), dotted numbers (`PWD_REPLY = "257.1"`, a ' +
      'numbered reply code, a version or an address; a digits-only PIN is still reported), paths and hashed ' +
      'passwords (`pbkdf2_sha256$…`, `$2b$…`, and a bare SHA-1 or SHA-2 hex digest of 40, 56, 64, 96 or 128 ' +
      'digits, which is a stored hash to compare against, not the password). Test code and configuration templates are reported one ' +
      'confidence step lower. Only a preview of the value is printed (never more than four characters, and ' +
      'never more than a quarter of it).',
    why:
      'A password in the source is known to everyone who can read the code, and it cannot be changed without ' +
      'a release: the same password then protects every deployment, and it stays in the history after it is ' +
      'removed. Hardcoded passwords are how default credentials end up in products. Read passwords from the ' +
      'environment or a secret manager at runtime, and change any that were committed.',
    bad: 'import psycopg2\n\nconn = psycopg2.connect(host="db", user="app", password="Tr0ub4dor-k3")\n',
    good: 'import os\n\nimport psycopg2\n\nconn = psycopg2.connect(host="db", user="app", password=os.environ["DB_PASSWORD"])\n',
    references: [
      'https://cwe.mitre.org/data/definitions/259.html',
      'https://cwe.mitre.org/data/definitions/798.html',
      'https://bandit.readthedocs.io/en/latest/plugins/b105_hardcoded_password_string.html',
    ],
  },
  ...secretHooks('password', (hit, shown) => `hardcoded password ${shown} ${boundWhere(hit)}: read it from the environment or a secret manager, and change it`),
};
