import type { Node } from 'web-tree-sitter';
import type { Scope } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';
import { unparen } from '../syntax/nodes.js';
import { named } from './expressions.js';
import { constantKey, literalEntries } from './fields.js';

/**
 * Whether an expression has one value whatever the input, proved from the code around it: literals and string
 * building over them, and names whose every assignment in their scope is such a value (so a constant chosen in
 * either branch of an `if`), including constant keys of a dict literal nothing writes to afterwards. What pattern
 * rules call "not constant" is asked here before they report (see ModuleFacts.constantSinks).
 */
export function provenConstant(model: ModuleModel, node: Node, depth = 0): boolean {
  if (depth > 12) return false;
  const n = unparen(node);
  if (model.isConstant(n)) return true;
  const parts = () => named(n);
  switch (n.type) {
    case 'binary_operator':
    case 'concatenated_string':
    case 'tuple':
    case 'list':
    case 'expression_list':
    case 'parenthesized_expression':
      return parts().length > 0 && parts().every((p) => provenConstant(model, p, depth + 1));
    case 'string':
      // An f-string whose interpolations are all constant.
      return parts().every((p) => p.type !== 'interpolation' || named(p).every((e) => e.type === 'format_specifier' || provenConstant(model, e, depth + 1)));
    case 'conditional_expression':
      return parts().every((p, i) => i === 1 || provenConstant(model, p, depth + 1));
    case 'identifier':
      return constantName(model, n, depth);
    case 'subscript':
      return constantEntry(model, n, depth);
    case 'call': {
      // `" ".join(parts)`, `"{}-{}".format(a, b)`, `str(n)` of constants.
      const fn = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      const argList = args ? named(args) : [];
      if (fn?.type === 'attribute' && ['join', 'format'].includes(fn.childForFieldName('attribute')?.text ?? '')) {
        const recv = fn.childForFieldName('object');
        return recv !== null && provenConstant(model, recv, depth + 1) && argList.every((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat' && provenConstant(model, a, depth + 1));
      }
      if (fn?.type === 'identifier' && (fn.text === 'str' || fn.text === 'int') && argList.length === 1) return provenConstant(model, argList[0], depth + 1);
      return false;
    }
    default:
      return false;
  }
}

/** Every binding of the name in its scope is an assignment of a proven constant (parameters, loops, `+=` are not). */
function constantName(model: ModuleModel, id: Node, depth: number): boolean {
  const b = model.lookup(id.text, id.startIndex);
  if (!b) return false;
  if (b.kind === 'assign' && b.value && b.blockStart === undefined) return provenConstant(model, b.value, depth + 1);
  const all = ownerBindings(model, id);
  if (!all || all.length === 0 || all.length > 8) return false;
  return all.every((x) => x.kind === 'assign' && x.value !== undefined && provenConstant(model, x.value, depth + 1));
}

/** `CHOICES["a"]` of a dict literal with constant values that no statement of the scope writes to. */
function constantEntry(model: ModuleModel, n: Node, depth: number): boolean {
  const base = n.childForFieldName('value');
  const subs = n.childrenForFieldName('subscript');
  if (base?.type !== 'identifier' || subs.length !== 1 || !subs[0]) return false;
  const key = constantKey(model, subs[0]);
  if (key === undefined) return false;
  const all = ownerBindings(model, base);
  const value = all?.length === 1 && all[0].kind === 'assign' ? all[0].value : undefined;
  if (!value) return false;
  const entries = literalEntries(model, value);
  const hit = entries?.find(([k]) => k === key);
  if (!hit || !provenConstant(model, hit[1], depth + 1)) return false;
  // Writes through the name: `d[k] = …`, `d.update(…)`, `d.setdefault(…)`, `del d[k]`, `d |= …`.
  // A module-level dict may be written from any function: the whole module is searched.
  const text = model.text;
  const name = base.text.replace(/[$]/g, '');
  return !new RegExp(`\\b${name}\\s*(\\[[^\\]]*\\]\\s*=[^=]|\\.(update|setdefault|pop|popitem|clear)\\s*\\(|\\|=)`).test(text);
}

/** The bindings of a name in the scope that binds it where it is read (a module constant read in a function). */
function ownerBindings(model: ModuleModel, id: Node) {
  for (let s: Scope | null = model.scopeAt(id.startIndex); s; s = s.parent) {
    if (s.kind === 'class' && s !== model.scopeAt(id.startIndex)) continue;
    const list = s.bindings.get(id.text);
    if (list && list.length > 0) return list;
  }
  return undefined;
}

/**
 * Constness the walk proves (the statement walk keeps it in its state, next to taint): a name or attribute bound to
 * a value built only from constants on every path the folder leaves alive, and containers whose every store put a
 * constant under a constant key. `CONST` is an immutable value, `CONST_MUT` a list, dict or set: a call it is
 * passed to may fill it, and an alias may change it, so both end its constness (see FunctionAnalysis).
 */
export type ConstKind = 'imm' | 'mut';

/** What the walk knows of a state key: its kind when proved constant, 'no' when it may vary, undefined when unbound. */
export type ConstLookup = (key: string) => ConstKind | 'no' | undefined;

/** String methods whose result is a constant when the receiver and the arguments are. */
const STRING_RESULTS = new Set([
  'encode', 'decode', 'lower', 'upper', 'strip', 'lstrip', 'rstrip', 'format', 'replace', 'title', 'capitalize', 'casefold',
  'zfill', 'ljust', 'rjust', 'center', 'removeprefix', 'removesuffix', 'join', 'get',
]);
const LIST_RESULTS = new Set(['split', 'rsplit', 'splitlines', 'copy', 'keys', 'values', 'items']);
const IMMUTABLE_BUILTINS = new Set(['str', 'int', 'float', 'bool', 'len', 'repr', 'tuple', 'bytes', 'frozenset', 'shlex.join', 'shlex.quote', 'os.path.join', 'posixpath.join']);
const CONTAINER_BUILTINS = new Set(['list', 'sorted', 'dict', 'set']);
/** Larger literals are tables (entities, encodings) that rarely reach a sink in the function that builds them. */
export const MAX_LITERAL_ITEMS = 32;

/**
 * The kind of constant an expression is, reading names from the walk (`lookup`), else from the syntax
 * (`provenConstant`); undefined when it may vary. A mutable container named bare inside another value is no
 * constant: the new value would alias it.
 */
export function walkConstant(model: ModuleModel, node: Node, lookup: ConstLookup, entry: (n: Node) => string | undefined, depth = 0): ConstKind | undefined {
  if (depth > 12) return undefined;
  const n = unparen(node);
  const sub = (x: Node, aliasOk = false): ConstKind | undefined => {
    const k = walkConstant(model, x, lookup, entry, depth + 1);
    const bare = unparen(x).type === 'identifier' || unparen(x).type === 'attribute';
    return k === 'mut' && bare && !aliasOk ? undefined : k;
  };
  const all = (xs: Node[]) => xs.every((x) => sub(x) !== undefined);
  switch (n.type) {
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
      return 'imm';
    case 'identifier':
    case 'attribute': {
      // Names the walk never bound here (module constants) are judged from the syntax.
      const k = lookup(n.text);
      if (k !== undefined) return k === 'no' ? undefined : k;
      return n.type === 'identifier' && provenConstant(model, n, depth + 1) ? 'imm' : undefined;
    }
    case 'string': {
      // Read from the tree, not decoded: a literal without interpolations is constant whatever it holds.
      const prefix = /^[a-zA-Z]*/.exec(model.text.slice(n.startIndex, n.startIndex + 3))?.[0] ?? '';
      if (!/f/i.test(prefix)) return 'imm';
      return named(n).every((p) => p.type !== 'interpolation' || named(p).every((e) => e.type === 'format_specifier' || sub(e) !== undefined)) ? 'imm' : undefined;
    }
    case 'concatenated_string':
      return named(n).every((p) => sub(p) !== undefined) ? 'imm' : undefined;
    case 'binary_operator': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const kl = l ? sub(l, true) : undefined;
      const kr = r ? sub(r, true) : undefined;
      if (!kl || !kr) return undefined;
      return kl === 'mut' || kr === 'mut' ? 'mut' : 'imm';
    }
    case 'tuple':
    case 'expression_list':
      if (n.namedChildCount > MAX_LITERAL_ITEMS) return undefined;
      return named(n).every((x) => x.type !== 'list_splat' && sub(x) !== undefined) ? 'imm' : undefined;
    case 'list':
    case 'set':
      if (n.namedChildCount > MAX_LITERAL_ITEMS) return undefined;
      return named(n).every((x) => x.type !== 'list_splat' && sub(x) !== undefined) ? 'mut' : undefined;
    case 'dictionary':
      if (n.namedChildCount > MAX_LITERAL_ITEMS) return undefined;
      return named(n).every((p) => p.type === 'pair' && all([p.childForFieldName('key'), p.childForFieldName('value')].filter((x): x is Node => x !== null))) ? 'mut' : undefined;
    case 'subscript': {
      const key = entry(n);
      const own = key !== undefined ? lookup(key) : undefined;
      if (own !== undefined) return own === 'no' ? undefined : own;
      const value = n.childForFieldName('value');
      if (value && (value.type === 'identifier' || value.type === 'attribute') && lookup(value.text) === undefined) return provenConstant(model, n, depth + 1) ? 'imm' : undefined;
      const subs = n.childrenForFieldName('subscript');
      if (!value || subs.length !== 1 || !subs[0]) return undefined;
      const index = subs[0];
      const indexConst = index.type === 'slice' ? named(index).every((x) => sub(x) !== undefined) : sub(index) !== undefined;
      return indexConst ? sub(value, true) : undefined;
    }
    case 'conditional_expression':
      return named(n).every((x, i) => i === 1 || sub(x) !== undefined) ? (named(n).some((x, i) => i !== 1 && sub(x, true) === 'mut') ? 'mut' : 'imm') : undefined;
    case 'call': {
      const fn = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      const argList = args ? named(args) : [];
      if (!fn || args?.type !== 'argument_list') return undefined;
      // Which calls can give a constant at all is decided first: most calls are none of these.
      const method = fn.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
      const q = model.qualifiedName(fn) ?? fn.text;
      const builtin = IMMUTABLE_BUILTINS.has(q) ? 'imm' : CONTAINER_BUILTINS.has(q) ? 'mut' : undefined;
      if (!builtin && !STRING_RESULTS.has(method) && !LIST_RESULTS.has(method)) return undefined;
      const argsConst = argList.every((a) => {
        if (a.type === 'keyword_argument') {
          const v = a.childForFieldName('value');
          return v !== null && sub(v) !== undefined;
        }
        return a.type !== 'list_splat' && a.type !== 'dictionary_splat' && sub(a, true) !== undefined;
      });
      if (!argsConst) return undefined;
      if (builtin) return builtin;
      const recv = fn.type === 'attribute' ? fn.childForFieldName('object') : null;
      if (!recv || sub(recv, true) === undefined) return undefined;
      return LIST_RESULTS.has(method) ? 'mut' : 'imm';
    }
    default:
      return undefined;
  }
}
