import type { Rule } from '../types.js';
import { isDeployableSettings, moduleSettings, sequenceElements } from './shared.js';

const NAMES = ['MIDDLEWARE', 'MIDDLEWARE_CLASSES'];
/** Middleware that makes requests carry the user's cookie-based identity. */
const COOKIE_AUTH = /SessionMiddleware|AuthenticationMiddleware/;

export const djangoCsrfMiddlewareMissing: Rule = {
  meta: {
    id: 'K511',
    name: 'django-csrf-middleware-missing',
    summary: 'A Django `MIDDLEWARE` list with sessions but without `CsrfViewMiddleware`',
    severity: 'high',
    confidence: 'high',
    cwe: [352],
    owasp: 'A01:2021-Broken Access Control',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports the `MIDDLEWARE` (or the old `MIDDLEWARE_CLASSES`) setting of a Django settings module when it ' +
      'is a constant list that includes session or authentication middleware but no CSRF middleware ' +
      '(`django.middleware.csrf.CsrfViewMiddleware`, or any class with `Csrf` in its path, such as a ' +
      'project subclass).\n\n' +
      'Not reported: a list built at run time or changed after its assignment (`MIDDLEWARE += [...]`, ' +
      '`MIDDLEWARE.insert(...)`), a stack without sessions or authentication (a stateless API, where there ' +
      'is no ambient cookie for a forged request to carry), and development or test profiles.',
    why:
      '`CsrfViewMiddleware` is what checks the CSRF token on every unsafe request (POST, PUT, DELETE...). ' +
      'Removed from the stack, no view is protected, even those that never opted out: any page the user ' +
      'visits can submit forms to the site with the user\'s session cookie. Decorating individual views with ' +
      '`@csrf_protect` is easy to forget on the next one.',
    bad:
      'MIDDLEWARE = [\n    "django.middleware.security.SecurityMiddleware",\n    "django.contrib.sessions.middleware.SessionMiddleware",\n' +
      '    "django.middleware.common.CommonMiddleware",\n    "django.contrib.auth.middleware.AuthenticationMiddleware",\n]\n',
    good:
      'MIDDLEWARE = [\n    "django.middleware.security.SecurityMiddleware",\n    "django.contrib.sessions.middleware.SessionMiddleware",\n' +
      '    "django.middleware.common.CommonMiddleware",\n    "django.middleware.csrf.CsrfViewMiddleware",\n' +
      '    "django.contrib.auth.middleware.AuthenticationMiddleware",\n]\n',
    references: [
      'https://cwe.mitre.org/data/definitions/352.html',
      'https://docs.djangoproject.com/en/stable/ref/csrf/',
      'https://docs.djangoproject.com/en/stable/ref/middleware/#module-django.middleware.csrf',
    ],
  },
  textHint: /MIDDLEWARE/,
  module(ctx) {
    const model = ctx.model;
    if (!isDeployableSettings(model)) return;
    for (const name of NAMES) {
      const assignments = moduleSettings(model).get(name) ?? [];
      if (assignments.length === 0) continue;
      // Changed after the assignment: the final list is not the literal one.
      if (new RegExp(`\\b${name}\\s*(\\+=|\\.(append|insert|extend)\\b)|\\b${name}\\b\\s*\\[`).test(model.text)) continue;
      let lists = 0;
      let protectedSomewhere = false;
      for (const a of assignments) {
        const elems = a.value ? sequenceElements(a.value, model) : undefined;
        const strings = elems?.map((e) => model.constantString(e));
        if (!strings || strings.some((s) => s === undefined)) {
          protectedSomewhere = true;
          break;
        }
        lists++;
        if (strings.some((s) => /csrf/i.test(s ?? ''))) protectedSomewhere = true;
      }
      if (protectedSomewhere || lists === 0) continue;
      const last = assignments[assignments.length - 1];
      const strings = (last.value ? sequenceElements(last.value, model) : [])?.map((e) => model.constantString(e) ?? '') ?? [];
      if (!strings.some((s) => COOKIE_AUTH.test(s))) continue;
      ctx.report({
        node: last.node,
        message: `${name} enables sessions but has no CsrfViewMiddleware: no view checks CSRF tokens, so any site can submit requests with the user's session; add "django.middleware.csrf.CsrfViewMiddleware" after SessionMiddleware`,
      });
    }
  },
};
