/**
 * The local taint walk is one class built in layers, one file per job: this state, then guards.ts (what conditions
 * prove), expression-walk.ts (names, attributes, sources), calls.ts (sinks, sanitizers, calls) and statements.ts
 * (the flow-sensitive statement walk). Each layer declares what it needs from the layers above as abstract.
 */
import type { Node } from 'web-tree-sitter';
import type { Location } from '../findings/types.js';
import type { FunctionInfo } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';
import type { FunctionPlan, LocalContext } from './context.js';
import type { TaintSpec } from './spec.js';
import type { CallFacts, FunctionFacts, SinkFacts, Taint } from './types.js';
import { CONST, CONST_MUT, EMPTY, OutOfTime, OverBudget, type State } from './taint-values.js';
import { type ConstKind, walkConstant } from './constness.js';
import { unparen } from '../syntax/nodes.js';
import type { Guards } from './guards.js';
import { ALL_KEYS, entryBase, subscriptKey } from './fields.js';

export interface LocalDef {
  params: string[];
  body: Node;
  isLambda: boolean;
  env: State;
}

/** What every layer of the walk shares: the state, the collected facts and the budget. */
export abstract class AnalysisState {
  protected state: State = new Map();
  protected terminated = false;
  protected visits = 0;
  protected depth = 0;
  protected inline = 0;
  protected loopDepth = 0;
  protected ret: Taint = EMPTY;
  protected readonly sinks: SinkFacts[] = [];
  protected readonly calls: CallFacts[] = [];
  protected readonly fields: FunctionFacts['fields'] = [];
  protected readonly localDefs = new Map<string, LocalDef>();
  protected readonly realpathVars = new Set<string>();
  protected readonly guardVars = new Map<string, Guards>();
  protected readonly sinkSeen = new Set<string>();
  /** See ModuleFacts.checked; shared by the module's walks. */
  checked: Set<string> = new Set();
  constantSinks: Set<string> = new Set();
  /** Sink keys some visit found not constant (a loop's second pass): they leave constantSinks at the end. */
  notConstant: Set<string> = new Set();
  /** First names of the state keys ever proved constant: `unfix` has nothing to do for others. */
  protected readonly constRoots = new Set<string>();
  /** Containers that got entries of constant keys in this walk (see fields.ts). */
  protected readonly containers = new Set<string>();
  /** The constant-key entry a store into a container is for, while its root is reassigned (see storeEntry). */
  protected entryStore: { key: string; t: Taint } | undefined;
  /** Taint of each constant-key value of the dict literals evaluated, by the literal's start. */
  protected readonly literalEntries = new Map<number, [string | number, Taint][]>();
  /** Field taints of the dataclasses of this module built here, by the constructor call's start. */
  protected readonly builtFields = new Map<number, [string, Taint][]>();
  protected readonly isModule: boolean;
  protected readonly selfName: string | undefined;
  protected readonly handlerSources: TaintSpec['selfSources'] = [];

  constructor(
    protected readonly model: ModuleModel,
    protected readonly ctx: LocalContext,
    protected readonly plan: FunctionPlan,
    protected readonly instances: Record<string, string>,
  ) {
    this.isModule = plan.info === null;
    this.selfName = plan.cls && plan.params.length > 0 && !isStatic(plan.info) ? plan.params[0] : undefined;
    if (plan.clsBases) {
      for (const s of ctx.spec.selfSources) if (plan.clsBases.some((b) => s.bases.has(b))) this.handlerSources.push(s);
    }
  }

  /** What was collected before the budget ran out (the sinks and calls seen so far still count). */
  partial(): FunctionFacts | undefined {
    return this.facts();
  }

  protected facts(): FunctionFacts {
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
      for (const [k, v] of this.state) if (v.length > 0 && !k.includes('.') && !k.includes('[')) globals[k] = v;
      out.globals = globals;
    }
    return out;
  }

  /** What this walk proved of a state key (see walkConstant). */
  protected readonly constLookup = (key: string): ConstKind | 'no' | undefined => {
    const v = this.state.get(key);
    return v === undefined ? undefined : v === CONST ? 'imm' : v === CONST_MUT ? 'mut' : 'no';
  };

  /** The kind of constant an expression is in this walk's state, or undefined. */
  protected constKind(node: Node, aliasOk = false): ConstKind | undefined {
    const k = walkConstant(this.model, node, this.constLookup, (n) => subscriptKey(this.model, n));
    const n = unparen(node);
    return k === 'mut' && !aliasOk && (n.type === 'identifier' || n.type === 'attribute') ? undefined : k;
  }

  /**
   * The state value of a key bound (without taint) to `value`: CONST or CONST_MUT when proved constant. A constant
   * container bound to a second name is an alias either name may change: neither stays constant.
   */
  protected constValue(key: string, value: Node | null): Taint {
    if (!value) return EMPTY;
    const n = unparen(value);
    if ((n.type === 'identifier' || n.type === 'attribute') && this.constLookup(n.text) === 'mut') {
      this.unfix(n.text);
      return EMPTY;
    }
    return this.constTaint(key, this.constKind(value));
  }

  protected constTaint(key: string, kind: ConstKind | undefined): Taint {
    if (!kind) return EMPTY;
    this.constRoots.add(rootName(key));
    return kind === 'mut' ? CONST_MUT : CONST;
  }

  /** A container or object a call or an alias may change: it and its entries and attributes are constants no more. */
  protected unfix(path: string): void {
    if (!this.constRoots.has(rootName(path))) return;
    for (const [k, v] of this.state) {
      if (v !== CONST && v !== CONST_MUT) continue;
      if (k === path ? v === CONST_MUT : k.startsWith(`${path}.`) || k.startsWith(`${path}[`)) this.state.set(k, EMPTY);
    }
  }

  /** The taint of a constant-key entry when this walk knows it (stored, or absent from a fully known container). */
  protected entryTaint(key: string): Taint | undefined {
    const own = this.state.get(key);
    if (own) return own;
    const base = entryBase(key);
    return base !== undefined && this.state.has(`${base}${ALL_KEYS}`) ? EMPTY : undefined;
  }

  /** A container assigned as a whole forgets its entries. */
  protected dropEntries(path: string): void {
    if (!this.containers.has(path)) return;
    const prefix = `${path}[`;
    for (const k of [...this.state.keys()]) if (k.startsWith(prefix)) this.state.delete(k);
  }

  protected tick(): void {
    if (++this.visits > this.ctx.budget) throw new OverBudget();
    // The clock is read every 1024 nodes: cheap, and a file overruns its budget by microseconds at most.
    if ((this.visits & 1023) === 0 && this.ctx.expired?.()) throw new OutOfTime();
  }

  protected loc(node: Node): Location {
    return this.ctx.location(node);
  }
}

export function isStatic(fn: FunctionInfo | null): boolean {
  return fn?.decorators.some((d) => /^@\s*staticmethod\b/.test(d.text)) ?? false;
}

/** `a` for `a`, `a.b.c` and `a["k"]`. */
function rootName(path: string): string {
  const m = /^[^.[]*/.exec(path);
  return m ? m[0] : path;
}
