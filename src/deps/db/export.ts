import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { KraitError } from '../../errors.js';
import type { OsvRecord } from '../osv/types.js';

export interface ExportProblem {
  /** The entry (file name inside the zip or folder) that could not be read. */
  entry: string;
  message: string;
}

/**
 * Reads an OSV export: a zip of `<ID>.json` files at its root (what OSV publishes per ecosystem) or a folder of
 * them. A broken entry is reported and skipped; an unreadable export is a one-line error.
 */
export function readExport(exportPath: string): { records: OsvRecord[]; problems: ExportProblem[] } {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(exportPath);
  } catch {
    throw new KraitError(`--osv-db ${exportPath}: no such file or folder`);
  }
  const entries: [string, Uint8Array][] = stat.isDirectory() ? folderEntries(exportPath) : zipEntries(exportPath);
  const records: OsvRecord[] = [];
  const problems: ExportProblem[] = [];
  const decoder = new TextDecoder();
  for (const [name, bytes] of entries) {
    try {
      const record = JSON.parse(decoder.decode(bytes)) as OsvRecord;
      if (typeof record !== 'object' || record === null || typeof record.id !== 'string') {
        problems.push({ entry: name, message: 'not an OSV record (no "id")' });
        continue;
      }
      records.push(record);
    } catch (err) {
      problems.push({ entry: name, message: `invalid JSON (${(err as Error).message.split('\n')[0]})` });
    }
  }
  return { records, problems };
}

function zipEntries(file: string): [string, Uint8Array][] {
  let data: Uint8Array;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new KraitError(`--osv-db ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let files: Record<string, Uint8Array>;
  try {
    // Only `.json` entries are inflated; anything else in the archive is never decompressed.
    files = unzipSync(data, { filter: (f) => f.name.endsWith('.json') && !f.name.endsWith('/') });
  } catch (err) {
    throw new KraitError(`--osv-db ${file}: not a readable zip (${(err as Error).message.split('\n')[0]})`);
  }
  return Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function folderEntries(dir: string): [string, Uint8Array][] {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort();
  const out: [string, Uint8Array][] = [];
  for (const n of names) {
    const full = path.join(dir, n);
    if (!statSync(full).isFile()) continue;
    out.push([n, readFileSync(full)]);
  }
  return out;
}
