import { fingerprint } from '../findings/fingerprint.js';
import { type Confidence, confidenceRank, type Finding, type Location, type Notice, type TraceStep } from '../findings/types.js';
import type { RuleMeta } from '../rules/types.js';
import { PROCESS_INPUT_RULES, RANDOMNESS_RULE, ruleBit } from './models/rules.js';
import { AMBIGUOUS } from '../workspace/modules.js';
import { MODEL_BASES, REQUEST_BOUND_FORMS } from './models/forms.js';
import type { Atom, CallFacts, FunctionFacts, ModuleFacts, SinkFacts, SourceDesc, Step, Taint } from './types.js';
import { forEachTaint, functionsToSolve } from './prune.js';

/**
 * The cross-module solve (main thread): function summaries (which parameters reach the return value, a sink
 * or an instance attribute; which sources reach the return value) computed to a fixpoint over every module's
 * facts, then every sink resolved to the sources that reach it.
 */

export interface SolveOptions {
  /** Metadata of the enabled taint rules, by id. */
  rules: ReadonlyMap<string, RuleMeta>;
  /** Rounds of summary refinement before giving up with a notice. */
  maxRounds?: number;
  /** Atom resolutions allowed for the whole project before the solve stops with a notice. */
  budget?: number;
  /** Evaluate only the functions that can matter to a finding (prune.ts); default true. */
  prune?: boolean;
}

export interface SolveResult {
  findings: Finding[];
  notices: Notice[];
}

interface SrcHit {
  src: SourceDesc;
  trace: Step[];
  san: number;
}

interface ParamHit {
  i: number;
  steps: Step[];
  san: number;
}

interface SinkRef {
  fn: Fn;
  sink: SinkFacts;
  id: number;
}

/** A field of the method's own instance (`self.text`) reaching its return value, resolved at each call site. */
interface FieldHit {
  f: string;
  steps: Step[];
  san: number;
}

interface Summary {
  retSrcs: SrcHit[];
  retParams: ParamHit[];
  /**
   * Fields of `self` returned, kept symbolic: at a call on an instance built by a known constructor call they
   * resolve to that call's arguments (plus what other code stores there), elsewhere to every store of the field.
   */
  retFields: FieldHit[];
  sinkParams: { i: number; sink: SinkRef; steps: Step[]; san: number }[];
  fieldParams: { i: number; f: string; steps: Step[]; san: number }[];
}

/** A constructor call building a method call's receiver; `site` names it in its function. */
interface Ctor {
  call: CallFacts;
  site: string;
  init: { fn: Fn; shift: number };
  steps: Step[];
}

interface Fn {
  facts: FunctionFacts;
  module: ModuleFacts;
  sinkRefs: SinkRef[];
  routeParams?: Set<string>;
}

const MAX_HITS = 6;
const MAX_TRACE = 24;
const MAX_SINK_PARAMS = 48;
const EMPTY_SUMMARY: Summary = { retSrcs: [], retParams: [], retFields: [], sinkParams: [], fieldParams: [] };

class BudgetExceeded extends Error {}

function srcKey(s: SourceDesc): string {
  return `${s.loc.path}:${s.loc.startLine}:${s.loc.startColumn}`;
}

function clip(trace: Step[]): Step[] {
  if (trace.length <= MAX_TRACE) return trace;
  return [...trace.slice(0, MAX_TRACE / 2), ...trace.slice(trace.length - MAX_TRACE / 2)];
}

function addHit(list: SrcHit[], hit: SrcHit): boolean {
  for (const h of list) if (h.san === hit.san && srcKey(h.src) === srcKey(hit.src)) return false;
  if (list.length >= MAX_HITS) {
    // Keep web sources over process inputs: they decide the confidence.
    const weaker = list.findIndex((h) => h.src.kind === 'process');
    if (hit.src.kind !== 'web' || weaker < 0) return false;
    list[weaker] = hit;
    return true;
  }
  list.push(hit);
  return true;
}

function addParam(list: ParamHit[], hit: ParamHit): void {
  if (list.some((p) => p.i === hit.i && p.san === hit.san)) return;
  if (list.length < MAX_HITS * 2) list.push(hit);
}

export class TaintSolver {
  private readonly fns = new Map<string, Fn>();
  private readonly byLast = new Map<string, Fn[]>();
  private readonly classes = new Map<string, string[]>();
  private readonly modelFields = new Map<string, Record<string, 'typed' | 'validated'>>();
  private readonly modelBases = new Map<string, string | undefined>();
  private readonly classKeys = new Map<string, string>();
  private readonly instances = new Map<string, string>();
  private summaries = new Map<Fn, Summary>();
  private readonly fieldSrcs = new Map<string, SrcHit[]>();
  /** The hits of each field except those its class's constructor stored from the arguments of one call. */
  private readonly sharedFieldSrcs = new Map<string, SrcHit[]>();
  /**
   * Hits stored by methods called on an instance whose constructor call is known (`label.rename(x)` after
   * `label = Labels(…)`), by that call (`function\0call index\0field`): only that instance holds them.
   */
  private readonly instanceFieldSrcs = new Map<string, SrcHit[]>();
  /** Functions that stored into one of their own instances this round: they read it back next round. */
  private recheck = new Set<Fn>();
  /** Fields some store gives entries by constant key, and fields some store fills without (see FunctionFacts.fields). */
  private readonly keyedFields = new Set<string>();
  private readonly unkeyedFields = new Set<string>();
  /** While a method's return value is resolved: its class and the fields of `self` kept symbolic. */
  private symbolic: { cls: string; out: FieldHit[] } | undefined;
  private readonly globalSrcs = new Map<string, SrcHit[]>();
  /** Keys of globalSrcs by their last dotted part, in insertion order: suffix matches are looked up, not scanned. */
  private readonly globalsByLast = new Map<string, string[]>();
  private readonly notices: Notice[] = [];
  private ops = 0;
  private readonly budget: number;
  private readonly lookupCache = new Map<string, { fn: Fn; shift: number } | null>();

