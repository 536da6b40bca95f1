import type { Atom, FunctionFacts, Taint } from './types.js';

/**
 * Which functions the cross-module solve must evaluate. Most functions of a library (thousands of small helpers
 * that pass a parameter on) lie on no path from a source to a sink: their summaries are never read by a
 * function that can report or that feeds one, so computing them round after round is wasted.
 *
 * A function is kept when it can matter to a finding:
 * - it may produce one: it may see a source (MS below) and may reach a sink (its own, or a callee's sink
 *   parameters);
 * - or it may write a shared channel the solve reads elsewhere: it may see a source and may store an instance
 *   attribute (itself or through a callee's attribute parameters) or set module globals;
 * - or its summary is read by a kept function: it is the callee of one of its calls, or the dependency a
 *   source parameter of one names (FastAPI's `Depends`), transitively.
 *
 * "May see a source" (MS) over-approximates what the solver's resolution can return for any atom of the
 * function: a source atom, a parameter that is a source (declared, or a URL parameter), the result of a call
 * whose callee is MS, a request-bound form built without data, or a read of an attribute or global that some
 * MS function may fill. The rest is never evaluated: its summary stays empty, it writes nothing shared (it
 * sees no source), and nothing kept reads it, so the findings and their traces are those of the full solve.
 */

export interface PruneGraph<F> {
  facts(fn: F): FunctionFacts;
  /** The function a call's callee names, as the solver resolves it. */
  target(fn: F, callee: string): F | undefined;
  /** Whether a parameter of the function can be a source by itself (declared source parameter, URL parameter). */
  hasSourceParams(fn: F): boolean;
  /** Whether calling this unresolved callee without data reads the request (a request-bound form). */
  readsRequest(callee: string): boolean;
  /** The module the function's globals belong to (module-level code only has globals). */
  module(fn: F): string;
}

interface Node<F> {
  fn: F;
  /** Callees of every call, resolved. */
  callees: number[];
  /** Callees whose result an atom reads (`call` atoms). */
  valueCallees: number[];
  seesSource: boolean;
  fieldReads: string[];
  /** Last dotted part of every global read (globals are also matched by suffix). */
  globalReads: string[];
  stores: string[];
  sinks: boolean;
  deps: number[];
}

/** Every taint a function's facts hold: its return value, sinks, stores, call arguments and receivers, globals. */
export function forEachTaint(facts: FunctionFacts, visit: (t: Taint) => void): void {
  visit(facts.ret);
  for (const s of facts.sinks) visit(s.taint);
  for (const s of facts.fields) visit(s.taint);
  for (const c of facts.calls) {
    for (const t of c.args) visit(t);
    for (const t of Object.values(c.kw)) visit(t);
    visit(c.star);
    if (c.recv) visit(c.recv);
  }
  if (facts.globals) for (const t of Object.values(facts.globals)) visit(t);
}

