import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { writeAtomic } from '../cache.js';
import { advisoriesOf } from '../osv/advisory.js';
import { listKey } from '../osv/match.js';
import type { Advisory } from '../osv/types.js';
import { type ExportProblem, readExport } from './export.js';

/**
 * The offline index: one file holding, for every package, the advisories that name it, already reduced to what
 * matching needs (see Advisory). Layout:
 *
 *     KRAIT-OSV-INDEX 1 <header bytes>\n
 *     {header JSON: source, counts, and package -> [offset, length] into the body}
 *     body: one JSON array of advisories per package, back to back
 *
 * A lookup parses the header (package names and offsets only) and reads just the slices of the packages asked
 * for, so auditing a 200-package lock file touches a few hundred kilobytes however large the export is. A
 * plain file was chosen over an embedded database: SQLite needs a native module (better-sqlite3 compiles
 * from source) or Node 22 (node:sqlite), and a keyed read of a prebuilt slice is all the audit needs.
 */
const MAGIC = 'KRAIT-OSV-INDEX';
const FORMAT = 3;

export interface IndexSource {
  path: string;
  size: number;
  mtimeMs: number;
}

interface Header {
  source: IndexSource;
  builtAt: string;
  records: number;
  withdrawn: number;
  packages: Record<string, [number, number]>;
}

export interface BuildResult {
  records: number;
  withdrawn: number;
  packages: number;
  problems: ExportProblem[];
  bytes: number;
}

export function sourceOf(exportPath: string): IndexSource {
  const st = statSync(exportPath);
  return { path: exportPath, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
}

/** Builds the index of an export into `indexPath`. Returns the bytes too, so a caller that cannot write can still use them. */
export function buildIndex(exportPath: string, indexPath: string | undefined, recordAs = exportPath): BuildResult & { data: Buffer } {
  const { records, problems } = readExport(exportPath);
  const byPackage = new Map<string, Advisory[]>();
  let withdrawn = 0;
  for (const record of records) {
    if (record.withdrawn) withdrawn++;
    for (const [name, adv] of advisoriesOf(record)) {
      if (adv.versions.length > 0) {
        adv.versions = [...new Set(adv.versions.map(listKey))];
        adv.versionsNormalized = true;
      }
      const list = byPackage.get(name) ?? [];
      byPackage.set(name, list);
      list.push(adv);
    }
  }
  const chunks: Buffer[] = [];
  const packages: Record<string, [number, number]> = {};
  let offset = 0;
  for (const name of [...byPackage.keys()].sort()) {
    const list = byPackage.get(name) as Advisory[];
    list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const chunk = Buffer.from(JSON.stringify(list));
    packages[name] = [offset, chunk.length];
    offset += chunk.length;
    chunks.push(chunk);
  }
  const header: Header = { source: { ...sourceOf(exportPath), path: recordAs }, builtAt: new Date().toISOString(), records: records.length, withdrawn, packages };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const data = Buffer.concat([Buffer.from(`${MAGIC} ${FORMAT} ${headerBytes.length}\n`), headerBytes, ...chunks]);
  if (indexPath) writeAtomic(indexPath, data);
  return { records: records.length, withdrawn, packages: byPackage.size, problems, bytes: data.length, data };
}

/** An opened index: the header in memory, advisories read per package on demand. */
export class OsvIndex {
  private constructor(
    private readonly header: Header,
    private readonly read: (offset: number, length: number) => Buffer,
    private readonly bodyStart: number,
    readonly close: () => void,
  ) {}

  /** Opens an index file; null when it is missing, from another format, or built from a different export file. */
  static open(indexPath: string, expect?: IndexSource): OsvIndex | null {
    let fd: number;
    try {
      fd = openSync(indexPath, 'r');
    } catch {
      return null;
    }
    const read = (offset: number, length: number) => {
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, offset);
      return buf;
    };
    const index = OsvIndex.fromReader(read, () => closeSync(fd), expect);
    if (!index) closeSync(fd);
    return index;
  }

  static fromBuffer(data: Buffer): OsvIndex | null {
    return OsvIndex.fromReader((o, l) => data.subarray(o, o + l), () => {});
  }

  private static fromReader(read: (o: number, l: number) => Buffer, close: () => void, expect?: IndexSource): OsvIndex | null {
    const first = read(0, 64).toString('latin1');
    const m = new RegExp(`^${MAGIC} (\\d+) (\\d+)\\n`).exec(first);
    if (!m || Number(m[1]) !== FORMAT) return null;
    const headerStart = m[0].length;
    const headerLength = Number(m[2]);
    let header: Header;
    try {
      header = JSON.parse(read(headerStart, headerLength).toString('utf8')) as Header;
    } catch {
      return null;
    }
    if (expect && (header.source.size !== expect.size || header.source.mtimeMs !== expect.mtimeMs)) return null;
    return new OsvIndex(header, read, headerStart + headerLength, close);
  }

  get records(): number {
    return this.header.records;
  }
  get packageCount(): number {
    return Object.keys(this.header.packages).length;
  }
  get builtAt(): Date {
    return new Date(this.header.builtAt);
  }

  /** Every package the index holds advisories for, sorted. */
  packageNames(): string[] {
    return Object.keys(this.header.packages);
  }

  /** Advisories naming the package (PEP 503 name), withdrawn ones excluded; empty when the package has none. */
  lookup(name: string): Advisory[] {
    const at = Object.hasOwn(this.header.packages, name) ? this.header.packages[name] : undefined;
    if (!at) return [];
    return JSON.parse(this.read(this.bodyStart + at[0], at[1]).toString('utf8')) as Advisory[];
  }
}
