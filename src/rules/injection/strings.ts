import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, calleeOf, positionalArgs } from '../helpers.js';

/**
 * Reading strings that are built at run time (f-strings, `+`, `%`, `str.format`, `sep.join([...])`) as their
 * constant text with holes where values are formatted in. Shared by the rules that judge what a built string
 * is (SQL, a template, HTML) and what went into it.
 */

/** Stands for a formatted-in value in the text of a composed string. */
export const HOLE = '\u0001';

export interface Hole {
  /** The expression whose value is formatted in (a whole call or right operand when the exact value is unknown). */
  node: Node;
  /** The conversion only accepts numbers (`%d`, `{:d}`, `{:.2f}`): the value cannot carry text. */
  numeric: boolean;
}

export interface Composed {
  /** The constant text, with HOLE where a value goes. */
  text: string;
  holes: Hole[];
  /** How the string is built, for messages: "an f-string", "% formatting", "str.format()", "concatenation", "join()". */
  how: string | undefined;
}

const MAX_DEPTH = 24;
/** Bounds on judging a name by all its assignments, so nested branches cannot multiply the work. */
const MAX_BRANCHES = 6;
const MAX_BRANCH_DEPTH = 8;
const NUMERIC_SPEC = /[bcdeEfFgGnoxX%]$/;
const NUMERIC_PERCENT = new Set(['d', 'i', 'o', 'u', 'x', 'X', 'e', 'E', 'f', 'F', 'g', 'G']);
const STRIP_METHODS = new Set(['strip', 'lstrip', 'rstrip', 'upper', 'lower', 'casefold']);
/** Conversions that keep the text as it is (bytes to str and back). */
const SAME_TEXT_METHODS = new Set(['decode', 'encode']);
/** Functions that only re-indent constant text. */
const REINDENT = new Set(['textwrap.dedent', 'inspect.cleandoc']);

function constant(text: string): Composed {
  return { text, holes: [], how: undefined };
}

function hole(node: Node, numeric = false): Composed {
  return { text: HOLE, holes: [{ node, numeric }], how: undefined };
}

function concat(parts: Composed[], how: string | undefined): Composed {
  const holes = parts.flatMap((p) => p.holes);
  const inner = parts.find((p) => p.how !== undefined)?.how;
  return { text: parts.map((p) => p.text).join(''), holes, how: holes.length > 0 ? (how ?? inner) : undefined };
}

/** A value formatted in: inlined when it is a constant string, a neutral stand-in for other constants, else a hole. */
function formatted(node: Node, model: ModuleModel, depth: number): Composed {
  const s = model.constantString(node);
  if (s !== undefined) return constant(s);
  if (model.isConstant(node)) return constant('0');
  return compose(node, model, depth + 1) ?? hole(node);
}

/**
 * The composed form of a string expression, or undefined when the expression is not visibly a string being
 * built (a parameter, the result of an unknown call): such values are opaque, not formatted.
 */
export function compose(node: Node, model: ModuleModel, depth = 0): Composed | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const folded = model.constantString(node);
  if (folded !== undefined) return constant(folded);
  const n = unparen(node);
  if (n.type === 'identifier') {
    const value = boundValue(n, model);
    return value.id === n.id ? undefined : compose(value, model, depth + 1);
  }
  switch (n.type) {
    case 'string':
      return fString(n, model, depth);
    case 'concatenated_string':
      return concat(
        n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').map((c) => compose(c, model, depth + 1) ?? hole(c)),
        undefined,
      );
    case 'binary_operator':
      return binary(n, model, depth);
    case 'call':
      return methodCall(n, model, depth);
    default:
      return undefined;
  }
}

