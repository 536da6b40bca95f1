import type { SourceKind } from './types.js';
import { ALL_RULE_BITS, ruleBits } from './models/rules.js';
import { SANITIZER_ROWS } from './models/sanitizers.js';
import { type ArgSpec, SINK_ROWS, type SinkRow } from './models/sinks.js';
import { SOURCE_ROWS } from './models/sources.js';

/** What users add in `[tool.krait.taint]`: qualified names, plain data (it crosses into the workers). */
export interface TaintConfig {
  sources?: { name: string; kind: SourceKind }[];
  sinks?: { name: string; rule: string; args: (number | string)[] }[];
  sanitizers?: { name: string; rules: string[] }[];
  propagators?: string[];
}

/** The framework tables and the user's additions, indexed for lookups during the analysis. */
export interface TaintSpec {
  /** Qualified attributes and objects that are sources (`sys.argv`, `flask.request.args`). */
  sourceNames: Map<string, SourceKind>;
  /** Last names of `sourceNames`, to skip resolution of attributes that cannot be sources. */
  sourceLastNames: Set<string>;
  sourceCalls: Map<string, SourceKind>;
  requestAttrs: Set<string>;
  requestMethods: Set<string>;
  /** Attribute → types of the objects on which reading it is a source (`app.current_request`). */
  instanceAttrs: Map<string, Set<string>>;
  /** Methods of any receiver that read input (`recv`), by kind. */
  sourceMethods: Map<string, SourceKind>;
  /** Per base class: attributes and methods of `self` that are sources. */
  selfSources: { bases: Set<string>; attrs: Set<string>; methods: Set<string>; safeFor: Map<string, number> }[];
  sinksByCallee: Map<string, SinkRow[]>;
  sinksByMethod: Map<string, SinkRow[]>;
  /** Last names of every sink callee: calls with other names skip the sink lookup. */
  sinkLastNames: Set<string>;
  /** callee → rule bits it sanitizes (ALL_RULE_BITS for conversions). */
  sanitizers: Map<string, number>;
  /** callee → the argument that can turn its cleaning off (`SanitizerRow.switch`). */
  sanitizerSwitches: Map<string, { kw: string; pos: number }>;
  /** Library functions the user declared as passing their arguments' content through. */
  propagators: Set<string>;
}

const cache = new WeakMap<TaintConfig, TaintSpec>();
let builtin: TaintSpec | undefined;

function lastName(q: string): string {
  return q.slice(q.lastIndexOf('.') + 1);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function buildSpec(config?: TaintConfig): TaintSpec {
  if (!config && builtin) return builtin;
  if (config) {
    const hit = cache.get(config);
    if (hit) return hit;
  }
  const spec: TaintSpec = {
    sourceNames: new Map(),
    sourceLastNames: new Set(),
    sourceCalls: new Map(),
    requestAttrs: new Set(),
    requestMethods: new Set(),
    sourceMethods: new Map(),
    instanceAttrs: new Map(),
    selfSources: [],
    sinksByCallee: new Map(),
    sinksByMethod: new Map(),
    sinkLastNames: new Set(),
    sanitizers: new Map(),
    sanitizerSwitches: new Map(),
    propagators: new Set(),
  };
  for (const row of SOURCE_ROWS) {
    for (const q of row.qualified ?? []) spec.sourceNames.set(q, row.kind);
    for (const q of row.calls ?? []) spec.sourceCalls.set(q, row.kind);
    if (row.bases) {
      const safeFor = new Map(Object.entries(row.safeFor ?? {}).map(([attr, rules]) => [attr, ruleBits(rules)] as const));
      spec.selfSources.push({ bases: new Set(row.bases), attrs: new Set(row.selfAttrs), methods: new Set(row.selfMethods), safeFor });
    }
    for (const a of row.requestAttrs ?? []) spec.requestAttrs.add(a);
    for (const m of row.requestMethods ?? []) spec.requestMethods.add(m);
    for (const m of row.methods ?? []) spec.sourceMethods.set(m, row.kind);
    for (const attr of row.instanceAttrs?.attrs ?? []) {
      const types = spec.instanceAttrs.get(attr) ?? new Set<string>();
      for (const t of row.instanceAttrs?.types ?? []) types.add(t);
      spec.instanceAttrs.set(attr, types);
    }
  }
  const sinks: SinkRow[] = [...SINK_ROWS];
  for (const s of config?.sinks ?? []) {
    const args: ArgSpec[] = s.args.map((x) => (typeof x === 'number' ? { pos: x } : { kw: x }));
    sinks.push({ rule: s.rule, callees: [s.name], args: args.length > 0 ? args : 'all' });
  }
  for (const row of sinks) {
    for (const q of row.callees ?? []) {
      push(spec.sinksByCallee, q, row);
      spec.sinkLastNames.add(lastName(q));
    }
    for (const m of row.methods ?? []) {
      push(spec.sinksByMethod, m, row);
      spec.sinkLastNames.add(m);
    }
  }
  for (const row of SANITIZER_ROWS) {
    const bits = row.rules ? ruleBits(row.rules) : ALL_RULE_BITS;
    for (const q of row.callees) {
      spec.sanitizers.set(q, (spec.sanitizers.get(q) ?? 0) | bits);
      if (row.switch) spec.sanitizerSwitches.set(q, row.switch);
    }
  }
  for (const s of config?.sanitizers ?? []) {
    const bits = s.rules.length > 0 ? ruleBits(s.rules) : ALL_RULE_BITS;
    spec.sanitizers.set(s.name, (spec.sanitizers.get(s.name) ?? 0) | bits);
  }
  for (const p of config?.propagators ?? []) spec.propagators.add(p);
  for (const s of config?.sources ?? []) {
    spec.sourceNames.set(s.name, s.kind);
    spec.sourceCalls.set(s.name, s.kind);
  }
  for (const q of spec.sourceNames.keys()) spec.sourceLastNames.add(lastName(q));
  if (config) cache.set(config, spec);
  else builtin = spec;
  return spec;
}
