import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue } from '../helpers.js';

/** How a constant is used: passed to a call, given as a default, assigned, or something else (compared, listed…). */
export type ConstantContext =
  | { kind: 'argument'; call: Node; keyword?: string }
  | { kind: 'default'; parameter: Node }
  | { kind: 'assigned'; target: Node; statement: Node }
  | { kind: 'other' };

export interface ConstantUse {
  /** The identifier or attribute that names the constant (`ssl.PROTOCOL_TLSv1`, `PROTOCOL_TLSv1`). */
  node: Node;
  qualified: string;
  context: ConstantContext;
}

/** The expression a use stands in, and how that expression is used by its parent. */
function contextOf(node: Node): ConstantContext {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (!p) return { kind: 'other' };
  switch (p.type) {
    case 'argument_list':
      return p.parent?.type === 'call' ? { kind: 'argument', call: p.parent } : { kind: 'other' };
    case 'keyword_argument': {
      if (p.childForFieldName('value')?.id !== n.id) return { kind: 'other' };
      const call = p.parent?.parent;
      return call?.type === 'call' ? { kind: 'argument', call, keyword: p.childForFieldName('name')?.text } : { kind: 'other' };
    }
    case 'default_parameter':
    case 'typed_default_parameter':
      return p.childForFieldName('value')?.id === n.id ? { kind: 'default', parameter: p } : { kind: 'other' };
    case 'assignment': {
      const left = p.childForFieldName('left');
      return left && p.childForFieldName('right')?.id === n.id ? { kind: 'assigned', target: left, statement: p } : { kind: 'other' };
    }
    default:
      return { kind: 'other' };
  }
}

/**
 * Every use of the named constants in a module, found by a text search (cheap: most modules do not contain
 * the names) and confirmed by resolving the name through the imports. `pattern` must match the last part
 * of the names and carry the `g` flag.
 */
export function constantUses(model: ModuleModel, pattern: RegExp, names: ReadonlySet<string>): ConstantUse[] {
  const out: ConstantUse[] = [];
  const root = model.tree.rootNode;
  const seen = new Set<number>();
  for (const m of model.text.matchAll(pattern)) {
    const start = m.index ?? 0;
    const id = root.descendantForIndex(start, start + m[0].length);
    if (id?.type !== 'identifier' || id.text !== m[0]) continue;
    const parent = id.parent;
    // The name part of `a.b.NAME` stands for the whole attribute; a name inside an import is not a use.
    let node: Node = id;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id) node = parent;
    else if (parent?.type === 'attribute' || parent?.type === 'dotted_name' || parent?.type === 'aliased_import') continue;
    if (node.parent?.type === 'attribute' && node.parent.childForFieldName('object')?.id === node.id) continue;
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    const qualified = model.qualifiedName(node);
    if (!qualified || !names.has(qualified)) continue;
    out.push({ node, qualified, context: contextOf(node) });
  }
  return out;
}

