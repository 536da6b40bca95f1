import type { Rule } from '../types.js';
import { REVOKE, secretHooks } from './shared.js';

export const providerToken: Rule = {
  meta: {
    id: 'K601',
    name: 'provider-token',
    summary: 'An access token or API key of a known service (AWS, GitHub, GitLab, Slack, Stripe, Google, OpenAI, Anthropic, …) in code or configuration',
    severity: 'critical',
    confidence: 'high',
    cwe: [798],
    owasp: 'A07:2021-Identification and Authentication Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a credential whose format identifies the service that issued it, in a Python string literal ' +
      '(bytes and the constant parts of f-strings included), a comment, or a configuration file (`.env*`, ' +
      '`*.ini`, `*.cfg`, `*.conf`, `*.toml`, `*.yaml`, `*.json`, `Dockerfile`, compose files):\n\n' +
      '- AWS access key ids (`AKIA…`, `ASIA…`), and AWS secret access keys when an access key id is within five ' +
      'lines or the value is bound to an AWS secret name (the two are reported as a pair);\n' +
      '- GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and fine-grained tokens (`github_pat_`); GitLab ' +
      'tokens (`glpat-` and the other `gl…-` prefixes);\n' +
      '- Slack tokens (`xoxb-`, `xoxp-`, …, `xapp-`) and incoming webhook URLs; Stripe live secret and restricted ' +
      'keys (`sk_live_`, `rk_live_`; test keys are not secrets); Google API keys (`AIza…`);\n' +
      '- OpenAI (`sk-…T3BlbkFJ…`, `sk-proj-…`) and Anthropic (`sk-ant-…`) API keys; Twilio API keys (`SK` + 32 hex); ' +
      'SendGrid (`SG.…`), npm (`npm_`), PyPI upload tokens (`pypi-AgE…`), Heroku (`HRKU-`, or a UUID bound to a ' +
      'Heroku name), Mailchimp (`…-us12`) keys, and the account key of an Azure storage connection string.\n\n' +
      'Values made of filler (`ghp_xxxx…`, `sk_live_0000…`), documentation examples (`…EXAMPLE`) and templates are ' +
      'not reported. In test code and fixtures, and in configuration templates (`.env.example`), findings are ' +
      'reported one confidence step lower: made-up tokens are common there, but real ones leak there too. ' +
      'The token is never printed: outputs show at most its first four characters and its length.',
    why:
      'A token in the source is readable by everyone who can read the repository, its forks, its CI logs and ' +
      'every copy of its history; scrapers find tokens pushed to public repositories within minutes. The token ' +
      'grants whatever its owner can do on the service: read private code, send mail as the company, spend ' +
      'money. Deleting the line does not help, since the history keeps it: revoke the token, issue a new one, ' +
      'and give it to the program through the environment or a secret manager.',
    bad: 'GITHUB_TOKEN = "ghp_KRAITDOCS0a1b2c3d4e5f6g7h8i9j0k1m2n3"\n',
    good: 'import os\n\nGITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n',
    references: [
      'https://cwe.mitre.org/data/definitions/798.html',
      'https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns',
      'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html',
    ],
  },
  ...secretHooks('provider', (hit, shown, place) => `${hit.label} ${shown} written ${place}${hit.detail ? ` (${hit.detail})` : ''}: anyone who can read it can use it; ${REVOKE}`),
};