function fString(n: Node, model: ModuleModel, depth: number): Composed | undefined {
  const parts: Composed[] = [];
  for (const child of n.children) {
    if (!child) continue;
    if (child.type === 'string_content') parts.push(constant(child.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}')));
    else if (child.type === 'interpolation') {
      const expr = child.childForFieldName('expression');
      if (!expr) return undefined;
      const spec = child.childForFieldName('format_specifier')?.text ?? '';
      const numeric = NUMERIC_SPEC.test(spec) && !/\{/.test(spec);
      parts.push(numeric ? hole(expr, true) : formatted(expr, model, depth));
    }
  }
  return concat(parts, 'an f-string');
}

function binary(n: Node, model: ModuleModel, depth: number): Composed | undefined {
  const op = n.childForFieldName('operator')?.type;
  const left = n.childForFieldName('left');
  const right = n.childForFieldName('right');
  if (!left || !right) return undefined;
  if (op === '+') {
    const l = compose(left, model, depth + 1);
    const r = compose(right, model, depth + 1);
    // Neither side is visibly a string: this may be arithmetic.
    if (!l && !r) return undefined;
    return concat([l ?? hole(left), r ?? hole(right)], 'concatenation');
  }
  if (op === '%') {
    const format = compose(left, model, depth + 1);
    if (!format) return undefined;
    return percent(format, right, model, depth);
  }
  return undefined;
}

/** The i-th hole of a format string, carried into the result (a stray HOLE character in the source stays text). */
function carried(format: Composed, i: number): Composed {
  const h = format.holes[i];
  return h ? { text: HOLE, holes: [h], how: undefined } : constant(HOLE);
}

/** `"... %s ... %(name)d" % values`: each conversion becomes the value it takes, when it can be matched. */
function percent(format: Composed, right: Node, model: ModuleModel, depth: number): Composed {
  const r = boundValue(right, model);
  const items = r.type === 'tuple' ? r.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : undefined;
  const pairs = r.type === 'dictionary' ? dictionaryPairs(r, model) : undefined;
  const parts: Composed[] = [];
  const re = /%(\(([^)]*)\))?[#0+\- ]*(\*|\d+)?(\.(\*|\d+))?[hlL]?([a-zA-Z%])/g;
  let last = 0;
  let index = 0;
  let holesSoFar = 0;
  // Holes of the format string itself (`("..." + x) % y`) keep their place.
  const pushText = (text: string) => {
    text.split(HOLE).forEach((piece, i) => {
      if (i > 0) parts.push(carried(format, holesSoFar++));
      if (piece) parts.push(constant(piece));
    });
  };
  for (const m of format.text.matchAll(re)) {
    pushText(format.text.slice(last, m.index));
    last = m.index + m[0].length;
    const conv = m[6];
    if (conv === '%') {
      parts.push(constant('%'));
      continue;
    }
    const numeric = NUMERIC_PERCENT.has(conv);
    let value: Node | undefined;
    if (m[2] !== undefined) value = pairs?.get(m[2]);
    else if (items) value = items[index++];
    else if (index++ === 0) value = r;
    if (value === undefined) parts.push(hole(right, numeric));
    else parts.push(numeric ? hole(value, true) : formatted(value, model, depth));
  }
  pushText(format.text.slice(last));
  return concat(parts, '% formatting');
}

function dictionaryPairs(dict: Node, model: ModuleModel): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const pair of dict.namedChildren) {
    if (pair?.type !== 'pair') continue;
    const k = pair.childForFieldName('key');
    const v = pair.childForFieldName('value');
    const key = k ? model.constantString(k) : undefined;
    if (key !== undefined && v) out.set(key, v);
  }
  return out;
}

function methodCall(n: Node, model: ModuleModel, depth: number): Composed | undefined {
  const fn = n.childForFieldName('function');
  const callee = calleeOf(n, model);
  if (callee && REINDENT.has(callee)) {
    const text = positionalArgs(n)[0];
    return text ? compose(text, model, depth + 1) : undefined;
  }
  if (fn?.type !== 'attribute') return undefined;
  const method = fn.childForFieldName('attribute')?.text ?? '';
  const obj = fn.childForFieldName('object');
  const args = n.childForFieldName('arguments');
  if (!obj || !args) return undefined;
  if (STRIP_METHODS.has(method) || SAME_TEXT_METHODS.has(method)) return compose(obj, model, depth + 1);
  if (method === 'format') {
    const format = compose(obj, model, depth + 1);
    if (!format) return undefined;
    return formatCall(format, n, model, depth);
  }
  if (method === 'join') {
    const sep = model.constantString(obj);
    if (sep === undefined) return undefined;
    const only = args.type === 'generator_expression' ? args : positionalArgs(n)[0];
    const list = only ? boundValue(only, model) : undefined;
    if (list && (list.type === 'list' || list.type === 'tuple')) {
      const items = list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (items.some((c) => c.type === 'list_splat')) return hole(n);
      const parts: Composed[] = [];
      items.forEach((item, i) => {
        if (i > 0) parts.push(constant(sep));
        parts.push(formatted(item, model, depth));
      });
      return concat(parts, 'join()');
    }
    return { text: HOLE, holes: [{ node: n, numeric: false }], how: 'join()' };
  }
  return undefined;
}

