/**
 * Fixes of a whole scan: grouped by file, applied to the file as it is on disk now, written back or shown as a
 * unified diff. Only files read as UTF-8 are rewritten: writing another encoding back would change every byte.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { Finding, Fix } from '../findings/types.js';
import { readSource } from '../workspace/decode.js';
import { applyFixes, eligible } from './apply.js';

export interface FilePatch {
  /** Relative to the scan root, forward slashes. */
  path: string;
  absPath: string;
  before: string;
  after: string;
  applied: Fix[];
  /** Fixes that overlap an applied one: the next run applies them. */
  skipped: Fix[];
  bom: boolean;
}

export interface FixPlan {
  patches: FilePatch[];
  /** Unsuppressed findings with an unsafe fix that was not applied (no --unsafe-fixes). */
  unsafeLeft: number;
  /** Files with fixes that could not be rewritten (not UTF-8, unreadable). */
  unreadable: string[];
}

const UTF8 = /^utf-?8(?:-sig)?$/i;

export function planFixes(root: string, findings: readonly Finding[], unsafe: boolean): FixPlan {
  const byFile = new Map<string, Fix[]>();
  let unsafeLeft = 0;
  for (const f of findings) {
    if (f.suppression || !f.fix?.edits) continue;
    if (!eligible(f.fix, unsafe)) {
      if (f.fix.applicability === 'unsafe') unsafeLeft++;
      continue;
    }
    const list = byFile.get(f.location.path);
    if (list) list.push(f.fix);
    else byFile.set(f.location.path, [f.fix]);
  }
  const patches: FilePatch[] = [];
  const unreadable: string[] = [];
  for (const [rel, fixes] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const absPath = path.join(root, rel);
    const read = readSource(absPath, rel, Number.MAX_SAFE_INTEGER);
    if (!read.ok || read.notice || !UTF8.test(read.encoding)) {
      unreadable.push(rel);
      continue;
    }
    const bytes = fs.readFileSync(absPath);
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    const { text, applied, skipped } = applyFixes(read.text, fixes);
    if (applied.length > 0) patches.push({ path: rel, absPath, before: read.text, after: text, applied, skipped, bom });
  }
  return { patches, unsafeLeft, unreadable };
}

export function writePatches(patches: readonly FilePatch[]): void {
  for (const p of patches) fs.writeFileSync(p.absPath, (p.bom ? '\ufeff' : '') + p.after);
}

/** `git diff`-style paths (a/…, b/…), three lines of context. */
export function unifiedDiff(patches: readonly FilePatch[]): string {
  return patches.map((p) => createTwoFilesPatch(`a/${p.path}`, `b/${p.path}`, p.before, p.after, '', '', { context: 3 }).replace(/^=+\n/, '')).join('');
}
