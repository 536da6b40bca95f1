import type { Rule } from '../types.js';
import { securitySettings } from './cookies.js';
import { constantNumber } from './shared.js';

const KEYS = new Set(['PERMANENT_SESSION_LIFETIME', 'SESSION_COOKIE_AGE']);
const DAY = 86400;
const DEFAULT_MAX_DAYS = 30;

function days(seconds: number): string {
  const whole = Math.floor(seconds / DAY);
  const hours = Math.round((seconds - whole * DAY) / 3600);
  return hours === 0 ? `${whole} days` : `${whole} days ${hours} hours`;
}

export const sessionLifetimeTooLong: Rule = {
  meta: {
    id: 'K509',
    name: 'session-lifetime-too-long',
    summary: 'A session lifetime longer than the configured maximum (30 days by default)',
    severity: 'low',
    confidence: 'high',
    cwe: [613],
    owasp: 'A07:2021-Identification and Authentication Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a constant session lifetime above `maxDays` (30 by default):\n\n' +
      '- Flask `PERMANENT_SESSION_LIFETIME` (seconds or a `timedelta`);\n' +
      '- Django `SESSION_COOKIE_AGE` (seconds; the default is two weeks).\n\n' +
      'Values are evaluated when constant: `60 * 60 * 24 * 365`, `timedelta(days=90)`, `timedelta(weeks=52)`, ' +
      'names bound to such values. They are read in Django settings modules, Flask config modules and ' +
      'classes, `app.config[...]` and `app.config.update(...)`; test and development profiles are skipped, and ' +
      'a value read from the environment is not reported.',
    why:
      'A session that lives for months keeps working long after the user walked away from a shared computer, ' +
      'and a session id stolen once (from a log, a backup, a compromised device) stays valuable for just as ' +
      'long. Short lifetimes bound the damage; long-lived "remember me" logins belong in a separate, ' +
      'revocable token rather than in the session itself.',
    bad: 'from datetime import timedelta\n\nfrom flask import Flask\n\napp = Flask(__name__)\napp.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=365)\n',
    good: 'from datetime import timedelta\n\nfrom flask import Flask\n\napp = Flask(__name__)\napp.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=12)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/613.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#session-expiration',
      'https://flask.palletsprojects.com/en/latest/config/#PERMANENT_SESSION_LIFETIME',
      'https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-age',
    ],
  },
  options: {
    maxDays: { type: 'number', default: DEFAULT_MAX_DAYS, description: 'Longest acceptable session lifetime, in days.' },
  },
  textHint: /PERMANENT_SESSION_LIFETIME|SESSION_COOKIE_AGE/,
  module(ctx) {
    const model = ctx.model;
    const maxDays = typeof ctx.options.maxDays === 'number' ? ctx.options.maxDays : DEFAULT_MAX_DAYS;
    for (const { entry, confidence } of securitySettings(model, KEYS)) {
      const seconds = constantNumber(entry.value, model);
      if (seconds === undefined || seconds <= maxDays * DAY) continue;
      ctx.report({
        node: entry.node,
        message: `${entry.key} keeps sessions alive for ${days(seconds)}, more than the ${maxDays}-day limit: a stolen or forgotten session stays usable that long; shorten it and keep long-lived logins in a separate, revocable token`,
        confidence,
      });
    }
  },
};
