import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { UsageError } from '../errors.js';
import type { Notice } from '../findings/types.js';
import { type ConfigFormat, configFormat, isLockFile } from '../secrets/config.js';

export interface DiscoverOptions {
  /** Extra globs (relative to the root, picomatch syntax) of files to scan even when they are not `*.py`. */
  include: string[];
  /** Globs (relative to the root); a matching file or directory is skipped, directories are not descended. */
  exclude: string[];
  respectGitignore: boolean;
  /** Bytes; larger files are left out with a 'too-large' notice. */
  maxFileSize: number;
  /**
   * Also list configuration files (`.env*`, `*.toml`, `*.yaml`, `Dockerfile`…) for the secret rules; lock files
   * are then left out with a 'lock-file' notice. Off when no rule reads configuration files.
   */
  configFiles?: boolean;
}

export interface DiscoveredFile {
  absPath: string;
  /** Relative to the root, with forward slashes. */
  relPath: string;
  size: number;
  /** Set for a configuration file, which only the secret rules read. */
  config?: ConfigFormat;
}

export interface DiscoverResult {
  root: string;
  files: DiscoveredFile[];
  notices: Notice[];
}

/**
 * Directory names never descended during a walk (a directory named on the command line is still scanned).
 * Entries with a `*` are globs on the name. Besides these, see {@link CONDITIONAL_SKIPS}.
 */
export const DEFAULT_SKIPPED_DIRS: readonly string[] = [
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  'site-packages',
  'dist-packages',
  'node_modules',
  '__pycache__',
  'build',
  'dist',
  '.tox',
  '.nox',
  '.eggs',
  '*.egg-info',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.cache',
  '.krait-cache',
];

/** The skips that depend on a directory's contents, worded for the README. */
export const CONDITIONAL_SKIPS: readonly string[] = [
  'any directory that contains a `pyvenv.cfg` file (a virtual environment, whatever its name)',
  '`env` when it contains `pyvenv.cfg` or `bin/activate`',
];

const SKIPPED_NAMES = new Set(DEFAULT_SKIPPED_DIRS.filter((d) => !d.includes('*')));
const SKIPPED_SUFFIXES = DEFAULT_SKIPPED_DIRS.filter((d) => d.startsWith('*')).map((d) => d.slice(1));

function isSkippedDirName(name: string): boolean {
  if (SKIPPED_NAMES.has(name)) return true;
  for (const suffix of SKIPPED_SUFFIXES) if (name.endsWith(suffix)) return true;
  return false;
}

/** Enough for any real shebang line; we only look for the word "python" in it. */
const SHEBANG_PROBE_BYTES = 256;

/** macOS and Windows clones default to core.ignorecase=true, so git matches case-insensitively there. */
const GIT_IGNORECASE = process.platform === 'darwin' || process.platform === 'win32';

function isInside(child: string, parent: string): boolean {
  if (child === parent) return true;
  const prefix = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return child.startsWith(prefix);
}

function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The directory every relPath is relative to: `cwd` when all paths are inside it (so paths in reports match
 * what the user typed), otherwise the deepest directory that contains them all.
 */
export function scanRoot(paths: string[], cwd = process.cwd()): string {
  const base = path.resolve(cwd);
  const resolved = paths.map((p) => path.resolve(base, p));
  if (resolved.every((p) => isInside(p, base))) return base;
  const dirs = resolved.map((p) => (isDirectory(p) ? p : path.dirname(p)));
  let common = dirs[0];
  for (const d of dirs.slice(1)) {
    while (!isInside(d, common)) {
      const up = path.dirname(common);
      // Different Windows drives have no common ancestor; keep the first one rather than loop.
      if (up === common) break;
      common = up;
    }
  }
  return common;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function errorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'error';
}

interface GlobMatcher {
  /** Matches files and directories. */
  any: (rel: string) => boolean;
  /** Patterns written with a trailing slash: directories only. */
  dirOnly: (rel: string) => boolean;
}

const NEVER = (): boolean => false;

/**
 * Globs follow gitignore's intuition, which is what users write in configs: a pattern without a slash matches
 * the name at any depth, a leading slash anchors it to the root, a trailing slash limits it to directories.
 */