/** `"...{}...{name}...".format(a, name=b)`: fields matched to their arguments by position or name. */
function formatCall(format: Composed, call: Node, model: ModuleModel, depth: number): Composed {
  const args = call.childForFieldName('arguments');
  const positional = positionalArgs(call);
  const keywords = new Map<string, Node>();
  for (const a of args?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument') {
      const k = a.childForFieldName('name');
      const v = a.childForFieldName('value');
      if (k && v) keywords.set(k.text, v);
    }
  }
  const parts: Composed[] = [];
  let holesSoFar = 0;
  let auto = 0;
  let i = 0;
  let text = '';
  const flush = () => {
    if (text) parts.push(constant(text));
    text = '';
  };
  const t = format.text;
  while (i < t.length) {
    const c = t[i];
    if (c === HOLE) {
      flush();
      parts.push(carried(format, holesSoFar++));
      i++;
    } else if ((c === '{' && t[i + 1] === '{') || (c === '}' && t[i + 1] === '}')) {
      text += c;
      i += 2;
    } else if (c === '{') {
      const end = t.indexOf('}', i);
      if (end < 0) {
        text += t.slice(i);
        break;
      }
      flush();
      const field = t.slice(i + 1, end);
      i = end + 1;
      const m = /^([^!:[.]*)[^!:]*(?:![rsa])?(?::(.*))?$/.exec(field);
      const name = m?.[1] ?? '';
      const numeric = NUMERIC_SPEC.test(m?.[2] ?? '');
      let value: Node | undefined;
      if (name === '') value = positional[auto++];
      else if (/^\d+$/.test(name)) value = positional[Number(name)];
      else value = keywords.get(name);
      if (value === undefined) parts.push(hole(call, numeric));
      else parts.push(numeric ? hole(value, true) : formatted(value, model, depth));
    } else {
      text += c;
      i++;
    }
  }
  flush();
  return concat(parts, 'str.format()');
}

// ---- judging the values that go into a string ----------------------------------------------------------

/**
 * How far a formatted-in value can carry text of an attacker's choosing:
 * - `safe`: a constant, a number, a choice between constants, a value looked up in a constant table,
 *   placeholders repeated (`", ".join("?" * n)`), a loop variable over a constant list, or the output of a
 *   function the caller trusts for the context (`Trust.safe`);
 * - `weak`: passed through a function that only partly helps (`Trust.weak`, `Trust.weakNames`, quotes
 *   doubled by hand), or a parameter annotated as a number (annotations are not enforced at run time);
 * - `unsafe`: anything else.
 */
export type Safety = 'safe' | 'weak' | 'unsafe';

export interface Trust {
  /** Qualified names or method names (`.name`) whose result is safe in the context. */
  safe: ReadonlySet<string>;
  /** Qualified names or method names (`.name`) whose result is better but not proven safe. */
  weak?: ReadonlySet<string>;
  /** Method or function names (without module) that suggest the same (`_quote_name`, `escape_like`). */
  weakNames?: RegExp;
  /**
   * Functions that quote their first argument for the context (an SQL identifier quoter): the result is safe
   * when the argument is, and only weak otherwise (quoting a name does not make any text a safe name).
   */
  quoting?: ReadonlySet<string>;
  /** Functions whose result is as safe as their first argument (a case converter of identifiers). */
  passThrough?: ReadonlySet<string>;
  /** Values that are safe in the context by what they are, not by their text (model metadata, backend constants). */
  safeValue?: (node: Node, model: ModuleModel) => boolean;
  /** Calls that build text for the context from their arguments only (a backend's SQL fragments): as safe as those. */
  builds?: (call: Node, model: ModuleModel) => boolean;
}

const NUMBER_CALLS = new Set(['int', 'float', 'len', 'bool', 'round', 'abs', 'math.floor', 'math.ceil', 'decimal.Decimal', 'uuid.UUID', 'uuid.uuid4', 'uuid.uuid1']);
const NUMBER_TYPES = new Set(['int', 'float', 'bool', 'decimal.Decimal', 'uuid.UUID']);

