import type { Node } from 'web-tree-sitter';
import { unparen } from '../syntax/nodes.js';
import type { CallSite } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';

/** Literal truthiness of a constant expression: true/false when known, undefined when it depends on input. */
export function constantTruth(node: Node, model: ModuleModel, depth = 0): boolean | undefined {
  // `x = x` in a function body binds to itself; the depth bound ends such chains.
  if (depth > 16) return undefined;
  const n = unparen(node);
  switch (n.type) {
    case 'true':
      return true;
    case 'false':
    case 'none':
      return false;
    case 'integer':
    case 'float':
      return Number(n.text.replace(/_/g, '')) !== 0;
    case 'identifier': {
      const b = model.lookup(n.text, n.startIndex);
      if (b?.kind === 'assign' && b.value) return constantTruth(b.value, model, depth + 1);
      return undefined;
    }
    default: {
      const s = model.constantString(n);
      return s === undefined ? undefined : s.length > 0;
    }
  }
}

/** The node of a keyword argument when it is present and literally truthy (`shell=True`, `shell=1`). */
export function truthyKeyword(call: CallSite, name: string, model: ModuleModel): Node | undefined {
  const v = call.keywords.get(name);
  return v && constantTruth(v, model) === true ? v : undefined;
}

/** The keyword argument when it is present and literally falsy (`verify=False`). */
export function falsyKeyword(call: CallSite, name: string, model: ModuleModel): Node | undefined {
  const v = call.keywords.get(name);
  return v && constantTruth(v, model) === false ? v : undefined;
}

/** Short, single-line rendering of source text for messages. */
export function excerpt(node: Node, max = 40): string {
  const t = node.text.replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

const MAX_FOLLOW = 8;

/**
 * The expression a name stands for when it is bound by a plain assignment (or `with … as`), followed through
 * a few renamings: `cmd = base; run(cmd)` → `base`'s value. Anything else is returned as it is.
 */
export function boundValue(node: Node, model: ModuleModel): Node {
  let n = unparen(node);
  for (let i = 0; i < MAX_FOLLOW && n.type === 'identifier'; i++) {
    const b = model.lookup(n.text, n.startIndex);
    if (b?.kind !== 'assign' || !b.value || model.containerFilled(b)) break;
    n = unparen(b.value);
  }
  return n;
}

/** The resolved callee of a call expression (`sp.run(x)` → `subprocess.run`), or undefined for anything else. */
export function calleeOf(node: Node, model: ModuleModel): string | undefined {
  const n = unparen(node);
  if (n.type !== 'call') return undefined;
  const fn = n.childForFieldName('function');
  return fn ? model.qualifiedName(fn) : undefined;
}

/** Positional (non-keyword, non-splat) arguments of a call expression node. */
export function positionalArgs(call: Node): Node[] {
  const list = call.childForFieldName('arguments');
  if (list?.type !== 'argument_list') return [];
  const out: Node[] = [];
  for (const a of list.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat') break;
    out.push(a);
  }
  return out;
}

/** Calls whose result is safe inside a shell command line: quoting, and conversions to numbers. */
const SHELL_SAFE_CALLS = new Set(['shlex.quote', 'shlex.join', 'pipes.quote', 'int', 'float', 'len']);

/**
 * True when a command string cannot carry shell syntax from outside: every part that is not constant is
 * quoted with `shlex.quote`/`shlex.join` or is a number. Understands f-strings, `+`, `%`, `str.format` and
 * `" ".join(...)` of quoted parts, and names bound to such expressions.
 */
export function isShellSafe(node: Node, model: ModuleModel, depth = 0): boolean {
  if (depth > MAX_FOLLOW * 2) return false;
  if (model.isConstant(node)) return true;
  const n = boundValue(node, model);
  const safe = (x: Node) => isShellSafe(x, model, depth + 1);
  switch (n.type) {
    case 'string': {
      for (const child of n.children) {
        if (child?.type !== 'interpolation') continue;
        // `{x!r}` renders quotes of Python's choosing, not the shell's.
        if (child.childForFieldName('type_conversion')) return false;
        const expr = child.childForFieldName('expression');
        if (!expr || !safe(expr)) return false;
      }
      return true;
    }
    case 'concatenated_string':
      return n.namedChildren.every((c) => !c || c.type === 'comment' || safe(c));
    case 'list':
    case 'tuple':
      return n.namedChildren.every((c) => !c || c.type === 'comment' || safe(c));
    case 'binary_operator': {
      const op = n.childForFieldName('operator')?.type;
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left || !right) return false;
      if (op === '+') return safe(left) && safe(right);
      if (op === '%') return model.isConstant(left) && safe(right);
      return false;
    }
    case 'call': {
      const callee = calleeOf(n, model);
      if (callee && SHELL_SAFE_CALLS.has(callee)) return true;
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'attribute') return false;
      const obj = fn.childForFieldName('object');
      const method = fn.childForFieldName('attribute')?.text;
      if (!obj || !model.isConstant(obj)) return false;
      const args = n.childForFieldName('arguments');
      if (!args) return false;
      if (method === 'join') {
        const only = args.type === 'generator_expression' ? args : positionalArgs(n)[0];
        if (!only) return false;
        if (only.type === 'generator_expression' || only.type === 'list_comprehension') {
          const body = only.childForFieldName('body');
          return !!body && safe(body);
        }
        return safe(only);
      }
      if (method === 'format') {
        return args.namedChildren.every((a) => {
          if (!a || a.type === 'comment') return true;
          if (a.type === 'keyword_argument') {
            const v = a.childForFieldName('value');
            return !!v && safe(v);
          }
          return a.type !== 'list_splat' && a.type !== 'dictionary_splat' && safe(a);
        });
      }
      return false;
    }
    default:
      return false;
  }
}

