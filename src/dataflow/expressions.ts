import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../semantics/module.js';
import { constantTruth as literalTruth } from '../rules/helpers.js';
import { unparen } from '../syntax/nodes.js';

/** Reading syntax for the taint walk: constant conditions, shapes of values, names a guard speaks about. */

export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

export const REALPATH_CALLS = new Set(['os.path.realpath', 'os.path.abspath', 'os.path.normpath', 'posixpath.realpath', 'pathlib.Path.resolve', 'resolve', 'realpath', 'abspath']);

/** A Jinja2 template whose environment does not escape HTML (Jinja2's default, or `autoescape=False`). */
export function jinjaWithoutEscaping(model: ModuleModel, node: Node, depth: number): boolean {
  if (depth > 4) return false;
  const n = unparen(node);
  if (n.type === 'identifier') {
    const b = model.lookup(n.text, n.startIndex);
    return b?.kind === 'assign' && b.value !== undefined && jinjaWithoutEscaping(model, b.value, depth + 1);
  }
  if (n.type !== 'call') return false;
  const fn = n.childForFieldName('function');
  if (!fn) return false;
  const q = model.qualifiedName(fn);
  if (q === 'jinja2.Environment' || q === 'jinja2.Template' || q === 'jinja2.environment.Environment') {
    const args = n.childForFieldName('arguments');
    // A template built from input is template injection (K708), reported at its construction.
    const source = q === 'jinja2.Template' && args ? named(args)[0] : undefined;
    if (source && source.type !== 'keyword_argument' && !model.isConstant(source)) return false;
    const auto = args ? named(args).find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'autoescape') : undefined;
    const value = auto?.childForFieldName('value');
    return !value || constantTruth(model, value) === false;
  }
  if (fn.type === 'attribute' && ['from_string', 'get_template', 'select_template'].includes(fn.childForFieldName('attribute')?.text ?? '')) {
    const env = fn.childForFieldName('object');
    const args = n.childForFieldName('arguments');
    const source = args ? named(args)[0] : undefined;
    if (fn.childForFieldName('attribute')?.text === 'from_string' && source && !model.isConstant(source)) return false;
    return env !== null && jinjaWithoutEscaping(model, env, depth + 1);
  }
  return false;
}

export function dictShaped(model: ModuleModel, node: Node, depth: number): boolean {
  if (depth > 3) return false;
  const n = unparen(node);
  if (n.type === 'dictionary' || n.type === 'dictionary_comprehension') return true;
  if (n.type === 'call') {
    const q = model.qualifiedName(n.childForFieldName('function') ?? n);
    return q === 'dict' || q === 'json.loads' || q === 'json.load' || q === 'bson.json_util.loads';
  }
  if (n.type === 'identifier') {
    const b = model.lookup(n.text, n.startIndex);
    if (b?.kind === 'assign' && b.value) return dictShaped(model, b.value, depth + 1);
    if (b?.kind === 'param' && b.annotation) return /^(dict|Dict|Mapping|typing\.Dict)\b/.test(b.annotation.text);
  }
  return false;
}

/** Name or dotted attribute a guard can speak about. */
export function keyOf(node: Node): string | undefined {
  const n = unparen(node);
  if (n.type === 'identifier' || n.type === 'attribute') return n.text;
  return undefined;
}

export function identifiersIn(node: Node): string[] {
  const out: string[] = [];
  const walk = (n: Node, depth: number) => {
    if (depth > 8) return;
    if (n.type === 'identifier') {
      out.push(n.text);
      return;
    }
    if (n.type === 'attribute') {
      out.push(n.text);
      return;
    }
    const args = n.type === 'call' ? n.childForFieldName('arguments') : n;
    for (const c of args ? named(args) : []) walk(c, depth + 1);
  };
  walk(node, 0);
  return out;
}

export function isRealpathCall(model: ModuleModel, node: Node): boolean {
  const n = unparen(node);
  if (n.type !== 'call') return false;
  const fn = n.childForFieldName('function');
  if (!fn) return false;
  const q = model.qualifiedName(fn);
  if (q && REALPATH_CALLS.has(q)) return true;
  return fn.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'resolve';
}

export function tupleLike(node: Node): Node[] | undefined {
  const n = unparen(node);
  if (['tuple', 'list', 'expression_list', 'pattern_list'].includes(n.type)) return named(n);
  return undefined;
}

