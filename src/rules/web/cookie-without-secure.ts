import { constantTruth } from '../helpers.js';
import type { Rule } from '../types.js';
import { cookieCalls, cookieConfidence, securitySettings, describeCookie, flagValue, missingInProduction } from './cookies.js';

const KEYS = new Set(['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'REMEMBER_COOKIE_SECURE']);
const DJANGO_DEFAULT_INSECURE = ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE'];

const RISK = 'the browser also sends it over plain HTTP, where anyone on the network path can read it and take over the session';

export const cookieWithoutSecure: Rule = {
  meta: {
    id: 'K506',
    name: 'cookie-without-secure-flag',
    summary: 'A session or credential cookie set without the `Secure` attribute',
    severity: 'medium',
    confidence: 'high',
    cwe: [614],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports cookies that carry a credential and may travel over plain HTTP:\n\n' +
      '- `response.set_cookie(...)`, `set_signed_cookie(...)` (Django, Flask/Werkzeug, Starlette/FastAPI, ' +
      'aiohttp, Tornado\'s `set_cookie`/`set_secure_cookie`) without `secure=True`, or with `secure=False`;\n' +
      '- the framework settings set to a false literal: Django `SESSION_COOKIE_SECURE` and ' +
      '`CSRF_COOKIE_SECURE`, Flask `SESSION_COOKIE_SECURE`, Flask-Login `REMEMBER_COOKIE_SECURE` (in a ' +
      'settings module, a Flask config module or class, `app.config[...]`, `app.config.update(...)`);\n' +
      '- a production-looking Django settings module (`DEBUG = False` literally, no star import) that never ' +
      'sets `SESSION_COOKIE_SECURE` or `CSRF_COOKIE_SECURE`, whose defaults are False (medium confidence, ' +
      'reported on the `DEBUG = False` line).\n\n' +
      'Quieter than a flag checker: a `set_cookie` whose constant name says nothing about credentials ' +
      '(`"theme"`, `"lang"`) is not reported; a computed name is reported at low confidence unless the value ' +
      'looks like a token; cookie deletions (empty value, `max_age=0`), calls with `**kwargs`, a flag computed ' +
      'at run time (`secure=request.is_secure`), test clients and cookie jars, test files, development or test ' +
      'profiles (`settings/dev.py`, `class TestingConfig`, a mapping that sets `TESTING = True`) are not ' +
      'reported. A configuration that also turns `DEBUG` on literally is a development profile: low confidence.',
    why:
      'A cookie without the `Secure` attribute is sent with every request to the site, including plain-HTTP ' +
      'ones: a single `http://` link, an old bookmark or an attacker on the same Wi-Fi injecting a request is ' +
      'enough for the session id or token to cross the network in clear text, where it can be read and replayed ' +
      'to impersonate the user. HSTS narrows the window; the `Secure` attribute closes it.',
    bad:
      'from flask import Flask, make_response\n\napp = Flask(__name__)\n\n\n@app.post("/login")\ndef login():\n' +
      '    response = make_response("welcome")\n    response.set_cookie("session_token", new_token(), httponly=True, samesite="Lax")\n' +
      '    return response\n',
    good:
      'from flask import Flask, make_response\n\napp = Flask(__name__)\n\n\n@app.post("/login")\ndef login():\n' +
      '    response = make_response("welcome")\n    response.set_cookie("session_token", new_token(), secure=True, httponly=True, samesite="Lax")\n' +
      '    return response\n',
    references: [
      'https://cwe.mitre.org/data/definitions/614.html',
      'https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies',
      'https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure',
      'https://flask.palletsprojects.com/en/latest/security/#set-cookie-options',
    ],
  },
  textHint: /set_cookie|set_signed_cookie|set_secure_cookie|COOKIE_SECURE|DEBUG/,
  module(ctx) {
    const model = ctx.model;
    for (const cookie of cookieCalls(model)) {
      const value = flagValue(cookie, 'secure');
      // A cookie kept only for an explicit opt-out is reported for the flags it turns off in writing.
      if (cookie.explicitOnly && !value) continue;
      if (value && constantTruth(value, model) !== false) continue;
      const how = value ? 'with secure=False' : 'without secure=True';
      ctx.report({
        node: cookie.call.node,
        message: `${describeCookie(cookie)} sets a cookie ${how}: ${RISK}; pass secure=True and serve the site over HTTPS only`,
        confidence: cookieConfidence(cookie),
      });
    }
    for (const { entry, confidence } of securitySettings(model, KEYS)) {
      if (constantTruth(entry.value, model) !== false) continue;
      ctx.report({
        node: entry.node,
        message: `${entry.key} is false, so the cookie is not marked Secure: ${RISK}; set it to True`,
        confidence,
      });
    }
    const missing = missingInProduction(model, DJANGO_DEFAULT_INSECURE);
    if (missing) {
      ctx.report({
        node: missing.anchor,
        message: `This production settings module (DEBUG = False) never sets ${missing.missing.join(' or ')}, whose default is False: browsers send those cookies over plain HTTP too, where anyone on the network path can read them; set ${missing.missing.length > 1 ? 'them' : 'it'} to True`,
        confidence: 'medium',
      });
    }
  },
};
