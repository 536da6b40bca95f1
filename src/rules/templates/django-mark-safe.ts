import { argument } from '../../semantics/model.js';
import { excerpt } from '../helpers.js';
import { compose, judgeHoles } from '../injection/strings.js';
import type { Rule } from '../types.js';
import { HTML_TRUST, htmlRisk } from './shared.js';

const MARK_SAFE = [
  'django.utils.safestring.mark_safe',
  'django.utils.html.mark_safe',
  'django.utils.safestring.SafeString',
  'django.utils.safestring.SafeText',
];
const FORMAT_HTML = ['django.utils.html.format_html'];

export const djangoMarkSafe: Rule = {
  meta: {
    id: 'K132',
    name: 'django-mark-safe',
    summary: 'Django `mark_safe()`/`SafeString` of text that is not constant, or `format_html()` with a pre-formatted format string',
    severity: 'medium',
    confidence: 'medium',
    cwe: [79],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B703', 'B308'], ruff: ['S308'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `django.utils.safestring.mark_safe()`, `SafeString(...)` and `SafeText(...)` when the text is ' +
      'not constant:\n\n' +
      '- built in sight (f-string, `%`, `.format`, `+`, `join`) with a value that is not escaped: medium ' +
      'confidence;\n' +
      '- an opaque value (a parameter, an attribute, the result of an unknown call): low confidence, since ' +
      'it may have been escaped elsewhere.\n\n' +
      'Also reports `format_html()` whose format string already has values formatted into it ' +
      '(`format_html(f"<b>{name}</b>")`), which bypasses the escaping `format_html` exists for.\n\n' +
      'Not reported: constant markup; text whose every variable part is escaped or sanitized ' +
      '(`escape`, `conditional_escape`, `format_html`, `format_html_join`, `json_script`, `bleach.clean`, ' +
      '`render_to_string`, a template\'s `render()`, a Django form or error list rendered with `as_ul()`, ' +
      '`as_p()`, `as_table()`, `as_div()`, `as_widget()` or `label_tag()`, or a Django form instance ' +
      'itself, `str(form)` or `"%s" % form`, which renders through the same escaping templates: a form ' +
      'class called, a name every assignment of which in its function is one, or `self.NAME` for a ' +
      '`@property`/`@cached_property` every return of which is one; a property that may return something ' +
      'else is still reported), numbers, and choices between ' +
      'constants; `mark_safe` ' +
      'used as a decorator.',
    why:
      'Django escapes every value a template prints unless it is marked safe. `mark_safe()` is a promise that ' +
      'the text contains no markup from outside; when it contains a user\'s name, a comment or a query ' +
      'parameter, that promise is false and `<script>` in the value runs in the browser (XSS). ' +
      '`format_html()` builds markup and escapes each argument, which is what the code usually wants, but ' +
      'only for the arguments: text formatted into the format string beforehand is not escaped.',
    bad:
      'from django.utils.safestring import mark_safe\n\n\n' +
      'def user_badge(user) -> str:\n' +
      '    return mark_safe(f"<span class=\\"badge\\">{user.display_name}</span>")\n',
    good:
      'from django.utils.html import format_html\n\n\n' +
      'def user_badge(user) -> str:\n' +
      '    return format_html(\'<span class="badge">{}</span>\', user.display_name)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/79.html',
      'https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.safestring.mark_safe',
      'https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html',
    ],
  },
  callees: [...MARK_SAFE, ...FORMAT_HTML],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    const name = callee.slice(callee.lastIndexOf('.') + 1);
    if (FORMAT_HTML.includes(callee)) {
      const format = argument(call, 0, 'format_string');
      const composed = format ? compose(format, model) : undefined;
      if (!composed || composed.holes.length === 0) return;
      const judged = judgeHoles(composed, model, HTML_TRUST);
      if (judged.safety === 'safe' || !judged.culprit) return;
      ctx.report({
        node: call.node,
        message: `format_html() gets a format string with ${excerpt(judged.culprit, 30)} already formatted in, so it is not escaped; pass it as an argument: format_html("…{}…", value)`,
      });
      return;
    }
    const text = argument(call, 0, 's');
    if (!text) return;
    const risk = htmlRisk(text, model);
    if (!risk) return;
    ctx.report({
      node: call.node,
      message: risk.built
        ? `${name}() of markup with a value that is not escaped (${excerpt(risk.culprit, 30)}): it is sent to the browser as HTML; build it with format_html(), which escapes each value`
        : `${name}() of text that is not constant (${excerpt(risk.culprit, 30)}): if any of it comes from a user it runs as HTML; escape it, or build it with format_html()`,
      ...(risk.built && risk.safety === 'unsafe' ? {} : { confidence: 'low' as const }),
    });
  },
};