  constructor(
    modules: readonly ModuleFacts[],
    private readonly opts: SolveOptions,
  ) {
    this.budget = opts.budget ?? 20_000_000;
    let sinkId = 0;
    for (const m of modules) {
      for (const [c, bases] of Object.entries(m.classes)) this.classes.set(c, bases);
      for (const [c, f] of Object.entries(m.modelFields ?? {})) this.modelFields.set(c, f);
      for (const [name, type] of Object.entries(m.instances)) this.instances.set(name, type);
      for (const f of m.functions) {
        for (const s of f.fields) (s.key !== undefined || s.keyed ? this.keyedFields : this.unkeyedFields).add(s.f);
        const fn: Fn = { facts: f, module: m, sinkRefs: [] };
        fn.sinkRefs = f.sinks.map((sink) => ({ fn, sink, id: sinkId++ }));
        this.fns.set(f.q, fn);
        const last = f.q.slice(f.q.lastIndexOf('.') + 1);
        const list = this.byLast.get(last);
        if (list) list.push(fn);
        else this.byLast.set(last, [fn]);
      }
      for (const q of m.overBudget) {
        this.notices.push({
          kind: 'taint-budget',
          path: m.path,
          message: `taint analysis of ${q} stopped at its size budget; flows through the rest of it are not followed`,
          skipped: false,
        });
      }
    }
    const included = this.includedParams(modules);
    for (const m of modules) {
      const prefix = included.get(m.module);
      for (const r of m.routes) {
        if (r.include) continue;
        if (r.params.length === 0 && !prefix) continue;
        const targets = this.fns.has(r.target) ? [this.fns.get(r.target) as Fn] : this.methodsOf(r.target);
        const direct = this.lookup(r.target, m.root);
        if (targets.length === 0 && direct) targets.push(direct.fn);
        for (const t of targets) {
          t.routeParams ??= new Set();
          for (const p of r.params) t.routeParams.add(p);
          for (const p of prefix ?? []) t.routeParams.add(p);
        }
      }
    }
  }

