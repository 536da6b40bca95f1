import { argument } from '../../semantics/model.js';
import { isTestPath } from '../../semantics/test-code.js';
import { constantTruth } from '../helpers.js';
import type { Rule } from '../types.js';
import { isPlainText } from './shared.js';

const ENVIRONMENTS = ['jinja2.Environment', 'jinja2.environment.Environment', 'jinja2.sandbox.SandboxedEnvironment'];
const TEMPLATES = ['jinja2.Template', 'jinja2.environment.Template'];
/** aiohttp-jinja2 builds the app's environment itself, escaping by default: only an explicit False is reported. */
const AIOHTTP_SETUP = 'aiohttp_jinja2.setup';

export const jinja2AutoescapeOff: Rule = {
  meta: {
    id: 'K130',
    name: 'jinja2-autoescape-off',
    summary: 'A Jinja2 `Environment` or `Template` created with HTML autoescaping off (explicitly, or by leaving the default)',
    severity: 'medium',
    confidence: 'high',
    cwe: [79],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B701'], ruff: ['S701'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `jinja2.Environment(...)`, `jinja2.sandbox.SandboxedEnvironment(...)` and `jinja2.Template(...)` ' +
      '(and `aiohttp_jinja2.setup(...)`, whose default is on, when it passes `autoescape=False`) ' +
      'created with `autoescape=False` (any literally false value), or without `autoescape` at all, since ' +
      'Jinja2\'s default is off. A missing `autoescape` is reported at medium confidence: Jinja2 also renders ' +
      'plain text, where escaping is not wanted; in test code (`tests/`, `test_*.py`…) it is low confidence, ' +
      'since a test renders strings to compare, not pages.\n\n' +
      'Not reported: `autoescape=True`, `autoescape=select_autoescape(...)` or any other value the rule cannot ' +
      'read (a function deciding per template); a `Template` whose constant source contains no HTML tag ' +
      '(`Template("Hello {{ name }}")` renders text, not markup); `NativeEnvironment`, which renders Python ' +
      'values; calls with `**options`; and Flask\'s own environment, which escapes `.html` templates.',
    why:
      'Without autoescaping, every `{{ value }}` is inserted into the page as it is. A user name, comment or ' +
      'query parameter containing `<script>` or an `onerror=` attribute then runs in the browser of whoever ' +
      'views the page (stored or reflected XSS), with their session. Marking every variable `|e` by hand ' +
      'fails the first time someone forgets. Turn autoescaping on for HTML and XML templates with ' +
      '`select_autoescape()`, and mark the rare trusted fragment with `Markup` or `|safe`.',
    bad:
      'from jinja2 import Environment, FileSystemLoader\n\n' +
      'env = Environment(loader=FileSystemLoader("templates"))\n\n\n' +
      'def profile_page(user) -> str:\n' +
      '    return env.get_template("profile.html").render(user=user)\n',
    good:
      'from jinja2 import Environment, FileSystemLoader, select_autoescape\n\n' +
      'env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())\n\n\n' +
      'def profile_page(user) -> str:\n' +
      '    return env.get_template("profile.html").render(user=user)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/79.html',
      'https://jinja.palletsprojects.com/en/stable/api/#autoescaping',
      'https://jinja.palletsprojects.com/en/stable/api/#jinja2.select_autoescape',
    ],
  },
  callees: [...ENVIRONMENTS, ...TEMPLATES, AIOHTTP_SETUP],
  call(call, ctx) {
    const model = ctx.model;
    const autoescape = call.keywords.get('autoescape');
    if (call.callee === AIOHTTP_SETUP) {
      if (autoescape && constantTruth(autoescape, model) === false) {
        ctx.report({ node: call.node, message: 'aiohttp_jinja2.setup() with autoescape=False renders every template without HTML escaping (XSS); leave autoescape on' });
      }
      return;
    }
    const isTemplate = TEMPLATES.includes(call.callee ?? '');
    const kind = isTemplate ? 'jinja2.Template()' : `${call.callee?.replace(/^jinja2\.(?:environment\.|sandbox\.)?/, 'jinja2.')}()`;
    if (autoescape) {
      if (constantTruth(autoescape, model) !== false) return;
      ctx.report({
        node: call.node,
        message: `${kind} with autoescape=False inserts values into HTML unescaped (XSS); use autoescape=select_autoescape() or True`,
      });
      return;
    }
    if (call.hasStarKwargs) return;
    if (isTemplate) {
      const source = argument(call, 0, 'source');
      const text = source ? model.constantString(source) : undefined;
      if (text !== undefined && isPlainText(text)) return;
    }
    ctx.report({
      node: call.node,
      message: `${kind} without autoescape: Jinja2 does not escape by default, so values rendered into HTML can carry script; pass autoescape=select_autoescape() (or True)`,
      // A test's environment renders strings to compare, not pages a browser reads.
      confidence: isTestPath(model.relPath) ? 'low' : 'medium',
    });
  },
};
