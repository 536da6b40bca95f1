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
/**
 * A value read from a field of a data-model instance (`order.qty`, `form.age.data`, `cleaned_data["age"]`):
 * `mf` is `Class.field`; the solver drops the atom when the class is a form, serializer or Pydantic model that
 * declares the field with a shape-proving type. `mo`: the read only carries the instance's content when the
 * class is such a model (other project classes are followed through their fields). `mv`: the form was
 * validated in the reading function, so validators declared on the field count.
 */
export interface ModelRead {
  mf?: string;
  mo?: boolean;
  mv?: boolean;
}

export type Atom = (
  | { k: 'src'; src: SourceDesc; steps: Step[]; san: number }
  | { k: 'param'; i: number; steps: Step[]; san: number }
  | { k: 'call'; c: number; steps: Step[]; san: number }
  /** `key`: a constant key read from the field's container (`self.meta["label"]` is `Cls.meta` + `["label"]`). */
  | { k: 'field'; f: string; key?: string; steps: Step[]; san: number }
  | { k: 'global'; g: string; steps: Step[]; san: number }
) & ModelRead;

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
  /**
   * Taint of the receiver (`self.rfile` in `self.rfile.read()`), used when the callee has no summary, and to find
   * the constructor call that built the instance a method returns a field of.
   */
  recv?: Taint;
  /** A method called on the caller's own `self`. */
  onSelf?: boolean;
}

export interface SinkFacts {
  rule: string;
  /** The dangerous call or statement, as shown in traces: `cursor.execute`. */
  label: string;
  loc: Location;
  taint: Taint;
  snippet: string;
  /** Where a long line's snippet window starts (see src/findings/snippet.ts). */
  snippetColumn?: number;
  /** The first line of the sink (or its window), for the fingerprint. */
  lineText: string;
  /** A suppression comment covering the sink for this rule, found in the worker where the comments are. */
  suppression?: Suppression;
}

export interface FunctionFacts {
  /** Qualified name (`pkg.mod.Class.method`); module-level code is `pkg.mod.<module>`. */
  q: string;
  params: string[];
  /** Parameters that are untrusted input by themselves (route parameters, a Lambda handler's event). */
  sourceParams?: { i: number; label: string; kind: SourceKind; type?: string; dep?: string }[];
  loc: Location;
  ret: Taint;
  sinks: SinkFacts[];
  calls: CallFacts[];
  /**
   * Attributes of instances (`self.x = …`) written here: `Class.x`. `key`: what one constant key of the container
   * held in the attribute gains (`self.meta["label"] = v`, or an entry of `self.meta = {…}`). `keyed`: a store of
   * the whole attribute whose every entry is also stored by key; where every store of a field is keyed or by key,
   * its entries are told apart across methods.
   */
  fields: { f: string; taint: Taint; key?: string; keyed?: boolean }[];
  /** Module-level code only: the taint of every module global at the end of the module. */
  globals?: Record<string, Taint>;
}

/** A Django `urls.py` entry: the view's parameters named in the URL pattern are untrusted. */
export interface RouteBinding {
  target: string;
  params: string[];
  loc: Location;
  /** Django `include("app.urls")`: `target` is a module, and `params` reach every view it routes. */
  include?: boolean;
}

export interface ModuleFacts {
  path: string;
  module: string;
  /** Dotted prefix of the module's source root ('' for the scan root); set where the project's roots are known. */
  root?: string;
  functions: FunctionFacts[];
  /** Class qualified name → base classes' qualified names (for inherited methods). */
  classes: Record<string, string[]>;
  routes: RouteBinding[];
  /** Names holding an instance of a class: module globals (`mod.name`) and attributes (`mod.Class.attr`) → class. */
  instances: Record<string, string>;
  /** Fields of the module's classes declared with a shape-proving type (see model-fields.ts). */
  modelFields?: Record<string, Record<string, 'typed' | 'validated'>>;
  /** Functions whose analysis hit the per-function budget. */
  overBudget: string[];
  /**
   * Sink calls the walk followed, in a module web requests reach, whose arguments held no parameter or project
   * value, as "line:rule" for each line of the call: where no taint finding comes out, the analysis proved that
   * no untrusted input reaches them (a pattern rule's finding there drops to low confidence).
   */
  checked?: string[];
  /** Sink calls (same keys) whose sink arguments the dataflow proves constant: no pattern finding is kept there. */
  constantSinks?: string[];
}
