/**
 * Credential formats of service providers, as data. Each entry is one token format: a literal `hint` every
 * match contains (a plain substring search of the file decides whether the regex runs at all), the pattern,
 * and how sure a match is. Formats with a fixed, distinctive prefix and length are `high`; formats that are
 * only a shape (a UUID beside a provider's name) are lower.
 *
 * Patterns are written from the providers' published token formats; the `secret` group (or the whole match)
 * is what must never be printed.
 */
import type { Confidence } from '../findings/types.js';

export type SecretFamily = 'provider' | 'private-key' | 'url' | 'jwt';

export interface TokenFormat {
  /** Stable key, used in tests and in the message. */
  id: string;
  family: SecretFamily;
  /** What the token is, as the message says it: "GitHub personal access token". */
  label: string;
  /** Literals one of which every match contains, searched before the regex runs. */
  hints: readonly string[];
  /** The character before a match may not be a letter, digit, `_` or `-` (so `xsk_live_…`, `foo-AKIA…` do not match). */
  bounded: boolean;
  /** Global, sticky-free regex; group `secret` (when present) is the part to redact, else the whole match. */
  pattern: RegExp;
  confidence: Confidence;
  /** The part after the fixed prefix, checked for placeholder runs (`sk_live_000…`, `ghp_xxxx…`). */
  body?: (match: string) => string;
  /** Extra check on the match (checksum, decodable header); false drops it. */
  validate?: (match: RegExpExecArray) => boolean;
}

const afterPrefix = (n: number) => (m: string) => m.slice(n);
const afterLast = (sep: string) => (m: string) => m.slice(m.lastIndexOf(sep) + 1);

/**
 * End of a token: the next character may not continue it. The start is checked in code (see `bounded`): a
 * look-behind in front of the literal would keep the regex engine from skipping ahead to the literal.
 */
const E = '(?![A-Za-z0-9_-])';

