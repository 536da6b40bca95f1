import type { Node } from 'web-tree-sitter';
import { unparen } from '../syntax/nodes.js';

/** Finds the value node a name is bound to by a plain assignment, if any. */
export type BindingValue = (identifier: Node) => Node | undefined;

const MAX_FOLD_DEPTH = 32;

/** The prefix letters of a string literal (`rb`, `f`, ``), lower-cased. */
export function stringPrefix(node: Node): string {
  const start = node.child(0);
  if (start?.type !== 'string_start') return '';
  return start.text.replace(/["']/g, '').toLowerCase();
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Decodes Python escape sequences of a non-raw literal. Unknown escapes stay as written, as Python keeps them. */
export function decodeEscapes(text: string, bytes: boolean): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\}|[0-7]{1,3}|[\s\S])/g, (whole, esc: string) => {
    const c = esc[0];
    if (c in SIMPLE_ESCAPES && esc.length === 1) return SIMPLE_ESCAPES[c];
    if (c === 'x') return String.fromCharCode(Number.parseInt(esc.slice(1), 16));
    if (!bytes && (c === 'u' || c === 'U')) return String.fromCodePoint(Number.parseInt(esc.slice(1), 16));
    if (/^[0-7]/.test(esc)) return String.fromCharCode(Number.parseInt(esc, 8));
    return whole;
  });
}

/** The literal text of a plain (non-f) string node, escapes decoded. */
function literalText(node: Node): string {
  const prefix = stringPrefix(node);
  const raw = prefix.includes('r');
  const bytes = prefix.includes('b');
  let out = '';
  for (const child of node.children) {
    if (child?.type === 'string_content') out += raw ? child.text : decodeEscapes(child.text, bytes);
  }
  return out;
}

/**
 * Folds an expression to the string it always evaluates to: literals, implicit and `+` concatenation, f-strings
 * whose replacement fields are themselves constant, parentheses, and names bound to constants.
 */
export function foldString(node: Node, bindingValue: BindingValue, depth = 0): string | undefined {
  if (depth > MAX_FOLD_DEPTH) return undefined;
  const n = unparen(node);
  switch (n.type) {
    case 'string': {
      const prefix = stringPrefix(n);
      if (!prefix.includes('f') && !prefix.includes('t')) return literalText(n);
      if (prefix.includes('t')) return undefined;
      const raw = prefix.includes('r');
      let out = '';
      for (const child of n.children) {
        if (!child) continue;
        if (child.type === 'string_content') {
          const text = child.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
          out += raw ? text : decodeEscapes(text, false);
        } else if (child.type === 'interpolation') {
          // A conversion or format spec changes the text; only plain `{CONST}` folds.
          if (child.childForFieldName('type_conversion') || child.childForFieldName('format_specifier')) return undefined;
          const expr = child.childForFieldName('expression');
          if (!expr) return undefined;
          const v = foldString(expr, bindingValue, depth + 1);
          if (v === undefined) return undefined;
          out += v;
        }
      }
      return out;
    }
    case 'concatenated_string': {
      let out = '';
      for (const part of n.namedChildren) {
        if (!part || part.type === 'comment') continue;
        const v = foldString(part, bindingValue, depth + 1);
        if (v === undefined) return undefined;
        out += v;
      }
      return out;
    }
    case 'binary_operator': {
      const op = n.childForFieldName('operator');
      if (op?.type !== '+') return undefined;
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left || !right) return undefined;
      const l = foldString(left, bindingValue, depth + 1);
      if (l === undefined) return undefined;
      const r = foldString(right, bindingValue, depth + 1);
      return r === undefined ? undefined : l + r;
    }
    case 'identifier': {
      const value = bindingValue(n);
      return value ? foldString(value, bindingValue, depth + 1) : undefined;
    }
    default:
      return undefined;
  }
}

const LITERAL_TYPES = new Set(['integer', 'float', 'true', 'false', 'none', 'ellipsis']);
const CONTAINER_TYPES = new Set(['tuple', 'list', 'set', 'expression_list']);

