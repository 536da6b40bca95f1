/**
 * Secrets in a Python module: token formats inside string literals (including the constant parts of f-strings
 * and bytes) and comments, and literals bound to secret-like names. The module's text is searched first (cheap
 * substring and regex scans); the tree is consulted only at the few places a search matched, so no second walk
 * of the tree is made.
 */
import type { Node } from 'web-tree-sitter';
import { type ModuleModel, tupleElements } from '../semantics/module.js';
import { unparen } from '../syntax/nodes.js';
import { isPasswordName, secretValueName } from './names.js';
import { maskSpans } from './redact.js';
import { awsSecretKeys, type BindingKind, type BoundValue, classifyBound, findTokens, inTestCode, isTestPath, type SecretHit } from './detect.js';

/**
 * A secret-like word, then the rest of the name, an optional closing quote and bracket (`d["password"]`), an
 * optional annotation (`password: str`), an assignment, comparison or mapping operator, and a string literal.
 */
const BOUND_CANDIDATE = /(?:pass|pw|secret|token|key|cred|auth)[A-Za-z0-9_-]*["']?\]?\s*(?::\s*[A-Za-z_][\w.]*\s*)?(?:[=!]=|=|:|\()\s*\(?\s*[rRbBuU]{0,2}["']/gi;

/** The literal text of a string node when it is a plain constant (f-strings with replacement fields are not). */
function literalValue(node: Node, model: ModuleModel): string | undefined {
  return model.constantString(node);
}

/** The range inside the quotes of a string (or of an implicitly concatenated run of them). */
export function contentSpan(node: Node): { start: number; end: number } {
  const first = node.type === 'concatenated_string' ? (node.firstNamedChild ?? node) : node;
  const last = node.type === 'concatenated_string' ? (node.lastNamedChild ?? node) : node;
  const start = first.child(0)?.type === 'string_start' ? (first.child(0) as Node).endIndex : first.startIndex;
  const lastChild = last.child(last.childCount - 1);
  const end = lastChild?.type === 'string_end' ? lastChild.startIndex : last.endIndex;
  return { start, end: Math.max(start, end) };
}

/** The name a target expression stands for: `x`, `obj.attr` → attr, `d["key"]` → key. */
function targetName(node: Node, model: ModuleModel): string | undefined {
  const n = unparen(node);
  if (n.type === 'identifier') return n.text;
  if (n.type === 'attribute') return n.childForFieldName('attribute')?.text;
  if (n.type === 'subscript') {
    const key = n.childForFieldName('subscript');
    return key ? model.constantString(key) : undefined;
  }
  return undefined;
}

/** Where a string literal sits: the name it is bound to and how. */
function binding(literal: Node, model: ModuleModel): { name: string; binding: BindingKind } | undefined {
  const parent = literal.parent;
  if (!parent) return undefined;
  switch (parent.type) {
    case 'assignment': {
      if (parent.childForFieldName('right')?.id !== literal.id) return undefined;
      const left = parent.childForFieldName('left');
      const name = left ? targetName(left, model) : undefined;
      return name ? { name, binding: 'assigned' } : undefined;
    }
    case 'keyword_argument': {
      if (parent.childForFieldName('value')?.id !== literal.id) return undefined;
      const name = parent.childForFieldName('name')?.text;
      if (!name) return undefined;
      const call = parent.parent?.parent;
      const isDict = call?.type === 'call' && call.childForFieldName('function')?.text === 'dict';
      return { name, binding: isDict ? 'dict key' : 'keyword' };
    }
    case 'default_parameter':
    case 'typed_default_parameter': {
      if (parent.childForFieldName('value')?.id !== literal.id) return undefined;
      const name = parent.childForFieldName('name')?.text;
      return name ? { name, binding: 'default' } : undefined;
    }
    case 'comparison_operator': {
      const operands = parent.namedChildren.filter((c): c is Node => c !== null && c.id !== literal.id);
      const ops = parent.children.filter((c) => c !== null && (c.type === '==' || c.type === '!=')).length;
      if (operands.length !== 1 || ops !== 1) return undefined;
      const name = targetName(operands[0], model);
      return name ? { name, binding: 'compared' } : undefined;
    }
    case 'pair': {
      if (parent.childForFieldName('value')?.id !== literal.id) return undefined;
      const key = parent.childForFieldName('key');
      const name = key ? model.constantString(key) : undefined;
      return name ? { name, binding: 'dict key' } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * `user, password = "app", "s3cret"`: the literals of a tuple assigned to as many targets, each with its
 * target's name. The text search lands on one of them (often the first); every one is returned.
 */
function unpacked(literal: Node, model: ModuleModel): { literal: Node; name: string }[] {
  const tuple = literal.parent;
  const assignment = tuple?.parent;
  if (!tuple || assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== tuple.id) return [];
  const left = assignment.childForFieldName('left');
  const values = tupleElements(tuple);
  const targets = left ? tupleElements(left) : undefined;
  if (!values || !targets || values.length !== targets.length) return [];
  const out: { literal: Node; name: string }[] = [];
  values.forEach((v, i) => {
    const name = v.type === 'string' || v.type === 'concatenated_string' ? targetName(targets[i], model) : undefined;
    if (name) out.push({ literal: v, name });
  });
  return out;
}

const NAME_CHAR = /[A-Za-z0-9_-]/;

/** Names the classification can accept (see `classifyBound`): passwords, secret names, AWS secret names. */
function mayNameSecret(name: string): boolean {
  return isPasswordName(name) || secretValueName(name) !== undefined || /aws/i.test(name) || AUTH_CLASS.test(name);
}

/** Keywords that take a `(user, password)` pair: requests, httpx, aiohttp, elasticsearch, and the like. */
const AUTH_PAIR_KEYWORDS = new Set(['auth', 'basic_auth', 'http_auth', 'proxy_auth', 'credentials']);

/** `auth=("user", "s3cret")`: the second literal of the pair is a password. */
function authPair(literal: Node): { literal: Node; name: string }[] {
  const tuple = literal.parent;
  const kw = tuple?.parent;
  if (tuple?.type !== 'tuple' || kw?.type !== 'keyword_argument' || kw.childForFieldName('value')?.id !== tuple.id) return [];
  const name = kw.childForFieldName('name')?.text;
  const items = tupleElements(tuple);
  if (!name || !AUTH_PAIR_KEYWORDS.has(name) || items?.length !== 2 || items[1].type !== 'string') return [];
  return [{ literal: items[1], name }];
}

/** `HTTPBasicAuth("user", "s3cret")` (requests, httpx, aiohttp): the second argument is a password. */
const AUTH_CLASS = /(?:Basic|Digest|Proxy)Auth$/;

function authCall(literal: Node): { literal: Node; name: string }[] {
  const args = literal.parent;
  const call = args?.parent;
  if (args?.type !== 'argument_list' || call?.type !== 'call') return [];
  const callee = call.childForFieldName('function')?.text ?? '';
  const name = callee.slice(callee.lastIndexOf('.') + 1);
  if (!AUTH_CLASS.test(name)) return [];
  const positional = args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument');
  return positional[0]?.id === literal.id && positional[1]?.type === 'string' ? [{ literal: positional[1], name }] : [];
}

/** Literals bound to secret-like names, found from the text and confirmed in the tree. */
function boundValues(model: ModuleModel): BoundValue[] {
  const text = model.text;
  const out: BoundValue[] = [];
  const seen = new Set<number>();
  const root = model.tree.rootNode;
  BOUND_CANDIDATE.lastIndex = 0;
  for (let m = BOUND_CANDIDATE.exec(text); m !== null; m = BOUND_CANDIDATE.exec(text)) {
    // The whole name around the secret-like word, read from the text: most candidates (`key = "name"`,
    // `sort_key="x"`) end here, before any tree access.
    let from = m.index;
    while (from > 0 && NAME_CHAR.test(text[from - 1])) from--;
    const end = m.index + (/^[A-Za-z0-9_-]+/.exec(m[0])?.[0].length ?? 0);
    // Two readings: an identifier (`api_key`) and a key that may hold dashes (`"x-api-key"`).
    const wide = text.slice(from, end);
    const narrow = wide.slice(wide.lastIndexOf('-') + 1);
    if (!mayNameSecret(narrow) && !mayNameSecret(wide)) continue;
    const quote = m.index + m[0].length - 1;
    const start = root.descendantForIndex(quote, quote + 1);
    if (start?.type !== 'string_start') continue;
    let literal = start.parent;
    if (literal?.type !== 'string') continue;
    if (literal.parent?.type === 'concatenated_string') literal = literal.parent;
    const where = binding(literal, model);
    const found: { literal: Node; name: string; binding: BindingKind }[] = where
      ? [{ literal, name: where.name, binding: where.binding }]
      : [
          ...unpacked(literal, model).map((u) => ({ ...u, binding: 'assigned' as const })),
          ...authPair(literal).map((u) => ({ ...u, binding: 'auth pair' as const })),
          ...authCall(literal).map((u) => ({ ...u, binding: 'auth call' as const })),
        ];
    for (const f of found) {
      if (seen.has(f.literal.startIndex)) continue;
      seen.add(f.literal.startIndex);
      const value = literalValue(f.literal, model);
      if (value !== undefined) out.push({ name: f.name, value, span: contentSpan(f.literal), binding: f.binding });
    }
  }
  return out;
}

/** True when a token found in the text lies inside one string's content or one comment. */
function inLiteralOrComment(model: ModuleModel, start: number, end: number): boolean {
  const node = model.tree.rootNode.descendantForIndex(start, Math.max(start, end - 1));
  if (!node) return false;
  if (node.type === 'comment' || node.type === 'string_content') return true;
  // An escape sequence inside the token (`\n` in a PEM block) makes the smallest node the string itself.
  if (node.type === 'string') {
    const first = node.child(0);
    const last = node.child(node.childCount - 1);
    return !!first && !!last && start >= first.endIndex && end <= last.startIndex && !node.children.some((c) => c?.type === 'interpolation' && c.startIndex < end && c.endIndex > start);
  }
  // A private key or a long token written as implicitly concatenated literals.
  return node.type === 'concatenated_string';
}

/**
 * True when an index lies in a docstring or another string that stands alone as a statement: documentation,
 * whose connection URLs are examples (`postgresql://scott:tiger@localhost/test`), not configuration.
 */
function inDocumentation(model: ModuleModel, index: number): boolean {
  let node: Node | null = model.tree.rootNode.descendantForIndex(index, index);
  while (node && node.type !== 'string' && node.type !== 'comment') node = node.parent;
  if (node?.type !== 'string') return false;
  const holder = node.parent?.type === 'concatenated_string' ? node.parent : node;
  return holder.parent?.type === 'expression_statement' && holder.parent.namedChildren.length === 1;
}

const cache = new WeakMap<ModuleModel, SecretHit[]>();

/** Every secret in a module, computed once and shared by the K6xx rules. */
export function pythonSecrets(model: ModuleModel): SecretHit[] {
  let hits = cache.get(model);
  if (hits) return hits;
  const tokens = findTokens(model.text).filter((h) => inLiteralOrComment(model, h.span.start, h.span.end));
  const bound = boundValues(model);
  const aws = awsSecretKeys(model.text, tokens, bound).filter((h) => inLiteralOrComment(model, h.span.start, h.span.end));
  hits = [...tokens, ...aws];
  for (const b of bound) {
    const hit = classifyBound(b);
    if (hit) hits.push(hit);
  }
  if (hits.length > 0 && isTestPath(model.relPath)) for (const h of hits) inTestCode(h);
  // A URL with a password in documentation is an example of the syntax; a provider token there is still a token.
  for (const h of hits) if (h.kind === 'url' && inDocumentation(model, h.span.start)) h.confidence = 'low';
  cache.set(model, hits);
  return hits;
}

const masked = new WeakMap<ModuleModel, readonly string[]>();

/**
 * The module's lines with every secret the detectors find masked, whichever rules run: what a snippet or a
 * fingerprint built outside the rule pipeline (the taint sinks) must read instead of `model.lines`.
 */
export function maskedLines(model: ModuleModel): readonly string[] {
  let lines = masked.get(model);
  if (!lines) {
    const spans = pythonSecrets(model).map((h) => h.secret);
    lines = spans.length === 0 ? model.lines : maskSpans(model.text, spans).split(/\r\n|\r|\n/);
    masked.set(model, lines);
  }
  return lines;
}