function compileGlobs(patterns: string[]): GlobMatcher {
  const any: string[] = [];
  const dirOnly: string[] = [];
  for (const raw of patterns) {
    let p = raw.trim().replaceAll('\\', '/');
    while (p.startsWith('./')) p = p.slice(2);
    let dirs = false;
    if (p.length > 1 && p.endsWith('/')) {
      dirs = true;
      p = p.replace(/\/+$/, '');
    }
    let anchored = false;
    if (p.startsWith('/')) {
      anchored = true;
      p = p.replace(/^\/+/, '');
    }
    if (p === '') continue;
    if (!anchored && !p.includes('/')) p = `**/${p}`;
    (dirs ? dirOnly : any).push(p);
  }
  const opts = { dot: true };
  return {
    any: any.length > 0 ? picomatch(any, opts) : NEVER,
    dirOnly: dirOnly.length > 0 ? picomatch(dirOnly, opts) : NEVER,
  };
}

/** The rules of one .gitignore (or .git/info/exclude), tested with paths relative to its directory. */
interface IgnoreLevel {
  /** relPath (from the root) of the directory the file lives in; '' for the root. */
  base: string;
  ig: Ignore;
}

interface DirTask {
  abs: string;
  rel: string;
  /** Real path of the directory, derived from the parent's so regular directories cost no syscall. */
  real: string;
  /** Real path of the command-line path this directory was reached from; symlinks may not leave it. */
  boundary: string;
  levels: IgnoreLevel[];
  /** Named on the command line: its own name and contents do not trigger the default skips. */
  named: boolean;
  viaSymlink: boolean;
}

interface FileRecord extends DiscoveredFile {
  real: string;
  viaSymlink: boolean;
}

class Walker {
  readonly files: FileRecord[] = [];
  readonly notices: Notice[] = [];
  private readonly stack: DirTask[] = [];
  /** Symlinked directories wait until every real directory is walked, so a tree is listed under its real name. */
  private readonly deferred: DirTask[] = [];
  private readonly visited = new Set<string>();
  private readonly gitignoreCache = new Map<string, Ignore | null>();
  private readonly exclude: GlobMatcher;
  private readonly include: (rel: string) => boolean;

  constructor(
    readonly root: string,
    private readonly options: DiscoverOptions,
  ) {
    this.exclude = compileGlobs(options.exclude);
    this.include = compileGlobs(options.include).any;
  }

  addPath(abs: string): void {
    const rel = toPosix(path.relative(this.root, abs));
    const shown = rel === '' ? '.' : rel;
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (err) {
      // A path the user named is a promise that it is scanned: a CI gate must not pass with it unread.
      throw new UsageError(`cannot read ${shown} (${errorCode(err)})`);
    }
    if (rel !== '' && this.excludedWithAncestors(rel, st.isDirectory())) return;

    if (st.isDirectory()) {
      let real: string;
      try {
        real = fs.realpathSync(abs);
      } catch (err) {
        this.notice('unreadable', shown, `cannot read directory (${errorCode(err)}); skipped`);
        return;
      }
      this.stack.push({
        abs,
        rel,
        real,
        boundary: real,
        levels: this.options.respectGitignore ? this.levelsDownTo(rel) : [],
        named: true,
        viaSymlink: false,
      });
    } else if (st.isFile()) {
      let real = abs;
      try {
        real = fs.realpathSync(abs);
      } catch {
        // stat just succeeded; a failure here is a race, and the plain path still identifies the file.
      }
      try {
        fs.closeSync(fs.openSync(abs, 'r'));
      } catch (err) {
        throw new UsageError(`cannot read ${shown} (${errorCode(err)})`);
      }
      const name = path.basename(abs);
      const config = this.options.configFiles && !this.hasPythonName(name, rel) ? configFormat(name) : undefined;
      this.addFile(abs, rel, real, st.size, false, config);
    } else {
      // Never opened: reading a FIFO blocks until a writer comes, a device may never end.
      throw new UsageError(`cannot scan ${shown}: ${specialKind(st)}, not a regular file or folder`);
    }
  }

  run(): void {
    for (;;) {
      let task = this.stack.pop();
      if (task === undefined) {
        if (this.deferred.length === 0) return;
        this.deferred.sort((a, b) => compareStrings(b.rel, a.rel));
        task = this.deferred.pop() as DirTask;
      }
      this.walkDir(task);
    }
  }