function worst(a: Safety, b: Safety): Safety {
  if (a === 'unsafe' || b === 'unsafe') return 'unsafe';
  if (a === 'weak' || b === 'weak') return 'weak';
  return 'safe';
}

/**
 * The resolved callee and the method name of a call. A local alias counts by its own name and by what it is
 * bound to: `qn = connection.ops.quote_name; qn(x)` has the method name `quote_name`.
 */
function callName(call: Node, model: ModuleModel): { callee: string | undefined; method: string | undefined; alias: string | undefined } {
  const fn = call.childForFieldName('function');
  let method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  let alias: string | undefined;
  if (fn?.type === 'identifier') {
    alias = fn.text;
    const bound = boundValue(fn, model);
    if (bound.type === 'attribute') method = bound.childForFieldName('attribute')?.text;
  }
  return { callee: calleeOf(call, model), method, alias };
}

function trusted(set: ReadonlySet<string> | undefined, name: { callee: string | undefined; method: string | undefined; alias: string | undefined }): boolean {
  if (!set) return false;
  const { callee, method, alias } = name;
  return (callee !== undefined && set.has(callee)) || (method !== undefined && set.has(`.${method}`)) || (alias !== undefined && set.has(`.${alias}`));
}

/** The safety of an expression formatted into a string (see `Safety`). */
export function safety(node: Node, model: ModuleModel, trust: Trust, depth = 0): Safety {
  if (depth > MAX_DEPTH) return 'unsafe';
  if (model.isConstant(node)) return 'safe';
  const n = boundValue(node, model);
  const judge = (x: Node) => safety(x, model, trust, depth + 1);
  if (trust.safeValue?.(n, model)) return 'safe';
  const fromClass = classAttribute(n, model);
  if (fromClass) return judge(fromClass);
  switch (n.type) {
    case 'conditional_expression': {
      const branches = n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (branches.length !== 3) return 'unsafe';
      return worst(judge(branches[0]), judge(branches[2]));
    }
    case 'integer':
    case 'float':
      return 'safe';
    case 'subscript': {
      // `ALLOWED[key]` with a constant table: one of the values the source lists (or KeyError).
      const table = n.childForFieldName('value');
      const declared = table ? (classAttribute(table, model) ?? table) : undefined;
      return declared && model.isConstant(declared) ? 'safe' : 'unsafe';
    }
    case 'binary_operator': {
      const op = n.childForFieldName('operator')?.type;
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left || !right) return 'unsafe';
      // `["?"] * len(ids)`, `"%s, " * n`: a constant repeated; arithmetic of numbers.
      if (op === '*') return model.isConstant(left) || model.isConstant(right) ? 'safe' : worst(judge(left), judge(right));
      if (op === '+' || op === '-' || op === '//') return worst(judge(left), judge(right));
      // `"%s.x" % quote(name)`: a string formatted in turn, as safe as what it formats in.
      if (op === '%') {
        // A format that is not visible text (`connection.ops.select % "point"`) is judged as a value too.
        const composed = compose(n, model, depth + 1);
        if (!composed) return worst(judge(left), judge(right));
        return composed.holes.reduce<Safety>((acc, h) => worst(acc, h.numeric ? 'safe' : judge(h.node)), 'safe');
      }
      return 'unsafe';
    }
    case 'string':
    case 'concatenated_string': {
      const composed = compose(n, model, depth + 1);
      if (!composed) return 'unsafe';
      return composed.holes.reduce<Safety>((acc, h) => worst(acc, h.numeric ? 'safe' : judge(h.node)), 'safe');
    }
    case 'call': {
      const name = callName(n, model);
      const { callee, method } = name;
      if (callee && NUMBER_CALLS.has(callee)) return 'safe';
      if (trusted(trust.safe, name)) return 'safe';
      if (trusted(trust.quoting, name)) {
        const quoted = positionalArgs(n)[0];
        return quoted && judge(quoted) === 'safe' ? 'safe' : 'weak';
      }
      if (trusted(trust.passThrough, name)) {
        const passed = positionalArgs(n)[0];
        return passed ? judge(passed) : 'unsafe';
      }
      if (trusted(trust.weak, name)) return 'weak';
      if (trust.builds?.(n, model)) {
        const args = n.childForFieldName('arguments')?.namedChildren ?? [];
        return args.reduce<Safety>((acc, a) => {
          if (!a || a.type === 'comment' || acc === 'unsafe') return acc;
          if (a.type === 'list_splat' || a.type === 'dictionary_splat') return 'unsafe';
          const v = a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
          return v ? worst(acc, judge(v)) : acc;
        }, 'safe');
      }
      if (trust.weakNames && [method, name.alias].some((m) => m !== undefined && trust.weakNames?.test(m))) return 'weak';
      const args = positionalArgs(n);
      if (callee === 'str' && args.length === 1) return judge(args[0]);
      // `name.replace('"', '""')`: quoting by doubling the quote character, the SQL way; better than nothing.
      if (method === 'replace' && args.length === 2) {
        const from = model.constantString(args[0]);
        const to = model.constantString(args[1]);
        if (from !== undefined && /^["'`]$/.test(from) && to === from + from) return 'weak';
      }
      // `ALLOWED.get(key, "default")` on a constant table.
      if (method === 'get') {
        const table = n.childForFieldName('function')?.childForFieldName('object');
        if (table && model.isConstant(table) && args.slice(1).every((a) => model.isConstant(a))) return 'safe';
      }
      if (method === 'join' || method === 'format') {
        const composed = compose(n, model, depth + 1);
        if (!composed) return method === 'join' ? joinedSafety(n, model, trust, depth) : 'unsafe';
        return composed.holes.reduce<Safety>((acc, h) => {
          if (h.numeric) return acc;
          // The call itself stands in when its values could not be matched (`sep.join(rows)`, `"{x}".format(**d)`).
          if (h.node.id === n.id) return worst(acc, method === 'join' ? joinedSafety(n, model, trust, depth) : 'unsafe');
          return worst(acc, judge(h.node));
        }, 'safe');
      }
      if (method && STRIP_METHODS.has(method)) {
        const obj = n.childForFieldName('function')?.childForFieldName('object');
        return obj ? judge(obj) : 'unsafe';
      }
      return 'unsafe';
    }
    case 'identifier': {
      const b = model.lookup(n.text, n.startIndex);
      if (b?.kind === 'param' && b.annotation) {
        const ann = b.annotation.type === 'type' ? b.annotation.namedChildren[0] : b.annotation;
        const type = ann ? model.qualifiedName(ann) : undefined;
        if (type && NUMBER_TYPES.has(type)) return 'weak';
      }
      if (b?.kind === 'param' && !b.selfOf) return privateParameterSafety(n, model, trust, depth);
      if (b?.kind === 'unknown' && loopsOverConstant(n, model)) return 'safe';
      if (b?.kind === 'unknown' && loopIterable(n)) return loopElementSafety(n, model, trust, depth);
      if (b?.kind === 'unknown') return branchesSafety(n, model, trust, depth);
      return 'unsafe';
    }
    default:
      return 'unsafe';
  }
}

/**
 * A name assigned in branches (`if schema: master = "%s.x" % quote(schema)` / `else: master = "x"`): the value
 * is one of those assigned before the use in the same scope, so the worst of them. Any other kind of binding
 * (a parameter, a loop variable, `+=`, an import) leaves it unknown.
 */
function branchesSafety(name: Node, model: ModuleModel, trust: Trust, depth: number): Safety {
  const scope = model.scopeAt(name.startIndex);
  // Bindings before the use, and later ones inside a loop around the use (the loop carries them back to it).
  const loops: Node[] = [];
  for (let p = name.parent; p && p.type !== 'function_definition' && p.type !== 'lambda'; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'while_statement') loops.push(p);
  }
  const list = (scope.bindings.get(name.text) ?? []).filter((b) => b.at <= name.startIndex || loops.some((l) => l.startIndex <= b.at && b.at <= l.endIndex));
  if (list.length === 0 || list.length > MAX_BRANCHES || depth > MAX_BRANCH_DEPTH) return 'unsafe';
  let result: Safety = 'safe';
  for (const b of list) {
    if (b.kind !== 'assign' || !b.value) return 'unsafe';
    result = worst(result, safety(b.value, model, trust, depth + 1));
    if (result === 'unsafe') return result;
  }
  return result;
}

