import { isTestFileName } from '../../semantics/test-code.js';
import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../../findings/types.js';
import type { Assignment, CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { calleeOf, constantTruth, isFlaskConfig, isSettingsModule, mappingEntries } from '../helpers.js';

/** Helpers shared by the web-framework rules (settings modules, configuration keys, views). */

export const LOWER: Readonly<Record<Confidence, Confidence>> = { high: 'medium', medium: 'low', low: 'low' };

// ---- settings modules -------------------------------------------------------------------------------------

const moduleSettingsCache = new WeakMap<ModuleModel, Map<string, Assignment[]>>();

/** Top-level assignments of a module by the name they bind (`DEBUG = …`, `A = B = …`), in source order. */
export function moduleSettings(model: ModuleModel): Map<string, Assignment[]> {
  let map = moduleSettingsCache.get(model);
  if (map) return map;
  map = new Map();
  for (const a of model.assignments) {
    if (a.scope.kind !== 'module') continue;
    for (const t of a.targets) {
      if (t.type !== 'identifier') continue;
      const list = map.get(t.text);
      if (list) list.push(a);
      else map.set(t.text, [a]);
    }
  }
  moduleSettingsCache.set(model, map);
  return map;
}

/** The value of a top-level setting when it is assigned exactly once with a value, else undefined. */
export function singleSetting(model: ModuleModel, name: string): Assignment | undefined {
  const list = moduleSettings(model).get(name);
  return list?.length === 1 && list[0].value ? list[0] : undefined;
}

/** True when a top-level setting is assigned anywhere in the module (any value, any branch). */
export function setsSetting(model: ModuleModel, name: string): boolean {
  return (moduleSettings(model).get(name)?.length ?? 0) > 0 || new RegExp(`\\b${name}\\s*[-+|]=`).test(model.text);
}

/** Words in a settings file name that mark a development or test profile (`settings/dev.py`, `local_settings.py`). */
const DEV_WORDS = new Set(['dev', 'develop', 'development', 'local', 'test', 'tests', 'testing', 'ci', 'debug', 'sandbox']);

/** True for a settings module whose file name says it is a development or test profile. */
export function isDevSettingsModule(model: ModuleModel): boolean {
  const base = model.relPath.split('/').pop() ?? '';
  const stem = base.replace(/\.pyw?$/, '');
  return stem.split(/[_.-]+/).some((w) => DEV_WORDS.has(w.toLowerCase()));
}

/** Settings that other modules usually override: `settings/base.py`, `common.py`, `defaults.py`. */
export function isBaseSettingsModule(model: ModuleModel): boolean {
  const base = model.relPath.split('/').pop() ?? '';
  return /^(settings_)?(base|common|default|defaults|shared|global|core)(_settings)?\.pyw?$/i.test(base);
}

/** A Django settings module that is not a development or test profile: where the settings rules apply. */
export function isDeployableSettings(model: ModuleModel): boolean {
  return isSettingsModule(model) && !isDevSettingsModule(model);
}

/** Settings written by code the scanner cannot read: `globals().update(...)`, django-split-settings' `include()`. */
const DYNAMIC_SETTINGS = /\b(globals|locals|vars)\(\)|\bexec\(|\bsplit_settings\b/;

/**
 * The top-level `DEBUG = False` of a settings module that looks like a production profile: every
 * top-level assignment of `DEBUG` is literally false. Rules that report a *missing* hardening setting
 * anchor their finding on it. A module with a star import (`from .base import *`) inherits settings the
 * scanner does not see, so it never qualifies.
 */
export function productionDebugOff(model: ModuleModel): Assignment | undefined {
  if (!isDeployableSettings(model) || model.starImports.length > 0 || DYNAMIC_SETTINGS.test(model.text)) return undefined;
  const list = moduleSettings(model).get('DEBUG') ?? [];
  if (list.length === 0) return undefined;
  for (const a of list) if (!a.value || constantTruth(a.value, model) !== false) return undefined;
  return list[0];
}

/** True when the module literally turns `DEBUG` on at top level (a development profile whatever its name). */
export function debugLiterallyOn(model: ModuleModel): boolean {
  return (moduleSettings(model).get('DEBUG') ?? []).some((a) => a.value && constantTruth(a.value, model) === true);
}

/** True when a node sits inside an `if`/`try` at module level, so it runs only on some configurations. */
export function isConditional(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition') return false;
    if (p.type === 'if_statement' || p.type === 'try_statement' || p.type === 'elif_clause' || p.type === 'else_clause') return true;
  }
  return false;
}

// ---- configuration keys (Django settings, Flask config) --------------------------------------------------

export type ConfigWhere = 'module' | 'class' | 'config' | 'configure';

export interface ConfigEntry {
  key: string;
  value: Node;
  /** The node to report: the assignment, the keyword argument or the dict pair. */
  node: Node;
  where: ConfigWhere;
  /** For `update(...)` / class bodies: the sibling entries, to read `TESTING = True` next to a setting. */
  siblings: () => Map<string, Node>;
  /** True when the object owning a `config` mapping could not be resolved (factory result, untyped parameter). */
  unresolved: boolean;
}

const configCache = new WeakMap<ModuleModel, ConfigEntry[]>();
const SETTER_METHODS = new Set(['update', 'from_mapping']);

/** `something.config` whose owner the scanner cannot resolve (`create_app().config`, an untyped `app`). */
function isUnresolvedConfig(node: Node, model: ModuleModel): boolean {
  const n = unparen(node);
  return n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'config' && model.resolve(n) === undefined;
}

function classSiblings(model: ModuleModel, classNode: Node | null): () => Map<string, Node> {
  return () => {
    const out = new Map<string, Node>();
    if (!classNode) return out;
    for (const a of model.assignments) {
      if (a.scope.node?.id !== classNode.id || !a.value) continue;
      for (const t of a.targets) if (t.type === 'identifier') out.set(t.text, a.value);
    }
    return out;
  };
}

function callSiblings(call: CallSite, model: ModuleModel): () => Map<string, Node> {
  return () => new Map(mappingEntries(call, model).map((e) => [e.key, e.value]));
}

/**
 * Every place a module sets an upper-case configuration key: top-level and class-body assignments
 * (`DEBUG = …`, Flask config classes), `app.config["KEY"] = …`, `app.config.update(KEY=…)` /
 * `from_mapping(...)` and Django's `settings.configure(KEY=…)`. Memoized per module.
 */
export function configEntries(model: ModuleModel): ConfigEntry[] {
  let entries = configCache.get(model);
  if (entries) return entries;
  entries = [];
  const moduleSiblings = () => new Map([...moduleSettings(model)].flatMap(([k, list]): [string, Node][] => (list[list.length - 1].value ? [[k, list[list.length - 1].value as Node]] : [])));
  for (const a of model.assignments) {
    if (!a.value) continue;
    for (const t of a.targets) {
      if (t.type === 'identifier') {
        if (!/^[A-Z][A-Z0-9_]*$/.test(t.text)) continue;
        if (a.scope.kind === 'module') entries.push({ key: t.text, value: a.value, node: a.node, where: 'module', siblings: moduleSiblings, unresolved: false });
        else if (a.scope.kind === 'class') entries.push({ key: t.text, value: a.value, node: a.node, where: 'class', siblings: classSiblings(model, a.scope.node), unresolved: false });
      } else if (t.type === 'subscript') {
        const obj = t.childForFieldName('value');
        const keyNode = t.childForFieldName('subscript');
        if (!obj || !keyNode) continue;
        const resolved = isFlaskConfig(obj, model);
        if (!resolved && !isUnresolvedConfig(obj, model)) continue;
        const key = model.constantString(keyNode);
        if (key === undefined) continue;
        entries.push({ key, value: a.value, node: a.node, where: 'config', siblings: () => new Map(), unresolved: !resolved });
      }
    }
  }
  for (const call of model.calls) {
    // `call.name` is the attribute as written: other methods are skipped before the tree is read.
    const method = call.name;
    if (!SETTER_METHODS.has(method) && method !== 'configure') continue;
    if (call.calleeNode.type !== 'attribute') continue;
    const obj = call.calleeNode.childForFieldName('object');
    if (!obj) continue;
    let where: ConfigWhere;
    let unresolved = false;
    if (SETTER_METHODS.has(method)) {
      if (isFlaskConfig(obj, model)) where = 'config';
      else if (isUnresolvedConfig(obj, model)) {
        where = 'config';
        unresolved = true;
      } else continue;
    } else if (method === 'configure' && call.callee === 'django.conf.settings.configure') {
      where = 'configure';
    } else continue;
    const siblings = callSiblings(call, model);
    for (const e of mappingEntries(call, model)) entries.push({ key: e.key, value: e.value, node: e.node, where, siblings, unresolved });
  }
  entries.sort((x, y) => x.node.startIndex - y.node.startIndex);
  configCache.set(model, entries);
  return entries;
}

/**
 * True for a configuration entry that belongs to a test profile: a test file (`conftest.py`, `test_*.py`),
 * a class or function whose name says test (`class TestingConfig`, `def test_login`), or the same class or
 * `update(...)` call also setting `TESTING = True`.
 */
export function isTestContext(entry: Pick<ConfigEntry, 'node' | 'siblings'>, model: ModuleModel): boolean {
  if (isTestFileName(model.relPath)) return true;
  for (let p = entry.node.parent; p; p = p.parent) {
    if (p.type !== 'class_definition' && p.type !== 'function_definition') continue;
    const name = p.childForFieldName('name')?.text ?? '';
    if (/test/i.test(name) || /fixture/i.test(name)) return true;
  }
  const testing = entry.siblings().get('TESTING');
  return testing !== undefined && constantTruth(testing, model) === true;
}

// ---- numbers -------------------------------------------------------------------------------------------

const TIMEDELTA = new Set(['datetime.timedelta']);
const TIMEDELTA_UNITS: [string, number][] = [
  ['days', 86400],
  ['seconds', 1],
  ['microseconds', 1e-6],
  ['milliseconds', 1e-3],
  ['minutes', 60],
  ['hours', 3600],
  ['weeks', 604800],
];

/**
 * The number a constant numeric expression always evaluates to: literals, arithmetic, names bound to
 * constants, and `timedelta(...)` (as seconds). Undefined for anything read at run time.
 */
export function constantNumber(node: Node, model: ModuleModel): number | undefined {
  return model.constantNumber(node, NUMBER_OPERATORS, (n, num) => numberLeaf(n, model, num));
}

const NUMBER_OPERATORS: ReadonlySet<string> = new Set(['+', '-', '*', '/', '//', '**']);

/** Floats, `int(...)`/`float(...)` of constants, and `timedelta(...)` in seconds; `null` leaves the rest to the folding. */
function numberLeaf(n: Node, model: ModuleModel, num: (x: Node) => number | undefined): number | undefined | null {
  if (n.type === 'float') {
    const v = Number(n.text.replace(/_/g, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (n.type !== 'call') return null;
  const callee = calleeOf(n, model);
  if (!callee) return undefined;
  if (callee === 'int' || callee === 'float') {
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
    return args.length === 1 && args[0] ? num(args[0]) : undefined;
  }
  if (!TIMEDELTA.has(callee)) return undefined;
  let total = 0;
  let position = 0;
  for (const a of n.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      const unit = TIMEDELTA_UNITS.find(([u]) => u === a.childForFieldName('name')?.text);
      const value = a.childForFieldName('value');
      const v = value ? num(value) : undefined;
      if (!unit || v === undefined) return undefined;
      total += v * unit[1];
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
      return undefined;
    } else {
      // Positional order: days, seconds, microseconds, milliseconds, minutes, hours, weeks.
      const unit = TIMEDELTA_UNITS[position++];
      const v = num(a);
      if (!unit || v === undefined) return undefined;
      total += v * unit[1];
    }
  }
  return total;
}

// ---- reading configuration from the environment -----------------------------------------------------------

/** Readers of configuration that take a default: (callee, position of the default, keyword of the default). */
const ENV_GETTERS: ReadonlyMap<string, [number, string]> = new Map([
  ['os.environ.get', [1, 'default']],
  ['os.environ.setdefault', [1, 'default']],
  ['os.getenv', [1, 'default']],
  ['decouple.config', [1, 'default']],
  ['environ.Env', [1, 'default']],
  ['environ.Env.str', [1, 'default']],
  ['environ.Env.list', [1, 'default']],
  ['environ.Env.bool', [1, 'default']],
]);

/**
 * The literal default a configuration read falls back to: `os.environ.get("K", "x")`, `os.getenv("K") or "x"`,
 * `config("K", default="x")`, `env.list("K", default=["x"])`, also through `.split(",")`.
 */
export function envFallback(node: Node, model: ModuleModel): Node | undefined {
  let n = unparen(node);
  if (n.type === 'boolean_operator' && n.childForFieldName('operator')?.type === 'or') return n.childForFieldName('right') ?? undefined;
  if (n.type === 'call') {
    const fn = n.childForFieldName('function');
    if (fn?.type === 'attribute' && /^(split|strip|lower)$/.test(fn.childForFieldName('attribute')?.text ?? '')) {
      const obj = fn.childForFieldName('object');
      if (obj) n = unparen(obj);
    }
  }
  if (n.type !== 'call') return undefined;
  const fn = n.childForFieldName('function');
  let name = calleeOf(n, model);
  if (!name && fn) {
    const t = model.instanceType(fn);
    if (t) name = t;
    else if (fn.type === 'attribute') {
      const objType = fn.childForFieldName('object');
      const ty = objType ? model.instanceType(objType) : undefined;
      if (ty) name = `${ty}.${fn.childForFieldName('attribute')?.text}`;
    }
  }
  const spec = name ? ENV_GETTERS.get(name) : undefined;
  return spec ? defaultArgument(n, spec) : undefined;
}

/**
 * The argument of a call node that carries a default, by position or keyword (`spec`); undefined when it is
 * absent or when a `*args`/`**kwargs` spread makes the position unknowable.
 */
export function defaultArgument(call: Node, [position, keyword]: readonly [number, string]): Node | undefined {
  let index = 0;
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      if (a.childForFieldName('name')?.text === keyword) return a.childForFieldName('value') ?? undefined;
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
      return undefined;
    } else if (index++ === position) {
      return a;
    }
  }
  return undefined;
}

// ---- imports --------------------------------------------------------------------------------------------

/** True when the module imports any of the given top-level packages. */
export function importsAny(model: ModuleModel, packages: readonly string[]): boolean {
  return model.imports.some((i) => packages.some((p) => i.qualified === p || i.qualified.startsWith(`${p}.`) || i.module === p || i.module.startsWith(`${p}.`)));
}

/** Elements of a list/tuple/set literal (after following a constant name), or undefined. */
export function sequenceElements(node: Node, model: ModuleModel): Node[] | undefined {
  let n = unparen(node);
  for (let i = 0; i < 8 && n.type === 'identifier'; i++) {
    const b = model.lookup(n.text, n.startIndex);
    if (b?.kind !== 'assign' || !b.value) return undefined;
    n = unparen(b.value);
  }
  if (n.type !== 'list' && n.type !== 'tuple' && n.type !== 'set') return undefined;
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/**
 * The default value of the parameter a name refers to (`def serve(host="0.0.0.0"): ... host`), when the name
 * is a parameter with a default. The caller may pass something else: a fallback, not a fact.
 */
export function parameterDefault(node: Node, model: ModuleModel): Node | undefined {
  const n = unparen(node);
  if (n.type !== 'identifier') return undefined;
  const b = model.lookup(n.text, n.startIndex);
  if (b?.kind !== 'param') return undefined;
  const fn = model.functions.find((f) => f.node.startIndex === b.at);
  for (const p of fn?.node.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type !== 'default_parameter' && p?.type !== 'typed_default_parameter') continue;
    if (p.childForFieldName('name')?.text === n.text) return p.childForFieldName('value') ?? undefined;
  }
  return undefined;
}