const PATH_CALLS = new Set([
  'os.path.join',
  'os.path.dirname',
  'os.path.abspath',
  'os.path.realpath',
  'os.path.normpath',
  'pathlib.Path',
  'pathlib.PurePath',
]);

/**
 * True for a path fixed by the source itself: constants, `__file__`, and `os.path`/`pathlib` compositions of
 * them (`os.path.join(os.path.dirname(__file__), "version.py")`, `Path(__file__).parent / "VERSION"`).
 */
export function isFixedPath(node: Node, model: ModuleModel, depth = 0): boolean {
  if (depth > MAX_FOLLOW * 2) return false;
  if (model.isConstant(node)) return true;
  const n = boundValue(node, model);
  const fixed = (x: Node) => isFixedPath(x, model, depth + 1);
  switch (n.type) {
    case 'identifier':
      return n.text === '__file__' && !model.lookup(n.text, n.startIndex);
    case 'string':
      return model.isConstant(n);
    case 'attribute': {
      const attr = n.childForFieldName('attribute')?.text;
      const obj = n.childForFieldName('object');
      return !!obj && (attr === 'parent' || attr === 'parents') && fixed(obj);
    }
    case 'subscript': {
      const value = n.childForFieldName('value');
      return !!value && fixed(value);
    }
    case 'binary_operator': {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      return n.childForFieldName('operator')?.type === '/' && !!left && !!right && fixed(left) && fixed(right);
    }
    case 'call': {
      const callee = calleeOf(n, model);
      if (callee && PATH_CALLS.has(callee)) {
        const args = n.childForFieldName('arguments');
        return !!args && args.namedChildren.every((a) => !a || a.type === 'comment' || (a.type !== 'keyword_argument' && fixed(a)));
      }
      // Path(...).resolve(), .absolute(), .with_name("x"), .joinpath("x") keep a fixed path fixed.
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'attribute') return false;
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const obj = fn.childForFieldName('object');
      if (!obj || !['resolve', 'absolute', 'with_name', 'with_suffix', 'joinpath'].includes(method)) return false;
      return fixed(obj) && positionalArgs(n).every(fixed);
    }
    default:
      return false;
  }
}