/** The constant beginning of a string expression: `f"https://api.example.com/{x}"` → `https://api.example.com/`. */
export function constantPrefix(node: Node, model: ModuleModel, depth = 0): { text: string; complete: boolean } | undefined {
  if (depth > 8) return undefined;
  const whole = model.constantString(node);
  if (whole !== undefined) return { text: whole, complete: true };
  const n = boundValue(node, model);
  if (n.id !== unparen(node).id) return constantPrefix(n, model, depth + 1);
  switch (n.type) {
    case 'string': {
      let text = '';
      for (const child of n.children) {
        if (!child) continue;
        if (child.type === 'string_content') text += child.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
        else if (child.type === 'interpolation') {
          // `f"{BASE_URL}/users/{uid}"`: a constant field extends the prefix, the first variable one ends it.
          const expr = child.childForFieldName('expression');
          const plain = !child.childForFieldName('type_conversion') && !child.childForFieldName('format_specifier');
          const value = expr && plain ? model.constantString(expr) : undefined;
          if (value === undefined) return { text, complete: false };
          text += value;
        }
      }
      return { text, complete: false };
    }
    case 'concatenated_string':
    case 'binary_operator': {
      const parts =
        n.type === 'binary_operator'
          ? n.childForFieldName('operator')?.type === '+'
            ? [n.childForFieldName('left'), n.childForFieldName('right')]
            : n.childForFieldName('operator')?.type === '%'
              ? [n.childForFieldName('left')]
              : []
          : n.namedChildren;
      let text = '';
      for (const part of parts) {
        if (!part || part.type === 'comment') continue;
        const p = constantPrefix(part, model, depth + 1);
        if (!p) return text ? { text, complete: false } : undefined;
        text += p.text;
        if (!p.complete) return { text, complete: false };
      }
      if (n.type === 'binary_operator' && n.childForFieldName('operator')?.type === '%') return { text: text.split('%')[0], complete: false };
      return { text, complete: true };
    }
    case 'call': {
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'format') return undefined;
      const obj = fn.childForFieldName('object');
      const s = obj ? model.constantString(obj) : undefined;
      if (s === undefined) return undefined;
      const brace = s.search(/\{(?!\{)/);
      return { text: brace < 0 ? s : s.slice(0, brace), complete: brace < 0 };
    }
    default:
      return undefined;
  }
}

/** The host of a URL's authority, lower-cased, without user info, port or IPv6 brackets. */
export function urlHost(url: string): { scheme: string; host: string; hostComplete: boolean } | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([/?#])?/.exec(url);
  if (!m) return undefined;
  let authority = m[2];
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let host: string;
  if (authority.startsWith('[')) host = authority.slice(1, authority.indexOf(']') >= 0 ? authority.indexOf(']') : undefined);
  else host = authority.split(':')[0];
  return { scheme: m[1].toLowerCase(), host: host.toLowerCase(), hostComplete: m[3] !== undefined };
}

/** Reserved documentation and test domains (RFC 2606, RFC 6761). */
const RESERVED_SUFFIXES = ['.localhost', '.local', '.test', '.example', '.invalid', '.internal', '.lan', '.home.arpa', '.svc', '.corp', '.intranet'];
const DOC_DOMAINS = new Set(['example.com', 'example.org', 'example.net', 'localhost']);

/**
 * True for a host on the machine or the local network, or a documentation placeholder: loopback, private and
 * link-local addresses, single-label names (`http://api:8000`, a container name), `.local`/`.internal`/`.svc`
 * names, and RFC 2606 domains.
 */
export function isLocalHost(host: string): boolean {
  const h = host.replace(/\.$/, '');
  if (h === '' || !h.includes('.') || h.includes(':')) {
    // No dot: localhost or a single-label name; a colon: an IPv6 literal, public ones are rare in code.
    return h === '' || !h.includes(':') || h === '::1' || /^f[cd]/.test(h) || h.startsWith('fe80') || h === '::';
  }
  if (DOC_DOMAINS.has(h) || [...DOC_DOMAINS].some((d) => h.endsWith(`.${d}`))) return true;
  if (RESERVED_SUFFIXES.some((s) => h.endsWith(s))) return true;
  const ip = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!ip) return false;
  const [a, b] = [Number(ip[1]), Number(ip[2])];
  return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

/**
 * True when the node sits in a branch of an `if` (or `elif`) whose condition matches `pattern`, within the
 * same function: `if not server_hostname: ctx.check_hostname = False`.
 */
export function guardedBy(node: Node, pattern: RegExp): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'module') return false;
    if (p.type !== 'if_statement' && p.type !== 'elif_clause') continue;
    const cond = p.childForFieldName('condition');
    if (cond && !(cond.startIndex <= node.startIndex && node.endIndex <= cond.endIndex) && pattern.test(cond.text)) return true;
  }
  return false;
}

