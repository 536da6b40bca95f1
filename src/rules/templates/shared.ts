import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { compose, judgeHoles, safety, type Safety, type Trust } from '../injection/strings.js';

/** Functions whose result is safe to insert into HTML as markup: escapers, sanitizers, and autoescaping renderers. */
export const HTML_TRUST: Trust = {
  safe: new Set([
    'html.escape',
    'markupsafe.escape',
    'markupsafe.Markup.escape',
    'markupsafe.escape_silent',
    'flask.escape',
    'jinja2.escape',
    'jinja2.utils.escape',
    'django.utils.html.escape',
    'django.utils.html.conditional_escape',
    'django.utils.html.format_html',
    'django.utils.html.format_html_join',
    'django.utils.html.json_script',
    'django.utils.html.escapejs',
    'django.utils.text.slugify',
    'django.template.loader.render_to_string',
    'django.shortcuts.render_to_string',
    'flask.render_template',
    'flask.templating.render_template',
    'bleach.clean',
    'bleach.linkify',
    'nh3.clean',
    'urllib.parse.quote',
    'urllib.parse.quote_plus',
    'urllib.parse.urlencode',
    'django.utils.http.urlencode',
    '.escape',
    '.render',
    '.render_to_string',
    // Django forms render through their templates, which escape every value (form, field and error lists).
    '.as_ul',
    '.as_p',
    '.as_table',
    '.as_div',
    '.as_widget',
    '.as_hidden',
    '.label_tag',
  ]),
  weak: new Set(['django.utils.html.strip_tags', 'xml.sax.saxutils.escape', 'cgi.escape', '.strip_tags']),
};

export interface HtmlRisk {
  safety: Exclude<Safety, 'safe'>;
  /** The value that makes it risky; the whole argument when the text is not built in sight. */
  culprit: Node;
  /** The text is built in sight (f-string, `%`, `+`…) rather than an opaque value. */
  built: boolean;
}

/**
 * How risky it is to declare an expression "safe HTML": undefined when it is constant or made of escaped or
 * constant parts; otherwise the worst part, and whether the text was built in sight.
 */
export function htmlRisk(node: Node, model: ModuleModel): HtmlRisk | undefined {
  if (model.isConstant(node)) return undefined;
  const composed = compose(node, model);
  if (composed) {
    const judged = judgeHoles(composed, model, HTML_TRUST);
    if (judged.safety === 'safe' || !judged.culprit) return undefined;
    return { safety: judged.safety, culprit: judged.culprit, built: true };
  }
  const s = safety(node, model, HTML_TRUST);
  if (s === 'safe') return undefined;
  return { safety: s, culprit: node, built: false };
}

/** True when constant template text contains no HTML tag (a plain-text or config template). */
export function isPlainText(text: string): boolean {
  return !/<[A-Za-z!/]/.test(text);
}