  /**
   * URL parameters each `urls` module gets from the `include()` prefixes that lead to it, following chains
   * (`path("<slug:shop>/", include("shop.urls"))` and further includes inside `shop.urls`).
   */
  private includedParams(modules: readonly ModuleFacts[]): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    const names = modules.map((m) => m.module);
    const find = (target: string) => names.find((n) => n === target || n.endsWith(`.${target}`));
    const edges: { from: string; to: string; params: string[] }[] = [];
    for (const m of modules) {
      for (const r of m.routes) {
        const to = r.include ? find(r.target) : undefined;
        if (to) edges.push({ from: m.module, to, params: r.params });
      }
    }
    for (let round = 0; round < 5 && edges.length > 0; round++) {
      let grew = false;
      for (const e of edges) {
        const set = out.get(e.to) ?? new Set<string>();
        const before = set.size;
        for (const p of [...e.params, ...(out.get(e.from) ?? [])]) set.add(p);
        out.set(e.to, set);
        if (set.size !== before) grew = true;
      }
      if (!grew) break;
    }
    return out;
  }

  /** The functions evaluated, in the project's order (prune.ts); the others keep an empty summary. */
  private active: Fn[] = [];

  solve(): SolveResult {
    const maxRounds = this.opts.maxRounds ?? 12;
    const all = [...this.fns.values()];
    const kept = this.opts.prune === false ? new Set(all) : functionsToSolve(all, {
      facts: (fn) => fn.facts,
      target: (fn, callee) => this.lookup(callee, fn.module.root)?.fn,
      hasSourceParams: (fn) => (fn.facts.sourceParams?.length ?? 0) > 0 || fn.routeParams !== undefined,
      readsRequest: (callee) => REQUEST_BOUND_FORMS.has(this.modelBase(callee) ?? ''),
      module: (fn) => fn.module.module,
    });
    this.active = all.filter((fn) => kept.has(fn));
    try {
      let round = 0;
      for (;;) {
        const changed = this.round();
        if (!changed) break;
        if (++round >= maxRounds) {
          this.notices.push({ kind: 'taint-budget', path: '', message: `taint summaries did not settle in ${maxRounds} rounds; some long call chains may be missed`, skipped: false });
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof BudgetExceeded)) throw err;
      this.notices.push({ kind: 'taint-budget', path: '', message: 'taint analysis reached its project budget; results are partial', skipped: false });
    }
    const findings = this.findings();
    return { findings, notices: this.notices };
  }

  // ---- resolution ------------------------------------------------------------------------------------

  /**
   * The function a callee names, seen from a module of `root`. Names are full module names once the facts are
   * canonical (canonical.ts); the suffix match at the end is for layouts the module map cannot place.
   */
  private lookup(callee: string, root?: string): { fn: Fn; shift: number } | undefined {
    if (callee.startsWith(AMBIGUOUS)) return undefined;
    const key = root === undefined ? callee : `${root}\0${callee}`;
    const cached = this.lookupCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.lookupUncached(callee, 0, root);
    this.lookupCache.set(key, found ?? null);
    return found;
  }

  private lookupUncached(callee: string, depth = 0, root?: string): { fn: Fn; shift: number } | undefined {
    if (depth > 8) return undefined;
    const direct = this.fns.get(callee);
    if (direct) return { fn: direct, shift: 0 };
    const init = this.fns.get(`${callee}.__init__`);
    if (init) return { fn: init, shift: 1 };
    // A method inherited from a base class.
    const dot = callee.lastIndexOf('.');
    if (dot > 0) {
      const owner = callee.slice(0, dot);
      const name = callee.slice(dot + 1);
      for (const base of this.classes.get(owner) ?? []) {
        const found = this.lookupUncached(`${base}.${name}`, depth + 1);
        if (found) return found;
      }
      // A method of an instance held in a module global or an attribute (`pricing.add`, `self.store.save`).
      const type = this.instances.get(owner) ?? this.instanceBySuffix(owner);
      if (type) {
        const found = this.lookupUncached(`${type}.${name}`, depth + 1);
        if (found) return { fn: found.fn, shift: found.shift || 1 };
      }
      if (this.classes.has(callee)) {
        for (const base of this.classes.get(callee) ?? []) {
          const found = this.lookupUncached(`${base}.__init__`, depth + 1);
          if (found) return { fn: found.fn, shift: 1 };
        }
      }
    }
    if (depth > 0) return undefined;
    // The scanned folder may not be the import root: `app.helpers.f` is the module `helpers` when `app/` is scanned.
    const last = callee.slice(dot + 1);
    const candidates = ownFirst(
      (this.byLast.get(last) ?? []).filter((f) => f.facts.q.endsWith(`.${callee}`) || callee.endsWith(`.${f.facts.q}`)),
      root,
    );
    if (candidates.length === 1) return { fn: candidates[0], shift: 0 };
    const inits = ownFirst(
      (this.initsByClass().get(last) ?? []).filter((f) => {
        const cls = f.facts.q.slice(0, -'.__init__'.length);
        return cls.endsWith(`.${callee}`) || callee.endsWith(`.${cls}`);
      }),
      root,
    );
    if (inits.length === 1) return { fn: inits[0], shift: 1 };
    return undefined;
  }

  private fieldList(f: string, map = this.fieldSrcs): SrcHit[] {
    let list = map.get(f);
    if (!list) {
      list = [];
      map.set(f, list);
    }
    return list;
  }

  /**
   * The field an atom reads: one entry of the container held in it (`Cls.meta["label"]`) where every store of the
   * field is by constant key, else the whole field.
   */
  private fieldName(a: { f: string; key?: string }): string {
    return a.key !== undefined && this.keyedFields.has(a.f) && !this.unkeyedFields.has(a.f) ? `${a.f}${a.key}` : a.f;
  }

  /** A hit stored in a field; `ctor`: by a constructor from its call's arguments, so only that instance holds it. */
  private addFieldHit(f: string, hit: SrcHit, ctor: boolean): void {
    addHit(this.fieldList(f), hit);
    if (!ctor) addHit(this.fieldList(f, this.sharedFieldSrcs), hit);
  }

  /** A call building a new instance (`Labels(x)`), not `super().__init__(x)` on an existing one. */
  private isCtorCall(call: CallFacts, target: { fn: Fn; shift: number }): boolean {
    return target.fn.facts.q.endsWith('.__init__') && !call.callee.endsWith('.__init__') && !call.bound;
  }

  /**
   * The constructor calls a method call's receiver is built by (`Labels("x").title()`, `label = Labels(x);
   * label.title()`), when every value the receiver can hold is one of class `cls`; undefined otherwise.
   */
  private receiverCtors(fn: Fn, call: CallFacts, cls: string): Ctor[] | undefined {
    if (!call.recv || call.recv.length === 0) return undefined;
    const out: Ctor[] = [];
    for (const a of call.recv) {
      const c = a.k === 'call' ? fn.facts.calls[a.c] : undefined;
      const init = c ? this.lookup(c.callee, fn.module.root) : undefined;
      if (a.k !== 'call' || !c || !init || !this.isCtorCall(c, init) || init.fn.facts.q !== `${cls}.__init__`) return undefined;
      out.push({ call: c, site: `${fn.facts.q}\0${a.c}`, init, steps: a.steps });
    }
    return out;
  }

  /** The fields of `self` a callee returns, resolved for this call's receiver. */
  private resolveRetFields(fn: Fn, call: CallFacts, target: Fn, fields: FieldHit[], tail: Step[], san: number, visiting: Set<number>, srcs: SrcHit[], params: ParamHit[]): void {
    const cls = target.facts.q.slice(0, target.facts.q.lastIndexOf('.'));
    const ctors = this.receiverCtors(fn, call, cls);
    for (const rf of fields) {
      const after = [...rf.steps, ...tail];
      // `self.title()` inside another method of the class: still the caller's own instance.
      if (call.onSelf && this.symbolic && this.symbolic.cls === cls) {
        this.symbolic.out.push({ f: rf.f, steps: after.slice(-MAX_TRACE), san: rf.san | san });
        continue;
      }
      for (const h of (ctors ? this.sharedFieldSrcs : this.fieldSrcs).get(rf.f) ?? []) addHit(srcs, { src: h.src, trace: clip([...h.trace, ...after]), san: h.san | rf.san | san });
      for (const c of ctors ?? []) {
        for (const h of this.instanceFieldSrcs.get(`${c.site}\0${rf.f}`) ?? []) addHit(srcs, { src: h.src, trace: clip([...h.trace, ...after]), san: h.san | rf.san | san });
        for (const fp of this.summary(c.init.fn).fieldParams) {
          if (fp.f !== rf.f) continue;
          const arg = this.argFor(c.call, c.init.fn, c.init.shift, fp.i);
          if (arg.length === 0) continue;
          const r = this.resolve(fn, arg, visiting);
          const into: Step = { loc: c.call.loc, msg: `passed to ${shortName(c.init.fn.facts.q)}(${c.init.fn.facts.params[fp.i] ?? '…'})` };
          const via = [into, ...fp.steps, ...c.steps, ...after];
          for (const h of r.srcs) addHit(srcs, { src: h.src, trace: clip([...h.trace, ...via]), san: h.san | fp.san | rf.san | san });
          for (const p of r.params) addParam(params, { i: p.i, steps: [...p.steps, ...via].slice(-MAX_TRACE), san: p.san | fp.san | rf.san | san });
        }
      }
    }
  }

  private initsByClassLast: Map<string, Fn[]> | undefined;

  /** `__init__` methods by their class's last name. */
  private initsByClass(): Map<string, Fn[]> {
    if (!this.initsByClassLast) {
      this.initsByClassLast = new Map();
      for (const f of this.byLast.get('__init__') ?? []) {
        const cls = f.facts.q.slice(0, -'.__init__'.length);
        const last = cls.slice(cls.lastIndexOf('.') + 1);
        const list = this.initsByClassLast.get(last);
        if (list) list.push(f);
        else this.initsByClassLast.set(last, [f]);
      }
    }
    return this.initsByClassLast;
  }

  private instancesByLast: Map<string, [string, string][]> | undefined;

  private instanceBySuffix(owner: string): string | undefined {
    if (!this.instancesByLast) {
      this.instancesByLast = new Map();
      for (const [k, v] of this.instances) {
        const last = k.slice(k.lastIndexOf('.') + 1);
        const list = this.instancesByLast.get(last);
        if (list) list.push([k, v]);
        else this.instancesByLast.set(last, [[k, v]]);
      }
    }
    for (const [k, v] of this.instancesByLast.get(owner.slice(owner.lastIndexOf('.') + 1)) ?? []) {
      if (k.endsWith(`.${owner}`) || owner.endsWith(`.${k}`)) return v;
    }
    return undefined;
  }

  private methodsOf(cls: string): Fn[] {
    const out: Fn[] = [];
    for (const [q, fn] of this.fns) if (q.startsWith(`${cls}.`) || q.includes(`.${cls}.`)) out.push(fn);
    return out;
  }

  private summary(fn: Fn): Summary {
    return this.summaries.get(fn) ?? EMPTY_SUMMARY;
  }

  /** Taint of the argument bound to parameter `i` of the callee. */
  private argFor(call: CallFacts, callee: Fn, shift: number, i: number): Taint {
    const offset = shift || (call.bound ? 1 : 0);
    const params = callee.facts.params;
    const name = params[i] ?? '';
    let out: Atom[] = [];
    if (name.startsWith('**')) {
      for (const [k, v] of Object.entries(call.kw)) if (!params.includes(k)) out = out.concat(v);
    } else if (name.startsWith('*')) {
      for (let p = i - offset; p < call.args.length; p++) if (p >= 0) out = out.concat(call.args[p]);
    } else {
      const pos = i - offset;
      if (pos >= 0 && pos < call.args.length) out = out.concat(call.args[pos]);
      else if (call.kw[name]) out = out.concat(call.kw[name]);
    }
    // A spread `*args`/`**kwargs` cannot land on a parameter an explicit argument already fills (Python would
    // refuse the call): `format_html(msg, **parts)` never rebinds `format_string`.
    const filled = (i - offset >= 0 && i - offset < call.args.length) || (name !== '' && call.kw[name] !== undefined);
    if (call.star.length > 0 && i >= offset && !filled) out = out.concat(call.star);
    return out;
  }

  private resolve(fn: Fn, atoms: Taint, visiting: Set<number> = new Set()): { srcs: SrcHit[]; params: ParamHit[] } {
    const srcs: SrcHit[] = [];
    const params: ParamHit[] = [];
    for (const a of atoms) {
      if (++this.ops > this.budget) throw new BudgetExceeded();
      if (a.mf !== undefined && this.modelDrops(a)) continue;
      switch (a.k) {
        case 'src':
          addHit(srcs, { src: a.src, trace: clip([{ loc: a.src.loc, msg: `source: ${a.src.label}` }, ...a.steps]), san: a.san });
          break;
        case 'param': {
          const source = this.paramSource(fn, a.i);
          if (source) addHit(srcs, { src: source, trace: clip([{ loc: source.loc, msg: `source: ${source.label}` }, ...a.steps]), san: a.san });
          else addParam(params, { i: a.i, steps: a.steps, san: a.san });
          break;
        }
        case 'call': {
          if (visiting.has(a.c)) break;
          const call = fn.facts.calls[a.c];
          if (!call) break;
          visiting.add(a.c);
          const target = this.lookup(call.callee, fn.module.root);
          if (!target) {
            // A Flask-WTF form built without data reads the request's form itself.
            if (call.through && REQUEST_BOUND_FORMS.has(this.modelBase(call.callee) ?? '')) {
              const src: SourceDesc = { kind: 'web', label: `${shortName(call.callee)}() (request form data)`, loc: call.loc };
              addHit(srcs, { src, trace: clip([{ loc: call.loc, msg: `source: ${src.label}` }, ...a.steps]), san: a.san });
            }
            // A project class without __init__ (a dataclass, a model): its arguments become its content.
            if (!call.through) {
              if (call.recv) {
                const r = this.resolve(fn, call.recv, visiting);
                for (const h of r.srcs) addHit(srcs, { ...h, trace: clip([...h.trace, ...a.steps]), san: h.san | a.san });
                for (const p of r.params) addParam(params, { ...p, steps: [...p.steps, ...a.steps], san: p.san | a.san });
              }
              visiting.delete(a.c);
              break;
            }
            let all: Atom[] = [...call.star, ...(call.recv ?? [])];
            for (const t of call.args) all = all.concat(t);
            for (const t of Object.values(call.kw)) all = all.concat(t);
            const r = this.resolve(fn, all, visiting);
            for (const h of r.srcs) addHit(srcs, { ...h, trace: clip([...h.trace, ...a.steps]), san: h.san | a.san });
            for (const p of r.params) addParam(params, { ...p, steps: [...p.steps, ...a.steps], san: p.san | a.san });
          } else {
            const s = this.summary(target.fn);
            const step: Step = { loc: call.loc, msg: `returned by ${shortName(target.fn.facts.q)}()` };
            for (const h of s.retSrcs) addHit(srcs, { src: h.src, trace: clip([...h.trace, step, ...a.steps]), san: h.san | a.san });
            for (const rp of s.retParams) {
              const arg = this.argFor(call, target.fn, target.shift, rp.i);
              if (arg.length === 0) continue;
              const r = this.resolve(fn, arg, visiting);
              const into: Step = { loc: call.loc, msg: `passed to ${shortName(target.fn.facts.q)}(${target.fn.facts.params[rp.i] ?? '…'})` };
              for (const h of r.srcs) addHit(srcs, { src: h.src, trace: clip([...h.trace, into, ...rp.steps, step, ...a.steps]), san: h.san | rp.san | a.san });
              for (const p of r.params) addParam(params, { i: p.i, steps: [...p.steps, into, ...rp.steps, step, ...a.steps].slice(-MAX_TRACE), san: p.san | rp.san | a.san });
            }
            if (s.retFields.length > 0) this.resolveRetFields(fn, call, target.fn, s.retFields, [step, ...a.steps], a.san, visiting, srcs, params);
          }
          visiting.delete(a.c);
          break;
        }
        case 'field':
          if (this.symbolic && a.f.startsWith(`${this.symbolic.cls}.`) && !a.f.includes('.', this.symbolic.cls.length + 1)) {
            this.symbolic.out.push({ f: this.fieldName(a), steps: a.steps, san: a.san });
            break;
          }
          for (const h of this.fieldSrcs.get(this.fieldName(a)) ?? []) addHit(srcs, { src: h.src, trace: clip([...h.trace, ...a.steps]), san: h.san | a.san });
          break;
        case 'global': {
          const hits = this.globalSrcs.get(a.g) ?? this.globalBySuffix(a.g);
          for (const h of hits) addHit(srcs, { src: h.src, trace: clip([...h.trace, ...a.steps]), san: h.san | a.san });
          break;
        }
      }
    }
    return { srcs, params };
  }

  /** A module global named from another import root (`app.config.X` for the module `config`). */
  private globalBySuffix(g: string): SrcHit[] {
    if (g.startsWith(AMBIGUOUS)) return [];
    const last = g.slice(g.lastIndexOf('.') + 1);
    for (const k of this.globalsByLast.get(last) ?? []) {
      if (k.endsWith(`.${g}`) || g.endsWith(`.${k}`)) return this.globalSrcs.get(k) ?? [];
    }
    return [];
  }

  private setGlobal(key: string, hits: SrcHit[]): void {
    if (!this.globalSrcs.has(key)) {
      const last = key.slice(key.lastIndexOf('.') + 1);
      const list = this.globalsByLast.get(last);
      if (list) list.push(key);
      else this.globalsByLast.set(last, [key]);
    }
    this.globalSrcs.set(key, hits);
  }

  private paramSource(fn: Fn, i: number): SourceDesc | undefined {
    const own = fn.facts.sourceParams?.find((p) => p.i === i);
    if (own && (own.dep === undefined || this.returnsInput(own.dep, fn.module.root))) return { kind: own.kind, label: own.label, loc: fn.facts.loc };
    const name = fn.facts.params[i];
    if (name && fn.routeParams?.has(name)) return { kind: 'web', label: `URL parameter ${name}`, loc: fn.facts.loc };
    return undefined;
  }

  /** The data-model base class (MODEL_BASES) a project class derives from, if any. */
  private modelBase(written: string): string | undefined {
    if (this.modelBases.has(written)) return this.modelBases.get(written);
    const cls = this.classKey(written);
    // Two spellings of one class (a base written as `pkg.Foo` for `Foo`) must meet the cycle guard too.
    if (this.modelBases.has(cls)) return this.modelBases.get(cls);
    this.modelBases.set(cls, undefined);
    let found: string | undefined;
    for (const b of this.classes.get(cls) ?? []) {
      found = MODEL_BASES.has(b) ? b : this.modelBase(b);
      if (found) break;
    }
    this.modelBases.set(written, found);
    return found;
  }

  private classLast: Map<string, string[]> | undefined;

  /** Class names by their last dotted part, in the order classes were met: suffix matches look up, not scan. */
  private classesByLast(): Map<string, string[]> {
    if (!this.classLast) {
      this.classLast = new Map();
      for (const k of this.classes.keys()) {
        const last = k.slice(k.lastIndexOf('.') + 1);
        const list = this.classLast.get(last);
        if (list) list.push(k);
        else this.classLast.set(last, [k]);
      }
    }
    return this.classLast;
  }

  /** A class as the project names it: `forms.SignupForm` imported from another root is `app.forms.SignupForm`. */
  private classKey(cls: string): string {
    if (this.classes.has(cls)) return cls;
    const cached = this.classKeys.get(cls);
    if (cached !== undefined) return cached;
    const suffix = `.${cls}`;
    let found: string | undefined;
    for (const k of this.classesByLast().get(cls.slice(cls.lastIndexOf('.') + 1)) ?? []) {
      if (!k.endsWith(suffix)) continue;
      found = found === undefined ? k : cls;
      if (found === cls) break;
    }
    this.classKeys.set(cls, found ?? cls);
    return found ?? cls;
  }

  /** Whether a field read of a data model is clean, or a model-only read is of a class that is no model. */
  private modelDrops(a: Atom): boolean {
    const mf = a.mf ?? '';
    const dot = mf.lastIndexOf('.');
    const cls = this.classKey(mf.slice(0, dot));
    if (!this.modelBase(cls)) return a.mo === true;
    const field = mf.slice(dot + 1);
    const seen = new Set<string>();
    const safety = (c: string): 'typed' | 'validated' | undefined => {
      if (seen.has(c)) return undefined;
      seen.add(c);
      const own = this.modelFields.get(c)?.[field];
      if (own) return own;
      for (const b of this.classes.get(c) ?? []) {
        const s = safety(b);
        if (s) return s;
      }
      return undefined;
    };
    const s = safety(cls);
    return s === 'typed' || (s === 'validated' && a.mv === true);
  }

  /** A FastAPI dependency whose result carries request data: its own parameters are request values too. */
  private returnsInput(dep: string, root: string | undefined): boolean {
    const target = this.lookup(dep, root);
    if (!target) return false;
    const s = this.summary(target.fn);
    return s.retSrcs.length > 0 || s.retParams.length > 0 || s.retFields.some((rf) => (this.fieldSrcs.get(rf.f)?.length ?? 0) > 0);
  }

  /** One refinement of every summary from the previous round's; true when anything grew. */
  /** Functions whose summary changed in the last round (undefined before the first). */
  private changedLast: Set<Fn> | undefined;
  /** Field and global keys (`f:` field, `g:` last part of a global) whose hits changed in the last round. */
  private sharedChangedLast = new Set<string>();
  private readonly sharedReads = new Map<Fn, { keys: Set<string>; all: boolean }>();
  private readonly targetsOf = new Map<Fn, Fn[]>();

  /**
   * A function needs another look only when something it reads changed: a callee's summary, or the hits of a
   * field or global one of its atoms names (a global is read through suffix matches, so by its last part).
   */
  private dirty(fn: Fn): boolean {
    if (!this.changedLast) return true;
    let reads = this.sharedReads.get(fn);
    if (!reads) {
      const keys = new Set<string>();
      const scan = (t: Taint) => {
        for (const a of t) {
          if (a.k === 'field') keys.add(`f:${this.fieldName(a)}`);
          else if (a.k === 'global') keys.add(`g:${a.g.slice(a.g.lastIndexOf('.') + 1)}`);
        }
      };
      const f = fn.facts;
      // Module code's globals make it read everything shared (`all`); their own keys change nothing.
      forEachTaint(f, scan);
      reads = { keys, all: f.globals !== undefined };
      this.sharedReads.set(fn, reads);
    }
    if (this.sharedChangedLast.size > 0) {
      if (reads.all) return true;
      for (const k of reads.keys) if (this.sharedChangedLast.has(k)) return true;
    }
    let targets = this.targetsOf.get(fn);
    if (!targets) {
      targets = [];
      for (const c of fn.facts.calls) {
        const t = this.lookup(c.callee, fn.module.root);
        if (t) targets.push(t.fn);
      }
      this.targetsOf.set(fn, targets);
    }
    for (const t of targets) if (this.changedLast.has(t)) return true;
    return false;
  }

  /** Hits per field and per global last part, to tell which of them a round changed. */
  private sharedCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [f, hits] of this.fieldSrcs) out.set(`f:${f}`, hits.length + (this.sharedFieldSrcs.get(f)?.length ?? 0));
    for (const [g, hits] of this.globalSrcs) {
      const k = `g:${g.slice(g.lastIndexOf('.') + 1)}`;
      out.set(k, (out.get(k) ?? 0) + hits.length);
    }
    return out;
  }

  private round(): boolean {
    const next = new Map<Fn, Summary>();
    const recheck = this.recheck;
    this.recheck = new Set();
    let changed = false;
    const changedNow = new Set<Fn>();
    const before = this.sharedCounts();
    for (const fn of this.active) {
      if (!this.dirty(fn) && !recheck.has(fn)) {
        next.set(fn, this.summary(fn));
        continue;
      }
      const f = fn.facts;
      const s: Summary = { retSrcs: [], retParams: [], retFields: [], sinkParams: [], fieldParams: [] };
      if (f.ret.length > 0) {
        const cls = f.params.length > 0 && this.classes.has(f.q.slice(0, f.q.lastIndexOf('.'))) ? f.q.slice(0, f.q.lastIndexOf('.')) : undefined;
        this.symbolic = cls ? { cls, out: s.retFields } : undefined;
        try {
          const r = this.resolve(fn, f.ret);
          s.retSrcs = r.srcs;
          s.retParams = r.params;
        } finally {
          this.symbolic = undefined;
        }
        s.retFields = dedupeFields(s.retFields);
      }
      const sinkKeys = new Set<string>();
      const addSinkParam = (entry: Summary['sinkParams'][number]) => {
        const key = `${entry.i}:${entry.sink.id}:${entry.san}`;
        if (sinkKeys.has(key) || s.sinkParams.length >= MAX_SINK_PARAMS) return;
        sinkKeys.add(key);
        s.sinkParams.push(entry);
      };
      for (const ref of fn.sinkRefs) {
        if (!ref.sink.taint.some((a) => a.k !== 'src')) continue;
        const r = this.resolve(fn, ref.sink.taint);
        for (const p of r.params) addSinkParam({ i: p.i, sink: ref, steps: p.steps, san: p.san });
      }
      for (const store of f.fields) {
        const r = this.resolve(fn, store.taint);
        const name = store.key === undefined ? store.f : `${store.f}${store.key}`;
        for (const h of r.srcs) this.addFieldHit(name, h, false);
        for (const p of r.params) if (!s.fieldParams.some((x) => x.i === p.i && x.f === name)) s.fieldParams.push({ i: p.i, f: name, steps: p.steps, san: p.san });
      }
      for (const call of f.calls) {
        const target = this.lookup(call.callee, fn.module.root);
        if (!target) continue;
        const cs = this.summary(target.fn);
        if (cs.sinkParams.length === 0 && cs.fieldParams.length === 0) continue;
        const into = (i: number): Step => ({ loc: call.loc, msg: `passed to ${shortName(target.fn.facts.q)}(${target.fn.facts.params[i] ?? '…'})` });
        for (const sp of cs.sinkParams) {
          const arg = this.argFor(call, target.fn, target.shift, sp.i);
          if (arg.length === 0 || !arg.some((a) => a.k !== 'src')) continue;
          const r = this.resolve(fn, arg);
          for (const p of r.params) addSinkParam({ i: p.i, sink: sp.sink, steps: [...p.steps, into(sp.i), ...sp.steps].slice(-MAX_TRACE), san: p.san | sp.san });
        }
        for (const fp of cs.fieldParams) {
          const arg = this.argFor(call, target.fn, target.shift, fp.i);
          if (arg.length === 0) continue;
          const r = this.resolve(fn, arg);
          const ctor = this.isCtorCall(call, target);
          // A method storing into an instance this function built: that instance's own hits.
          const owner = ctor || r.srcs.length === 0 ? undefined : this.receiverCtors(fn, call, target.fn.facts.q.slice(0, target.fn.facts.q.lastIndexOf('.')));
          for (const h of r.srcs) {
            const hit = { src: h.src, trace: clip([...h.trace, into(fp.i), ...fp.steps]), san: h.san | fp.san };
            this.addFieldHit(fp.f, hit, ctor || owner !== undefined);
            for (const c of owner ?? []) {
              const key = `${c.site}\0${fp.f}`;
              const list = this.fieldList(key, this.instanceFieldSrcs);
              if (addHit(list, hit)) this.recheck.add(fn);
            }
          }
          for (const p of r.params) if (!s.fieldParams.some((x) => x.i === p.i && x.f === fp.f)) s.fieldParams.push({ i: p.i, f: fp.f, steps: p.steps, san: p.san | fp.san });
        }
      }
      if (f.globals) {
        for (const [name, t] of Object.entries(f.globals)) {
          const r = this.resolve(fn, t);
          if (r.srcs.length > 0) this.setGlobal(`${fn.module.module}.${name}`, r.srcs);
        }
      }
      const old = this.summary(fn);
      if (
        old.retSrcs.length !== s.retSrcs.length ||
        old.retParams.length !== s.retParams.length ||
        old.retFields.length !== s.retFields.length ||
        old.sinkParams.length !== s.sinkParams.length ||
        old.fieldParams.length !== s.fieldParams.length
      ) {
        changed = true;
        changedNow.add(fn);
      }
      next.set(fn, s);
    }
    this.summaries = next;
    this.changedLast = changedNow;
    const after = this.sharedCounts();
    this.sharedChangedLast = new Set([...after].filter(([k, n]) => before.get(k) !== n).map(([k]) => k));
    // A method returning a field of its instance changed for its callers when the field's hits did: they read them.
    if (this.sharedChangedLast.size > 0) {
      for (const [fn, s] of next) if (s.retFields.length > 0 && s.retFields.some((rf) => this.sharedChangedLast.has(`f:${rf.f}`))) changedNow.add(fn);
    }
    return changed || this.sharedChangedLast.size > 0 || this.recheck.size > 0;
  }

  // ---- findings --------------------------------------------------------------------------------------

  private findings(): Finding[] {
    const best = new Map<string, { ref: SinkRef; hit: SrcHit; tail: Step[] }>();
    const consider = (ref: SinkRef, hit: SrcHit, tail: Step[], extraSan: number) => {
      const rule = ref.sink.rule;
      if (!this.opts.rules.has(rule)) return;
      const bit = ruleBit(rule);
      if ((hit.san | extraSan) & bit) return;
      if (hit.src.kind === 'process' && !PROCESS_INPUT_RULES.has(rule)) return;
      // Predictable values matter where a secret is expected (K720), and only there; input never does there.
      if ((hit.src.kind === 'random') !== (rule === RANDOMNESS_RULE)) return;
      const key = `${ref.id}`;
      const prev = best.get(key);
      const len = hit.trace.length + tail.length;
      const strength = confidenceRank(confidenceOf(hit.src, bit));
      const prevStrength = prev ? confidenceRank(confidenceOf(prev.hit.src, bit)) : 0;
      if (!prev || strength > prevStrength || (strength === prevStrength && prev.hit.trace.length + prev.tail.length > len)) {
        best.set(key, { ref, hit, tail });
      }
    };
    try {
      for (const fn of this.active) {
        for (const ref of fn.sinkRefs) {
          const r = this.resolve(fn, ref.sink.taint);
          for (const h of r.srcs) consider(ref, h, [], 0);
        }
        for (const call of fn.facts.calls) {
          const target = this.lookup(call.callee, fn.module.root);
          if (!target) continue;
          for (const sp of this.summary(target.fn).sinkParams) {
            const arg = this.argFor(call, target.fn, target.shift, sp.i);
            if (arg.length === 0) continue;
            const r = this.resolve(fn, arg);
            const into: Step = { loc: call.loc, msg: `passed to ${shortName(target.fn.facts.q)}(${target.fn.facts.params[sp.i] ?? '…'})` };
            for (const h of r.srcs) consider(sp.sink, h, [into, ...sp.steps], sp.san);
          }
        }
      }
    } catch (err) {
      if (!(err instanceof BudgetExceeded)) throw err;
      this.notices.push({ kind: 'taint-budget', path: '', message: 'taint analysis reached its project budget while reporting; results are partial', skipped: false });
    }
    const out: Finding[] = [];
    const sorted = [...best.values()].sort(
      (a, b) =>
        cmp(a.ref.sink.loc.path, b.ref.sink.loc.path) ||
        a.ref.sink.loc.startLine - b.ref.sink.loc.startLine ||
        a.ref.sink.loc.startColumn - b.ref.sink.loc.startColumn ||
        cmp(a.ref.sink.rule, b.ref.sink.rule),
    );
    const occurrences = new Map<string, number>();
    const perLine = new Set<string>();
    for (const { ref, hit, tail } of sorted) {
      // `FileResponse(open(path))`: one finding per rule and line, the outermost call.
      const lineKey = `${ref.sink.rule}\0${ref.sink.loc.path}\0${ref.sink.loc.startLine}`;
      if (perLine.has(lineKey)) continue;
      perLine.add(lineKey);
      const meta = this.opts.rules.get(ref.sink.rule);
      if (!meta) continue;
      const sink = ref.sink;
      const trace: TraceStep[] = dedupeSteps([...hit.trace, ...tail, { loc: sink.loc, msg: `sink: ${sink.label}` }]).map((s) => ({
        location: s.loc,
        message: s.msg,
      }));
      const occKey = `${meta.id}\0${sink.loc.path}\0${sink.lineText.trim()}`;
      const occurrence = occurrences.get(occKey) ?? 0;
      occurrences.set(occKey, occurrence + 1);
      const where = hit.src.loc.path === sink.loc.path ? `line ${hit.src.loc.startLine}` : `${hit.src.loc.path}:${hit.src.loc.startLine}`;
      const confidence = confidenceOf(hit.src, ruleBit(meta.id));
      const local = hit.src.kind === 'process' && confidence === 'low' ? LOCAL_INPUT_NOTE : '';
      const finding: Finding = {
        ruleId: meta.id,
        ruleName: meta.name,
        message: `${meta.summary.replace(/\.$/, '')}: ${hit.src.label} (${where}) flows into ${sink.label}${local}`,
        severity: meta.severity,
        confidence,
        cwe: [...meta.cwe],
        location: { ...sink.loc },
        snippet: sink.snippet,
        ...(sink.snippetColumn !== undefined ? { snippetColumn: sink.snippetColumn } : {}),
        trace,
        fingerprint: fingerprint(meta.id, sink.loc.path, sink.lineText, occurrence),
      };
      if (sink.suppression) finding.suppression = sink.suppression;
      out.push(finding);
    }
    return out;
  }
}