/** The `keyword_argument` nodes at the text matches of `pattern` (which must carry the `g` flag). */
export function keywordArguments(model: ModuleModel, pattern: RegExp): Node[] {
  const out: Node[] = [];
  const root = model.tree.rootNode;
  for (const m of model.text.matchAll(pattern)) {
    const start = m.index ?? 0;
    const id = root.descendantForIndex(start, start + 1);
    const kw = id?.parent;
    if (id?.type === 'identifier' && kw?.type === 'keyword_argument' && kw.childForFieldName('name')?.id === id.id) out.push(kw);
  }
  return out;
}

/**
 * `Connection(Context(TLSv1_METHOD), None)` as a statement of its own: the objects are made and dropped, with
 * no socket and no data, as a probe of what the installed library accepts. True when `call` sits in such a
 * statement: every call from it up to the statement is a module's function or class (not a method of an object
 * the code keeps, such as `ctx.set_min_proto_version(...)`), and every other argument is a constant.
 */
export function isDiscardedProbe(call: Node, model: ModuleModel): boolean {
  const imported = (c: Node) => {
    const fn = c.childForFieldName('function');
    const holder = fn?.type === 'attribute' ? fn.childForFieldName('object') : fn;
    return !!holder && model.qualifiedName(holder) !== undefined;
  };
  if (!imported(call)) return false;
  let inner = call;
  for (;;) {
    const args = inner.parent;
    const outer = args?.type === 'argument_list' ? args.parent : null;
    if (outer?.type !== 'call' || !outer) break;
    const others = args?.namedChildren.filter((a): a is Node => a !== null && a.id !== inner.id && a.type !== 'comment') ?? [];
    if (!imported(outer) || !others.every((a) => a.type === 'none' || model.isConstant(a))) return false;
    inner = outer;
  }
  return inner.parent?.type === 'expression_statement';
}

/**
 * `mode = options.get("cert_reqs", CERT_NONE)` where `mode` is then only compared (`if mode == CERT_NONE:`):
 * the code reads which mode its caller chose, with the library's own default, to decide what else to check;
 * it configures nothing. True when `call` is such a lookup default and every later use of the name is a
 * comparison.
 */
export function isDefaultOfComparedLookup(call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'get') return false;
  const assignment = call.parent;
  const name = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
  if (!assignment || name?.type !== 'identifier' || assignment.childForFieldName('right')?.id !== call.id) return false;
  return onlyCompared(name, assignment);
}

/** The function (or module) around a node. */
function scopeOf(node: Node): Node {
  let p = node.parent;
  while (p && p.type !== 'function_definition' && p.type !== 'module') p = p.parent;
  return p ?? node;
}

/** Every later read of `name` in its function is an operand of a comparison (and there is at least one). */
function onlyCompared(name: Node, assignment: Node): boolean {
  const rebinds = (n: Node) => n.parent?.type === 'assignment' && n.parent.childForFieldName('left')?.id === n.id;
  // `options.verify_mode` holds an identifier too: an attribute's name, not a read of the variable.
  const attributeName = (n: Node) => n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.id === n.id;
  const uses = scopeOf(assignment)
    .descendantsOfType('identifier')
    .filter((n): n is Node => n !== null && n.text === name.text && n.startIndex > assignment.endIndex && !rebinds(n) && !attributeName(n));
  return uses.length > 0 && uses.every((n) => n.parent?.type === 'comparison_operator');
}

/**
 * `flags = VERIFY_NONE` and later, in the same function, `flags = VERIFY_PEER` (under `if self.verify:`): the
 * unverified value is the default of a choice the code hands its caller, who turns verification on. True when
 * the name is assigned one of `verifying` elsewhere in its function.
 */
export function isOverriddenDefault(target: Node, statement: Node, verifying: RegExp): boolean {
  if (target.type !== 'identifier') return false;
  for (const a of scopeOf(statement).descendantsOfType('assignment')) {
    if (!a || a.id === statement.id) continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && left.text === target.text && right && verifying.test(right.text)) return true;
  }
  return false;
}
