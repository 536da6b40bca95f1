import type { Location, Suppression } from '../findings/types.js';

/**
 * The compact, serialisable facts a worker extracts from one module for the cross-module taint solve. Values
 * are sets of atoms: where a value's taint can come from, as far as one function can tell.
 */

/** One hop of a trace: where, and what happened there. */
export interface Step {
  loc: Location;
  msg: string;
}

/** `random`: a value of the `random` module, a source for insecure randomness (K720) only. */
export type SourceKind = 'web' | 'process' | 'random';

export interface SourceDesc {
  kind: SourceKind;
  /** What the source is, as written or modelled: `request.args`, `sys.argv`, `route parameter name`. */
  label: string;
  loc: Location;
  /**
   * Rules (bit set) for which this source is weaker evidence than its kind says, and the confidence it then
   * gives: the Host header behind a redirect (the victim's browser sends the real one), environment variables
   * (configuration chosen by whoever starts the process).
   */
  weak?: { bits: number; confidence: 'medium' | 'low' };
}

/**
 * Where taint comes from. `san` is a bit set of the taint rules the value has been sanitized for (bit i =
 * TAINT_RULE_IDS[i]); `steps` are the hops inside the function since the origin.
 */
export type Atom =
  | { k: 'src'; src: SourceDesc; steps: Step[]; san: number }
  | { k: 'param'; i: number; steps: Step[]; san: number }
  | { k: 'call'; c: number; steps: Step[]; san: number }
  | { k: 'field'; f: string; steps: Step[]; san: number }
  | { k: 'global'; g: string; steps: Step[]; san: number };

export type Taint = readonly Atom[];

export interface CallFacts {
  /** Qualified name of the callee as resolved in the calling module. */
  callee: string;
  loc: Location;
  /** Taint of each positional argument; for a bound method call the receiver is not included. */
  args: Taint[];
  kw: Record<string, Taint>;
  /** `*args` / `**kwargs` spread into the call: may land on any parameter. */
  star: Taint;
  /** Calling a class: arguments bind from the second parameter of `__init__`. */
  ctor?: boolean;
  /** A method called on an instance (`obj.m(...)`, `self.m(...)`): arguments bind from the second parameter. */
  bound?: boolean;
  /** Without a summary for the callee (a class without `__init__`), whether the arguments flow into the result. */
  through?: boolean;
  /** Taint of the receiver (`self.rfile` in `self.rfile.read()`), used when the callee has no summary. */
  recv?: Taint;
}

export interface SinkFacts {
  rule: string;
  /** The dangerous call or statement, as shown in traces: `cursor.execute`. */
  label: string;
  loc: Location;
  taint: Taint;
  snippet: string;
  /** The first line of the sink, for the fingerprint. */
  lineText: string;
  /** A suppression comment covering the sink for this rule, found in the worker where the comments are. */
  suppression?: Suppression;
}

export interface FunctionFacts {
  /** Qualified name (`pkg.mod.Class.method`); module-level code is `pkg.mod.<module>`. */
  q: string;
  params: string[];
  /** Parameters that are untrusted input by themselves (route parameters, a Lambda handler's event). */
  sourceParams?: { i: number; label: string; kind: SourceKind }[];
  loc: Location;
  ret: Taint;
  sinks: SinkFacts[];
  calls: CallFacts[];
  /** Attributes of instances (`self.x = …`) written here: `Class.x`. */
  fields: { f: string; taint: Taint }[];
  /** Module-level code only: the taint of every module global at the end of the module. */
  globals?: Record<string, Taint>;
}

/** A Django `urls.py` entry: the view's parameters named in the URL pattern are untrusted. */
export interface RouteBinding {
  target: string;
  params: string[];
  loc: Location;
}

export interface ModuleFacts {
  path: string;
  module: string;
  functions: FunctionFacts[];
  /** Class qualified name → base classes' qualified names (for inherited methods). */
  classes: Record<string, string[]>;
  routes: RouteBinding[];
  /** Names holding an instance of a class: module globals (`mod.name`) and attributes (`mod.Class.attr`) → class. */
  instances: Record<string, string>;
  /** Functions whose analysis hit the per-function budget. */
  overBudget: string[];
}
