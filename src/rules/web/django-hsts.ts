import { unparen } from '../../syntax/nodes.js';
import type { Rule } from '../types.js';
import { checkHttpsSetting } from './django-https.js';
import { constantNumber } from './shared.js';

const RISK = 'browsers do not learn to use HTTPS only, so a first request over plain HTTP (a typed domain, an old link) can be intercepted and the user kept on HTTP';
const ADVICE = 'set SECURE_HSTS_SECONDS (start small, then 31536000) once the whole site works over HTTPS';

export const djangoHstsDisabled: Rule = {
  meta: {
    id: 'K514',
    name: 'django-hsts-disabled',
    summary: 'A Django production settings module that does not send HTTP Strict Transport Security',
    severity: 'low',
    confidence: 'medium',
    cwe: [319, 523],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports, in a Django settings module that is not a development or test profile:\n\n' +
      '- `SECURE_HSTS_SECONDS = 0` (or `None`, `False`);\n' +
      '- a production-looking module (top-level `DEBUG` literally False, no star import) that never sets ' +
      '`SECURE_HSTS_SECONDS`, whose default (0) sends no `Strict-Transport-Security` header. The finding is ' +
      'placed on the `DEBUG = False` line.\n\n' +
      'Medium confidence: the header may be added by the reverse proxy instead. Django\'s `check --deploy` ' +
      'reports the same (security.W004).\n\n' +
      'CWE: what goes wrong is the clear-text exchange HSTS would have prevented (CWE-319, as OWASP ZAP maps ' +
      'a missing HSTS header); CWE-523 (credentials sent without protection) is listed second.',
    why:
      'HSTS tells the browser to use HTTPS for the site, for a set time, whatever the link or address typed. ' +
      'Without it, every visit that starts on `http://` gives an attacker on the network (public Wi-Fi, a ' +
      'compromised router) the chance to answer in place of the site and keep the user on plain HTTP ' +
      '(SSL stripping), reading and changing everything, a redirect to HTTPS notwithstanding.',
    bad: 'INSTALLED_APPS = ["shop"]\n\nDEBUG = False\nSECURE_SSL_REDIRECT = True\nSECURE_HSTS_SECONDS = 0\n' +
      'SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\n',
    good: 'INSTALLED_APPS = ["shop"]\n\nDEBUG = False\nSECURE_SSL_REDIRECT = True\nSECURE_HSTS_SECONDS = 31536000\n' +
      'SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\n',
    references: [
      'https://cwe.mitre.org/data/definitions/319.html',
      'https://docs.djangoproject.com/en/stable/ref/middleware/#http-strict-transport-security',
      'https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html',
    ],
  },
  textHint: /SECURE_HSTS_SECONDS|DEBUG/,
  module(ctx) {
    checkHttpsSetting(
      ctx,
      'SECURE_HSTS_SECONDS',
      (value, model) => {
        const v = unparen(value);
        return v.type === 'none' || v.type === 'false' || constantNumber(v, model) === 0;
      },
      (value) => `SECURE_HSTS_SECONDS = ${unparen(value).text} sends no Strict-Transport-Security header: ${RISK}; ${ADVICE}`,
      `This production settings module (DEBUG = False) never sets SECURE_HSTS_SECONDS, so no Strict-Transport-Security header is sent: ${RISK}; ${ADVICE}`,
    );
  },
};