/** True inside the body of `if __name__ == "__main__":` (code that runs only when the file is a script). */
export function underMainGuard(node: Node): boolean {
  let child: Node = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const consequence = p.childForFieldName('consequence');
    if (!consequence || consequence.id !== child.id) continue;
    const cond = p.childForFieldName('condition');
    if (!cond) continue;
    const c = unparen(cond);
    if (c.type !== 'comparison_operator' || !/==/.test(c.text)) continue;
    const sides = c.namedChildren.filter((x): x is Node => x !== null && x.type !== 'comment').map((x) => unparen(x));
    if (sides.length !== 2) continue;
    const texts = sides.map((s) => (s.type === 'identifier' ? s.text : s.type === 'string' ? s.text.slice(1, -1) : ''));
    if (texts.includes('__name__') && texts.includes('__main__')) return true;
  }
  return false;
}

// ---- Flask ---------------------------------------------------------------------------------------------

const FLASK_APP_TYPES = new Set(['flask.Flask', 'flask.app.Flask']);
const FLASK_CONFIG_NAMES = new Set(['flask.Flask.config', 'flask.app.Flask.config', 'flask.current_app.config']);

/** True when an expression is a Flask application (an instance of `flask.Flask`, or `flask.current_app`). */
export function isFlaskApp(node: Node, model: ModuleModel): boolean {
  const type = model.instanceType(node);
  if (type && FLASK_APP_TYPES.has(type)) return true;
  return model.qualifiedName(node) === 'flask.current_app';
}

/** True when an expression is a Flask application's `config` mapping (`app.config`, `current_app.config`). */
export function isFlaskConfig(node: Node, model: ModuleModel): boolean {
  const q = model.qualifiedName(node);
  return q !== undefined && FLASK_CONFIG_NAMES.has(q);
}

/** `app.config.update` / `app.config.from_mapping`: the config methods that take several settings at once. */
export const FLASK_CONFIG_SETTERS: readonly string[] = [...FLASK_CONFIG_NAMES].flatMap((c) => [`${c}.update`, `${c}.from_mapping`]);

/** The key of a subscript target `m["KEY"]` whose object satisfies `isMapping`, when the key is a constant string. */
export function subscriptKey(target: Node, model: ModuleModel, isMapping: (obj: Node) => boolean): string | undefined {
  const n = unparen(target);
  if (n.type !== 'subscript') return undefined;
  const obj = n.childForFieldName('value');
  const key = n.childForFieldName('subscript');
  if (!obj || !key || !isMapping(obj)) return undefined;
  return model.constantString(key);
}

/** The attribute name of a target `obj.name` whose object satisfies `isOwner`. */
export function attributeName(target: Node, isOwner: (obj: Node) => boolean): string | undefined {
  const n = unparen(target);
  if (n.type !== 'attribute') return undefined;
  const obj = n.childForFieldName('object');
  const attr = n.childForFieldName('attribute');
  if (!obj || !attr || !isOwner(obj)) return undefined;
  return attr.text;
}

/**
 * The settings a mapping-style call passes (`update(DEBUG=True)`, `update({"DEBUG": True})`,
 * `from_mapping(SECRET_KEY=...)`): each constant key with its value node and the node to report.
 */
export function mappingEntries(call: CallSite, model: ModuleModel): { key: string; value: Node; node: Node }[] {
  const out: { key: string; value: Node; node: Node }[] = [];
  for (const [key, value] of call.keywords) out.push({ key, value, node: value.parent ?? value });
  for (const arg of call.args) {
    const dict = boundValue(arg, model);
    if (dict.type !== 'dictionary') continue;
    for (const pair of dict.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const k = pair.childForFieldName('key');
      const v = pair.childForFieldName('value');
      const key = k ? model.constantString(k) : undefined;
      if (key !== undefined && v) out.push({ key, value: v, node: pair });
    }
  }
  return out;
}