/** True for expressions with a single value whatever the input: literals, constant strings and containers of them. */
export function isConstantExpression(
  node: Node,
  isConstantString: (n: Node) => boolean,
  bindingValue: BindingValue,
  depth = 0,
): boolean {
  if (depth > MAX_FOLD_DEPTH) return false;
  const n = unparen(node);
  if (LITERAL_TYPES.has(n.type)) return true;
  if (n.type === 'string' || n.type === 'concatenated_string' || n.type === 'binary_operator') {
    if (isConstantString(n)) return true;
    if (n.type !== 'binary_operator') return false;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    return !!left && !!right && isConstantExpression(left, isConstantString, bindingValue, depth + 1) && isConstantExpression(right, isConstantString, bindingValue, depth + 1);
  }
  if (n.type === 'unary_operator') {
    const arg = n.childForFieldName('argument');
    return !!arg && isConstantExpression(arg, isConstantString, bindingValue, depth + 1);
  }
  if (CONTAINER_TYPES.has(n.type)) {
    return n.namedChildren.every((c) => !c || c.type === 'comment' || isConstantExpression(c, isConstantString, bindingValue, depth + 1));
  }
  if (n.type === 'dictionary') {
    return n.namedChildren.every((pair) => {
      if (!pair || pair.type === 'comment') return true;
      if (pair.type !== 'pair') return false;
      const k = pair.childForFieldName('key');
      const v = pair.childForFieldName('value');
      return !!k && !!v && isConstantExpression(k, isConstantString, bindingValue, depth + 1) && isConstantExpression(v, isConstantString, bindingValue, depth + 1);
    });
  }
  if (n.type === 'identifier') {
    const value = bindingValue(n);
    return !!value && isConstantExpression(value, isConstantString, bindingValue, depth + 1);
  }
  return false;
}

/** Python integer literal text to a number (`0o777`, `0x1FF`, `511`, `0b1_1111_1111`); undefined for anything else. */
export function pythonInt(text: string): number | undefined {
  const t = text.replace(/_/g, '').toLowerCase();
  let v: number;
  if (/^0o[0-7]+$/.test(t)) v = Number.parseInt(t.slice(2), 8);
  else if (/^0x[0-9a-f]+$/.test(t)) v = Number.parseInt(t.slice(2), 16);
  else if (/^0b[01]+$/.test(t)) v = Number.parseInt(t.slice(2), 2);
  else if (/^(0|[1-9]\d*)$/.test(t)) v = Number.parseInt(t, 10);
  else return undefined;
  return Number.isSafeInteger(v) ? v : undefined;
}

const BINARY_NUMBER_OPS: Readonly<Record<string, (l: number, r: number) => number | undefined>> = {
  '+': (l, r) => l + r,
  '-': (l, r) => l - r,
  '*': (l, r) => l * r,
  '/': (l, r) => (r === 0 ? undefined : l / r),
  '//': (l, r) => (r === 0 ? undefined : Math.floor(l / r)),
  '<<': (l, r) => (r < 0 || r > 52 ? undefined : l * 2 ** r),
  '**': (l, r) => (r < 0 || r > 64 ? undefined : l ** r),
  '|': (l, r) => l | r,
  '&': (l, r) => l & r,
  '^': (l, r) => l ^ r,
};

/**
 * Resolves the leaves a caller knows beyond integer literals and names (float literals, `stat.S_I*`,
 * `timedelta(...)`): a number, `undefined` to give up, or `null` for "not mine, fold it the usual way".
 */
export type NumberLeaf = (node: Node, fold: (n: Node) => number | undefined) => number | undefined | null;

/**
 * Folds a constant numeric expression: integer literals, names bound to constants, unary `-`/`+` (and `~` when
 * the operator set has it), and the binary operators the caller allows, so each rule keeps its own notion
 * of what a constant number is while the folding itself is written once.
 */
export function foldNumber(
  node: Node,
  bindingValue: BindingValue,
  operators: ReadonlySet<string>,
  leaf?: NumberLeaf,
  depth = 0,
): number | undefined {
  if (depth > MAX_FOLD_DEPTH) return undefined;
  const n = unparen(node);
  const fold = (x: Node | null): number | undefined => (x ? foldNumber(x, bindingValue, operators, leaf, depth + 1) : undefined);
  if (leaf) {
    const v = leaf(n, fold);
    if (v !== null) return v;
  }
  switch (n.type) {
    case 'integer':
      return pythonInt(n.text);
    case 'identifier': {
      const value = bindingValue(n);
      return value ? fold(value) : undefined;
    }
    case 'unary_operator': {
      const v = fold(n.childForFieldName('argument'));
      if (v === undefined) return undefined;
      const op = n.childForFieldName('operator')?.type;
      if (op === '-') return -v;
      if (op === '+') return v;
      return op === '~' && operators.has('~') ? ~v : undefined;
    }
    case 'binary_operator': {
      const op = n.childForFieldName('operator')?.type ?? '';
      if (!operators.has(op)) return undefined;
      const l = fold(n.childForFieldName('left'));
      const r = fold(n.childForFieldName('right'));
      return l === undefined || r === undefined ? undefined : BINARY_NUMBER_OPS[op]?.(l, r);
    }
    default:
      return undefined;
  }
}