  private walkDir(task: DirTask): void {
    if (this.visited.has(task.real)) {
      if (task.viaSymlink) {
        this.notice(
          'symlink-loop',
          task.rel,
          'symbolic link to a directory that is already being scanned (a loop or a second path to it); skipped',
        );
      }
      return;
    }
    this.visited.add(task.real);

    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(task.abs, { withFileTypes: true });
    } catch (err) {
      this.notice('unreadable', task.rel === '' ? '.' : task.rel, `cannot read directory (${errorCode(err)}); skipped`);
      return;
    }

    if (!task.named && this.isVirtualenv(task, entries)) return;

    let levels = task.levels;
    if (this.options.respectGitignore && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      const ig = this.loadIgnoreFile(path.join(task.abs, '.gitignore'));
      if (ig) levels = [...levels, { base: task.rel, ig }];
    }

    for (const entry of entries) {
      const name = entry.name;
      const rel = task.rel === '' ? name : `${task.rel}/${name}`;
      const abs = path.join(task.abs, name);
      if (entry.isDirectory()) {
        this.pushDir(task, levels, abs, rel, path.join(task.real, name), false);
      } else if (entry.isFile()) {
        if (this.exclude.any(rel) || this.gitignored(levels, rel, false)) continue;
        const python = this.isPythonCandidate(abs, name, rel);
        const config = python ? undefined : this.configCandidate(name, rel);
        if (!python && config === undefined) continue;
        let size: number;
        try {
          size = fs.statSync(abs).size;
        } catch (err) {
          this.notice('unreadable', rel, `cannot read (${errorCode(err)}); skipped`);
          continue;
        }
        this.addFile(abs, rel, path.join(task.real, name), size, false, config);
      } else if (entry.isSymbolicLink()) {
        this.followLink(task, levels, abs, name, rel);
      } else if (!this.exclude.any(rel) && !this.gitignored(levels, rel, false)) {
        // FIFOs, sockets and devices are never opened (reading a FIFO blocks until a writer comes), but said.
        this.notice('special-file', rel, `${specialKind(entry)}, not a regular file; skipped`);
      }
    }
  }

  private followLink(task: DirTask, levels: IgnoreLevel[], abs: string, name: string, rel: string): void {
    let real: string;
    let st: fs.Stats;
    try {
      real = fs.realpathSync(abs);
      st = fs.statSync(real);
    } catch (err) {
      // A dangling link to something we would not have scanned anyway is not worth a notice.
      if (!this.exclude.any(rel) && !this.gitignored(levels, rel, false) && this.hasPythonName(name, rel)) {
        this.notice('unreadable', rel, `broken symbolic link (${errorCode(err)}); skipped`);
      }
      return;
    }
    if (st.isDirectory()) {
      if (!isInside(real, task.boundary)) {
        if (!this.dirFiltered(levels, name, rel)) {
          this.notice('symlink-outside-root', rel, 'symbolic link points outside the scan root; not followed');
        }
        return;
      }
      this.pushDir(task, levels, abs, rel, real, true);
    } else if (st.isFile()) {
      if (this.exclude.any(rel) || this.gitignored(levels, rel, false)) return;
      if (!isInside(real, task.boundary)) {
        // Reading a shebang would mean opening a file outside the root, so only names decide here.
        if (this.hasPythonName(name, rel) || (this.options.configFiles && configFormat(name) !== undefined)) {
          this.notice('symlink-outside-root', rel, 'symbolic link points outside the scan root; not followed');
        }
        return;
      }
      const python = this.isPythonCandidate(abs, name, rel);
      const config = python ? undefined : this.configCandidate(name, rel);
      if (!python && config === undefined) return;
      this.addFile(abs, rel, real, st.size, true, config);
    } else if (!this.exclude.any(rel) && !this.gitignored(levels, rel, false)) {
      this.notice('special-file', rel, `symbolic link to a ${specialKind(st)}, not a regular file; skipped`);
    }
  }

  /** True when a walked directory is left out by the default skips, the exclude globs or a .gitignore. */
  private dirFiltered(levels: IgnoreLevel[], name: string, rel: string): boolean {
    return (
      isSkippedDirName(name) || this.exclude.any(rel) || this.exclude.dirOnly(rel) || this.gitignored(levels, rel, true)
    );
  }

  private pushDir(
    parent: DirTask,
    levels: IgnoreLevel[],
    abs: string,
    rel: string,
    real: string,
    viaSymlink: boolean,
  ): void {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (this.dirFiltered(levels, name, rel)) return;
    const task: DirTask = {
      abs,
      rel,
      real,
      boundary: parent.boundary,
      levels: dropShadowingLevels(levels, rel),
      named: false,
      viaSymlink,
    };
    (viaSymlink ? this.deferred : this.stack).push(task);
  }

  private isVirtualenv(task: DirTask, entries: fs.Dirent[]): boolean {
    if (entries.some((e) => e.name === 'pyvenv.cfg' && !e.isDirectory())) return true;
    if (path.basename(task.abs) === 'env' && entries.some((e) => e.name === 'bin')) {
      return fs.existsSync(path.join(task.abs, 'bin', 'activate'));
    }
    return false;
  }

  private hasPythonName(name: string, rel: string): boolean {
    if (name.endsWith('.pyc') || name.endsWith('.pyo')) return false;
    return name.endsWith('.py') || name.endsWith('.pyw') || this.include(rel);
  }

  private isPythonCandidate(abs: string, name: string, rel: string): boolean {
    if (this.hasPythonName(name, rel)) return true;
    if (name.endsWith('.pyc') || name.endsWith('.pyo')) return false;
    return path.extname(name) === '' && hasPythonShebang(abs);
  }

  /**
   * The configuration format of a walked file the secret rules should read; a lock file gets a notice instead
   * (it is counted as skipped: checksums, not secrets).
   */
  private configCandidate(name: string, rel: string): ConfigFormat | undefined {
    if (!this.options.configFiles) return undefined;
    if (isLockFile(name)) {
      this.notice('lock-file', rel, 'lock file (checksums, not secrets); not scanned');
      return undefined;
    }
    return configFormat(name);
  }

  private addFile(abs: string, rel: string, real: string, size: number, viaSymlink: boolean, config?: ConfigFormat): void {
    const shown = rel === '' ? path.basename(abs) : rel;
    if (size > this.options.maxFileSize) {
      this.notice('too-large', shown, `file is ${size} bytes, over the ${this.options.maxFileSize}-byte limit; skipped`);
      return;
    }
    this.files.push({ absPath: abs, relPath: shown, size, real, viaSymlink, ...(config ? { config } : {}) });
  }

  private excludedWithAncestors(rel: string, isDir: boolean): boolean {
    if (this.exclude.any(rel) || (isDir && this.exclude.dirOnly(rel))) return true;
    let i = rel.lastIndexOf('/');
    while (i > 0) {
      const dir = rel.slice(0, i);
      if (this.exclude.any(dir) || this.exclude.dirOnly(dir)) return true;
      i = dir.lastIndexOf('/');
    }
    return false;
  }

  /**
   * Git semantics across files: within one file the last matching rule wins, and a deeper file overrides a
   * shallower one. Levels that ignore an ancestor are gone by now (see {@link dropShadowingLevels}), so a
   * parent-directory verdict from `ignore` cannot leak past a deeper negation.
   */
  private gitignored(levels: IgnoreLevel[], rel: string, isDir: boolean): boolean {
    let ignored = false;
    for (const level of levels) {
      const sub = level.base === '' ? rel : rel.slice(level.base.length + 1);
      const t = level.ig.test(isDir ? `${sub}/` : sub);
      if (t.ignored) ignored = true;
      else if (t.unignored) ignored = false;
    }
    return ignored;
  }

  /** The ignore levels that apply inside `rel` (root-relative), for a directory named on the command line. */
  private levelsDownTo(rel: string): IgnoreLevel[] {
    let levels: IgnoreLevel[] = [];
    const exclude = this.loadIgnoreFile(path.join(this.root, '.git', 'info', 'exclude'));
    if (exclude) levels.push({ base: '', ig: exclude });
    if (rel === '') return levels;
    const parts = rel.split('/');
    let dirRel = '';
    for (const part of parts) {
      const ig = this.loadIgnoreFile(path.join(this.root, ...(dirRel === '' ? [] : dirRel.split('/')), '.gitignore'));
      if (ig) levels.push({ base: dirRel, ig });
      dirRel = dirRel === '' ? part : `${dirRel}/${part}`;
      levels = dropShadowingLevels(levels, dirRel);
    }
    return levels;
  }

  private loadIgnoreFile(file: string): Ignore | null {
    const cached = this.gitignoreCache.get(file);
    if (cached !== undefined) return cached;
    let ig: Ignore | null = null;
    try {
      const text = fs.readFileSync(file, 'utf8');
      ig = ignore({ ignorecase: GIT_IGNORECASE }).add(text);
    } catch {
      // No file, or one we cannot read: git would not apply it either.
    }
    this.gitignoreCache.set(file, ig);
    return ig;
  }

  private notice(kind: Notice['kind'], p: string, message: string): void {
    this.notices.push({ kind, path: p, message, skipped: true });
  }
}