// ---- Django settings -------------------------------------------------------------------------------------

const settingsModuleCache = new WeakMap<ModuleModel, boolean>();
const SETTINGS_MARKERS = new Set(['INSTALLED_APPS', 'MIDDLEWARE']);

/**
 * True for a Django settings module: a file named `settings.py` (or `settings_<profile>.py`, or
 * `<profile>_settings.py` for the usual profile names), any module of a `settings/` package, or a module that
 * assigns `INSTALLED_APPS` or `MIDDLEWARE` at top level. Settings rules run only there, so a `DEBUG = True` in a
 * script or a test helper is not mistaken for a project setting.
 */
export function isSettingsModule(model: ModuleModel): boolean {
  const cached = settingsModuleCache.get(model);
  if (cached !== undefined) return cached;
  const parts = model.relPath.split('/');
  // `settings.py`, `settings_production.py`, `production_settings.py`, or any module of a `settings/` package.
  let result = /^(settings|settings_\w+|(prod|production|staging|stage|live|base|common|default|local|dev|development|test|testing|ci)_settings)\.pyw?$/.test(parts[parts.length - 1]) || parts.slice(0, -1).includes('settings');
  if (!result) {
    result = model.assignments.some(
      (a) => a.scope.kind === 'module' && a.targets.some((t) => t.type === 'identifier' && SETTINGS_MARKERS.has(t.text)),
    );
  }
  settingsModuleCache.set(model, result);
  return result;
}

const resolvedCallsCache = new WeakMap<ModuleModel, Map<Iterable<string>, ReadonlyMap<CallSite, string>>>();

/**
 * The call sites whose callee resolves to one of `names`, each with the name it resolves to. Found with
 * `model.callsTo` (an index by last name and aliases), so a rule that looks at every call can tell these
 * apart without resolving the others. Cached per model and per `names` object: pass a module constant.
 */
export function callsToAny(model: ModuleModel, names: Iterable<string>): ReadonlyMap<CallSite, string> {
  let byNames = resolvedCallsCache.get(model);
  if (!byNames) {
    byNames = new Map();
    resolvedCallsCache.set(model, byNames);
  }
  let found = byNames.get(names);
  if (!found) {
    const map = new Map<CallSite, string>();
    for (const name of names) for (const call of model.callsTo(name)) map.set(call, name);
    found = map;
    byNames.set(names, found);
  }
  return found;
}

const wordPositionsCache = new WeakMap<ModuleModel, Map<string, readonly number[]>>();

/**
 * False when `word` does not occur in the source text of `node`, so that a keyword argument named `word`
 * cannot be there; true when it may. Costs a binary search over the word's occurrences in the module, and
 * reads the node's end only when an occurrence follows its start.
 */
export function mayContainWord(model: ModuleModel, node: Node, word: string): boolean {
  let byWord = wordPositionsCache.get(model);
  if (!byWord) {
    byWord = new Map();
    wordPositionsCache.set(model, byWord);
  }
  let positions = byWord.get(word);
  if (!positions) {
    const list: number[] = [];
    for (let i = model.text.indexOf(word); i !== -1; i = model.text.indexOf(word, i + 1)) list.push(i);
    positions = list;
    byWord.set(word, positions);
  }
  const start = node.startIndex;
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < positions.length && positions[lo] + word.length <= node.endIndex;
}

/**
 * A value that visibly comes from a web request: read off a `request` object, or a parameter of a function that
 * takes one (a view's URL arguments).
 */
export function requestShaped(culprit: Node, model: ModuleModel): boolean {
  const value = boundValue(culprit, model);
  if (/\brequest\b/.test(value.text)) return true;
  const scope = model.scopeAt(culprit.startIndex);
  if (scope.kind !== 'function' || !scope.bindings.has('request')) return false;
  return scope.bindings.get('request')?.some((b) => b.kind === 'param') ?? false;
}
