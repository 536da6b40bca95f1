import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { parsePipfileLock, parseTomlLock } from './locks.js';
import { parsePyproject } from './pyproject.js';
import { parseRequirementsFile } from './requirements.js';
import { parseSetupCfg } from './setup-cfg.js';
import type { ManifestNotice, ManifestSource, ParsedManifest, Requirement } from './types.js';

export type ManifestKind = 'requirements' | 'pyproject' | 'setup-cfg' | 'poetry-lock' | 'pipfile-lock' | 'uv-lock' | 'pdm-lock' | 'pylock';

/** `.in` files that are not pip-tools inputs (setuptools, autotools). */
const NOT_REQUIREMENTS_IN = new Set(['manifest.in', 'makefile.in', 'gnumakefile.in']);

/** Which parser reads a file, from its path relative to the scan root; undefined for anything else. */
export function manifestKind(relPath: string): ManifestKind | undefined {
  const base = path.posix.basename(relPath);
  const lower = base.toLowerCase();
  const dir = path.posix.basename(path.posix.dirname(relPath)).toLowerCase();
  if (lower === 'pyproject.toml') return 'pyproject';
  if (lower === 'setup.cfg') return 'setup-cfg';
  if (lower === 'poetry.lock') return 'poetry-lock';
  if (base === 'Pipfile.lock') return 'pipfile-lock';
  if (lower === 'uv.lock') return 'uv-lock';
  if (lower === 'pdm.lock') return 'pdm-lock';
  if (/^pylock(\.[^.]+)?\.toml$/.test(lower)) return 'pylock';
  if (/^requirements.*\.txt$/.test(lower)) return 'requirements';
  if (dir === 'requirements' && lower.endsWith('.txt')) return 'requirements';
  if (/^[\w-]+\.in$/.test(lower) && !NOT_REQUIREMENTS_IN.has(lower)) return 'requirements';
  return undefined;
}

/** Globs handed to discovery so it yields manifests as well as Python files. */
export const MANIFEST_GLOBS = [
  'requirements*.txt',
  'requirements/*.txt',
  '*.in',
  'pyproject.toml',
  'setup.cfg',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'pdm.lock',
  'pylock.toml',
  'pylock.*.toml',
];

export function parseManifest(relPath: string, kind: ManifestKind, source: ManifestSource): ParsedManifest {
  if (kind === 'requirements') return parseRequirementsFile(relPath, source);
  const text = source.read(relPath);
  if (text === null) {
    return { file: relPath, isLock: false, requirements: [], notices: [{ file: relPath, kind: 'manifest-error', message: `cannot read ${relPath}` }], includes: [] };
  }
  switch (kind) {
    case 'pyproject':
      return parsePyproject(relPath, text);
    case 'setup-cfg':
      return parseSetupCfg(relPath, text);
    case 'pipfile-lock':
      return parsePipfileLock(relPath, text);
    case 'pylock':
      return parseTomlLock(relPath, text, 'packages');
    default:
      return parseTomlLock(relPath, text, 'package');
  }
}

/** Reads files under the scan root only; a path (or symlink) leading outside it reads as null. */
export function fileSource(root: string): ManifestSource {
  const realRoot = safeRealpath(root) ?? root;
  return {
    root,
    read(rel) {
      const abs = path.resolve(root, rel);
      const real = safeRealpath(abs);
      if (real === undefined) return null;
      const inside = path.relative(realRoot, real);
      if (inside.startsWith('..') || path.isAbsolute(inside)) return null;
      try {
        return readFileSync(real, 'utf8');
      } catch {
        return null;
      }
    },
  };
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

export interface CollectedRequirements {
  requirements: Requirement[];
  notices: ManifestNotice[];
  manifests: string[];
}

/**
 * Parses every manifest and settles what to audit. A pinned or locked version in a folder wins over a range
 * for the same package in that folder's other manifests (`poetry.lock` over `pyproject.toml`,
 * `requirements.txt` over `requirements.in`): the lock says what is installed, the range only what may be.
 * A lock file also wins over a manifest's own pins beside it.
 * A requirement reached twice (a file discovered on its own and pulled in by `-r`) counts once.
 */
export function collectRequirements(files: string[], source: ManifestSource): CollectedRequirements {
  const parsed: ParsedManifest[] = [];
  for (const f of [...files].sort()) {
    const kind = manifestKind(f);
    if (kind) parsed.push(parseManifest(f, kind, source));
  }
  const lockedByDir = new Map<string, Set<string>>();
  const pinnedByDir = new Map<string, Set<string>>();
  for (const m of parsed) {
    for (const r of m.requirements) {
      if (r.kind === 'range') continue;
      const table = m.isLock ? lockedByDir : pinnedByDir;
      const dir = path.posix.dirname(m.file);
      const set = table.get(dir) ?? new Set<string>();
      table.set(dir, set);
      set.add(r.name);
    }
  }
  const seen = new Set<string>();
  const requirements: Requirement[] = [];
  const notices: ManifestNotice[] = [];
  const noticeKeys = new Set<string>();
  for (const m of parsed) {
    const dir = path.posix.dirname(m.file);
    for (const r of m.requirements) {
      if (!m.isLock && lockedByDir.get(dir)?.has(r.name)) continue;
      if (r.kind === 'range' && pinnedByDir.get(dir)?.has(r.name)) continue;
      const key = `${r.file}\0${r.line}\0${r.name}\0${r.specifier}`;
      if (seen.has(key)) continue;
      seen.add(key);
      requirements.push(r);
    }
    for (const n of m.notices) {
      const key = `${n.file}\0${n.line}\0${n.message}`;
      if (noticeKeys.has(key)) continue;
      noticeKeys.add(key);
      notices.push(n);
    }
  }
  requirements.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  notices.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  return { requirements, notices, manifests: parsed.map((m) => m.file) };
}