/**
 * True/false when a condition has one value whatever the input: the literal truth the pattern rules use,
 * plus what decides branches (`not`, `and`/`or`, `1 == 2`, `TYPE_CHECKING`).
 */
export function constantTruth(model: ModuleModel, node: Node, depth = 0): boolean | undefined {
  if (depth > 6) return undefined;
  const n = unparen(node);
  switch (n.type) {
    case 'not_operator': {
      const a = n.childForFieldName('argument');
      const v = a ? constantTruth(model, a, depth + 1) : undefined;
      return v === undefined ? undefined : !v;
    }
    case 'boolean_operator': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const op = n.childForFieldName('operator')?.text;
      const lv = l ? constantTruth(model, l, depth + 1) : undefined;
      const rv = r ? constantTruth(model, r, depth + 1) : undefined;
      if (op === 'and') return lv === false || rv === false ? false : lv === true && rv === true ? true : undefined;
      return lv === true || rv === true ? true : lv === false && rv === false ? false : undefined;
    }
    case 'comparison_operator':
      return constantComparison(model, n);
    case 'identifier':
      if (n.text === 'TYPE_CHECKING') return false;
      return literalTruth(n, model);
    default:
      return literalTruth(n, model);
  }
}

export function constantComparison(model: ModuleModel, n: Node): boolean | undefined {
  const parts = named(n);
  const ops = n.children.filter((x) => x && !x.isNamed).map((x) => x?.type);
  if (parts.length !== 2 || ops.length !== 1) return undefined;
  const a = literalValue(model, parts[0]);
  const b = literalValue(model, parts[1]);
  if (a === undefined || b === undefined) return undefined;
  switch (ops[0]) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    default:
      return undefined;
  }
}

const ARITHMETIC: ReadonlySet<string> = new Set(['+', '-', '*', '/', '//', '**']);

/** Literals that fold as numbers beyond integers (`retries = 2.5`, `enabled = True`). */
function numberLeaf(n: Node): number | undefined | null {
  if (n.type === 'float') {
    const v = Number(n.text.replace(/_/g, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (n.type === 'true') return 1;
  if (n.type === 'false') return 0;
  return null;
}

/**
 * The value an expression always has: literals, string building and arithmetic over them and over names bound
 * only to constants where they are read (`retries = 3` … `retries * 4`).
 */
export function literalValue(model: ModuleModel, node: Node): number | string | undefined {
  const n = unparen(node);
  if (n.type === 'string' || n.type === 'concatenated_string') return model.constantString(n);
  if (n.type === 'identifier' || n.type === 'binary_operator') {
    const s = model.constantString(n);
    if (s !== undefined) return s;
  }
  return model.constantNumber(n, ARITHMETIC, numberLeaf);
}

/** A returned value that is text (an f-string, concatenation, formatted string), not a response object. */
export function stringish(model: ModuleModel, node: Node, depth: number): boolean {
  if (depth > 3) return false;
  const n = unparen(node);
  switch (n.type) {
    case 'string':
    case 'concatenated_string':
    case 'binary_operator':
    case 'subscript':
      return true;
    case 'tuple':
    case 'expression_list': {
      const first = named(n)[0];
      return first ? stringish(model, first, depth + 1) : false;
    }
    case 'call': {
      const fn = n.childForFieldName('function');
      if (fn?.type === 'identifier') return fn.text === 'str';
      const m = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      return m !== undefined && ['format', 'join', 'replace', 'strip', 'lower', 'upper', 'decode', 'format_map'].includes(m);
    }
    case 'identifier': {
      const b = model.lookup(n.text, n.startIndex);
      if (b?.kind === 'param') return true;
      if (b?.kind === 'assign' && b.value) return stringish(model, b.value, depth + 1);
      // `page += "<p>…"` rebinds without a value: the text the name was built from decides.
      if (b?.kind === 'unknown') {
        const others = model.scopeAt(n.startIndex).bindings.get(n.text) ?? [];
        return others.some((o) => o.kind === 'assign' && o.value !== undefined && o.at < n.startIndex && stringish(model, o.value, depth + 1));
      }
      return false;
    }
    case 'attribute':
      return true;
    default:
      return false;
  }
}
