import { argument } from '../../semantics/model.js';
import { excerpt } from '../helpers.js';
import type { Rule } from '../types.js';
import { htmlRisk } from './shared.js';

const MARKUP = ['markupsafe.Markup', 'flask.Markup', 'jinja2.Markup', 'jinja2.utils.Markup', 'flask.helpers.Markup'];

export const markupDynamicHtml: Rule = {
  meta: {
    id: 'K133',
    name: 'markup-dynamic-html',
    summary: '`markupsafe.Markup(...)` of text that is not constant',
    severity: 'medium',
    confidence: 'medium',
    cwe: [79],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B704'], ruff: ['S704'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `markupsafe.Markup(text)` (also imported through `flask` or old `jinja2`) when the text is ' +
      'not constant: built in sight with a value that is not escaped (medium confidence), or an opaque ' +
      'value (low confidence: it may have been escaped elsewhere).\n\n' +
      'Not reported: constant markup, including the safe idioms `Markup("<b>{}</b>").format(name)` and ' +
      '`Markup("<b>%s</b>") % name` (Markup escapes the values it formats); text whose every variable part ' +
      'is escaped or sanitized (`escape`, `Markup.escape`, `html.escape`, `bleach.clean`, `render_template`); ' +
      'numbers and choices between constants.',
    why:
      '`Markup` tells Jinja2 (and Flask templates) that the text is already safe HTML, so autoescaping skips ' +
      'it. If the text contains a value from a user, any `<script>` or event-handler attribute in that value ' +
      'reaches the browser as markup (XSS). Build markup from a constant template instead: ' +
      '`Markup("<a href=\\"{}\\">{}</a>").format(url, label)` escapes each value.',
    bad:
      'from markupsafe import Markup\n\n\n' +
      'def greeting(name: str) -> Markup:\n' +
      '    return Markup(f"<p>Hello, <b>{name}</b>!</p>")\n',
    good:
      'from markupsafe import Markup\n\n\n' +
      'def greeting(name: str) -> Markup:\n' +
      '    return Markup("<p>Hello, <b>{}</b>!</p>").format(name)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/79.html',
      'https://markupsafe.palletsprojects.com/en/stable/escaping/#markupsafe.Markup',
    ],
  },
  callees: MARKUP,
  call(call, ctx) {
    const text = argument(call, 0, 'base');
    if (!text) return;
    const risk = htmlRisk(text, ctx.model);
    if (!risk) return;
    ctx.report({
      node: call.node,
      message: risk.built
        ? `Markup() of HTML with a value that is not escaped (${excerpt(risk.culprit, 30)}) disables autoescaping for it; use Markup("…{}…").format(value), which escapes the value`
        : `Markup() of text that is not constant (${excerpt(risk.culprit, 30)}): if any of it comes from a user it is rendered as HTML; escape it first, or build it with Markup("…{}…").format(value)`,
      ...(risk.built && risk.safety === 'unsafe' ? {} : { confidence: 'low' as const }),
    });
  },
};
