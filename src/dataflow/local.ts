import type { Node } from 'web-tree-sitter';
import type { Location } from '../findings/types.js';
import type { Binding, FunctionInfo, Scope } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';
import { snippetOf } from '../findings/snippet.js';
import { maskedLines } from '../secrets/python.js';
import { unparen } from '../syntax/nodes.js';
import type { FunctionPlan, LocalContext } from './context.js';
import type { TaintSpec } from './spec.js';
import {
  constantTruth,
  dictShaped,
  identifiersIn,
  isRealpathCall,
  jinjaWithoutEscaping,
  keyOf,
  named,
  stringish,
  tupleLike,
} from './expressions.js';
import { ALL_RULE_BITS, ruleBit, ruleBits } from './models/rules.js';
import {
  ARGUMENT_METHODS,
  DECODERS,
  GUARD_CALLS,
  GUARD_METHODS,
  NON_PROPAGATING,
  NUMERIC_TYPES,
  SANITIZER_METHODS,
  PREDICATE_METHODS,
  PROPAGATORS,
  RECEIVER_ONLY_METHODS,
  STORE_METHODS,
} from './models/sanitizers.js';
import type { ArgSpec, SinkRow } from './models/sinks.js';
import { CLIENT_ENVIRON_KEY, CONFIG_SOURCES, ENVIRON_ATTRS, REQUEST_PARAM_NAMES, REQUEST_TYPES } from './models/sources.js';
import { annotationVerdict, detectRoute, djangoRoutes, parameterDetails, parameterNames } from './route-detection.js';
import { bucketCalls, mayMatter, mentions, PROCESS_TOKENS, processFunctions } from './select.js';
import { pinnedFormatArgs, pinnedOperands } from './url-shape.js';
import type { Atom, CallFacts, FunctionFacts, ModuleFacts, SinkFacts, SourceDesc, SourceKind, Step, Taint } from './types.js';

export type { LocalContext } from './context.js';

const EMPTY: Taint = Object.freeze([]) as Taint;

const MAX_ATOMS = 12;

const MAX_STEPS = 10;

const MAX_DEPTH = 150;

const MAX_INLINE = 2;

class OverBudget extends Error {}
/** The file's time budget is spent: this function's findings so far are kept, the functions after it are not analysed. */
class OutOfTime extends Error {}

type State = Map<string, Taint>;

function union(a: Taint, b: Taint): Taint {
  if (a.length === 0) return b;
  if (b.length === 0 || a === b) return a;
  const out = [...a];
  for (const x of b) {
    if (out.length >= MAX_ATOMS) break;
    if (!out.some((y) => sameAtom(x, y))) out.push(x);
  }
  return out;
}

function sameAtom(x: Atom, y: Atom): boolean {
  if (x.k !== y.k || x.san !== y.san) return false;
  switch (x.k) {
    case 'src':
      return y.k === 'src' && x.src.loc.startLine === y.src.loc.startLine && x.src.loc.startColumn === y.src.loc.startColumn && x.src.loc.path === y.src.loc.path;
    case 'param':
      return y.k === 'param' && x.i === y.i;
    case 'call':
      return y.k === 'call' && x.c === y.c;
    case 'field':
      return y.k === 'field' && x.f === y.f;
    case 'global':
      return y.k === 'global' && x.g === y.g;
  }
}

function withStep(t: Taint, step: Step): Taint {
  if (t.length === 0) return t;
  return t.map((a) => (a.steps.length >= MAX_STEPS ? a : { ...a, steps: [...a.steps, step] }));
}

function sanitize(t: Taint, bits: number): Taint {
  if (t.length === 0) return t;
  if ((bits & ALL_RULE_BITS) === ALL_RULE_BITS) return EMPTY;
  const out = t.map((a) => ({ ...a, san: a.san | bits })).filter((a) => (a.san & ALL_RULE_BITS) !== ALL_RULE_BITS);
  return out.length === 0 ? EMPTY : out;
}

/** Drops sanitization a decoder undid (`unquote` of a value that could not hold CR/LF before). */
function unsanitize(t: Taint, bits: number): Taint {
  if (!t.some((a) => a.san & bits)) return t;
  return t.map((a) => (a.san & bits ? { ...a, san: a.san & ~bits } : a));
}

function joinStates(states: State[]): State {
  if (states.length === 1) return states[0];
  const out: State = new Map();
  for (const s of states) for (const [k, v] of s) out.set(k, union(out.get(k) ?? EMPTY, v));
  return out;
}

/**
 * The request's own path: redirecting to it (adding a slash, a login round trip) stays on the site, so it is
 * not an open redirect source; it is still input everywhere else.
 */
const OWN_PATH = new Set(['path', 'path_info', 'get_full_path', 'get_full_path_info', 'full_path']);

const OWN_PATH_SAFE = ruleBit('K709');

/** Text placed after a fixed host or a `?` (see url-shape.ts) cannot choose a redirect's destination. */
const PINNED_SAFE = ruleBit('K709');

/**
 * The request's own host (Django checks it against ALLOWED_HOSTS): a redirect built from it only leaves the site
 * when the settings allow any host or a cache stores a forged one, so it is medium evidence of an open redirect.
 */
const HOST_DERIVED = new Set(['get_host', 'build_absolute_uri']);

const HOST_WEAK = { bits: ruleBit('K709'), confidence: 'medium' as const };

const suffixSanitizers = new WeakMap<TaintSpec, Map<string, number | undefined>>();

const CONFIG_WEAK = { bits: ALL_RULE_BITS, confidence: 'low' as const };

function qualifiedSource(kind: SourceKind, q: string, label: string, loc: Location): SourceDesc {
  const src: SourceDesc = { kind, label, loc };
  if (CONFIG_SOURCES.has(q)) src.weak = CONFIG_WEAK;
  return src;
}

const STRING_PREFIX = /^[rRbBuU]{0,2}[fF]/;

const RESPONSE_TYPE = /^(django\.http\.(response\.)?\w*Response\w*|flask\.Response|werkzeug\.wrappers\.Response)$/;

const TERMINATING_CALLS = new Set(['flask.abort', 'werkzeug.exceptions.abort', 'sys.exit', 'exit', 'quit', 'os._exit', 'abort']);

const LEAF_TYPES = new Set(['integer', 'float', 'true', 'false', 'none', 'ellipsis', 'comparison_operator', 'not_operator', 'lambda', 'type', 'keyword_separator', 'positional_separator']);

/** Extracts the taint facts of one module (runs in a worker, next to the pattern rules). */
export function extractTaintFacts(model: ModuleModel, ctx: LocalContext): ModuleFacts {
  // Nothing in test code is walked, and nothing outside it calls into it: its classes need not be read either.
  if (ctx.mode === 'none') return { path: model.relPath, module: model.moduleName, functions: [], classes: {}, routes: [], instances: {}, overBudget: [] };
  const classes: Record<string, string[]> = {};
  const classScopes: Scope[] = [];
  const collect = (scope: Scope) => {
    for (const child of scope.children) {
      if (child.kind === 'class' && child.node) {
        classScopes.push(child);
        const supers = child.node.childForFieldName('superclasses');
        const bases: string[] = [];
        for (const b of supers ? named(supers) : []) {
          if (b.type === 'keyword_argument') continue;
          const q = model.qualifiedName(b);
          if (q) bases.push(q);
        }
        classes[child.qualname] = bases;
      }
      collect(child);
    }
  };
  collect(model.moduleScope);

  const facts: ModuleFacts = { path: model.relPath, module: model.moduleName, functions: [], classes, routes: [], instances: {}, overBudget: [] };
  for (const a of model.assignments) {
    if (a.scope !== model.moduleScope || a.targets.length !== 1 || a.targets[0].type !== 'identifier' || a.value?.type !== 'call') continue;
    // Only class instantiations (`pricing = PriceBook()`) are worth resolving.
    const written = a.value.childForFieldName('function')?.text ?? '';
    if (!/(^|\.)_?[A-Z]\w*$/.test(written)) continue;
    const type = model.instanceType(a.value);
    if (type && ctx.isProject(type)) facts.instances[`${model.moduleName}.${a.targets[0].text}`] = type;
  }
  const plans: FunctionPlan[] = [];
  const selected = ctx.mode === 'process' ? processFunctions(model, ctx) : undefined;
  const callsByFunction = selected ? undefined : bucketCalls(model);
  for (const fn of model.functions) {
    if (selected && !selected.has(fn.node.startIndex)) continue;
    const body = fn.node.childForFieldName('body');
    if (!body) continue;
    const plan: FunctionPlan = { info: fn, q: fn.qualname, body, scope: fn.scope, params: parameterNames(fn.node) };
    const parent = fn.scope.parent;
    if (parent?.kind === 'class') {
      plan.cls = parent.qualname;
      plan.clsBases = allBases(parent.qualname, classes);
    }
    detectRoute(model, plan, ctx);
    if (callsByFunction && !mayMatter(model, ctx, plan, callsByFunction.get(fn.node.startIndex) ?? [])) continue;
    plans.push(plan);
  }
  const moduleBody = model.tree.rootNode;
  if (!selected || mentions(model, PROCESS_TOKENS, 0, model.text.length)) plans.push({ info: null, q: `${model.moduleName || model.relPath}.<module>`, body: moduleBody, scope: model.moduleScope, params: [] });
  facts.routes = djangoRoutes(model, ctx);

  for (const plan of plans) {
    if (ctx.expired?.()) break;
    const analysis = new FunctionAnalysis(model, ctx, plan, facts.instances);
    try {
      facts.functions.push(analysis.run());
    } catch (err) {
      if (err instanceof OutOfTime) {
        const partial = analysis.partial();
        if (partial) facts.functions.push(partial);
        break;
      }
      if (!(err instanceof OverBudget) && !(err instanceof RangeError)) throw err;
      facts.overBudget.push(plan.q);
      const partial = analysis.partial();
      if (partial) facts.functions.push(partial);
    }
  }
  return facts;
}