/** The worst element of a comprehension (its body) or a literal collection; undefined for anything else. */
function elementsSafety(items: Node, model: ModuleModel, trust: Trust, depth: number): Safety | undefined {
  if (items.type === 'generator_expression' || items.type === 'list_comprehension' || items.type === 'set_comprehension') {
    const body = items.childForFieldName('body');
    return body ? safety(body, model, trust, depth + 1) : 'unsafe';
  }
  if (items.type === 'list' || items.type === 'tuple' || items.type === 'set') {
    return items.namedChildren.reduce<Safety>(
      (acc, c) => (!c || c.type === 'comment' ? acc : worst(acc, c.type === 'list_splat' ? 'unsafe' : safety(c, model, trust, depth + 1))),
      'safe',
    );
  }
  return undefined;
}

/** `sep.join(items)` with a constant separator: as safe as the items it joins. */
function joinedSafety(call: Node, model: ModuleModel, trust: Trust, depth: number): Safety {
  const fn = call.childForFieldName('function');
  const obj = fn?.childForFieldName('object');
  if (!obj || model.constantString(obj) === undefined) return 'unsafe';
  const args = call.childForFieldName('arguments');
  const only = args?.type === 'generator_expression' ? args : positionalArgs(call)[0];
  if (!only) return 'unsafe';
  const items = boundValue(only, model);
  return elementsSafety(items, model, trust, depth) ?? safety(items, model, trust, depth + 1);
}