/** Why a finding whose every source is the local user's own input is low confidence (LOCAL_PROCESS_SOURCES). */
const LOCAL_INPUT_NOTE =
  ' (low confidence: the data comes from the user who runs the program, through its command line, environment, ' +
  'standard input or the files it reads, not from a remote client)';

/** High for web input, medium for process input; lower where the source is weak evidence for this rule. */
function confidenceOf(src: SourceDesc, bit: number): Confidence {
  const base: Confidence = src.kind === 'process' ? 'medium' : 'high';
  if (src.weak && src.weak.bits & bit && confidenceRank(src.weak.confidence) < confidenceRank(base)) return src.weak.confidence;
  return base;
}

function dedupeFields(list: FieldHit[]): FieldHit[] {
  const seen = new Set<string>();
  const out: FieldHit[] = [];
  for (const h of list) {
    const key = `${h.f}\0${h.san}`;
    if (seen.has(key) || out.length >= MAX_HITS * 2) continue;
    seen.add(key);
    out.push(h);
  }
  return out;
}

function dedupeSteps(steps: Step[]): Step[] {
  const out: Step[] = [];
  for (const s of steps) {
    const prev = out[out.length - 1];
    if (prev && prev.msg === s.msg && sameLoc(prev.loc, s.loc)) continue;
    out.push(s);
  }
  return out;
}

function sameLoc(a: Location, b: Location): boolean {
  return a.path === b.path && a.startLine === b.startLine && a.startColumn === b.startColumn;
}


/** Candidates of the caller's own source root where it has any (roots are known when `root` is given). */
function ownFirst(candidates: Fn[], root: string | undefined): Fn[] {
  if (root === undefined || candidates.length < 2) return candidates;
  const own = candidates.filter((f) => f.module.root === root);
  return own.length > 0 ? own : candidates;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const shortNames = new Map<string, string>();

/** `pkg.mod.func` → `mod.func`, as traces show callees. */
function shortName(q: string): string {
  let s = shortNames.get(q);
  if (s === undefined) {
    const parts = q.split('.');
    s = parts.length > 2 ? parts.slice(-2).join('.') : q;
    if (shortNames.size > 100_000) shortNames.clear();
    shortNames.set(q, s);
  }
  return s;
}

export function solveTaint(modules: readonly ModuleFacts[], opts: SolveOptions): SolveResult {
  return new TaintSolver(modules, opts).solve();
}
