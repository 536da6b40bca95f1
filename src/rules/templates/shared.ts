import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { compose, judgeHoles, safety, type Safety, type Trust } from '../injection/strings.js';

/** Django's form classes. `str(form)` renders the form through its templates, which escape every value. */
const DJANGO_FORMS = new Set(['django.forms.Form', 'django.forms.ModelForm', 'django.forms.BaseForm', 'django.forms.forms.Form', 'django.forms.forms.BaseForm', 'django.forms.models.ModelForm', 'django.forms.models.BaseModelForm']);
const PROPERTY = /^@\s*(?:[\w.]+\.)?(?:property|cached_property)\s*$/;
const MAX_FORM_DEPTH = 4;

function definitionAt(root: Node, at: number, type: string): Node | undefined {
  let n: Node | null = root.descendantForIndex(at);
  while (n && n.type !== type) n = n.parent;
  return n ?? undefined;
}

/** A class a call builds is a Django form: one of DJANGO_FORMS, or a class of the module deriving from one. */
function isFormClass(fn: Node, model: ModuleModel, depth: number): boolean {
  const q = model.qualifiedName(fn);
  if (q !== undefined && DJANGO_FORMS.has(q)) return true;
  if (fn.type !== 'identifier' || depth > MAX_FORM_DEPTH) return false;
  const b = model.lookup(fn.text, fn.startIndex);
  if (b?.kind !== 'class') return false;
  const cls = definitionAt(fn.tree.rootNode, b.at, 'class_definition');
  const bases = cls?.childForFieldName('superclasses')?.namedChildren ?? [];
  return bases.some((base) => base !== null && base.type !== 'keyword_argument' && isFormClass(base, model, depth + 1));
}

/** The nodes of a function's own body, not of the functions, classes and lambdas nested in it. */
function* ownNodes(fn: Node): Generator<Node> {
  const stack: Node[] = [fn];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    for (const c of n.namedChildren) {
      if (!c || c.type === 'function_definition' || c.type === 'class_definition' || c.type === 'lambda') continue;
      yield c;
      stack.push(c);
    }
  }
}

/** Every value a function binds to `name`; none when a loop or `+=` rebinds it. */
function assignedValues(fn: Node, name: string): Node[] {
  const out: Node[] = [];
  for (const c of ownNodes(fn)) {
    const left = c.childForFieldName('left');
    if (!left) continue;
    // `form, extra = build()`: bound by unpacking, to something this does not judge.
    if (left.type !== 'identifier' && left.namedChildren.some((t) => t?.type === 'identifier' && t.text === name)) return [];
    if (left.text !== name) continue;
    if (c.type === 'augmented_assignment' || c.type === 'for_statement') return [];
    const v = c.type === 'assignment' ? c.childForFieldName('right') : null;
    if (v) out.push(v);
  }
  return out;
}

/** Return values of a function body; undefined when a bare `return` returns None. */
function returnedValues(fn: Node): Node[] | undefined {
  const out: Node[] = [];
  for (const c of ownNodes(fn)) {
    if (c.type !== 'return_statement') continue;
    const v = c.namedChildren.find((x) => x !== null && x.type !== 'comment');
    if (!v) return undefined;
    out.push(v);
  }
  return out;
}

/**
 * A Django form instance: a form class called, a name every assignment of which in its function is one, or
 * `self.NAME` where NAME is a property of the enclosing class every return of which is one.
 */
export function isDjangoForm(node: Node, model: ModuleModel, depth = 0): boolean {
  if (depth > MAX_FORM_DEPTH) return false;
  const n = unparen(node);
  // Each step down (a name to its assignments, a property to its returns) counts against the depth.
  const all = (values: Node[] | undefined): boolean => values !== undefined && values.length > 0 && values.every((v) => isDjangoForm(v, model, depth + 1));
  if (n.type === 'call') {
    const fn = n.childForFieldName('function');
    return fn !== null && isFormClass(fn, model, 0);
  }
  let fn: Node | null = n.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  if (n.type === 'identifier') return fn !== null && all(assignedValues(fn, n.text));
  if (n.type !== 'attribute' || n.childForFieldName('object')?.text !== 'self' || !fn) return false;
  const attr = n.childForFieldName('attribute')?.text;
  let cls: Node | null = fn.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  const body = cls?.childForFieldName('body');
  for (const member of body?.namedChildren ?? []) {
    if (member?.type !== 'decorated_definition') continue;
    const def = member.childForFieldName('definition');
    if (def?.type !== 'function_definition' || def.childForFieldName('name')?.text !== attr) continue;
    if (!member.namedChildren.some((d) => d?.type === 'decorator' && PROPERTY.test(d.text))) return false;
    return all(returnedValues(def));
  }
  return false;
}

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
  safeValue: (node, model) => isDjangoForm(node, model),
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