/** The worst safety among a composed string's holes, with the first hole of that safety. */
export function judgeHoles(composed: Composed, model: ModuleModel, trust: Trust): { safety: Safety; culprit: Node | undefined } {
  let result: Safety = 'safe';
  let culprit: Node | undefined;
  for (const h of composed.holes) {
    if (h.numeric) continue;
    const s = safety(h.node, model, trust);
    if (s === 'safe') continue;
    if (result === 'safe' || (result === 'weak' && s === 'unsafe')) {
      result = s;
      culprit = h.node;
    }
  }
  return { safety: result, culprit };
}

/**
 * True when a name is the variable of an enclosing `for` loop or comprehension over a constant collection
 * (`for table in ("users", "groups"):`, `", ".join(f"{c} = ?" for c in COLUMNS)`).
 */
function loopsOverConstant(name: Node, model: ModuleModel): boolean {
  const right = loopIterable(name);
  return right !== undefined && model.isConstant(right);
}

/** The collection an enclosing `for` loop or comprehension takes the name from, if any. */
function loopIterable(name: Node): Node | undefined {
  for (let p = name.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return undefined;
    const clauses = p.type === 'for_statement' ? [p] : COMPREHENSIONS.has(p.type) ? p.namedChildren.filter((c): c is Node => c?.type === 'for_in_clause') : [];
    for (const clause of clauses) {
      const left = clause.childForFieldName('left');
      const right = clause.childForFieldName('right');
      if (!left || !right || !bindsName(unparen(left), name.text)) continue;
      return right;
    }
  }
  return undefined;
}

/**
 * A loop variable is as safe as the elements of what it loops over: the items of a literal collection, the
 * body of a comprehension (`kinds = [KIND[i] for i in include]`), or a value the trust calls safe as a whole
 * (a catalog of names).
 */
function loopElementSafety(name: Node, model: ModuleModel, trust: Trust, depth: number): Safety {
  const right = loopIterable(name);
  if (!right || depth > MAX_BRANCH_DEPTH) return 'unsafe';
  const items = boundValue(right, model);
  if (trust.safeValue?.(items, model)) return 'safe';
  return elementsSafety(items, model, trust, depth) ?? 'unsafe';
}

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/** True when a loop target binds the name: itself, or one of a tuple's names (`for (ch, name) in PAIRS`). */
function bindsName(target: Node, name: string): boolean {
  if (target.type === 'identifier') return target.text === name;
  if (target.type !== 'tuple_pattern' && target.type !== 'pattern_list' && target.type !== 'tuple' && target.type !== 'list_pattern' && target.type !== 'list') return false;
  return target.namedChildren.some((c) => c !== null && bindsName(unparen(c), name));
}

/**
 * `self.NAME` where the class body assigns `NAME` once and nothing in the module assigns `.NAME` (no
 * `self.NAME = …`, `obj.NAME += …`): the value the class declares.
 */
