import { constantTruth } from '../helpers.js';
import type { Rule } from '../types.js';
import { cookieCalls, cookieConfidence, describeCookie, flagValue, isCsrfName, securitySettings } from './cookies.js';

const KEYS = new Set(['SESSION_COOKIE_HTTPONLY', 'REMEMBER_COOKIE_HTTPONLY']);

const RISK = 'any script running on the page, an injected one included, can read it from document.cookie and send it elsewhere';

export const cookieWithoutHttponly: Rule = {
  meta: {
    id: 'K507',
    name: 'cookie-without-httponly-flag',
    summary: 'A session or credential cookie readable by JavaScript (no `HttpOnly` attribute)',
    severity: 'medium',
    confidence: 'high',
    cwe: [1004],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports cookies that carry a credential and that page scripts can read:\n\n' +
      '- `response.set_cookie(...)`, `set_signed_cookie(...)` (Django, Flask/Werkzeug, Starlette/FastAPI, ' +
      'aiohttp, Tornado) without `httponly=True`, or with `httponly=False`;\n' +
      '- Django and Flask `SESSION_COOKIE_HTTPONLY` and Flask-Login `REMEMBER_COOKIE_HTTPONLY` set to a false ' +
      'literal (their defaults are True, so only an explicit False is reported).\n\n' +
      'Not reported: CSRF cookies (`csrftoken`, `XSRF-TOKEN`: client-side code reads them by design, which is ' +
      'why Django leaves `CSRF_COOKIE_HTTPONLY` off), cookies whose constant name says nothing about ' +
      'credentials, deletions, `**kwargs` calls, flags computed at run time, test clients, test files and ' +
      'development or test profiles. A computed cookie name with a neutral value is reported at low confidence.',
    why:
      'Without `HttpOnly`, `document.cookie` exposes the cookie to every script on the page. One cross-site ' +
      'scripting bug, a compromised third-party script or a malicious browser extension then suffices to copy ' +
      'the session id or token to another machine and use it there, long after the page is closed. `HttpOnly` ' +
      'does not fix XSS, but it keeps the credential out of the attacker\'s hands.',
    bad:
      'from django.http import JsonResponse\n\n\ndef login(request):\n    response = JsonResponse({"ok": True})\n' +
      '    response.set_cookie("auth_token", issue_token(request.user), secure=True, samesite="Lax")\n    return response\n',
    good:
      'from django.http import JsonResponse\n\n\ndef login(request):\n    response = JsonResponse({"ok": True})\n' +
      '    response.set_cookie("auth_token", issue_token(request.user), secure=True, httponly=True, samesite="Lax")\n    return response\n',
    references: [
      'https://cwe.mitre.org/data/definitions/1004.html',
      'https://owasp.org/www-community/HttpOnly',
      'https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-httponly',
    ],
  },
  textHint: /set_cookie|set_signed_cookie|set_secure_cookie|COOKIE_HTTPONLY/,
  module(ctx) {
    const model = ctx.model;
    for (const cookie of cookieCalls(model)) {
      if (cookie.name !== undefined && isCsrfName(cookie.name)) continue;
      const value = flagValue(cookie, 'httponly');
      // A cookie kept only for an explicit opt-out is reported for the flags it turns off in writing.
      if (cookie.explicitOnly && !value) continue;
      if (value && constantTruth(value, model) !== false) continue;
      const how = value ? 'with httponly=False' : 'without httponly=True';
      ctx.report({
        node: cookie.call.node,
        message: `${describeCookie(cookie)} sets a cookie ${how}: ${RISK}; pass httponly=True`,
        confidence: cookieConfidence(cookie),
      });
    }
    for (const { entry, confidence } of securitySettings(model, KEYS)) {
      if (constantTruth(entry.value, model) !== false) continue;
      ctx.report({ node: entry.node, message: `${entry.key} is false, so the cookie is not HttpOnly: ${RISK}; leave it True`, confidence });
    }
  },
};
