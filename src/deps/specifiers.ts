import { parsedRange } from './osv/match.js';
import type { Advisory } from './osv/types.js';
import { compareVersions, isPrerelease, isValidVersion, releaseOf } from './pep440.js';

/**
 * Ranges as sets of versions: a specifier (`>=2.0,<3`) and an advisory's OSV ranges both become unions of
 * intervals on the PEP 440 order, so "does this range admit a vulnerable version" is an intersection, answered
 * without knowing which versions were ever released. An advisory's explicit `versions` list is checked too, with
 * pip's rules (a range admits a pre-release only when it names one).
 */
export interface Interval {
  /** undefined = unbounded. */
  lo?: string;
  loIncl: boolean;
  hi?: string;
  hiIncl: boolean;
}

const ALL: Interval = { loIncl: false, hiIncl: false };

function cmpLo(a: Interval, b: Interval): number {
  if (a.lo === undefined) return b.lo === undefined ? 0 : -1;
  if (b.lo === undefined) return 1;
  return compareVersions(a.lo, b.lo) || (a.loIncl === b.loIncl ? 0 : a.loIncl ? -1 : 1);
}

function intersect(a: Interval, b: Interval): Interval | null {
  const lo = cmpLo(a, b) >= 0 ? a : b;
  let hi: Interval;
  if (a.hi === undefined) hi = b;
  else if (b.hi === undefined) hi = a;
  else {
    const c = compareVersions(a.hi, b.hi);
    hi = c < 0 || (c === 0 && !a.hiIncl) ? a : b;
  }
  const out: Interval = { lo: lo.lo, loIncl: lo.loIncl, hi: hi.hi, hiIncl: hi.hiIncl };
  if (out.lo !== undefined && out.hi !== undefined) {
    const c = compareVersions(out.lo, out.hi);
    if (c > 0 || (c === 0 && !(out.loIncl && out.hiIncl))) return null;
  }
  return out;
}

function intersectSets(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) for (const y of b) {
    const z = intersect(x, y);
    if (z) out.push(z);
  }
  return out;
}

export interface Clause {
  op: string;
  version: string;
}

export function clausesOf(specifier: string): Clause[] {
  return specifier
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => {
      const m = /^(===|~=|==|!=|<=|>=|<|>)\s*(.+)$/.exec(c);
      return m ? { op: m[1], version: m[2].trim() } : { op: '==', version: c };
    });
}

/** The upper end of a prefix match: `1.4.*` → the first version above every 1.4.x (1.5.dev0). */
function prefixEnd(prefix: string): string {
  const rel = releaseOf(`${prefix}`);
  const bumped = [...rel];
  bumped[bumped.length - 1]++;
  return `${bumped.join('.')}.dev0`;
}

function clauseIntervals(c: Clause): Interval[] {
  const v = c.version;
  if (c.version.endsWith('.*')) {
    const prefix = v.slice(0, -2);
    if (!isValidVersion(prefix)) return [ALL];
    const lo = `${prefix}.dev0`;
    const hi = prefixEnd(prefix);
    if (c.op === '==') return [{ lo, loIncl: true, hi, hiIncl: false }];
    if (c.op === '!=') return [{ hi: lo, hiIncl: false, loIncl: false }, { lo: hi, loIncl: true, hiIncl: false }];
    return [ALL];
  }
  if (!isValidVersion(v)) return [ALL];
  switch (c.op) {
    case '==':
    case '===':
      return [{ lo: v, loIncl: true, hi: v, hiIncl: true }];
    case '!=':
      return [{ hi: v, hiIncl: false, loIncl: false }, { lo: v, loIncl: false, hiIncl: false }];
    case '>=':
      return [{ lo: v, loIncl: true, hiIncl: false }];
    case '>':
      return [{ lo: v, loIncl: false, hiIncl: false }];
    case '<=':
      return [{ hi: v, hiIncl: true, loIncl: false }];
    case '<':
      return [{ hi: v, hiIncl: false, loIncl: false }];
    case '~=': {
      const rel = releaseOf(v);
      if (rel.length < 2) return [ALL];
      return [{ lo: v, loIncl: true, hi: prefixEnd(rel.slice(0, -1).join('.')), hiIncl: false }];
    }
  }
  return [ALL];
}

export function specifierIntervals(specifier: string): Interval[] {
  let set: Interval[] = [ALL];
  for (const c of clausesOf(specifier)) set = intersectSets(set, clauseIntervals(c));
  return set;
}

