import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where krait keeps downloaded advisory data: `--cache-dir`, then the config's `cache-dir`, then
 * `$XDG_CACHE_HOME/krait`, then the platform's user cache folder.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = os.homedir()): string {
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'krait');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'krait');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'krait', 'Cache');
  return path.join(home, '.cache', 'krait');
}

/** A small JSON store under the cache dir. Writes are atomic (temp file + rename) so a killed run leaves no torn file. */
export class JsonCache {
  constructor(readonly dir: string) {}

  read<T>(rel: string): T | undefined {
    try {
      return JSON.parse(readFileSync(path.join(this.dir, rel), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  /** False when the cache cannot be written (read-only home, full disk): the audit goes on without caching. */
  write(rel: string, value: unknown): boolean {
    return writeAtomic(path.join(this.dir, rel), JSON.stringify(value));
  }
}

export function writeAtomic(file: string, data: string | Uint8Array): boolean {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}

/** A file name safe on every platform for an advisory id or a package name. */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}
