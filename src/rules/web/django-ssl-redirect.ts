import { constantTruth } from '../helpers.js';
import type { Rule } from '../types.js';
import { checkHttpsSetting } from './django-https.js';

const RISK = 'requests that arrive over plain HTTP are served as they are, cookies, form posts and all, readable and changeable by anyone on the network path';
const ADVICE = 'set SECURE_SSL_REDIRECT = True, or state in a comment that the proxy in front redirects';

export const djangoSslRedirectDisabled: Rule = {
  meta: {
    id: 'K513',
    name: 'django-ssl-redirect-disabled',
    summary: 'A Django production settings module that does not redirect HTTP to HTTPS',
    severity: 'medium',
    confidence: 'medium',
    cwe: [319],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports, in a Django settings module that is not a development or test profile:\n\n' +
      '- `SECURE_SSL_REDIRECT = False` (or another false literal);\n' +
      '- a production-looking module that never sets `SECURE_SSL_REDIRECT` (whose default is False). ' +
      '"Production-looking" means `DEBUG` is assigned only literal false values at top level and the module ' +
      'has no star import (`from .base import *` may set it where the scanner cannot see). The finding is ' +
      'placed on the `DEBUG = False` line.\n\n' +
      'Both at medium confidence: the redirect is often done by the load balancer or reverse proxy instead, ' +
      'which this rule cannot see. In a module that also turns `DEBUG` on literally the explicit form is ' +
      'reported at low confidence. Django\'s own `check --deploy` reports the same setting (security.W008).',
    why:
      'Without the redirect, a user who types the bare domain or follows an old `http://` link talks to the ' +
      'site in clear text: their cookies (unless `Secure`), credentials and form data can be read, and the ' +
      'pages can be rewritten by anyone on the path, for instance to strip every later link down to HTTP. ' +
      'Redirecting everything to HTTPS, together with HSTS, closes that door.',
    bad: 'INSTALLED_APPS = ["shop"]\n\nDEBUG = False\nSECURE_SSL_REDIRECT = False\nSECURE_HSTS_SECONDS = 31536000\n' +
      'SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\n',
    good: 'INSTALLED_APPS = ["shop"]\n\nDEBUG = False\nSECURE_SSL_REDIRECT = True\nSECURE_HSTS_SECONDS = 31536000\n' +
      'SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\n',
    references: [
      'https://cwe.mitre.org/data/definitions/319.html',
      'https://docs.djangoproject.com/en/stable/ref/settings/#secure-ssl-redirect',
      'https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#https',
    ],
  },
  textHint: /SECURE_SSL_REDIRECT|DEBUG/,
  module(ctx) {
    checkHttpsSetting(
      ctx,
      'SECURE_SSL_REDIRECT',
      (value, model) => constantTruth(value, model) === false,
      () => `SECURE_SSL_REDIRECT = False: ${RISK}; ${ADVICE}`,
      `This production settings module (DEBUG = False) never sets SECURE_SSL_REDIRECT, whose default is False: ${RISK}; ${ADVICE}`,
    );
  },
};