/** Conditions that can be guards at all (membership, equality, prefix checks, validators): others skip the work. */
const MAY_GUARD = /\bin\b|==|startswith|is_relative_to|\.is\w+\(|url_has_allowed_host_and_scheme|is_safe_url|check_for_language|isinstance/;

/** Facts a condition proves: keys clean (for rule bits) when it holds, and when it does not. Never mutated. */
interface Guards {
  whenTrue: [string, number][];
  whenFalse: [string, number][];
}

const NO_GUARDS: Guards = { whenTrue: [], whenFalse: [] };

function allBases(cls: string, classes: Record<string, string[]>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (c: string, depth: number) => {
    if (depth > 10 || seen.has(c)) return;
    seen.add(c);
    for (const b of classes[c] ?? []) {
      out.push(b);
      walk(b, depth + 1);
    }
  };
  walk(cls, 0);
  return out;
}

interface LocalDef {
  params: string[];
  body: Node;
  isLambda: boolean;
  env: State;
}

/** Flow-sensitive walk of one function body, producing its facts with symbolic parameters. */
class FunctionAnalysis {
  private state: State = new Map();
  private terminated = false;
  private visits = 0;
  private depth = 0;
  private inline = 0;
  private loopDepth = 0;
  private ret: Taint = EMPTY;
  private readonly sinks: SinkFacts[] = [];
  private readonly calls: CallFacts[] = [];
  private readonly fields: { f: string; taint: Taint }[] = [];
  private readonly localDefs = new Map<string, LocalDef>();
  private readonly realpathVars = new Set<string>();
  private readonly guardVars = new Map<string, Guards>();
  private readonly sinkSeen = new Set<string>();
  private readonly isModule: boolean;
  private readonly selfName: string | undefined;
  private readonly handlerSources: TaintSpec['selfSources'] = [];

  constructor(
    private readonly model: ModuleModel,
    private readonly ctx: LocalContext,
    private readonly plan: FunctionPlan,
    private readonly instances: Record<string, string>,
  ) {
    this.isModule = plan.info === null;
    this.selfName = plan.cls && plan.params.length > 0 && !isStatic(plan.info) ? plan.params[0] : undefined;
    if (plan.clsBases) {
      for (const s of ctx.spec.selfSources) if (plan.clsBases.some((b) => s.bases.has(b))) this.handlerSources.push(s);
    }
  }

  run(): FunctionFacts {
    const details = this.plan.info ? parameterDetails(this.plan.info.node) : undefined;
    this.plan.params.forEach((p, i) => {
      const name = p.replace(/^\*+/, '');
      // A parameter declared as a number, boolean or UUID is taken at its word (FastAPI and pydantic enforce it).
      const ann = details?.get(name)?.annotation;
      if (ann && annotationVerdict(this.model, ann) === 'safe') {
        this.state.set(name, EMPTY);
        return;
      }
      this.state.set(name, [{ k: 'param', i, steps: [], san: 0 }]);
    });
    if (this.isModule) this.block(this.plan.body, true);
    else this.block(this.plan.body, false);
    return this.facts();
  }

  /** What was collected before the budget ran out (the sinks and calls seen so far still count). */
  partial(): FunctionFacts | undefined {
    return this.facts();
  }

  private facts(): FunctionFacts {
    const out: FunctionFacts = {
      q: this.plan.q,
      params: this.plan.params,
      loc: this.ctx.location(this.plan.info?.node ?? this.plan.body),
      ret: this.ret,
      sinks: this.sinks,
      calls: this.calls,
      fields: this.fields,
    };
    if (this.plan.sourceParams && this.plan.sourceParams.length > 0) out.sourceParams = this.plan.sourceParams;
    if (this.isModule) {
      const globals: Record<string, Taint> = {};
      for (const [k, v] of this.state) if (v.length > 0 && !k.includes('.')) globals[k] = v;
      out.globals = globals;
    }
    return out;
  }

  private tick(): void {
    if (++this.visits > this.ctx.budget) throw new OverBudget();
    // The clock is read every 1024 nodes: cheap, and a file overruns its budget by microseconds at most.
    if ((this.visits & 1023) === 0 && this.ctx.expired?.()) throw new OutOfTime();
  }

  private loc(node: Node): Location {
    return this.ctx.location(node);
  }

  // ---- statements --------------------------------------------------------------------------------------

  private block(node: Node, moduleLevel: boolean): void {
    for (const stmt of named(node)) {
      if (this.terminated) return;
      this.statement(stmt, moduleLevel);
    }
  }

  private statement(node: Node, moduleLevel = false): void {
    this.tick();
    switch (node.type) {
      case 'expression_statement':
        for (const c of named(node)) this.expressionStatement(c);
        return;
      case 'return_statement': {
        const value = named(node)[0];
        if (value) {
          const t = this.expr(value);
          this.ret = union(this.ret, t);
          this.returnedClosure(value);
          if (this.plan.flaskRoute && t.length > 0 && stringish(this.model, value, 0)) {
            this.addSink({ rule: 'K707' }, 'response body returned by the view', node, t);
          }
        }
        this.terminated = true;
        return;
      }
      case 'raise_statement':
        for (const c of named(node)) this.expr(c);
        this.terminated = true;
        return;
      case 'continue_statement':
      case 'break_statement':
        this.terminated = true;
        return;
      case 'if_statement':
        this.ifStatement(node);
        return;
      case 'for_statement':
        this.forStatement(node);
        return;
      case 'while_statement':
        this.whileStatement(node);
        return;
      case 'try_statement':
        this.tryStatement(node);
        return;
      case 'with_statement':
        this.withStatement(node);
        return;
      case 'match_statement':
        this.matchStatement(node);
        return;
      case 'function_definition':
        // Module-level functions have their own summaries; nested ones are closures run where they are called.
        if (!this.isModule) this.localDef(node);
        return;
      case 'decorated_definition': {
        const def = node.childForFieldName('definition');
        if (def?.type === 'function_definition' && !this.isModule) this.localDef(def);
        return;
      }
      case 'class_definition':
        return;
      case 'block':
        this.block(node, moduleLevel);
        return;
      case 'assert_statement':
      case 'delete_statement':
      case 'print_statement':
      case 'exec_statement':
        for (const c of named(node)) this.expr(c);
        return;
      default:
        return;
    }
  }

  private expressionStatement(node: Node): void {
    switch (node.type) {
      case 'assignment':
        this.assignment(node);
        return;
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (!left || !right) return;
        const t = this.expr(right);
        const old = this.read(left);
        this.assign(left, union(old, t), null, node);
        return;
      }
      default: {
        this.expr(node);
        if (node.type === 'call') {
          const fn = node.childForFieldName('function');
          const q = fn ? this.model.qualifiedName(fn) : undefined;
          if ((q && TERMINATING_CALLS.has(q)) || (fn?.type === 'identifier' && fn.text === 'abort')) this.terminated = true;
        }
      }
    }
  }

  private assignment(node: Node): void {
    const lefts: Node[] = [];
    let cur: Node | null = node;
    let value: Node | null = null;
    while (cur) {
      const left = cur.childForFieldName('left');
      if (left) lefts.push(left);
      const right: Node | null = cur.childForFieldName('right');
      if (right?.type === 'assignment') cur = right;
      else {
        value = right;
        cur = null;
      }
    }
    if (!value) return;
    const t = this.expr(value);
    for (const left of lefts) this.assign(left, t, value, node);
  }

  /** Binds a target to a value's taint: a plain name is replaced (a constant kills taint), containers gain. */
  private assign(target: Node, t: Taint, value: Node | null, at: Node): void {
    const n = unparen(target);
    switch (n.type) {
      case 'identifier': {
        const name = n.text;
        this.realpathVars.delete(name);
        this.guardVars.delete(name);
        if (value && isRealpathCall(this.model, value)) this.realpathVars.add(name);
        if (value && (value.type === 'call' || value.type === 'comparison_operator') && MAY_GUARD.test(value.text)) {
          // `ok = url_has_allowed_host_and_scheme(url, …)` then `if ok:` guards like the call itself.
          const g = this.guards(value);
          if (g.whenTrue.length > 0 || g.whenFalse.length > 0) this.guardVars.set(name, g);
        }
        if (value && (value.type === 'lambda' || (value.type === 'identifier' && this.localDefs.has(value.text)))) {
          const def = value.type === 'lambda' ? this.lambdaDef(value) : this.localDefs.get(value.text);
          if (def) this.localDefs.set(name, def);
        } else this.localDefs.delete(name);
        this.state.set(name, t.length > 0 ? withStep(t, { loc: this.loc(at), msg: `assigned to ${name}` }) : EMPTY);
        return;
      }
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list': {
        const targets = named(n);
        const values = value ? tupleLike(value) : undefined;
        if (values && values.length === targets.length && !targets.some((x) => x.type === 'list_splat_pattern')) {
          targets.forEach((x, i) => {
            this.assign(x, this.expr(values[i]), values[i], at);
          });
        } else for (const x of targets) this.assign(x, t, null, at);
        return;
      }
      case 'list_splat_pattern':
      case 'list_splat': {
        const inner = named(n)[0];
        if (inner) this.assign(inner, t, null, at);
        return;
      }
      case 'attribute': {
        const key = n.text;
        this.state.set(key, t.length > 0 ? withStep(t, { loc: this.loc(at), msg: `stored in ${key}` }) : EMPTY);
        const obj = n.childForFieldName('object');
        const attr = n.childForFieldName('attribute')?.text;
        if (obj && attr && value?.type === 'call') {
          const cls = this.classOf(obj);
          const type = this.model.instanceType(value);
          if (cls && type && this.ctx.isProject(type)) this.instances[`${cls}.${attr}`] = type;
        }
        if (obj && attr && t.length > 0) {
          const cls = this.classOf(obj);
          if (cls) this.fields.push({ f: `${cls}.${attr}`, taint: withStep(t, { loc: this.loc(at), msg: `stored in ${key}` }) });
        }
        return;
      }
      case 'subscript': {
        const base = n.childForFieldName('value');
        if (!base) return;
        const index = n.childForFieldName('subscript');
        const indexTaint = index ? this.expr(index) : EMPTY;
        this.subscriptSinks(base, n, union(t, indexTaint), at);
        if (t.length > 0 && (base.type === 'identifier' || base.type === 'attribute')) {
          const old = this.read(base);
          this.assign(base, union(old, withStep(t, { loc: this.loc(at), msg: `stored in ${base.text}[…]` })), null, at);
        }
        return;
      }
      default:
        return;
    }
  }

  /** `session[k] = v` (trust boundary) and `response.headers[k] = v` / `response[k] = v` (header injection). */
  private subscriptSinks(base: Node, target: Node, t: Taint, at: Node): void {
    if (t.length === 0) return;
    const b = unparen(base);
    const q = b.type === 'identifier' || b.type === 'attribute' ? this.model.qualifiedName(b) : undefined;
    if (q === 'flask.session' || q === 'quart.session' || (b.type === 'attribute' && b.childForFieldName('attribute')?.text === 'session' && this.isRequest(b.childForFieldName('object')))) {
      this.addSink({ rule: 'K719' }, `${b.text}[…] =`, at, t);
      return;
    }
    if (b.type === 'attribute' && b.childForFieldName('attribute')?.text === 'headers' && !this.isRequest(b.childForFieldName('object'))) {
      this.addSink({ rule: 'K716' }, `${b.text}[…] =`, at, t);
      return;
    }
    if (b.type === 'identifier') {
      const type = this.model.instanceType(b);
      // Only responses: a `QueryDict` or a request is also a `django.http` object, and neither is a header.
      if (type && RESPONSE_TYPE.test(type)) {
        this.addSink({ rule: 'K716' }, `${b.text}[…] =`, at, t);
      }
    }
    void target;
  }

  /**
   * `for k, v in kwargs.items()` over the function's `**kwargs`: the keys are keyword names written at the call
   * sites, only the values carry the callers' data (`format_html` escaping every value is enough).
   */
  private assignItems(left: Node, right: Node | null, t: Taint, at: Node): void {
    const l = unparen(left);
    const r = right ? unparen(right) : null;
    const fn = r?.type === 'call' ? r.childForFieldName('function') : null;
    const obj = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'items' ? fn.childForFieldName('object') : null;
    const targets = ['pattern_list', 'tuple_pattern', 'tuple', 'list_pattern'].includes(l.type) ? named(l) : [];
    if (obj?.type === 'identifier' && targets.length === 2 && this.plan.params.includes(`**${obj.text}`)) {
      this.assign(targets[0], EMPTY, null, at);
      this.assign(targets[1], t, null, at);
      return;
    }
    this.assign(left, t, null, at);
  }

  private ifStatement(node: Node): void {
    const clauses: { cond: Node | null; body: Node | null }[] = [
      { cond: node.childForFieldName('condition'), body: node.childForFieldName('consequence') },
    ];
    for (const alt of node.childrenForFieldName('alternative')) {
      if (!alt) continue;
      if (alt.type === 'elif_clause') clauses.push({ cond: alt.childForFieldName('condition'), body: alt.childForFieldName('consequence') });
      else if (alt.type === 'else_clause') clauses.push({ cond: null, body: alt.childForFieldName('body') });
    }
    const ends: State[] = [];
    let incoming = this.state;
    let fallsThrough = true;
    for (const clause of clauses) {
      this.state = incoming;
      if (!clause.cond) {
        this.runBranch(clause.body, ends);
        fallsThrough = false;
        break;
      }
      this.expr(clause.cond);
      const afterCond = this.state;
      const constant = constantTruth(this.model, clause.cond);
      const guards = this.guards(clause.cond);
      if (constant !== false) {
        this.state = this.applyGuards(afterCond, guards.whenTrue);
        this.runBranch(clause.body, ends);
      }
      if (constant === true) {
        fallsThrough = false;
        break;
      }
      incoming = this.applyGuards(afterCond, guards.whenFalse);
    }
    if (fallsThrough) ends.push(incoming);
    this.terminated = ends.length === 0;
    this.state = ends.length === 0 ? incoming : joinStates(ends);
  }

  private runBranch(body: Node | null, ends: State[]): void {
    this.state = new Map(this.state);
    this.terminated = false;
    if (body) this.block(body, false);
    if (!this.terminated) ends.push(this.state);
    this.terminated = false;
  }

  private forStatement(node: Node): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const body = node.childForFieldName('body');
    const iter = right ? this.expr(right) : EMPTY;
    const before = this.state;
    const ends: State[] = [before];
    // A second pass carries values assigned late in the body back to its start; nested loops get one pass
    // each, so the cost stays linear in their depth.
    const rounds = this.loopDepth > 0 ? 1 : 2;
    this.loopDepth++;
    for (let round = 0; round < rounds; round++) {
      this.state = new Map(this.state);
      if (left) this.assignItems(left, right, iter, node);
      this.terminated = false;
      if (body) this.block(body, false);
      ends.push(this.state);
    }
    this.loopDepth--;
    this.terminated = false;
    this.state = joinStates(ends);
    const alt = node.childForFieldName('alternative');
    if (alt) this.block(alt.childForFieldName('body') ?? alt, false);
  }

  private whileStatement(node: Node): void {
    const cond = node.childForFieldName('condition');
    if (cond) this.expr(cond);
    if (cond && constantTruth(this.model, cond) === false) return;
    const body = node.childForFieldName('body');
    const before = this.state;
    const ends: State[] = [before];
    // A second pass carries values assigned late in the body back to its start; nested loops get one pass
    // each, so the cost stays linear in their depth.
    const rounds = this.loopDepth > 0 ? 1 : 2;
    this.loopDepth++;
    for (let round = 0; round < rounds; round++) {
      this.state = new Map(this.state);
      this.terminated = false;
      if (body) this.block(body, false);
      ends.push(this.state);
    }
    this.loopDepth--;
    this.terminated = false;
    this.state = joinStates(ends);
  }

  private tryStatement(node: Node): void {
    const before = this.state;
    const body = node.childForFieldName('body');
    this.state = new Map(before);
    this.terminated = false;
    if (body) this.block(body, false);
    const ends: State[] = [];
    if (!this.terminated) ends.push(this.state);
    const afterBody = joinStates([before, this.state]);
    let finallyClause: Node | null = null;
    for (const c of named(node)) {
      if (c.type === 'except_clause' || c.type === 'except_group_clause') {
        this.state = new Map(afterBody);
        this.terminated = false;
        const alias = c.namedChildren.find((x) => x?.type === 'as_pattern');
        const target = alias?.childForFieldName('alias');
        if (target) this.state.set(target.text.trim(), EMPTY);
        const block = c.namedChildren.find((x) => x?.type === 'block');
        if (block) this.block(block, false);
        if (!this.terminated) ends.push(this.state);
      } else if (c.type === 'else_clause') {
        if (ends.length > 0) {
          this.state = new Map(ends[0]);
          this.terminated = false;
          const b = c.childForFieldName('body');
          if (b) this.block(b, false);
          ends[0] = this.state;
        }
      } else if (c.type === 'finally_clause') finallyClause = c;
    }
    this.terminated = ends.length === 0;
    this.state = ends.length === 0 ? afterBody : joinStates(ends);
    if (finallyClause) {
      const wasTerminated = this.terminated;
      this.terminated = false;
      const b = finallyClause.namedChildren.find((x) => x?.type === 'block');
      if (b) this.block(b, false);
      this.terminated ||= wasTerminated;
    }
  }

  private withStatement(node: Node): void {
    for (const c of named(node)) {
      if (c.type !== 'with_clause') continue;
      for (const item of named(c)) {
        const value = item.childForFieldName('value');
        if (!value) continue;
        if (value.type === 'as_pattern') {
          const expr = value.namedChildren[0];
          const alias = value.childForFieldName('alias');
          const t = expr ? this.expr(expr) : EMPTY;
          const target = alias?.namedChildren[0];
          if (target) this.assign(target, t, expr ?? null, item);
        } else this.expr(value);
      }
    }
    const body = node.childForFieldName('body');
    if (body) this.block(body, false);
  }

  private matchStatement(node: Node): void {
    const subject = node.childForFieldName('subject');
    const t = subject ? this.expr(subject) : EMPTY;
    const body = node.childForFieldName('body');
    const before = this.state;
    const ends: State[] = [before];
    for (const clause of body ? named(body) : []) {
      if (clause.type !== 'case_clause') continue;
      this.state = new Map(before);
      for (const id of clause.descendantsOfType('identifier')) {
        if (id && id.parent?.type !== 'attribute' && id.parent?.type !== 'keyword_pattern') this.state.set(id.text, t);
        this.tick();
      }
      this.terminated = false;
      const cons = clause.childForFieldName('consequence');
      if (cons) this.block(cons, false);
      if (!this.terminated) ends.push(this.state);
    }
    this.terminated = false;
    this.state = joinStates(ends);
  }

  /**
   * A function returning one of its nested functions (a factory, a decorator): the closure runs later with
   * this function's variables, so its sinks are followed here, where those variables are known.
   */
  private returnedClosure(value: Node): void {
    const v = unparen(value);
    const def = v.type === 'identifier' ? this.localDefs.get(v.text) : v.type === 'lambda' ? this.lambdaDef(v) : undefined;
    if (!def || this.inline >= MAX_INLINE) return;
    const savedTerm = this.terminated;
    this.inlineCall(def, [], {});
    this.terminated = savedTerm;
  }

  private localDef(node: Node): void {
    const name = node.childForFieldName('name')?.text;
    const body = node.childForFieldName('body');
    if (!name || !body) return;
    // A nested function reads the enclosing variables when it runs: keep a reference to this state.
    this.localDefs.set(name, { params: parameterNames(node), body, isLambda: false, env: this.state });
    this.state.set(name, EMPTY);
  }

  private lambdaDef(node: Node): LocalDef | undefined {
    const body = node.childForFieldName('body');
    if (!body) return undefined;
    return { params: parameterNames(node), body, isLambda: true, env: this.state };
  }

  // ---- guards ----------------------------------------------------------------------------------------

  private guards(cond: Node): Guards {
    const c = unparen(cond);
    if (c.type === 'identifier') return this.guardVars.get(c.text) ?? NO_GUARDS;
    if (this.guardVars.size === 0 && !MAY_GUARD.test(c.text) && !this.mentionsValidator(c.text)) return NO_GUARDS;
    if (c.type === 'not_operator') {
      const inner = c.childForFieldName('argument');
      if (!inner) return { whenTrue: [], whenFalse: [] };
      const g = this.guards(inner);
      return { whenTrue: g.whenFalse, whenFalse: g.whenTrue };
    }
    if (c.type === 'boolean_operator') {
      const op = c.childForFieldName('operator')?.text;
      const l = c.childForFieldName('left');
      const r = c.childForFieldName('right');
      const gl = l ? this.guards(l) : { whenTrue: [], whenFalse: [] };
      const gr = r ? this.guards(r) : { whenTrue: [], whenFalse: [] };
      // `a and b` is false when either is: a key is clean then only if it is clean both ways. A false `a`
      // that is (or contains, through `or`) the key itself leaves the key empty, which is clean too.
      if (op === 'and') return { whenTrue: [...gl.whenTrue, ...gr.whenTrue], whenFalse: bothFacts(withFalsy(l, gl.whenFalse), gr.whenFalse) };
      return { whenTrue: bothFacts(gl.whenTrue, gr.whenTrue), whenFalse: [...gl.whenFalse, ...gr.whenFalse] };
    }
    if (c.type === 'comparison_operator') {
      const parts = named(c);
      const ops = c.children.filter((x) => x && !x.isNamed).map((x) => x?.type);
      if (parts.length === 2 && (ops[0] === 'in' || ops[0] === 'not in' || (ops[0] === 'not' && ops[1] === 'in'))) {
        const key = keyOf(parts[0]);
        if (key && this.isConstantCollection(parts[1])) {
          const fact: [string, number][] = [[key, ALL_RULE_BITS]];
          return ops[0] === 'in' && ops.length === 1 ? { whenTrue: fact, whenFalse: [] } : { whenTrue: [], whenFalse: fact };
        }
      }
      if (parts.length === 2 && ops[0] === '==' ) {
        const key = keyOf(parts[0]);
        if (key && this.model.isConstant(parts[1])) return { whenTrue: [[key, ALL_RULE_BITS]], whenFalse: [] };
      }
      return { whenTrue: [], whenFalse: [] };
    }
    if (c.type === 'call') {
      const fn = c.childForFieldName('function');
      const args = c.childForFieldName('arguments');
      const argList = args ? named(args) : [];
      if (!fn) return { whenTrue: [], whenFalse: [] };
      if (fn.type === 'attribute') {
        const method = fn.childForFieldName('attribute')?.text ?? '';
        const obj = fn.childForFieldName('object');
        if (obj && GUARD_METHODS.has(method)) {
          const key = keyOf(obj);
          return { whenTrue: key ? [[key, ALL_RULE_BITS]] : [], whenFalse: [] };
        }
        if (obj && (method === 'startswith' || method === 'is_relative_to')) {
          const bit = ruleBit('K705');
          const o = unparen(obj);
          if (o.type === 'identifier' && this.realpathVars.has(o.text)) return { whenTrue: [[o.text, bit]], whenFalse: [] };
          if (o.type === 'call' && isRealpathCall(this.model, o)) {
            const keys = identifiersIn(o).map((k): [string, number] => [k, bit]);
            return { whenTrue: keys, whenFalse: [] };
          }
        }
      }
      const q = this.model.qualifiedName(fn);
      const row = q ? GUARD_CALLS[q] : undefined;
      if (row) {
        const checked = argList.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === row.arg)?.childForFieldName('value') ?? (argList[0]?.type !== 'keyword_argument' ? argList[0] : undefined);
        const key = checked ? keyOf(checked) : undefined;
        if (key) return { whenTrue: [[key, row.rules ? ruleBits(row.rules) : ALL_RULE_BITS]], whenFalse: [] };
      }
      // A validator defined in this module (`def is_safe(url): return url_has_allowed_host_and_scheme(url, …)`).
      const proved = q ? this.validator(q) : undefined;
      if (proved) {
        const whenTrue: [string, number][] = [];
        for (const [i, bits] of proved) {
          const params = this.validatorParams.get(q as string) ?? [];
          const arg = argList.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === params[i])?.childForFieldName('value') ?? (argList[i]?.type !== 'keyword_argument' ? argList[i] : undefined);
          const key = arg ? keyOf(arg) : undefined;
          if (key) whenTrue.push([key, bits]);
        }
        if (whenTrue.length > 0) return { whenTrue, whenFalse: [] };
      }
      // `isinstance(n, (int, float))`: a number carries no attacker-chosen text.
      if (q === 'isinstance' && argList.length === 2) {
        const key = keyOf(argList[0]);
        const t = unparen(argList[1]);
        const types = t.type === 'tuple' ? named(t) : [t];
        if (key && types.length > 0 && types.every((x) => NUMERIC_TYPES.has(this.model.qualifiedName(x) ?? x.text))) return { whenTrue: [[key, ALL_RULE_BITS]], whenFalse: [] };
      }
    }
    return { whenTrue: [], whenFalse: [] };
  }

  private readonly validatorParams = new Map<string, string[]>();

  /** Whether a condition calls one of this module's validators (a cheap text test before the guard work). */
  private mentionsValidator(text: string): boolean {
    for (const m of text.matchAll(CALLED_NAME)) if (this.isValidatorName(m[1])) return true;
    return false;
  }

  /**
   * Whether a module-level function of this name looks like a validator: every `return` is a condition or a
   * constant. Asked per name a condition calls, so the bodies of the module's other functions are never walked.
   */
  private isValidatorName(name: string): boolean {
    let verdicts = validatorNamesByModel.get(this.model);
    if (!verdicts) {
      verdicts = new Map();
      validatorNamesByModel.set(this.model, verdicts);
    }
    let verdict = verdicts.get(name);
    if (verdict === undefined) {
      verdict = false;
      for (const fn of this.model.functions) {
        if (verdict || fn.name !== name || fn.scope.parent?.kind !== 'module') continue;
        const returns = ownReturns(fn.node);
        verdict =
          returns.length > 0 &&
          returns.every((r) => {
            const v = named(r)[0];
            return v !== undefined && VALIDATOR_RETURNS.has(unparen(v).type);
          });
      }
      verdicts.set(name, verdict);
    }
    return verdict;
  }

  /**
   * For a validator of this module: parameter index → rules its truthy result proves the argument clean for
   * (every return that can be truthy is a guard on that parameter; checks spread over several statements are
   * not followed).
   */
  private validator(q: string): Map<number, number> | undefined {
    let cache = validatorsByModel.get(this.model);
    if (!cache) {
      cache = new Map();
      validatorsByModel.set(this.model, cache);
    }
    if (cache.has(q)) return cache.get(q) ?? undefined;
    cache.set(q, null);
    const fn = this.model.functions.find((f) => f.qualname === q && f.scope.parent?.kind === 'module');
    if (!fn || !this.isValidatorName(fn.name)) return undefined;
    const params = parameterNames(fn.node);
    this.validatorParams.set(q, params);
    let proved: [string, number][] | undefined;
    const savedVars = new Map(this.guardVars);
    this.guardVars.clear();
    try {
      for (const r of ownReturns(fn.node)) {
        const v = named(r)[0];
        if (!v || constantTruth(this.model, v) === false) continue;
        const facts = constantTruth(this.model, v) === true ? [] : this.guards(v).whenTrue.filter(([k]) => params.includes(k));
        proved = proved === undefined ? facts : bothFacts(proved, facts);
        if (proved.length === 0) break;
      }
    } finally {
      for (const [k, g] of savedVars) this.guardVars.set(k, g);
    }
    if (!proved || proved.length === 0) return undefined;
    const out = new Map<number, number>();
    for (const [k, bits] of proved) out.set(params.indexOf(k), (out.get(params.indexOf(k)) ?? 0) | bits);
    cache.set(q, out);
    return out;
  }

  private applyGuards(state: State, facts: [string, number][]): State {
    if (facts.length === 0) return state;
    const out = new Map(state);
    for (const [key, bits] of facts) {
      const t = out.get(key) ?? this.readKey(key);
      out.set(key, sanitize(t, bits));
    }
    return out;
  }

  private readKey(key: string): Taint {
    const t = this.state.get(key);
    if (t) return t;
    return EMPTY;
  }

  private isConstantCollection(node: Node): boolean {
    const n = unparen(node);
    if (['list', 'tuple', 'set', 'dictionary'].includes(n.type)) return named(n).every((e) => this.model.isConstant(e.type === 'pair' ? (e.childForFieldName('key') ?? e) : e));
    if (n.type === 'call') {
      const fn = n.childForFieldName('function')?.text;
      const args = n.childForFieldName('arguments');
      const inner = args ? named(args)[0] : undefined;
      return (fn === 'frozenset' || fn === 'set' || fn === 'tuple') && inner !== undefined && this.isConstantCollection(inner);
    }
    if (n.type === 'identifier' || n.type === 'attribute') {
      if (this.state.has(n.text) && (this.state.get(n.text)?.length ?? 0) > 0) return false;
      const b = n.type === 'identifier' ? this.model.lookup(n.text, n.startIndex) : undefined;
      if (b?.kind === 'assign' && b.value) return this.isConstantCollection(b.value);
      // An upper-case name imported or defined elsewhere is a settings constant (ALLOWED_HOSTS).
      return /^[A-Z][A-Z0-9_]*$/.test(n.text.split('.').pop() ?? '');
    }
    return false;
  }

  // ---- expressions -----------------------------------------------------------------------------------

  private read(node: Node): Taint {
    return this.expr(node);
  }

  expr(node: Node): Taint {
    this.tick();
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      return EMPTY;
    }
    try {
      return this.exprInner(node);
    } finally {
      this.depth--;
    }
  }

  private exprInner(node: Node): Taint {
    switch (node.type) {
      case 'identifier':
        return this.identifier(node);
      case 'attribute':
        return this.attribute(node);
      case 'subscript': {
        const value = node.childForFieldName('value');
        const subs = node.childrenForFieldName('subscript');
        for (const s of subs) if (s) this.expr(s);
        if (value && subs.length === 1 && subs[0] && this.serverEnvironKey(value, subs[0])) return EMPTY;
        return value ? this.expr(value) : EMPTY;
      }
      case 'call':
        return this.call(node);
      case 'string': {
        const head = this.model.text.slice(node.startIndex, node.startIndex + 3);
        if (!STRING_PREFIX.test(head)) return EMPTY;
        let t: Taint = EMPTY;
        const pinned = pinnedOperands(this.model, node);
        for (const c of named(node)) if (c.type === 'interpolation') t = union(t, pinned.has(c.startIndex) ? sanitize(this.expr(c), PINNED_SAFE) : this.expr(c));
        return t;
      }
      case 'interpolation': {
        const e = node.childForFieldName('expression') ?? named(node)[0];
        return e ? this.expr(e) : EMPTY;
      }
      case 'keyword_argument': {
        const v = node.childForFieldName('value');
        return v ? this.expr(v) : EMPTY;
      }
      case 'named_expression': {
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        const t = value ? this.expr(value) : EMPTY;
        if (name) this.assign(name, t, value, node);
        return t;
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
      case 'dictionary_comprehension':
        return this.comprehension(node);
      case 'conditional_expression': {
        const parts = named(node);
        // `a if cond else b`: the value is a or b; the condition only decides which.
        if (parts.length === 3) {
          this.expr(parts[1]);
          const c = constantTruth(this.model, parts[1]);
          if (c === true) return this.expr(parts[0]);
          if (c === false) return this.expr(parts[2]);
          // `x if x in ALLOWED else "default"`: the guard holds in the branch it selects.
          const guards = this.guards(parts[1]);
          const saved = this.state;
          this.state = this.applyGuards(saved, guards.whenTrue);
          const yes = this.expr(parts[0]);
          this.state = this.applyGuards(saved, guards.whenFalse);
          const no = this.expr(parts[2]);
          this.state = saved;
          return union(yes, no);
        }
        break;
      }
      case 'binary_operator': {
        // `url + "?" + query`, `"%s?%s" % (url, query)`: what follows a fixed host or a `?` cannot redirect off-site.
        const op = node.childForFieldName('operator')?.text;
        if (op !== '+' && op !== '%') break;
        const pinned = pinnedOperands(this.model, node);
        if (pinned.size === 0) break;
        let t: Taint = EMPTY;
        const visit = (x: Node) => {
          const u = unparen(x);
          if (op === '+' && u.type === 'binary_operator' && u.childForFieldName('operator')?.text === '+' && !pinned.has(x.startIndex)) {
            for (const c of named(u)) visit(c);
            return;
          }
          if (op === '%' && (u.type === 'tuple' || u.type === 'parenthesized_expression') && x.startIndex === node.childForFieldName('right')?.startIndex) {
            for (const c of named(u)) visit(c);
            return;
          }
          const v = this.expr(x);
          t = union(t, pinned.has(x.startIndex) ? sanitize(v, PINNED_SAFE) : v);
        };
        for (const c of named(node)) visit(c);
        return t;
      }
      case 'lambda':
      case 'comparison_operator':
      case 'not_operator':
        for (const c of named(node)) if (c.type === 'call' || c.type === 'named_expression') this.expr(c);
        return EMPTY;
      default:
        if (LEAF_TYPES.has(node.type)) return EMPTY;
    }
    let t: Taint = EMPTY;
    for (const c of named(node)) t = union(t, this.expr(c));
    return t;
  }

  private comprehension(node: Node): Taint {
    const saved = this.state;
    this.state = new Map(saved);
    let body: Node | null = null;
    for (const c of named(node)) {
      if (c.type === 'for_in_clause') {
        const left = c.childForFieldName('left');
        const right = c.childForFieldName('right');
        const t = right ? this.expr(right) : EMPTY;
        if (left) this.assignItems(left, right, t, c);
      } else if (c.type === 'if_clause') {
        for (const x of named(c)) this.expr(x);
      } else if (!body) body = c;
    }
    const t = body ? this.expr(body) : EMPTY;
    this.state = saved;
    return t;
  }

  private identifier(node: Node): Taint {
    const name = node.text;
    const local = this.state.get(name);
    if (local) return local;
    const binding = this.model.lookup(name, node.startIndex);
    if (!binding) return EMPTY;
    return this.fromBinding(binding, name, node);
  }

  /** A name not assigned in this function: a closure's variable, a module global or an imported one. */
  private fromBinding(binding: Binding, name: string, node: Node): Taint {
    if (binding.kind === 'import') {
      const q = binding.qualified ?? name;
      const kind = this.ctx.spec.sourceNames.get(q);
      if (kind) return [{ k: 'src', src: qualifiedSource(kind, q, q, this.loc(node)), steps: [], san: 0 }];
      if (this.ctx.isProject(q)) return [{ k: 'global', g: q, steps: [], san: 0 }];
      return EMPTY;
    }
    if (binding.kind === 'def' || binding.kind === 'class' || binding.kind === 'param') return EMPTY;
    if (this.isModule) return EMPTY;
    const scope = this.model.scopeAt(node.startIndex);
    let s: Scope | null = scope;
    while (s && !s.bindings.get(name)?.includes(binding)) s = s.parent;
    if (s?.kind === 'module') return [{ k: 'global', g: `${this.model.moduleName}.${name}`, steps: [], san: 0 }];
    return EMPTY;
  }

  private attribute(node: Node): Taint {
    const key = node.text;
    const local = this.state.get(key);
    if (local) return local;
    const obj = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute')?.text ?? '';
    if (!obj) return EMPTY;
    const spec = this.ctx.spec;
    if (spec.sourceLastNames.has(attr)) {
      const q = this.model.qualifiedName(node);
      const kind = q ? spec.sourceNames.get(q) : undefined;
      if (kind && q) return [{ k: 'src', src: qualifiedSource(kind, q, q, this.loc(node)), steps: [], san: 0 }];
    }
    if (spec.requestAttrs.has(attr) && this.isRequest(obj)) {
      return [{ k: 'src', src: { kind: 'web', label: `${obj.text}.${attr}`, loc: this.loc(node) }, steps: [], san: OWN_PATH.has(attr) ? OWN_PATH_SAFE : 0 }];
    }
    if (this.selfName && obj.type === 'identifier' && obj.text === this.selfName) {
      for (const s of this.handlerSources) {
        if (s.attrs.has(attr)) return [{ k: 'src', src: { kind: 'web', label: `self.${attr}`, loc: this.loc(node) }, steps: [], san: s.safeFor.get(attr) ?? 0 }];
      }
    }
    const cls = this.classOf(obj);
    if (cls) return [{ k: 'field', f: `${cls}.${attr}`, steps: [], san: 0 }];
    return this.expr(obj);
  }

  /**
   * The rules a call sanitizes for. When the scanned folder is a library itself (`django/`), its own sanitizers
   * are named from that folder (`utils.html.escape` for `django.utils.html.escape`): a suffix match finds them.
   */
  private sanitizerBits(callee: string): number | undefined {
    const bits = this.ctx.spec.sanitizers.get(callee);
    if (bits !== undefined || !callee.includes('.') || !this.ctx.isProject(callee)) return bits;
    let bySuffix = suffixSanitizers.get(this.ctx.spec);
    if (!bySuffix) {
      bySuffix = new Map();
      suffixSanitizers.set(this.ctx.spec, bySuffix);
    }
    if (bySuffix.has(callee)) return bySuffix.get(callee);
    let found: number | undefined;
    for (const [q, b] of this.ctx.spec.sanitizers) if (q.endsWith(`.${callee}`)) found = (found ?? 0) | b;
    bySuffix.set(callee, found);
    return found;
  }

  /**
   * A constant key of the request's CGI/WSGI environment (`request.META`, `environ`) that the client does not
   * write: server settings and values middleware stored there (`CSRF_COOKIE`, `SERVER_NAME`).
   */
  private serverEnvironKey(mapping: Node, keyNode: Node): boolean {
    const m = unparen(mapping);
    if (m.type !== 'attribute') return false;
    const attr = m.childForFieldName('attribute')?.text ?? '';
    if (!ENVIRON_ATTRS.has(attr)) return false;
    if (!this.isRequest(m.childForFieldName('object')) && this.model.qualifiedName(m) !== 'flask.request.environ') return false;
    const key = this.model.constantString(keyNode);
    return key !== undefined && !CLIENT_ENVIRON_KEY.test(key);
  }

  /** The project class of an instance expression (`self` in a method, `obj` bound to `Class(...)`). */
  private classOf(obj: Node): string | undefined {
    const o = unparen(obj);
    if (o.type === 'identifier' && this.selfName && o.text === this.selfName && this.plan.cls) return this.plan.cls;
    if (o.type !== 'identifier') return undefined;
    if (this.state.get(o.text)?.some((a) => a.k !== 'call')) return undefined;
    const type = this.model.instanceType(o);
    return type && this.ctx.isProject(type) ? type : undefined;
  }

  private isRequest(obj: Node | null): boolean {
    if (!obj) return false;
    const o = unparen(obj);
    if (o.type === 'attribute') {
      const inner = o.childForFieldName('object');
      return o.childForFieldName('attribute')?.text === 'request' && inner?.type === 'identifier' && inner.text === this.selfName;
    }
    if (o.type !== 'identifier') return false;
    const b = this.model.lookup(o.text, o.startIndex);
    if (b?.kind === 'import') return false;
    if (b?.kind === 'param' && b.annotation) {
      const ann = b.annotation.type === 'type' ? b.annotation.namedChildren[0] : b.annotation;
      const q = ann ? this.model.qualifiedName(ann) : undefined;
      if (q && REQUEST_TYPES.has(q)) return true;
    }
    return REQUEST_PARAM_NAMES.has(o.text);
  }

  private call(node: Node): Taint {
    const fn = node.childForFieldName('function');
    const argsNode = node.childForFieldName('arguments');
    if (!fn) return EMPTY;
    const positional: Taint[] = [];
    const positionalNodes: Node[] = [];
    const keywords: Record<string, Taint> = {};
    const keywordNodes = new Map<string, Node>();
    let star: Taint = EMPTY;
    let all: Taint = EMPTY;
    if (argsNode?.type === 'generator_expression') {
      const t = this.expr(argsNode);
      positional.push(t);
      positionalNodes.push(argsNode);
      all = t;
    } else if (argsNode) {
      for (const a of named(argsNode)) {
        if (a.type === 'keyword_argument') {
          const name = a.childForFieldName('name')?.text ?? '';
          const v = a.childForFieldName('value');
          const t = v ? this.expr(v) : EMPTY;
          keywords[name] = t;
          if (v) keywordNodes.set(name, v);
          all = union(all, t);
        } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
          const t = this.expr(a);
          star = union(star, t);
          all = union(all, t);
        } else {
          const t = this.expr(a);
          positional.push(t);
          positionalNodes.push(a);
          all = union(all, t);
        }
      }
    }
    // `etree.XPath(expr)(doc)`, `handlers[name](x)`: the callee is itself an expression to follow.
    const calleeTaint = fn.type === 'identifier' || fn.type === 'attribute' ? EMPTY : this.expr(fn);
    all = union(all, calleeTaint);
    const receiver = fn.type === 'attribute' ? fn.childForFieldName('object') : null;
    const method = fn.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : fn.type === 'identifier' ? fn.text : '';
    const spec = this.ctx.spec;

    // Closures and lambdas defined in this function: run their body with these arguments.
    if (fn.type === 'identifier' && !this.state.get(fn.text)?.length) {
      const def = this.localDefs.get(fn.text);
      if (def && this.inline < MAX_INLINE) return this.inlineCall(def, positional, keywords);
    }

    const callee = this.model.qualifiedName(fn);
    const recvTaint = receiver ? this.expr(receiver) : EMPTY;

    // Sinks.
    if (spec.sinkLastNames.has(method) || (fn.type === 'attribute' && (method === 'write' || method === 'add' || method === 'set' || method === 'update' || method === 'redirect'))) {
      this.callSinks(node, fn, callee, method, receiver, recvTaint, positional, positionalNodes, keywords, keywordNodes, star);
    }

    // Sanitizers.
    if (callee) {
      const bits = this.sanitizerBits(callee);
      if (bits !== undefined) return sanitize(union(all, recvTaint), bits);
      // `map(conditional_escape, args)`: every item went through the sanitizer.
      const mapped = callee === 'map' && positionalNodes.length === 2 ? this.model.qualifiedName(positionalNodes[0]) : undefined;
      const mappedBits = mapped ? this.sanitizerBits(mapped) : undefined;
      if (mappedBits !== undefined) return sanitize(positional[1], mappedBits);
    }
    if (receiver && Object.hasOwn(SANITIZER_METHODS, method)) return sanitize(recvTaint, ruleBits(SANITIZER_METHODS[method]));
    if (method === 'replace' && receiver && positionalNodes[0]) {
      const removed = this.model.constantString(positionalNodes[0]);
      if (removed !== undefined && /[\r\n]/.test(removed)) return sanitize(union(recvTaint, positional[1] ?? EMPTY), ruleBits(['K716', 'K717']));
    }

    // `request.META.get("CSRF_COOKIE")`: a value the server or a middleware put there, not the client.
    if (receiver && method === 'get' && positionalNodes[0] && this.serverEnvironKey(receiver, positionalNodes[0])) return EMPTY;

    // Sources.
    if (callee) {
      const kind = spec.sourceCalls.get(callee);
      if (kind) return [{ k: 'src', src: qualifiedSource(kind, callee, `${callee}()`, this.loc(node)), steps: [], san: 0 }];
    }
    if (receiver && spec.requestMethods.has(method) && this.isRequest(receiver)) {
      const src: SourceDesc = { kind: 'web', label: `${receiver.text}.${method}()`, loc: this.loc(node) };
      if (HOST_DERIVED.has(method)) src.weak = HOST_WEAK;
      return [{ k: 'src', src, steps: [], san: OWN_PATH.has(method) ? OWN_PATH_SAFE : 0 }];
    }
    if (receiver && spec.sourceMethods.has(method) && (!callee || !this.ctx.isProject(callee) || callee.includes('.'))) {
      const kind = spec.sourceMethods.get(method) ?? 'process';
      return [{ k: 'src', src: { kind, label: `${receiver.text}.${method}()`, loc: this.loc(node) }, steps: [], san: 0 }];
    }
    if (receiver && this.selfName && receiver.type === 'identifier' && receiver.text === this.selfName) {
      for (const s of this.handlerSources) {
        if (s.methods.has(method)) return [{ k: 'src', src: { kind: 'web', label: `self.${method}()`, loc: this.loc(node) }, steps: [], san: 0 }];
      }
    }

    // Calls into the project: summaries decide on the main thread. A library API the sink table models
    // (`subprocess.Popen` when the standard library itself is scanned) is judged by its row, not re-derived
    // from its implementation, where a list of arguments would reach `os.posix_spawn` as the program.
    if (callee && this.ctx.isProject(callee) && !spec.sinksByCallee.has(callee)) {
      const bound = receiver !== null && this.model.resolve(receiver)?.kind === 'instance';
      const c = this.calls.length;
      const facts: CallFacts = { callee, loc: this.loc(node), args: positional, kw: keywords, star };
      if (bound) facts.bound = true;
      if (/^_?[A-Z]\w*[a-z]\w*$/.test(callee.slice(callee.lastIndexOf('.') + 1))) facts.through = true;
      if (receiver && recvTaint.length > 0 && !(receiver.type === 'identifier' && receiver.text === this.selfName)) facts.recv = recvTaint;
      // `self.items.append(x)` may be a list held in an attribute rather than a project method: store as well.
      if (receiver && STORE_METHODS.has(method) && all.length > 0 && receiver.type === 'attribute') {
        this.assign(receiver, union(recvTaint, withStep(all, { loc: this.loc(node), msg: `added to ${receiver.text}` })), null, node);
      }
      this.calls.push(facts);
      return [{ k: 'call', c, steps: [], san: 0 }];
    }

    // `"{}?next={}".format(url, target)`: placeholders after a fixed host or a `?` cannot redirect off-site.
    if (method === 'format' && receiver?.type === 'string') {
      const format = this.model.constantString(receiver);
      const pins = format === undefined ? undefined : pinnedFormatArgs(format);
      if (pins && (pins.positions.size > 0 || pins.names.size > 0)) {
        let t: Taint = union(recvTaint, star);
        positional.forEach((x, i) => {
          t = union(t, pins.positions.has(i) ? sanitize(x, PINNED_SAFE) : x);
        });
        for (const [k, x] of Object.entries(keywords)) t = union(t, pins.names.has(k) ? sanitize(x, PINNED_SAFE) : x);
        return t;
      }
    }

    // Everything else: the result carries what went in, unless it only answers a question.
    if (PREDICATE_METHODS.has(method) || (callee && NON_PROPAGATING.has(callee))) return EMPTY;
    if (receiver && STORE_METHODS.has(method) && all.length > 0 && (receiver.type === 'identifier' || receiver.type === 'attribute')) {
      this.assign(receiver, union(recvTaint, withStep(all, { loc: this.loc(node), msg: `added to ${receiver.text}` })), null, node);
      return EMPTY;
    }
    // Library functions carry their arguments only when modelled (or a class is built from them); methods
    // carry their receiver, and their arguments only when they build strings or merge containers.
    if (callee && (PROPAGATORS.has(callee) || this.ctx.spec.propagators.has(callee) || /^_?[A-Z]\w*[a-z]\w*$/.test(callee.slice(callee.lastIndexOf('.') + 1)))) {
      const t = union(recvTaint, all);
      return Object.hasOwn(DECODERS, callee) ? unsanitize(t, ruleBits(DECODERS[callee])) : t;
    }
    if (receiver) {
      if (RECEIVER_ONLY_METHODS.has(method)) return recvTaint;
      return ARGUMENT_METHODS.has(method) ? union(recvTaint, all) : recvTaint;
    }
    return callee ? EMPTY : all;
  }

  private inlineCall(def: LocalDef, positional: Taint[], keywords: Record<string, Taint>): Taint {
    const saved = this.state;
    const savedRet = this.ret;
    const savedTerm = this.terminated;
    this.inline++;
    this.state = new Map(def.env);
    for (const [k, v] of saved) if (!this.state.has(k)) this.state.set(k, v);
    def.params.forEach((p, i) => {
      const name = p.replace(/^\*+/, '');
      this.state.set(name, positional[i] ?? keywords[name] ?? EMPTY);
    });
    this.ret = EMPTY;
    this.terminated = false;
    let result: Taint;
    try {
      if (def.isLambda) result = this.expr(def.body);
      else {
        this.block(def.body, false);
        result = this.ret;
      }
    } finally {
      this.inline--;
      this.state = saved;
      this.ret = savedRet;
      this.terminated = savedTerm;
    }
    return result;
  }

  private callSinks(
    node: Node,
    fn: Node,
    callee: string | undefined,
    method: string,
    receiver: Node | null,
    recvTaint: Taint,
    positional: Taint[],
    positionalNodes: Node[],
    keywords: Record<string, Taint>,
    keywordNodes: Map<string, Node>,
    star: Taint,
  ): void {
    const spec = this.ctx.spec;
    const rows: SinkRow[] = [];
    if (callee) for (const r of spec.sinksByCallee.get(callee) ?? []) rows.push(r);
    if (receiver) {
      for (const r of spec.sinksByMethod.get(method) ?? []) {
        if (callee && r.callees?.includes(callee)) continue;
        if (callee && r.notUnder?.some((p) => callee === p || callee.startsWith(`${p}.`))) continue;
        if (r.receiverName && !r.receiverName.test(receiver.text)) continue;
        rows.push(r);
      }
    }
    const written = fn.text.length > 60 ? `${fn.text.slice(0, 57)}...` : fn.text;
    for (const row of rows) {
      const label = callee && row.callees?.includes(callee) ? callee : written;
      if (row.when && !this.condition(row.when, node, callee, positionalNodes, keywordNodes, receiver)) continue;
      let t: Taint = row.receiver ? recvTaint : EMPTY;
      if (row.args === 'all') {
        for (const x of positional) t = union(t, x);
        for (const x of Object.values(keywords)) t = union(t, x);
        t = union(t, star);
      } else {
        for (const spec of row.args) t = union(t, argTaint(spec, positional, keywords));
        if (row.args.length > 0 && star.length > 0) t = union(t, star);
      }
      if (t.length > 0) this.addSink(row, label, node, t);
    }
    // Response writers and header setters that are methods of framework objects.
    if (receiver) {
      const rtext = receiver.text;
      if ((method === 'add' || method === 'set' || method === '__setitem__') && /(^|\.)headers$/.test(rtext) && !this.isRequest(receiver.childForFieldName?.('object') ?? null)) {
        const t = union(positional[0] ?? EMPTY, positional[1] ?? EMPTY);
        if (t.length > 0) this.addSink({ rule: 'K716' }, fn.text, node, t);
      }
      if (method === 'update' && (this.model.qualifiedName(receiver) === 'flask.session' || (receiver.type === 'attribute' && receiver.childForFieldName('attribute')?.text === 'session' && this.isRequest(receiver.childForFieldName('object'))))) {
        const t = union(positional[0] ?? EMPTY, union(star, Object.values(keywords).reduce(union, EMPTY)));
        if (t.length > 0) this.addSink({ rule: 'K719' }, fn.text, node, t);
      }
      if (this.handlerSources.length > 0 && this.selfName) {
        const isTornado = this.plan.clsBases?.some((b) => b.startsWith('tornado.'));
        if (isTornado && rtext === this.selfName && (method === 'write' || method === 'finish') && (positional[0]?.length ?? 0) > 0) {
          this.addSink({ rule: 'K707' }, fn.text, node, positional[0]);
        }
        if (isTornado && rtext === this.selfName && method === 'redirect' && (positional[0]?.length ?? 0) > 0) {
          this.addSink({ rule: 'K709' }, fn.text, node, positional[0]);
        }
        // Inside the framework's own base class (`BaseHTTPRequestHandler.flush_headers` writing the status line and
        // headers) the stream is not a page a handler renders.
        const frameworkItself = this.plan.cls !== undefined && this.handlerSources.some((s) => s.bases.has(this.plan.cls as string));
        if (!isTornado && !frameworkItself && rtext === `${this.selfName}.wfile` && method === 'write' && (positional[0]?.length ?? 0) > 0) {
          this.addSink({ rule: 'K707' }, fn.text, node, positional[0]);
        }
      }
    }
  }

  private condition(when: string, node: Node, callee: string | undefined, args: Node[], kw: Map<string, Node>, receiver: Node | null): boolean {
    const model = this.model;
    const truthy = (n: Node | undefined) => n !== undefined && constantTruth(model, n) !== false;
    switch (when) {
      case 'shell-or-string': {
        if (callee === 'subprocess.getoutput') return true;
        if (truthy(kw.get('shell'))) return true;
        const first = args[0] ?? kw.get('args');
        if (!first) return false;
        const f = unparen(first);
        if (f.type === 'list' || f.type === 'tuple') return false;
        if (f.type === 'identifier') {
          const b = model.lookup(f.text, f.startIndex);
          if (b?.kind === 'assign' && b.value && ['list', 'tuple', 'list_comprehension'].includes(unparen(b.value).type)) return false;
          if (b?.kind === 'assign' && b.value && unparen(b.value).type === 'call' && /\.split$|^shlex\.split$/.test(unparen(b.value).childForFieldName('function')?.text ?? '')) return false;
          if (b?.kind === 'param' || b?.kind === 'unknown') return false;
        }
        if (f.type === 'call' && /(^|\.)split$/.test(f.childForFieldName('function')?.text ?? '')) return false;
        return true;
      }
      case 'unsafe-yaml-loader': {
        const loader = kw.get('Loader') ?? args[1];
        if (!loader) return false;
        return !/(Safe|CSafe|Base)Loader$/.test(loader.text);
      }
      case 'torch-no-weights-only': {
        const w = kw.get('weights_only');
        return !w || constantTruth(model, w) !== true;
      }
      case 'numpy-allow-pickle': {
        const a = kw.get('allow_pickle');
        return a !== undefined && constantTruth(model, a) !== false;
      }
      case 'lxml-unsafe-parser': {
        const parser = kw.get('parser') ?? args[1];
        if (!parser) return false;
        let p = unparen(parser);
        if (p.type === 'identifier') {
          const b = model.lookup(p.text, p.startIndex);
          if (b?.kind !== 'assign' || !b.value) return false;
          p = unparen(b.value);
        }
        if (p.type !== 'call') return false;
        const pargs = p.childForFieldName('arguments');
        for (const a of pargs ? named(pargs) : []) {
          if (a.type !== 'keyword_argument') continue;
          const name = a.childForFieldName('name')?.text;
          const v = a.childForFieldName('value');
          if (!v) continue;
          if (name === 'resolve_entities' && constantTruth(model, v) === true) return true;
          if (name === 'no_network' && constantTruth(model, v) === false) return true;
          if (name === 'load_dtd' && constantTruth(model, v) === true) return true;
        }
        return false;
      }
      case 'sax-external-entities':
        return /feature_external_(ges|pes)\s*,\s*(True|1)\b/.test(model.text);
      case 'no-extraction-filter': {
        const f = kw.get('filter');
        if (f && /^['"](data|tar)['"]$/.test(f.text)) return false;
        if (f && /data_filter|tar_filter/.test(f.text)) return false;
        return true;
      }
      case 'compiles-code': {
        // `compile(src, name, mode, ast.PyCF_ONLY_AST)` (what ast.parse does) builds a tree, not code.
        const flags = kw.get('flags') ?? args[3];
        if (!flags) return true;
        const AST_ONLY = /PyCF_ONLY_AST/;
        if (AST_ONLY.test(flags.text)) return false;
        if (flags.type === 'identifier') {
          // `flags = PyCF_ONLY_AST` then `flags |= PyCF_TYPE_COMMENTS`: any assignment of the flag decides.
          const bindings = model.scopeAt(flags.startIndex).bindings.get(flags.text) ?? [];
          if (bindings.some((b) => b.kind === 'assign' && b.value && AST_ONLY.test(b.value.text))) return false;
        }
        return true;
      }
      case 'jinja-autoescape-off':
        return receiver !== null && jinjaWithoutEscaping(model, receiver, 0);
      case 'mongo-collection': {
        if (!receiver) return false;
        const mongoish = /(db|coll|collection|mongo|database|client)\b|\[['"]|Mongo/i;
        if (mongoish.test(receiver.text)) return true;
        // `find` of a string takes a string; a Mongo filter is a document.
        const first = args[0] ?? kw.get('filter');
        if (first && dictShaped(model, first, 0)) return true;
        if (receiver.type === 'identifier') {
          const b = model.lookup(receiver.text, receiver.startIndex);
          if (b?.kind === 'assign' && b.value) return mongoish.test(b.value.text) && b.value.type !== 'string';
          if (b?.kind === 'import' && b.qualified) return mongoish.test(b.qualified);
        }
        return false;
      }
      case 'pathlib-receiver': {
        if (!receiver) return false;
        const type = model.instanceType(receiver);
        if (type === 'pathlib.Path' || type === 'pathlib.PurePath') return true;
        const name = node.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '';
        return ['read_text', 'read_bytes', 'write_text', 'write_bytes'].includes(name);
      }
      default:
        return true;
    }
  }

  private addSink(row: Pick<SinkRow, 'rule'>, label: string, node: Node, t: Taint): void {
    const key = `${row.rule}:${node.startIndex}`;
    const loc = this.loc(node);
    const existing = this.sinks.find((s) => s.rule === row.rule && s.loc.startLine === loc.startLine && s.loc.startColumn === loc.startColumn);
    if (existing) {
      existing.taint = union(existing.taint, t);
      return;
    }
    this.sinkSeen.add(key);
    // Secrets on the sink's lines never reach the snippet or the fingerprint, whether or not K6xx runs.
    const { snippet, snippetColumn, fingerprintLine } = snippetOf(maskedLines(this.model), loc, 5);
    const sink: SinkFacts = { rule: row.rule, label, loc, taint: t, snippet, lineText: fingerprintLine };
    if (snippetColumn !== undefined) sink.snippetColumn = snippetColumn;
    const suppression = this.ctx.suppression(node, row.rule);
    if (suppression) sink.suppression = suppression;
    this.sinks.push(sink);
  }
}

/** Facts that hold on both sides of a disjunction: the keys in both, for the rules cleaned in both. */
function bothFacts(a: [string, number][], b: [string, number][]): [string, number][] {
  const out: [string, number][] = [];
  for (const [k, bits] of a) {
    let other = 0;
    for (const [k2, b2] of b) if (k2 === k) other |= b2;
    if (bits & other) out.push([k, bits & other]);
  }
  return out;
}

/** `facts` plus the keys a false condition leaves empty: `x` and each operand of `x or y` are then falsy. */
function withFalsy(cond: Node | null, facts: [string, number][]): [string, number][] {
  const out = [...facts];
  const walk = (n: Node, depth: number) => {
    const c = unparen(n);
    if (depth > 8) return;
    if (c.type === 'identifier' || c.type === 'attribute') out.push([c.text, ALL_RULE_BITS]);
    else if (c.type === 'boolean_operator' && c.childForFieldName('operator')?.text === 'or') {
      for (const side of [c.childForFieldName('left'), c.childForFieldName('right')]) if (side) walk(side, depth + 1);
    }
  };
  if (cond) walk(cond, 0);
  return out;
}

const validatorNamesByModel = new WeakMap<ModuleModel, Map<string, boolean>>();

const CALLED_NAME = /\b([A-Za-z_]\w*)\s*\(/g;

const VALIDATOR_RETURNS = new Set(['call', 'comparison_operator', 'boolean_operator', 'not_operator', 'true', 'false', 'none']);
const validatorsByModel = new WeakMap<ModuleModel, Map<string, Map<number, number> | null>>();

/** The `return` statements of a function, not of the functions and lambdas nested in it. */
function ownReturns(fn: Node): Node[] {
  const out: Node[] = [];
  const walk = (n: Node, depth: number) => {
    if (depth > 60 || out.length > 20) return;
    for (const c of named(n)) {
      if (c.type === 'function_definition' || c.type === 'class_definition' || c.type === 'lambda') continue;
      if (c.type === 'return_statement') out.push(c);
      else walk(c, depth + 1);
    }
  };
  const body = fn.childForFieldName('body');
  if (body) walk(body, 0);
  return out;
}

function argTaint(spec: ArgSpec, positional: Taint[], keywords: Record<string, Taint>): Taint {
  if (spec.kw !== undefined && keywords[spec.kw]) return keywords[spec.kw];
  if (spec.pos !== undefined && spec.pos < positional.length) return positional[spec.pos];
  return EMPTY;
}

function isStatic(fn: FunctionInfo | null): boolean {
  return fn?.decorators.some((d) => /^@\s*staticmethod\b/.test(d.text)) ?? false;
}
