import type { CallSite, Scope } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';
import type { FunctionPlan, LocalContext } from './context.js';
import { PROCESS_INPUT_RULES } from './models/rules.js';
import type { SinkRow } from './models/sinks.js';
import type { TaintSpec } from './spec.js';

/** Which functions are worth walking: the rest of a module is never visited by the taint analysis. */

/** Process inputs as written, to pick the functions worth following in files no request reaches. */
export const PROCESS_TOKENS = /\b(?:argv|environ|getenv|stdin|raw_input|parse_args|parse_known_args|recv|recvfrom|fileinput)\b|\binput\s*\(/;

/** Calls by the function that directly contains them (lambdas and classes belong to the enclosing function). */
export function bucketCalls(model: ModuleModel): Map<number, CallSite[]> {
  const out = new Map<number, CallSite[]>();
  for (const call of model.calls) {
    let scope: Scope | null = call.scope;
    while (scope && scope.kind !== 'function') scope = scope.parent;
    if (!scope?.node) continue;
    const list = out.get(scope.node.startIndex);
    if (list) list.push(call);
    else out.set(scope.node.startIndex, [call]);
  }
  return out;
}

const tokenHits = new WeakMap<ModuleModel, Map<RegExp, number[]>>();

/**
 * Whether a token pattern occurs in a module's text between two offsets. The module is scanned once per pattern
 * and the offsets kept: testing each function's own text again costs one scan per level of nesting.
 */
export function mentions(model: ModuleModel, pattern: RegExp, start: number, end: number): boolean {
  let perModel = tokenHits.get(model);
  if (!perModel) {
    perModel = new Map();
    tokenHits.set(model, perModel);
  }
  let hits = perModel.get(pattern);
  if (!hits) {
    const global = new RegExp(pattern.source, 'g');
    hits = [];
    for (const m of model.text.matchAll(global)) hits.push(m.index);
    perModel.set(pattern, hits);
  }
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (hits[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < hits.length && hits[lo] < end;
}

export const mentionCache = new Map<string, RegExp>();

export const WEB_TOKENS = /\b(?:request|req|self\.(?:path|headers|rfile|kwargs|get_\w+)|FieldStorage)\b|\b(?:session|headers)\s*[[.]|\.(?:write|finish|redirect)\s*\(/;

/** The sink rows a call may match, judged from its written name, resolved callee and receiver text. */
export function sinkRowsFor(model: ModuleModel, spec: TaintSpec, call: CallSite): SinkRow[] {
  if (!spec.sinkLastNames.has(call.name)) return [];
  const out: SinkRow[] = [];
  const callee = call.callee;
  if (callee) for (const r of spec.sinksByCallee.get(callee) ?? []) out.push(r);
  if (call.calleeNode.type === 'attribute') {
    const receiver = call.calleeNode.childForFieldName('object');
    for (const r of spec.sinksByMethod.get(call.name) ?? []) {
      if (callee && r.notUnder?.some((p) => callee === p || callee.startsWith(`${p}.`))) continue;
      if (r.receiverName && receiver && !r.receiverName.test(receiver.text)) continue;
      if (r.when === 'sax-external-entities' && !/feature_external_(ges|pes)/.test(model.text)) continue;
      out.push(r);
    }
  }
  return out;
}

/**
 * Whether a function can take part in a flow: it reads input, calls a sink, passes its parameters to project
 * code, returns or stores something built from them, or reads instance state. Decided from the model and the
 * function's text, so that the many functions that do none of this are never walked.
 */
export function mayMatter(model: ModuleModel, ctx: LocalContext, plan: FunctionPlan, calls: readonly CallSite[]): boolean {
  if (plan.sourceParams?.length || plan.flaskRoute) return true;
  const info = plan.info;
  if (!info) return true;
  const start = info.node.startIndex;
  const end = info.node.endIndex;
  if (mentions(model, WEB_TOKENS, start, end) || mentions(model, PROCESS_TOKENS, start, end)) return true;
  const text = model.text.slice(start, end);
  // Closures and lambdas run with this function's variables.
  if (/\n\s+(?:async\s+)?def\s|\blambda\b/.test(text)) return true;
  const spec = ctx.spec;
  const callLasts = sourceCallLastNames(spec);
  const aliased = aliasCallSet(model);
  for (const c of calls) {
    if (spec.sourceMethods.has(c.name)) return true;
    // A callee ends with the name it is called by unless the name is an alias (the rules' dispatch relies on
    // the same): resolving every other call of every function only to find it is no source call cost more
    // than the rest of this test.
    if ((callLasts.has(c.name) || aliased.has(c)) && c.callee && spec.sourceCalls.has(c.callee)) return true;
    if (sinkRowsFor(model, spec, c).length > 0) return true;
  }
  const params = plan.params.map((p) => p.replace(/^\*+/, '')).filter((p, i) => !(i === 0 && plan.cls && (p === 'self' || p === 'cls')));
  const readsState = plan.cls !== undefined && /\bself\.\w+/.test(text);
  if (params.length === 0 && !readsState) return false;
  const names = [...params, ...(readsState ? ['self'] : [])].join('|');
  let mention = mentionCache.get(names);
  if (!mention) {
    mention = new RegExp(`\\b(?:${names})\\b`);
    if (mentionCache.size > 5000) mentionCache.clear();
    mentionCache.set(names, mention);
  }
  if (passesThrough(text, mention)) return true;
  // A parameter handed to project code, which may have a sink.
  for (const c of calls) {
    if (!mention.test(c.node.text)) continue;
    const callee = c.callee;
    if (callee && ctx.isProject(callee)) return true;
  }
  return false;
}

const callLastNames = new WeakMap<TaintSpec, Set<string>>();

function sourceCallLastNames(spec: TaintSpec): Set<string> {
  let set = callLastNames.get(spec);
  if (!set) {
    set = new Set([...spec.sourceCalls.keys()].map((q) => q.slice(q.lastIndexOf('.') + 1)));
    callLastNames.set(spec, set);
  }
  return set;
}

const aliasSets = new WeakMap<ModuleModel, Set<CallSite>>();

function aliasCallSet(model: ModuleModel): Set<CallSite> {
  let set = aliasSets.get(model);
  if (!set) {
    set = new Set(model.aliasCalls());
    aliasSets.set(model, set);
  }
  return set;
}

const WORD = /\w/;
const SELF_STORE = /self\.\w+\s*(?:\[[^\]]*\]\s*)?=([^=\n][^\n]*)/y;

/**
 * A return or an attribute store built from a parameter. Found with indexOf and checked where found: one regex
 * over the whole text tried its alternatives at every offset of every function.
 */
function passesThrough(text: string, mention: RegExp): boolean {
  for (let i = text.indexOf('return'); i !== -1; i = text.indexOf('return', i + 6)) {
    if ((i > 0 && WORD.test(text[i - 1])) || WORD.test(text[i + 6] ?? '')) continue;
    const eol = text.indexOf('\n', i);
    if (mention.test(text.slice(i + 6, eol === -1 ? text.length : eol))) return true;
  }
  for (let i = text.indexOf('self.'); i !== -1; i = text.indexOf('self.', i + 5)) {
    if (i > 0 && WORD.test(text[i - 1])) continue;
    SELF_STORE.lastIndex = i;
    const m = SELF_STORE.exec(text);
    if (m && mention.test(m[1])) return true;
  }
  return false;
}

/**
 * Functions worth following where no web request reaches: those mentioning a process input, and those calling
 * a sink of a rule where process input counts. The start index of each function's node.
 */
export function processFunctions(model: ModuleModel, ctx: LocalContext): Set<number> {
  const out = new Set<number>();
  const spec = ctx.spec;

  for (const call of model.calls) {
    if (!spec.sinkLastNames.has(call.name)) continue;
    let scope: Scope | null = call.scope;
    while (scope && scope.kind !== 'function') scope = scope.parent;
    if (!scope?.node || out.has(scope.node.startIndex)) continue;
    if (sinkRowsFor(model, spec, call).some((r) => PROCESS_INPUT_RULES.has(r.rule))) out.add(scope.node.startIndex);
  }
  if (mentions(model, PROCESS_TOKENS, 0, model.text.length)) {
    for (const fn of model.functions) {
      if (!out.has(fn.node.startIndex) && mentions(model, PROCESS_TOKENS, fn.node.startIndex, fn.node.endIndex)) out.add(fn.node.startIndex);
    }
  }
  return out;
}