function classAttribute(node: Node, model: ModuleModel): Node | undefined {
  if (node.type !== 'attribute') return undefined;
  const object = node.childForFieldName('object');
  const attr = node.childForFieldName('attribute')?.text;
  if (object?.type !== 'identifier' || !attr) return undefined;
  const self = model.lookup(object.text, object.startIndex);
  if (self?.kind !== 'param' || !self.selfOf) return undefined;
  const classScope = model.scopeAt(object.startIndex).parent;
  if (classScope?.kind !== 'class') return undefined;
  const bindings = classScope.bindings.get(attr) ?? [];
  if (bindings.length !== 1 || bindings[0].kind !== 'assign' || !bindings[0].value) return undefined;
  // Assigned through an object anywhere (`self.NAME = …`), or declared again in another class body (a subclass).
  // A counter (`self.NAME += 1` on a class integer) stays a number.
  const counter = bindings[0].value.type === 'integer';
  for (const m of model.text.matchAll(new RegExp(`\\.${attr}\\s*((?:[-+*/%|&^@]|//|<<|>>|\\*\\*)?=)(?!=)[ \\t]*(\\d*[ \\t]*(?:#.*)?$)?`, 'gm'))) {
    if (!(counter && (m[1] === '+=' || m[1] === '-=') && m[2] !== undefined && /^\d/.test(m[2]))) return undefined;
  }
  if ((model.text.match(new RegExp(`^[ \\t]*${attr}\\s*(?::[^=\\n]*)?=(?!=)`, 'gm')) ?? []).length !== 1) return undefined;
  return bindings[0].value;
}

/**
 * A parameter of a private function or method (`_get_func(self, func)`) that the module only ever calls: as
 * safe as the worst argument its calls pass (`self._get_func("postgis_version")`), or its default. A name used
 * any other way (passed as a callback, called with `*args`) leaves the parameter unknown; so does a public
 * function, which other modules may call.
 */
function privateParameterSafety(name: Node, model: ModuleModel, trust: Trust, depth: number): Safety {
  if (depth > MAX_BRANCH_DEPTH) return 'unsafe';
  const values = privateArguments(name, model);
  if (!values) return 'unsafe';
  let result: Safety = 'safe';
  for (const value of values) {
    result = worst(result, safety(value, model, trust, depth + 1));
    if (result === 'unsafe') return result;
  }
  return result;
}

/**
 * What the calls of a private function pass for one of its parameters (the default where a call leaves it out),
 * when the module only ever calls the function; undefined when that is not known (see `privateParameterSafety`).
 */
export function privateArguments(name: Node, model: ModuleModel): Node[] | undefined {
  const binding = model.lookup(name.text, name.startIndex);
  if (binding?.kind !== 'param' || binding.selfOf) return undefined;
  let fn: Node | null = name.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  const fnName = fn?.childForFieldName('name')?.text;
  const params = fn?.childForFieldName('parameters');
  if (!fn || !fnName || !params || !/^_(?!_)|^__\w*[^_]_?$/.test(fnName)) return undefined;
  const list = params.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const paramName = (p: Node) => (p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier') ?? null))?.text;
  const index = list.findIndex((p) => paramName(p) === name.text);
  const param = list[index];
  if (index < 0 || param.type === 'list_splat_pattern' || param.type === 'dictionary_splat_pattern' || list.slice(0, index).some((p) => p.type.includes('splat'))) return undefined;
  // A method's calls do not pass `self`; a static method's do.
  const inClass = fn.parent?.type === 'block' && fn.parent.parent?.type === 'class_definition';
  const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent : undefined;
  const isStatic = decorated?.namedChildren.some((d) => d?.type === 'decorator' && /staticmethod/.test(d.text)) ?? false;
  const method = (inClass || decorated?.parent?.parent?.type === 'class_definition') && !isStatic;
  const position = method ? index - 1 : index;
  if (position < 0) return undefined;
  const calls = model.calls.filter((c) => c.name === fnName);
  const uses = model.text.match(new RegExp(`\\b${fnName}\\b`, 'g'))?.length ?? 0;
  if (calls.length === 0 || uses !== calls.length + 1) return undefined;
  const fallback = param.type === 'default_parameter' || param.type === 'typed_default_parameter' ? param.childForFieldName('value') : null;
  const values: Node[] = [];
  for (const call of calls) {
    if (call.hasStarArgs || call.hasStarKwargs) return undefined;
    const value = call.keywords.get(name.text) ?? call.args[position] ?? fallback;
    if (!value) return undefined;
    values.push(value);
  }
  return values;
}
