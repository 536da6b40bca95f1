import type { Advisory } from './osv/types.js';

/** A configured `[tool.krait.deps] ignore` entry: an advisory id (any alias), why, and until when. */
export interface IgnoreEntry {
  id: string;
  reason: string;
  /** ISO date (YYYY-MM-DD); the entry stops suppressing after this day. */
  expires?: string;
}

export interface IgnoreMatcher {
  /** The live entry naming the advisory or one of its aliases. */
  match(adv: Advisory): IgnoreEntry | undefined;
  /** Entries past their date that named an advisory in this audit: they no longer suppress, and the user is told. */
  expiredHits(): IgnoreEntry[];
}

export function ignoreMatcher(entries: readonly IgnoreEntry[], today: Date): IgnoreMatcher {
  const day = today.toISOString().slice(0, 10);
  const live = new Map<string, IgnoreEntry>();
  const expired = new Map<string, IgnoreEntry>();
  for (const e of entries) {
    const key = e.id.toUpperCase();
    if (e.expires !== undefined && e.expires < day) expired.set(key, e);
    else live.set(key, e);
  }
  const hits = new Set<IgnoreEntry>();
  return {
    match(adv) {
      for (const id of [adv.id, ...adv.aliases]) {
        const key = id.toUpperCase();
        const entry = live.get(key);
        if (entry) return entry;
        const old = expired.get(key);
        if (old) hits.add(old);
      }
      return undefined;
    },
    expiredHits: () => [...hits],
  };
}