/**
 * `ignore` answers "ignored" for anything under a directory it ignores. When a directory is walked anyway (a
 * deeper .gitignore re-included it, or the user named it), such a level would hide its whole content, so it is
 * dropped below that directory. The cost: that file's other patterns no longer apply inside it.
 */
function dropShadowingLevels(levels: IgnoreLevel[], dirRel: string): IgnoreLevel[] {
  const shadows = (level: IgnoreLevel): boolean => {
    const sub = level.base === '' ? dirRel : dirRel.slice(level.base.length + 1);
    return level.ig.test(`${sub}/`).ignored;
  };
  // The common case drops nothing; sharing the parent's array keeps the walk allocation-free.
  return levels.some(shadows) ? levels.filter((level) => !shadows(level)) : levels;
}

function hasPythonShebang(abs: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(abs, 'r');
    const buf = Buffer.alloc(SHEBANG_PROBE_BYTES);
    const n = fs.readSync(fd, buf, 0, SHEBANG_PROBE_BYTES, 0);
    if (n < 2 || buf[0] !== 0x23 || buf[1] !== 0x21) return false;
    const end = buf.subarray(0, n).indexOf(0x0a);
    const line = buf.subarray(0, end === -1 ? n : end).toString('latin1');
    return /python/.test(line);
  } catch {
    // An unreadable extensionless file is most likely not Python; it is not ours to report.
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** What a file that is neither a regular file nor a folder is, for messages. */
function specialKind(st: Pick<fs.Stats, 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a special file';
}

/**
 * List the Python files under `paths`. Only the root's `.git/info/exclude` and the `.gitignore` files at or
 * below the root are read: a repository's gitignores above the root are not looked for.
 */
export function discover(paths: string[], options: DiscoverOptions, cwd = process.cwd()): DiscoverResult {
  const given = paths.length > 0 ? paths : ['.'];
  const base = path.resolve(cwd);
  const resolved: string[] = [];
  for (const p of given) {
    const abs = path.resolve(base, p);
    try {
      fs.lstatSync(abs);
    } catch {
      throw new UsageError(`path does not exist: ${p}`);
    }
    resolved.push(abs);
  }
  const root = scanRoot(resolved, base);
  const walker = new Walker(root, options);
  for (const abs of [...new Set(resolved)].sort(compareStrings)) walker.addPath(abs);
  walker.run();

  return { root, files: dedupeFiles(walker.files), notices: dedupeNotices(walker.notices) };
}

/** One entry per real file: the path reached without a symlink if there is one, else the smallest relPath. */
function dedupeFiles(records: FileRecord[]): DiscoveredFile[] {
  const byReal = new Map<string, FileRecord>();
  for (const r of records) {
    const prev = byReal.get(r.real);
    if (
      prev === undefined ||
      (prev.viaSymlink && !r.viaSymlink) ||
      (prev.viaSymlink === r.viaSymlink && compareStrings(r.relPath, prev.relPath) < 0)
    ) {
      byReal.set(r.real, r);
    }
  }
  return [...byReal.values()]
    .map(({ absPath, relPath, size, config }) => ({ absPath, relPath, size, ...(config ? { config } : {}) }))
    .sort((a, b) => compareStrings(a.relPath, b.relPath));
}

function dedupeNotices(notices: Notice[]): Notice[] {
  const seen = new Set<string>();
  const out: Notice[] = [];
  for (const n of notices) {
    const key = `${n.path}\0${n.kind}\0${n.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(n);
  }
  return out.sort(
    (a, b) => compareStrings(a.path, b.path) || compareStrings(a.kind, b.kind) || compareStrings(a.message, b.message),
  );
}
