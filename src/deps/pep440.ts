import { compare as libCompare, explain, valid, validRange } from '@renovatebot/pep440';

/**
 * The one door to PEP 440: everything else in src/deps asks here, so the library can be swapped and its quirks
 * are handled once. Parsing is memoised because advisory ranges repeat the same few versions thousands of
 * times over one audit.
 */

const validCache = new Map<string, boolean>();

export function isValidVersion(v: string): boolean {
  let ok = validCache.get(v);
  if (ok === undefined) {
    ok = valid(v) !== null;
    validCache.set(v, ok);
  }
  return ok;
}

const compareCache = new Map<string, number>();

/**
 * Version order (PEP 440). Both sides must be valid; callers check with isValidVersion first. The library parses
 * both strings on every call, and an audit compares the same few pairs (a pin against each advisory's events)
 * many times, so answers are kept.
 */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const key = `${a}\0${b}`;
  let c = compareCache.get(key);
  if (c === undefined) {
    c = libCompare(a, b);
    if (compareCache.size > 200_000) compareCache.clear();
    compareCache.set(key, c);
  }
  return c;
}

export function versionsEqual(a: string, b: string): boolean {
  if (a === b) return true;
  const ka = versionKey(a);
  return ka !== null && ka === versionKey(b);
}

const keyCache = new Map<string, string | null>();

/**
 * The canonical spelling of a version: equal strings for exactly the versions PEP 440 calls equal (`1.0` =
 * `1.0.0` = `v1.0` → `1`, `1.0.beta` → `1b0`), itself a valid version; null for a string that is not one. Lets a
 * `versions` list become a set of strings instead of a scan with comparisons.
 */
export function versionKey(v: string): string | null {
  let key = keyCache.get(v);
  if (key !== undefined) return key;
  const e = explain(v);
  if (e === null) key = null;
  else {
    const release = [...e.release];
    while (release.length > 1 && release[release.length - 1] === 0) release.pop();
    key =
      (e.epoch ? `${e.epoch}!` : '') +
      release.join('.') +
      (e.pre ? `${e.pre[0]}${e.pre[1]}` : '') +
      (e.post !== null ? `.post${e.post}` : '') +
      (e.dev !== null ? `.dev${e.dev}` : '') +
      (e.local ? `+${e.local}` : '');
  }
  keyCache.set(v, key);
  return key;
}

const preCache = new Map<string, boolean>();

export function isPrerelease(v: string): boolean {
  let pre = preCache.get(v);
  if (pre === undefined) {
    const e = explain(v);
    pre = e !== null && (e.is_prerelease || e.is_devrelease);
    preCache.set(v, pre);
  }
  return pre;
}

/** The release segment, e.g. [1, 4, 2] for 1.4.2rc1. */
export function releaseOf(v: string): number[] {
  return explain(v)?.release ?? [];
}

export function isValidSpecifier(spec: string): boolean {
  return spec.trim() === '' || validRange(spec);
}