export const TOKEN_FORMATS: readonly TokenFormat[] = [
  {
    id: 'aws-access-key-id',
    family: 'provider',
    label: 'AWS access key id',
    hints: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    bounded: true,
    pattern: new RegExp(`(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(4),
  },
  {
    id: 'github-classic-token',
    family: 'provider',
    label: 'GitHub token',
    hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    bounded: true,
    pattern: new RegExp(`gh[pousr]_[A-Za-z0-9]{36}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(4),
  },
  {
    id: 'github-fine-grained-token',
    family: 'provider',
    label: 'GitHub fine-grained personal access token',
    hints: ['github_pat_'],
    bounded: true,
    pattern: new RegExp(`github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(11),
  },
  {
    id: 'gitlab-token',
    family: 'provider',
    label: 'GitLab token',
    hints: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glft-', 'glsoat-', 'glcbt-', 'gloas-'],
    bounded: true,
    pattern: new RegExp(`(?:glpat|gldt|glrt|glptt|glft|glsoat|glcbt|gloas)-[A-Za-z0-9_-]{20,64}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(6),
  },
  {
    id: 'slack-token',
    family: 'provider',
    label: 'Slack token',
    hints: ['xoxa-', 'xoxb-', 'xoxp-', 'xoxo-', 'xoxs-', 'xoxr-', 'xapp-'],
    bounded: true,
    pattern: new RegExp(`(?:xox[abposr]|xapp)-(?:\\d+-)?[0-9A-Za-z]{8,}-[0-9A-Za-z-]{8,}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(5),
  },
  {
    id: 'slack-webhook',
    family: 'provider',
    label: 'Slack incoming webhook URL',
    hints: ['hooks.slack.com'],
    bounded: false,
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/T[A-Z0-9]{6,}\/[AB][A-Z0-9]{6,}\/(?<secret>[A-Za-z0-9]{20,})/g,
    confidence: 'high',
    body: afterLast('/'),
  },
  {
    id: 'stripe-live-key',
    family: 'provider',
    label: 'Stripe live secret key',
    hints: ['_live_'],
    bounded: true,
    pattern: new RegExp(`(?:sk|rk)_live_[0-9A-Za-z]{24,99}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(8),
  },
  {
    id: 'google-api-key',
    family: 'provider',
    label: 'Google API key',
    hints: ['AIza'],
    bounded: true,
    pattern: new RegExp(`AIza[0-9A-Za-z_-]{35}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(4),
  },
  {
    id: 'openai-key',
    family: 'provider',
    label: 'OpenAI API key',
    hints: ['sk-'],
    bounded: true,
    // Keys carry "T3BlbkFJ" (base64 of "OpenAI") in the middle; project, service-account and admin keys may not.
    pattern: new RegExp(
      `sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|(?:proj|svcacct|admin)-[A-Za-z0-9_-]{80,})${E}`,
      'g',
    ),
    confidence: 'high',
    body: afterPrefix(3),
  },
  {
    id: 'anthropic-key',
    family: 'provider',
    label: 'Anthropic API key',
    hints: ['sk-ant-'],
    bounded: true,
    pattern: new RegExp(`sk-ant-(?:api|admin|sid)\\d{2}-[A-Za-z0-9_-]{80,}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(14),
  },
  {
    id: 'twilio-api-key',
    family: 'provider',
    label: 'Twilio API key',
    hints: ['SK'],
    bounded: true,
    pattern: new RegExp(`SK[0-9a-f]{32}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(2),
  },
  {
    id: 'sendgrid-key',
    family: 'provider',
    label: 'SendGrid API key',
    hints: ['SG.'],
    bounded: true,
    pattern: new RegExp(`SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(3),
  },
  {
    id: 'npm-token',
    family: 'provider',
    label: 'npm access token',
    hints: ['npm_'],
    bounded: true,
    pattern: new RegExp(`npm_[A-Za-z0-9]{36}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(4),
  },
  {
    id: 'pypi-token',
    family: 'provider',
    label: 'PyPI upload token',
    hints: ['pypi-AgE'],
    bounded: true,
    // A macaroon whose location is pypi.org or test.pypi.org, base64-encoded right after the prefix.
    pattern: new RegExp(`pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(25),
  },
  {
    id: 'azure-storage-connection-string',
    family: 'provider',
    label: 'Azure storage account key in a connection string',
    hints: ['AccountKey='],
    bounded: false,
    pattern: /AccountName=[A-Za-z0-9-]+;\s*AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)/g,
    confidence: 'high',
    body: (m) => m.slice(m.indexOf('AccountKey=') + 11),
  },
  {
    id: 'heroku-api-key',
    family: 'provider',
    label: 'Heroku API key',
    hints: ['HRKU-'],
    bounded: true,
    pattern: new RegExp(`HRKU-[A-Za-z0-9_-]{60}${E}`, 'g'),
    confidence: 'high',
    body: afterPrefix(5),
  },
  {
    id: 'mailchimp-key',
    family: 'provider',
    label: 'Mailchimp API key',
    hints: ['-us'],
    bounded: true,
    pattern: new RegExp(`[0-9a-f]{32}-us[0-9]{1,2}${E}`, 'g'),
    confidence: 'high',
    body: (m) => m.slice(0, 32),
  },
  {
    id: 'private-key',
    family: 'private-key',
    label: 'private key',
    hints: ['PRIVATE KEY'],
    bounded: false,
    // The header, the rest of its line, then (after armor headers) a base64 body: a lone header is a parser's
    // constant, not a key. Bodies written with `\n` escapes or as concatenated literals count too.
    pattern:
      /-----BEGIN (?<kind>RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |)PRIVATE KEY(?: BLOCK)?-----(?:[^\n]{0,100}\n)?(?<body>(?:\\[rn]|[\s"'+]|(?:Proc-Type|DEK-Info|Version|Comment|Hash)[^\n\\]{0,80}|\\)*[A-Za-z0-9+/]{40,})/g,
    confidence: 'high',
  },
  {
    id: 'jwt',
    family: 'jwt',
    label: 'JSON Web Token',
    hints: ['eyJ'],
    bounded: true,
    pattern: new RegExp(`eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*${E}`, 'g'),
    confidence: 'medium',
    validate: (m) => jwtHeader(m[0]) !== undefined,
  },
];

/** The decoded JOSE header of a JWT, when its first segment is base64url JSON with an `alg`. */
export function jwtHeader(token: string): { alg: string } | undefined {
  const first = token.slice(0, token.indexOf('.'));
  try {
    const json = JSON.parse(Buffer.from(first, 'base64url').toString('utf8')) as unknown;
    if (json && typeof json === 'object' && typeof (json as { alg?: unknown }).alg === 'string') return json as { alg: string };
  } catch {
    // Not JSON: some other dotted base64 string.
  }
  return undefined;
}

/** AWS secret access keys: 40 characters of base64, reported only beside an access key id or an AWS-named setting. */
export const AWS_SECRET_KEY = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;

/** How far (in lines) an AWS secret key may sit from its access key id and still be its pair. */
export const AWS_PAIR_LINES = 5;

/** Connection URLs whose user-info carries a password: `://user:password@host` (the scheme is checked apart). */
export const CREDENTIAL_URL = /:\/\/(?<user>[^\s:@/'"`<>]*):(?<secret>[^\s@/'"`<>]+)@(?<host>[^\s/'"`<>?#:@]+)/g;

/** Schemes whose URLs carry database, broker or web credentials (a `+driver` suffix allowed). */
export const CREDENTIAL_SCHEMES = /^(?:postgres(?:ql)?|mysql|mariadb|mssql|oracle|mongodb(?:\+srv)?|redis|rediss|amqps?|https?|ftps?|smtps?|ldaps?)(?:\+[a-z0-9]+)?$/;
