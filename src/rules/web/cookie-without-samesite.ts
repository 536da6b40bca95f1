import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import type { Rule } from '../types.js';
import { cookieCalls, cookieConfidence, securitySettings, describeCookie, flagValue } from './cookies.js';

const KEYS = new Set(['SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE', 'REMEMBER_COOKIE_SAMESITE']);

/** 'off' for `None`/`False` (no attribute), 'none' for the string "None" (explicitly cross-site), else undefined. */
function sameSiteOff(node: Node, model: ModuleModel): 'off' | 'none' | undefined {
  const n = unparen(node);
  if (n.type === 'none' || n.type === 'false') return 'off';
  const s = model.constantString(n);
  if (s === undefined) {
    if (n.type !== 'identifier') return undefined;
    const b = model.lookup(n.text, n.startIndex);
    return b?.kind === 'assign' && b.value ? sameSiteOff(b.value, model) : undefined;
  }
  return s.toLowerCase() === 'none' ? 'none' : s === '' ? 'off' : undefined;
}

const RISK = 'browsers then attach it to requests that other sites trigger, which is what cross-site request forgery relies on';

export const cookieWithoutSamesite: Rule = {
  meta: {
    id: 'K508',
    name: 'cookie-without-samesite',
    summary: 'A session or credential cookie without a restrictive `SameSite` attribute',
    severity: 'low',
    confidence: 'high',
    cwe: [1275],
    owasp: 'A01:2021-Broken Access Control',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports credential cookies that browsers may send with cross-site requests:\n\n' +
      '- `response.set_cookie(...)` / `set_signed_cookie(...)` without `samesite`, or with `samesite=None`, for ' +
      'Django, Flask/Werkzeug, aiohttp and Tornado (Starlette and FastAPI default to `"lax"`, so only an ' +
      'explicit `None` is reported there);\n' +
      '- `samesite="None"` (explicitly cross-site), at low confidence: it is sometimes needed for embedded ' +
      'content, and then the cookie must at least be `Secure`;\n' +
      '- Django `SESSION_COOKIE_SAMESITE` / `CSRF_COOKIE_SAMESITE`, Flask `SESSION_COOKIE_SAMESITE` and ' +
      'Flask-Login `REMEMBER_COOKIE_SAMESITE` set to `None`, `False` or `"None"`.\n\n' +
      'The same quiet rules as the other cookie rules apply: only credential-looking cookies, no deletions, no ' +
      '`**kwargs` calls, no test files or development and test profiles.',
    why:
      '`SameSite=Lax` or `Strict` tells the browser not to attach the cookie to requests started by other ' +
      'sites, which removes most cross-site request forgery and some cross-site leaks. Chrome treats a cookie ' +
      'without the attribute as `Lax`, but not every browser does, and `SameSite=None` opts out everywhere. ' +
      'Set the attribute explicitly so protection does not depend on the browser.',
    bad:
      'from django.http import HttpResponse\n\n\ndef login(request):\n    response = HttpResponse("ok")\n' +
      '    response.set_cookie("sessionid", new_session(request), secure=True, httponly=True)\n    return response\n',
    good:
      'from django.http import HttpResponse\n\n\ndef login(request):\n    response = HttpResponse("ok")\n' +
      '    response.set_cookie("sessionid", new_session(request), secure=True, httponly=True, samesite="Lax")\n    return response\n',
    references: [
      'https://cwe.mitre.org/data/definitions/1275.html',
      'https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#samesitesamesite-value',
      'https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-samesite',
    ],
  },
  textHint: /set_cookie|set_signed_cookie|set_secure_cookie|COOKIE_SAMESITE/,
  module(ctx) {
    const model = ctx.model;
    for (const cookie of cookieCalls(model)) {
      const value = flagValue(cookie, 'samesite');
      // A cookie kept only for an explicit opt-out is reported for the flags it turns off in writing.
      if (cookie.explicitOnly && !value) continue;
      const off = value ? sameSiteOff(value, model) : cookie.starlette ? undefined : 'off';
      if (!off) continue;
      const how = !value ? 'without samesite' : off === 'none' ? 'with samesite="None"' : 'with samesite=None';
      ctx.report({
        node: cookie.call.node,
        message: `${describeCookie(cookie)} sets a cookie ${how}: ${RISK}; pass samesite="Lax" (or "Strict")`,
        confidence: off === 'none' ? 'low' : cookieConfidence(cookie),
      });
    }
    for (const { entry, confidence } of securitySettings(model, KEYS)) {
      const off = sameSiteOff(entry.value, model);
      if (!off) continue;
      ctx.report({
        node: entry.node,
        message: `${entry.key} = ${off === 'none' ? '"None"' : 'None'} lets the cookie go with cross-site requests: ${RISK}; use "Lax" (the default in Django) or "Strict"`,
        confidence: off === 'none' && confidence === 'high' ? 'medium' : confidence,
      });
    }
  },
};
