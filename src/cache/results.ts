/**
 * The per-file result cache. A file's analysis (findings, notices, and the taint facts the project-wide solve
 * reads) is kept under a key made of everything it depends on:
 *
 * - the file's bytes (a content hash, never a modification time: a checkout or a CI cache restore changes those),
 *   its path in the project and its kind (Python or a configuration file);
 * - the program: krait's version and a hash of the code that runs (so a rebuilt development copy does not trust
 *   results of the previous build), the enabled rules, their options and the size limit;
 * - for taint, the project facts the file's facts depend on: the project's module list (which names resolve into
 *   the project), whether a web request can reach the file (how much of it is walked) and the user's taint model.
 *
 * Changing one file changes its hash; if the change moves the web-reachable set, the files that move in or out
 * are analysed again too. The taint solve itself always runs over every file's facts, cached or fresh, so a
 * flow into an unchanged file is found again.
 *
 * The store is one file per scan root, written whole (to a temporary name, then renamed) with the entries of the
 * files of the last scan, so it never grows past the project. It starts with a magic line and a SHA-256 of the
 * payload: a foreign or damaged file is ignored with a notice, never trusted. The payload is V8's serialisation,
 * which carries exactly what the worker threads already send (structured clone), Maps included.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { Notice } from '../findings/types.js';

const MAGIC = Buffer.from('krait-result-cache 1\n');
const DIGEST_BYTES = 32;
export const DEFAULT_CACHE_DIR = '.krait-cache';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

let identity: string | undefined;

/**
 * A hash of the program's own code: every script beside this module (the bundle's main, worker and shared
 * chunk; in an unbundled build, this folder only, which the version then stands in for).
 */
export function codeIdentity(): string {
  if (identity !== undefined) return identity;
  const h = createHash('sha256');
  try {
    const dir = path.dirname(fileURLToPath(import.meta.url));
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.js')).sort()) h.update(name).update(readFileSync(path.join(dir, name)));
  } catch {
    // Without its own files to read (an unusual install), the version alone identifies the program.
  }
  identity = h.digest('hex');
  return identity;
}

interface Entry {
  key: string;
  /** The file's result, serialised when it was produced (before the scan merged and filtered it). */
  blob: Uint8Array;
}

interface Payload {
  program: string;
  root: string;
  entries: Map<string, Entry>;
  /** The merged results of the whole scan (after the taint solve), for a scan where no file changed. */
  project?: Entry;
}

export class ResultCache {
  readonly notices: Notice[] = [];
  private readonly stored: Map<string, Entry>;
  private readonly next = new Map<string, Entry>();
  private storedProject: Entry | undefined;
  private nextProject: Entry | undefined;
  /** Set when the scan read back exactly what the store holds: there is nothing to write. */
  private unchanged = false;
  hits = 0;

  private constructor(
    private readonly file: string,
    private readonly dir: string,
    private readonly program: string,
    private readonly root: string,
    private readonly noticePath: string,
  ) {
    this.stored = this.load();
  }

  /**
   * Opens the cache of `root` in `dir`. `program` is the key part shared by every file (version, code, rules,
   * options): a cache written under another one is simply empty.
   */
  static open(dir: string, root: string, program: string): ResultCache {
    const file = path.join(dir, `results-${sha256(root).slice(0, 16)}.bin`);
    const rel = path.relative(root, file).split(path.sep).join('/');
    return new ResultCache(file, dir, program, root, rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(file) : rel);
  }

  /** True when the cache holds results from the same program for this root (a warm scan). */
  get warm(): boolean {
    return this.stored.size > 0;
  }

  private notice(message: string): void {
    this.notices.push({ kind: 'cache', path: this.noticePath, message, skipped: false });
  }

  private load(): Map<string, Entry> {
    let data: Buffer;
    try {
      data = readFileSync(this.file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.notice(`result cache unreadable (${code ?? 'error'}); every file analysed`);
      return new Map();
    }
    if (data.length < MAGIC.length + DIGEST_BYTES || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
      this.notice('not a krait result cache; ignored, every file analysed');
      return new Map();
    }
    const digest = data.subarray(MAGIC.length, MAGIC.length + DIGEST_BYTES);
    const payload = data.subarray(MAGIC.length + DIGEST_BYTES);
    if (!createHash('sha256').update(payload).digest().equals(digest)) {
      this.notice('result cache damaged (checksum mismatch); ignored, every file analysed');
      return new Map();
    }
    try {
      const p = deserialize(payload) as Payload;
      if (!(p.entries instanceof Map) || typeof p.program !== 'string') throw new Error('shape');
      // Another program (version, rules, options) or another root: nothing in it applies.
      if (p.program !== this.program || p.root !== this.root) return new Map();
      this.storedProject = p.project;
      return p.entries;
    } catch {
      this.notice('result cache damaged (unreadable contents); ignored, every file analysed');
      return new Map();
    }
  }

  /** The cached result of the file, when its key matches; a fresh copy each time. */
  get<T>(relPath: string, key: string): T | undefined {
    const e = this.stored.get(relPath);
    if (!e || e.key !== key) return undefined;
    try {
      const value = deserialize(e.blob) as T;
      this.hits++;
      this.next.set(relPath, e);
      return value;
    } catch {
      return undefined;
    }
  }

  /**
   * The merged results of the last scan when its project key is `key`; every file's entry is kept for the next
   * save without being read.
   */
  getProject<T>(key: string, relPaths: readonly string[], keys: readonly (string | undefined)[]): T | undefined {
    const e = this.storedProject;
    if (!e || e.key !== key) return undefined;
    const kept: [string, Entry][] = [];
    for (let i = 0; i < relPaths.length; i++) {
      const entry = this.stored.get(relPaths[i]);
      if (!entry || entry.key !== keys[i]) return undefined;
      kept.push([relPaths[i], entry]);
    }
    try {
      const value = deserialize(e.blob) as T;
      for (const [rel, entry] of kept) this.next.set(rel, entry);
      this.nextProject = e;
      this.hits += kept.length;
      this.unchanged = kept.length === this.stored.size;
      return value;
    } catch {
      return undefined;
    }
  }

  putProject(key: string, value: unknown): void {
    this.nextProject = { key, blob: serialize(value) };
  }

  /** Records a fresh result; call before anything mutates it. */
  put(relPath: string, key: string, value: unknown): void {
    this.next.set(relPath, { key, blob: serialize(value) });
  }

  /** Writes the entries of this scan's files (hits and fresh results); a failure is a notice, not an error. */
  save(): void {
    if (this.unchanged) return;
    const payload = serialize({
      program: this.program,
      root: this.root,
      entries: this.next,
      ...(this.nextProject ? { project: this.nextProject } : {}),
    } satisfies Payload);
    const data = Buffer.concat([MAGIC, createHash('sha256').update(payload).digest(), payload]);
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      // The folder is the tool's, never the project's content: git leaves it alone without a .gitignore entry.
      writeFileSync(path.join(this.dir, '.gitignore'), '# Created by krait: the result cache.\n*\n');
      writeFileSync(tmp, data);
      renameSync(tmp, this.file);
    } catch (err) {
      this.notice(`result cache not written (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
}
