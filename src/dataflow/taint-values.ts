/** The taint lattice of the local walk: atom sets per variable, their join, sanitization and trace steps. */
import { ALL_RULE_BITS } from './models/rules.js';
import type { Atom, Step, Taint } from './types.js';

/** The taint lattice of the local analysis: sets of atoms, joined per variable, with their trace steps. */

export const EMPTY: Taint = Object.freeze([]) as Taint;

/**
 * No taint, and proved constant (see walkConstant in constness.ts): told apart from EMPTY by identity. `CONST_MUT`
 * is a constant list, dict or set, which a call or an alias may still change.
 */
export const CONST: Taint = Object.freeze([]) as Taint;
export const CONST_MUT: Taint = Object.freeze([]) as Taint;

export const MAX_ATOMS = 12;

export const MAX_STEPS = 10;

export const MAX_DEPTH = 150;

export const MAX_INLINE = 2;

export class OverBudget extends Error {}
/** The file's time budget is spent: this function's findings so far are kept, the functions after it are not analysed. */
export class OutOfTime extends Error {}

export type State = Map<string, Taint>;

export function union(a: Taint, b: Taint): Taint {
  if (a.length === 0) return b;
  if (b.length === 0 || a === b) return a;
  const out = [...a];
  for (const x of b) {
    if (out.length >= MAX_ATOMS) break;
    if (!out.some((y) => sameAtom(x, y))) out.push(x);
  }
  return out;
}

export function sameAtom(x: Atom, y: Atom): boolean {
  if (x.k !== y.k || x.san !== y.san || x.mf !== y.mf || x.mo !== y.mo) return false;
  switch (x.k) {
    case 'src':
      return y.k === 'src' && x.src.loc.startLine === y.src.loc.startLine && x.src.loc.startColumn === y.src.loc.startColumn && x.src.loc.path === y.src.loc.path;
    case 'param':
      return y.k === 'param' && x.i === y.i;
    case 'call':
      return y.k === 'call' && x.c === y.c;
    case 'field':
      return y.k === 'field' && x.f === y.f && x.key === y.key;
    case 'global':
      return y.k === 'global' && x.g === y.g;
  }
}

export function withStep(t: Taint, step: Step): Taint {
  if (t.length === 0) return t;
  return t.map((a) => (a.steps.length >= MAX_STEPS ? a : { ...a, steps: [...a.steps, step] }));
}

export function sanitize(t: Taint, bits: number): Taint {
  if (t.length === 0) return t;
  if ((bits & ALL_RULE_BITS) === ALL_RULE_BITS) return EMPTY;
  const out = t.map((a) => ({ ...a, san: a.san | bits })).filter((a) => (a.san & ALL_RULE_BITS) !== ALL_RULE_BITS);
  return out.length === 0 ? EMPTY : out;
}

/** Drops sanitization a decoder undid (`unquote` of a value that could not hold CR/LF before). */
export function unsanitize(t: Taint, bits: number): Taint {
  if (!t.some((a) => a.san & bits)) return t;
  return t.map((a) => (a.san & bits ? { ...a, san: a.san & ~bits } : a));
}

/** Whether a value may hold a predictable random number: a `random` source, or something resolved later. */
export function mayBeRandom(t: Taint): boolean {
  return t.some((a) => a.k !== 'src' || a.src.kind === 'random');
}

export function joinStates(states: State[]): State {
  if (states.length === 1) return states[0];
  const out: State = new Map();
  let entries = false;
  for (const s of states) {
    for (const [k, v] of s) {
      out.set(k, union(out.get(k) ?? EMPTY, v));
      if (!entries && k.endsWith(']')) entries = true;
    }
  }
  if (entries) joinEntries(states, out);
  // Constant after the join only where every path bound it to a constant (of the same kind).
  for (const [k, v] of out) {
    if (v !== CONST && v !== CONST_MUT) continue;
    if (states.some((s) => s.get(k) !== v)) out.set(k, EMPTY);
  }
  return out;
}

/**
 * A container entry (`row["table"]`) set on one path only: on the other paths the key holds whatever the whole
 * container held there, unless that container's keys were all known (`row[*]`), which must hold on every path.
 */
function joinEntries(states: State[], out: State): void {
  for (const k of [...out.keys()]) {
    if (!k.endsWith(']')) continue;
    const i = k.lastIndexOf('[');
    if (i <= 0) continue;
    const base = k.slice(0, i);
    if (k.endsWith('[*]')) {
      if (states.some((s) => !s.has(k))) out.delete(k);
      continue;
    }
    let t = out.get(k) ?? EMPTY;
    for (const s of states) if (!s.has(k)) t = union(t, entryFallback(s, base, 0));
    out.set(k, t);
  }
}

/** What a key absent from a state holds there: nothing if its container's keys are all known, else the container. */
function entryFallback(s: State, container: string, depth: number): Taint {
  if (s.has(`${container}[*]`)) return EMPTY;
  const own = s.get(container);
  if (own) return own;
  const i = container.endsWith(']') ? container.lastIndexOf('[') : -1;
  return i > 0 && depth < 8 ? entryFallback(s, container.slice(0, i), depth + 1) : EMPTY;
}
