import { compareVersions, isValidVersion, versionKey } from '../pep440.js';
import type { Advisory, OsvEvent } from './types.js';

/**
 * Whether one version of a package is affected by an advisory, as the OSV format defines it: listed in
 * `versions`, or inside an ECOSYSTEM range walked in version order. `unknown` means the advisory cannot answer
 * (a range whose events are not PEP 440 and no `versions` list to fall back on); callers report it, never guess.
 */
export type Verdict = 'affected' | 'not-affected' | 'unknown';

interface Event {
  kind: 'introduced' | 'fixed' | 'last_affected' | 'limit';
  version: string;
}

const ranges = new WeakMap<OsvEvent[], Event[] | null>();

/** A range with its events sorted, or null when an event does not parse (then only `versions` can answer). */
export function parsedRange(events: OsvEvent[]): Event[] | null {
  let parsed = ranges.get(events);
  if (parsed === undefined) {
    parsed = parseRange(events);
    ranges.set(events, parsed);
  }
  return parsed;
}

function parseRange(events: OsvEvent[]): Event[] | null {
  const out: Event[] = [];
  for (const raw of events) {
    const entry = Object.entries(raw ?? {})[0];
    if (!entry) return null;
    const [kind, version] = entry;
    if (kind !== 'introduced' && kind !== 'fixed' && kind !== 'last_affected' && kind !== 'limit') return null;
    if (typeof version !== 'string') return null;
    if (!(kind === 'introduced' && version === '0') && !isValidVersion(version)) return null;
    out.push({ kind, version });
  }
  return out.sort(compareEvents);
}

function compareEvents(a: Event, b: Event): number {
  if (a.version === '0' && a.kind === 'introduced') return b.version === '0' && b.kind === 'introduced' ? 0 : -1;
  if (b.version === '0' && b.kind === 'introduced') return 1;
  return compareVersions(a.version, b.version);
}

/** The OSV walk: the last event at or below the version decides; `last_affected` closes the range after it. */
export function inRange(version: string, events: readonly Event[]): boolean {
  let affected = false;
  for (const e of events) {
    if (e.kind === 'limit') continue;
    if (e.kind === 'introduced') {
      if (e.version === '0' || compareVersions(version, e.version) >= 0) affected = true;
    } else if (e.kind === 'fixed') {
      if (compareVersions(version, e.version) >= 0) affected = false;
    } else if (compareVersions(version, e.version) > 0) {
      affected = false;
    }
  }
  if (affected) {
    for (const e of events) if (e.kind === 'limit' && compareVersions(version, e.version) >= 0) return false;
  }
  return affected;
}

const listed = new WeakMap<readonly string[], Set<string>>();

/** The key a listed version is compared by: its PEP 440 equality form, or the exact string when it is not a version. */
export function listKey(v: string): string {
  return versionKey(v) ?? `=${v}`;
}

/**
 * Membership in a `versions` list: exact string, or PEP 440 equality for strings that are versions. `normalized`
 * says the list already holds listKeys (as the offline index stores it).
 */
export function isListed(version: string, versions: readonly string[], normalized = false): boolean {
  let set = listed.get(versions);
  if (!set) {
    set = new Set(normalized ? versions : versions.map(listKey));
    listed.set(versions, set);
  }
  return set.has(listKey(version));
}

export function verdict(adv: Advisory, version: string): Verdict {
  if (isListed(version, adv.versions, adv.versionsNormalized)) return 'affected';
  if (!isValidVersion(version)) return verdictByString(adv, version);
  let unknown = false;
  for (const events of adv.ranges) {
    const range = parsedRange(events);
    if (range === null) {
      // The explicit list was already consulted; without one this range cannot be evaluated.
      if (adv.versions.length === 0) unknown = true;
      continue;
    }
    if (inRange(version, range)) return 'affected';
  }
  return unknown ? 'unknown' : 'not-affected';
}

/**
 * A version PEP 440 cannot order is compared as an exact string: equal to an `introduced` or `last_affected`
 * event it is affected, equal to a `fixed` or `limit` event it is not. Anything else, ranges cannot place.
 */
function verdictByString(adv: Advisory, version: string): Verdict {
  for (const events of adv.ranges) {
    for (const raw of events) {
      const [kind, v] = Object.entries(raw ?? {})[0] ?? [];
      if (v !== version) continue;
      return kind === 'introduced' || kind === 'last_affected' ? 'affected' : 'not-affected';
    }
  }
  return adv.ranges.length > 0 && adv.versions.length === 0 ? 'unknown' : 'not-affected';
}

/** Every version named by a `fixed` event, in the order they appear. */
export function fixedVersions(adv: Advisory): string[] {
  const out: string[] = [];
  for (const events of adv.ranges) {
    for (const e of events) if ('fixed' in e && typeof e.fixed === 'string' && !out.includes(e.fixed)) out.push(e.fixed);
  }
  return out;
}

/** The ranges as people read them: ">=0, <2.0.1", ">=3.0, <=3.0.4". */
export function describeRanges(adv: Advisory): string[] {
  const out: string[] = [];
  for (const events of adv.ranges) {
    const parts: string[] = [];
    for (const raw of events) {
      const [kind, v] = Object.entries(raw)[0] ?? [];
      if (kind === 'introduced') {
        if (parts.length > 0) {
          out.push(parts.join(', '));
          parts.length = 0;
        }
        parts.push(v === '0' ? '>=0' : `>=${v}`);
      } else if (kind === 'fixed') parts.push(`<${v}`);
      else if (kind === 'last_affected') parts.push(`<=${v}`);
      else if (kind === 'limit') parts.push(`<${v} (limit)`);
    }
    if (parts.length > 0) out.push(parts.join(', '));
  }
  return out;
}