/** The vulnerable versions of an advisory as intervals; null for a range whose events do not parse. */
export function advisoryIntervals(adv: Advisory): Interval[] {
  const out: Interval[] = [];
  for (const events of adv.ranges) {
    const range = parsedRange(events);
    if (!range) continue;
    let open: Interval | undefined;
    const limits = range.filter((e) => e.kind === 'limit').map((e) => e.version);
    for (const e of range) {
      if (e.kind === 'introduced') {
        if (!open) open = e.version === '0' ? { loIncl: false, hiIncl: false } : { lo: e.version, loIncl: true, hiIncl: false };
      } else if (open && (e.kind === 'fixed' || e.kind === 'last_affected')) {
        out.push({ ...open, hi: e.version, hiIncl: e.kind === 'last_affected' });
        open = undefined;
      }
    }
    if (open) {
      const limit = limits[0];
      out.push(limit ? { ...open, hi: limit, hiIncl: false } : open);
    }
  }
  return out;
}

function contains(set: readonly Interval[], v: string): boolean {
  for (const i of set) {
    if (i.lo !== undefined) {
      const c = compareVersions(v, i.lo);
      if (c < 0 || (c === 0 && !i.loIncl)) continue;
    }
    if (i.hi !== undefined) {
      const c = compareVersions(v, i.hi);
      if (c > 0 || (c === 0 && !i.hiIncl)) continue;
    }
    return true;
  }
  return false;
}

/** A specifier made ready for many questions: its intervals, and whether it opts in to pre-releases. */
interface PreparedSpecifier {
  intervals: Interval[];
  wantsPre: boolean;
}

function prepare(specifier: string): PreparedSpecifier {
  return {
    intervals: specifierIntervals(specifier),
    wantsPre: clausesOf(specifier).some((c) => isValidVersion(c.version) && isPrerelease(c.version)),
  };
}

function admitsPrepared(spec: PreparedSpecifier, adv: Advisory): boolean {
  // A listed version is a release that exists; pip skips pre-releases unless the specifier names one.
  for (const v of adv.versions) {
    if (!isValidVersion(v)) continue;
    if (!spec.wantsPre && isPrerelease(v)) continue;
    if (contains(spec.intervals, v)) return true;
  }
  return intersectSets(spec.intervals, advisoryIntervals(adv)).length > 0;
}

/** Whether the specifier admits a version the advisory covers (a listed release, or any point of its ranges). */
export function admitsVulnerable(specifier: string, adv: Advisory): boolean {
  return admitsPrepared(prepare(specifier), adv);
}

/**
 * The smallest change to a specifier that admits none of the advisories: raise its lower bound to the lowest
 * fixed version that clears them all, keeping its upper bounds and exclusions, or, when those leave nothing,
 * the bound alone. Undefined when no fixed version clears every advisory. Raising a lower bound only shrinks
 * what is admitted, so the bound is found by binary search over the fixed versions.
 */
export function saferSpecifier(specifier: string, advisories: Advisory[]): string | undefined {
  const candidates = new Set<string>();
  for (const adv of advisories) {
    for (const events of adv.ranges) {
      for (const e of events) if ('fixed' in e && isValidVersion(e.fixed)) candidates.add(e.fixed);
    }
  }
  const sorted = [...candidates].sort(compareVersions);
  const finals = sorted.filter((v) => !isPrerelease(v));
  // Upper bounds and exclusions stay; `~=5.3` keeps its upper bound as `==5.*` once its lower bound is replaced.
  const kept: Clause[] = [];
  for (const c of clausesOf(specifier)) {
    if (['<', '<=', '!='].includes(c.op) || (c.op === '==' && c.version.endsWith('.*'))) kept.push(c);
    else if (c.op === '~=' && isValidVersion(c.version)) {
      const rel = releaseOf(c.version);
      if (rel.length >= 2) kept.push({ op: '==', version: `${rel.slice(0, -1).join('.')}.*` });
    }
  }
  for (const clauses of [kept, []]) {
    for (const list of [finals, sorted]) {
      const specOf = (bound: string) => [{ op: '>=', version: bound }, ...clauses].map((c) => `${c.op}${c.version}`).join(',');
      const safe = (bound: string) => {
        const prepared = prepare(specOf(bound));
        return advisories.every((a) => !admitsPrepared(prepared, a));
      };
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (safe(list[mid])) hi = mid;
        else lo = mid + 1;
      }
      // A pre-release bound opts the range in to pre-releases, so the mixed list is not strictly monotone: check.
      if (lo < list.length && safe(list[lo]) && specifierIntervals(specOf(list[lo])).length > 0) return specOf(list[lo]);
    }
  }
  return undefined;
}
