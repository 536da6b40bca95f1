import { constantTruth } from '../helpers.js';
import type { Rule } from '../types.js';
import { isBaseSettingsModule, isConditional, isDeployableSettings, isTestContext, LOWER } from './shared.js';

const RISK = 'error pages then show anyone the stack trace, local variables, most settings and the SQL that ran, and every query is kept in memory';
const ADVICE = 'read DEBUG from the environment with a default of False, and turn it on only on development machines';

export const djangoDebug: Rule = {
  meta: {
    id: 'K503',
    name: 'django-debug-enabled',
    summary: 'Django `DEBUG` literally switched on in a settings module',
    severity: 'medium',
    confidence: 'high',
    cwe: [489, 215],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `DEBUG = True` (or any literally true value, also through a constant name) at the top level of a ' +
      'Django settings module: a file named `settings.py`, a module of a `settings/` package, or a module that ' +
      'assigns `INSTALLED_APPS` or `MIDDLEWARE` at top level. Also `settings.configure(DEBUG=True)`.\n\n' +
      'Quieter than a text search:\n\n' +
      '- only settings modules are read, so `DEBUG = True` in a script, a test helper or a library is not reported;\n' +
      '- a settings module whose file name marks a development or test profile (`settings/dev.py`, ' +
      '`local_settings.py`, `settings/test.py`, `ci`, `sandbox`...) is skipped: debug is what it is for;\n' +
      '- only a literal value counts: `DEBUG = os.environ.get("DEBUG") == "1"` or `env.bool("DEBUG", default=False)` ' +
      'are clean, and so is a fallback such as `env.bool("DEBUG", default=True)` (a deliberate choice this rule ' +
      'does not second-guess);\n' +
      '- `DEBUG = True` inside an `if`/`try` at module level, or in a shared base profile (`settings/base.py`, ' +
      '`common.py`) that the production profile usually overrides, is reported at medium confidence.',
    why:
      'With `DEBUG` on, every unhandled exception renders a technical page with the full stack trace, the ' +
      'local variables of each frame, the request, and the settings (Django masks names that look secret, not ' +
      'everything that is); a 404 lists every URL pattern of the project. Attackers use these pages to map the ' +
      'application and harvest credentials. Debug mode also records every SQL query in memory and serves ' +
      'static files through Django. It is meant for a developer machine only.',
    bad: 'INSTALLED_APPS = ["django.contrib.admin", "shop"]\n\nDEBUG = True\n',
    good: 'import os\n\nINSTALLED_APPS = ["django.contrib.admin", "shop"]\n\nDEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"\n',
    references: [
      'https://cwe.mitre.org/data/definitions/489.html',
      'https://cwe.mitre.org/data/definitions/215.html',
      'https://docs.djangoproject.com/en/stable/ref/settings/#debug',
      'https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#debug',
    ],
  },
  textHint: /DEBUG/,
  callees: ['django.conf.settings.configure'],
  call(call, ctx) {
    const value = call.keywords.get('DEBUG');
    if (!value || constantTruth(value, ctx.model) !== true) return;
    const node = value.parent ?? value;
    if (isTestContext({ node, siblings: () => new Map() }, ctx.model)) return;
    ctx.report({ node, message: `settings.configure(DEBUG=True) turns on Django debug mode: ${RISK}; ${ADVICE}`, confidence: 'medium' });
  },
  assignment(assignment, ctx) {
    const model = ctx.model;
    if (assignment.scope.kind !== 'module' || !assignment.value) return;
    if (!assignment.targets.some((t) => t.type === 'identifier' && t.text === 'DEBUG')) return;
    if (constantTruth(assignment.value, model) !== true || !isDeployableSettings(model)) return;
    const uncertain = isConditional(assignment.node) || isBaseSettingsModule(model);
    ctx.report({
      node: assignment.node,
      message: `DEBUG = True in a settings module turns on Django debug mode: ${RISK}; ${ADVICE}`,
      ...(uncertain ? { confidence: LOWER.high } : {}),
    });
  },
};