function lastPart(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

export function functionsToSolve<F>(fns: readonly F[], graph: PruneGraph<F>): Set<F> {
  const index = new Map<F, number>(fns.map((fn, i) => [fn, i]));
  const nodes: Node<F>[] = fns.map((fn) => describe(fn, graph, index));
  const n = nodes.length;

  // Callers of each function (through any call) and readers of each callee's result.
  const callers: number[][] = nodes.map(() => []);
  const valueReaders: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    for (const c of node.callees) callers[c].push(i);
    for (const c of node.valueCallees) valueReaders[c].push(i);
  });

  // SK: may reach a sink, its own or a callee's.
  const sk = upward(nodes.map((x) => x.sinks), callers);
  // MS: may see a source; shared attributes and globals filled by MS functions feed their readers.
  const ms = nodes.map((x) => x.seesSource);
  for (;;) {
    propagate(ms, valueReaders);
    // Attributes stored by anything an MS function reaches (its callees' attribute parameters end there).
    const reached = downward(ms, nodes);
    const hotFields = new Set<string>();
    const hotGlobals = new Set<string>();
    for (let i = 0; i < n; i++) {
      if (reached[i]) for (const f of nodes[i].stores) hotFields.add(f);
      const globals = graph.facts(nodes[i].fn).globals;
      if (ms[i] && globals) for (const name of Object.keys(globals)) hotGlobals.add(lastPart(`${graph.module(nodes[i].fn)}.${name}`));
    }
    let grew = false;
    for (let i = 0; i < n; i++) {
      if (ms[i]) continue;
      if (nodes[i].fieldReads.some((f) => hotFields.has(f)) || nodes[i].globalReads.some((g) => hotGlobals.has(g))) {
        ms[i] = true;
        grew = true;
      }
    }
    if (!grew) break;
  }

  // Writers of shared channels: an attribute store reachable through calls, or module globals.
  const stores = upward(
    nodes.map((x) => x.stores.length > 0 || graph.facts(x.fn).globals !== undefined),
    callers,
  );
  const keep = new Array<boolean>(n).fill(false);
  const todo: number[] = [];
  for (let i = 0; i < n; i++) {
    if (ms[i] && (sk[i] || stores[i])) {
      keep[i] = true;
      todo.push(i);
    }
  }
  while (todo.length > 0) {
    const i = todo.pop() as number;
    for (const c of [...nodes[i].callees, ...nodes[i].deps]) {
      if (!keep[c]) {
        keep[c] = true;
        todo.push(c);
      }
    }
  }
  const out = new Set<F>();
  for (let i = 0; i < n; i++) if (keep[i]) out.add(fns[i]);
  return out;
}

function describe<F>(fn: F, graph: PruneGraph<F>, index: Map<F, number>): Node<F> {
  const facts = graph.facts(fn);
  const node: Node<F> = {
    fn,
    callees: [],
    valueCallees: [],
    seesSource: graph.hasSourceParams(fn),
    fieldReads: [],
    globalReads: [],
    stores: facts.fields.map((s) => s.f),
    sinks: facts.sinks.length > 0,
    deps: [],
  };
  const targets = facts.calls.map((c) => {
    const t = graph.target(fn, c.callee);
    return t === undefined ? -1 : (index.get(t) ?? -1);
  });
  for (const t of targets) if (t >= 0) node.callees.push(t);
  const valueCalls = new Set<number>();
  const scan = (taint: Taint) => {
    for (const a of taint as Atom[]) {
      if (a.k === 'src') node.seesSource = true;
      else if (a.k === 'call') valueCalls.add(a.c);
      else if (a.k === 'field') node.fieldReads.push(a.f);
      else if (a.k === 'global') node.globalReads.push(lastPart(a.g));
    }
  };
  forEachTaint(facts, scan);
  for (const c of valueCalls) {
    const call = facts.calls[c];
    if (!call) continue;
    const t = targets[c];
    if (t >= 0) node.valueCallees.push(t);
    else if (!node.seesSource && call.through && graph.readsRequest(call.callee)) node.seesSource = true;
  }
  for (const p of facts.sourceParams ?? []) {
    if (p.dep === undefined) continue;
    const t = graph.target(fn, p.dep);
    const i = t === undefined ? undefined : index.get(t);
    if (i !== undefined) node.deps.push(i);
  }
  return node;
}

/** Marks, in place, every function whose result a marked function's result reaches through `readers`. */
function propagate(marked: boolean[], readers: number[][]): void {
  const todo: number[] = [];
  marked.forEach((m, i) => {
    if (m) todo.push(i);
  });
  while (todo.length > 0) {
    const i = todo.pop() as number;
    for (const r of readers[i]) {
      if (!marked[r]) {
        marked[r] = true;
        todo.push(r);
      }
    }
  }
}

/** The seeds and every caller of a marked function, transitively. */
function upward(seeds: boolean[], callers: number[][]): boolean[] {
  const out = [...seeds];
  propagate(out, callers);
  return out;
}

/** The seeds and everything they call, transitively. */
function downward<F>(seeds: boolean[], nodes: readonly Node<F>[]): boolean[] {
  const out = [...seeds];
  const todo: number[] = [];
  out.forEach((m, i) => {
    if (m) todo.push(i);
  });
  while (todo.length > 0) {
    const i = todo.pop() as number;
    for (const c of nodes[i].callees) {
      if (!out[c]) {
        out[c] = true;
        todo.push(c);
      }
    }
  }
  return out;
}
