import type { Node } from 'web-tree-sitter';
import { constantTruth, mayContainWord } from '../helpers.js';
import type { Rule } from '../types.js';
import { securitySettings } from './cookies.js';
import { importsAny, isTestContext } from './shared.js';

const ENABLED = 'WTF_CSRF_ENABLED';
const CHECK_DEFAULT = 'WTF_CSRF_CHECK_DEFAULT';
const KEYS = new Set([ENABLED, CHECK_DEFAULT]);

const RISK = 'forms accept submissions from any site the user visits, carried by the user\'s session cookie';

export const flaskWtfCsrfDisabled: Rule = {
  meta: {
    id: 'K512',
    name: 'flask-wtf-csrf-disabled',
    summary: 'Flask-WTF CSRF protection switched off (`WTF_CSRF_ENABLED = False`, `csrf = False` in a form\'s `Meta`)',
    severity: 'medium',
    confidence: 'high',
    cwe: [352],
    owasp: 'A01:2021-Broken Access Control',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports Flask-WTF\'s CSRF protection turned off with a false literal:\n\n' +
      '- `WTF_CSRF_ENABLED = False` in `app.config[...]`, `app.config.update(...)`, a Flask config class or ' +
      'config module;\n' +
      '- `WTF_CSRF_CHECK_DEFAULT = False`, at medium confidence: `CSRFProtect` then checks only the views ' +
      'that call `csrf.protect()` themselves;\n' +
      '- `csrf = False` in the `Meta` class of a form, and `meta={"csrf": False}` passed to a form, in a ' +
      'module that imports `flask_wtf`.\n\n' +
      'Test setups are not reported: a test file (`conftest.py`, `test_*.py`), a class or function whose name ' +
      'says test (`class TestingConfig`), or a mapping or class that also sets `TESTING = True` - switching ' +
      'CSRF off there is the documented way to test forms. Development profiles (`class DevelopmentConfig`) ' +
      'are skipped too. That CSRFProtect is never initialised cannot be seen from one module and is not reported.',
    why:
      'Flask-WTF\'s CSRF token is what tells the application that a form submission came from its own pages. ' +
      'Without it, a page on any other site can post to the application in the background, and the browser ' +
      'adds the user\'s session cookie: passwords, e-mail addresses and payment details can be changed on ' +
      'the user\'s behalf.',
    bad: 'from flask import Flask\nfrom flask_wtf.csrf import CSRFProtect\n\napp = Flask(__name__)\napp.config["WTF_CSRF_ENABLED"] = False\ncsrf = CSRFProtect(app)\n',
    good: 'from flask import Flask\nfrom flask_wtf.csrf import CSRFProtect\n\napp = Flask(__name__)\napp.config["WTF_CSRF_TIME_LIMIT"] = 3600\ncsrf = CSRFProtect(app)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/352.html',
      'https://flask-wtf.readthedocs.io/en/stable/config/',
      'https://flask-wtf.readthedocs.io/en/stable/csrf/',
    ],
  },
  textHint: /WTF_CSRF_|csrf/,
  module(ctx) {
    const model = ctx.model;
    for (const { entry, confidence } of securitySettings(model, KEYS)) {
      if (constantTruth(entry.value, model) !== false) continue;
      const checkDefault = entry.key === CHECK_DEFAULT;
      ctx.report({
        node: entry.node,
        message: checkDefault
          ? `${CHECK_DEFAULT} = False leaves CSRF checks to each view calling csrf.protect(), and every view that forgets is open: ${RISK}; keep the default (True) and exempt only what must be`
          : `${ENABLED} = False turns off Flask-WTF CSRF protection: ${RISK}; keep it on outside tests`,
        confidence: checkDefault && confidence === 'high' ? 'medium' : confidence,
      });
    }
    if (!importsAny(model, ['flask_wtf'])) return;
    // class Meta: csrf = False
    for (const a of model.assignments) {
      if (a.scope.kind !== 'class' || !a.value || !a.scope.qualname.endsWith('.Meta')) continue;
      if (!a.targets.some((t) => t.type === 'identifier' && t.text === 'csrf')) continue;
      if (constantTruth(a.value, model) !== false) continue;
      if (isTestContext({ node: a.node, siblings: () => new Map() }, model)) continue;
      ctx.report({ node: a.node, message: `csrf = False in the form's Meta turns off CSRF protection for this form: ${RISK}; remove it` });
    }
    // Form(meta={"csrf": False})
    for (const call of model.calls) {
      // Only a call whose text has `meta` in it can pass `meta=`: the others' arguments are not parsed.
      if (!mayContainWord(model, call.node, 'meta')) continue;
      const meta = call.keywords.get('meta');
      if (meta?.type !== 'dictionary') continue;
      for (const pair of meta.namedChildren) {
        if (pair?.type !== 'pair') continue;
        const k = pair.childForFieldName('key');
        const v = pair.childForFieldName('value') as Node | null;
        if (!k || !v || model.constantString(k) !== 'csrf' || constantTruth(v, model) !== false) continue;
        if (isTestContext({ node: call.node, siblings: () => new Map() }, model)) continue;
        ctx.report({ node: pair, message: `meta={"csrf": False} turns off CSRF protection for this form: ${RISK}; remove it` });
      }
    }
  },
};
