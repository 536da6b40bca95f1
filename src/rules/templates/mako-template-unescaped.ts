import type { Node } from 'web-tree-sitter';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { boundValue } from '../helpers.js';
import type { Rule } from '../types.js';
import { isPlainText } from './shared.js';

const TEMPLATE = ['mako.template.Template'];
const LOOKUP = ['mako.lookup.TemplateLookup'];

/** Mako's expression syntax, kept out of string literals that look like JavaScript templates to linters. */
const EXPR = (inner: string) => `$${'{'}${inner}}`;

/** The HTML-escaping filters of Mako: `h` (markupsafe), and `x` for XML. */
const ESCAPING = new Set(['h', 'x']);

/** `default_filters=[...]`: true when it escapes, false when it visibly does not, undefined when unknown. */
function filtersEscape(node: Node, model: ModuleModel): boolean | undefined {
  const v = boundValue(node, model);
  if (v.type !== 'list' && v.type !== 'tuple') return undefined;
  let known = true;
  for (const item of v.namedChildren) {
    if (!item || item.type === 'comment') continue;
    const name = model.constantString(item);
    if (name === undefined) known = false;
    else if (ESCAPING.has(name.trim())) return true;
  }
  return known ? false : undefined;
}

export const makoTemplateUnescaped: Rule = {
  meta: {
    id: 'K131',
    name: 'mako-template-unescaped',
    summary: 'A Mako `Template` or `TemplateLookup` without an HTML-escaping default filter',
    severity: 'medium',
    confidence: 'medium',
    cwe: [79],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B702'], ruff: ['S702'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `mako.template.Template(...)` and `mako.lookup.TemplateLookup(...)` created without ' +
      '`default_filters` that include the escaping filter `h` (or `x`). Mako escapes nothing by default.\n\n' +
      'Not reported: `default_filters=["h"]` (or `["str", "h"]`…), a `default_filters` value the rule ' +
      'cannot read, a `Template` whose constant text contains no HTML tag (a plain-text or configuration ' +
      `template), and calls with \`**options\`. Templates that escape each expression with \`${EXPR('x | h')}\` are ` +
      'still reported: one forgotten `| h` is enough, and the default filter makes it impossible to forget.',
    why:
      `Each \`${EXPR('expression')}\` in a Mako template is written to the output as it is. In an HTML page, a value ` +
      'that contains `<script>` or closes an attribute runs in the visitor\'s browser (XSS). Setting ' +
      `\`default_filters=["h"]\` escapes every expression, and \`${EXPR('trusted | n')}\` opts a known-safe fragment ` +
      'out explicitly.',
    bad:
      'from mako.lookup import TemplateLookup\n\n' +
      'templates = TemplateLookup(directories=["templates"])\n\n\n' +
      'def comment_page(comment: str) -> str:\n' +
      '    return templates.get_template("comment.html").render(comment=comment)\n',
    good:
      'from mako.lookup import TemplateLookup\n\n' +
      'templates = TemplateLookup(directories=["templates"], default_filters=["str", "h"])\n\n\n' +
      'def comment_page(comment: str) -> str:\n' +
      '    return templates.get_template("comment.html").render(comment=comment)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/79.html',
      'https://docs.makotemplates.org/en/latest/filtering.html#the-default-filters-argument',
    ],
  },
  callees: [...TEMPLATE, ...LOOKUP],
  call(call, ctx) {
    const model = ctx.model;
    if (call.hasStarKwargs) return;
    const filters = call.keywords.get('default_filters');
    if (filters && filtersEscape(filters, model) !== false) return;
    if (TEMPLATE.includes(call.callee ?? '')) {
      const text = argument(call, 0, 'text');
      const s = text ? model.constantString(text) : undefined;
      if (s !== undefined && isPlainText(s)) return;
    }
    const what = LOOKUP.includes(call.callee ?? '') ? 'TemplateLookup()' : 'mako Template()';
    ctx.report({
      node: call.node,
      message: `${what} without default_filters=["h"]: Mako writes every ${EXPR('expression')} unescaped, so values in HTML can carry script; add default_filters=["h"]`,
    });
  },
};
