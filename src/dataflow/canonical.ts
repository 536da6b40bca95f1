import type { ModuleIndex } from '../workspace/modules.js';
import type { ModuleFacts, Taint } from './types.js';

/**
 * Rewrites the names in one module's taint facts that imports produced (callees, base classes, instance types,
 * route targets, globals and instance attributes) into the full names of the project modules they mean, as
 * seen from the module's own source root. After this the solve matches names exactly, and a module of one
 * root never answers for a module of the same dotted name in another.
 */
export function canonicalizeFacts(facts: ModuleFacts, fullModule: string, index: ModuleIndex): void {
  const root = index.rootOf(fullModule) ?? '';
  facts.root = root;
  facts.module = fullModule;
  // A module names the same few callees and attributes over and over: asked of the index once each.
  const names = new Map<string, string>();
  const name = (q: string) => {
    let full = names.get(q);
    if (full === undefined) {
      full = index.canonical(q, root);
      names.set(q, full);
    }
    return full;
  };
  const seen = new Set<object>();
  const taint = (t: Taint) => {
    for (const a of t) {
      if (seen.has(a)) continue;
      seen.add(a);
      if (a.k === 'global') a.g = name(a.g);
      else if (a.k === 'field') a.f = name(a.f);
    }
  };
  const classes: Record<string, string[]> = {};
  for (const [cls, bases] of Object.entries(facts.classes)) classes[name(cls)] = bases.map(name);
  facts.classes = classes;
  const instances: Record<string, string> = {};
  for (const [key, type] of Object.entries(facts.instances)) instances[name(key)] = name(type);
  facts.instances = instances;
  for (const r of facts.routes) r.target = name(r.target);
  facts.overBudget = facts.overBudget.map(name);
  for (const f of facts.functions) {
    f.q = name(f.q);
    taint(f.ret);
    for (const s of f.sinks) taint(s.taint);
    for (const s of f.fields) {
      s.f = name(s.f);
      taint(s.taint);
    }
    for (const c of f.calls) {
      c.callee = name(c.callee);
      for (const t of c.args) taint(t);
      for (const t of Object.values(c.kw)) taint(t);
      taint(c.star);
      if (c.recv) taint(c.recv);
    }
    if (f.globals) for (const t of Object.values(f.globals)) taint(t);
  }
}
