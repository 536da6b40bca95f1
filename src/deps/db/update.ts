import { renameSync } from 'node:fs';
import { KraitError } from '../../errors.js';
import { writeAtomic } from '../cache.js';
import type { ExportProblem } from './export.js';
import { buildIndex } from './index-file.js';

export interface UpdateRequest {
  url: string;
  zipPath: string;
  indexPath: string;
  timeoutMs: number;
}

export interface UpdateResult {
  bytes: number;
  records: number;
  withdrawn: number;
  packages: number;
  problems: ExportProblem[];
  indexMs: number;
}

/**
 * Downloads an OSV export and indexes it. The zip replaces the old one only once it has downloaded completely
 * and reads as a zip, so a failed update leaves the previous database working.
 */
export async function updateDatabase(req: UpdateRequest): Promise<UpdateResult> {
  let bytes: Uint8Array;
  try {
    const response = await fetch(req.url, { signal: AbortSignal.timeout(req.timeoutMs) });
    if (!response.ok) throw new KraitError(`db update: ${req.url} answered HTTP ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    if (err instanceof KraitError) throw err;
    const e = err as { name?: string; cause?: { code?: string }; message?: string };
    const why = e.name === 'TimeoutError' ? `no answer within ${req.timeoutMs / 1000} s` : (e.cause?.code ?? e.message ?? String(err));
    throw new KraitError(`db update: cannot download ${req.url} (${why})`);
  }
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new KraitError(`db update: ${req.url} did not return a zip file`);
  const tmp = `${req.zipPath}.download`;
  if (!writeAtomic(tmp, bytes)) throw new KraitError(`db update: cannot write ${tmp}`);
  const started = performance.now();
  let built: ReturnType<typeof buildIndex>;
  try {
    built = buildIndex(tmp, undefined, req.zipPath);
  } catch (err) {
    throw new KraitError(`db update: the downloaded file is not a readable OSV export (${(err as Error).message.split('\n')[0]})`);
  }
  // A rename keeps size and mtime, so the index built from the download matches the final file.
  renameSync(tmp, req.zipPath);
  if (!writeAtomic(req.indexPath, built.data)) throw new KraitError(`db update: cannot write ${req.indexPath}`);
  return { bytes: bytes.length, records: built.records, withdrawn: built.withdrawn, packages: built.packages, problems: built.problems, indexMs: performance.now() - started };
}
