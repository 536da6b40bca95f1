/**
 * What a change touched, from git. Git runs as a subprocess with an argument list (never a shell), with the
 * user's diff settings that change the output's shape (external diff drivers, text conversion, prefixes,
 * quoting) overridden, so the parser below reads one format.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** Lines added or changed in the working tree since the merge base, by absolute path (1-based line numbers). */
export interface ChangedLines {
  ref: string;
  mergeBase: string;
  /** Absolute path → changed lines; a file added since (or untracked) maps to `'all'`. */
  files: Map<string, Set<number> | 'all'>;
}

const MAX_BUFFER = 512 * 1024 * 1024;

function git(cwd: string, args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync('git', ['-c', 'core.quotePath=off', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: MAX_BUFFER,
    shell: false,
    env: { ...process.env, GIT_EXTERNAL_DIFF: undefined, GIT_PAGER: 'cat', LC_ALL: 'C' } as NodeJS.ProcessEnv,
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? '--diff-base needs git, which is not installed' : `git failed (${code ?? r.error.message})`);
  }
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}

/** Undoes git's C-style quoting of a path (`"dir/caf\303\251.py"`): octal bytes, \t, \n, \", \\. */
export function unquoteGitPath(s: string): string {
  if (!s.startsWith('"') || !s.endsWith('"')) return s;
  const body = s.slice(1, -1);
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Parses `git diff --unified=0` output: for each file on the new side, the lines its hunks add. Deleted files
 * (`+++ /dev/null`) contribute nothing; a rename keeps only the lines its hunks change.
 */
export function parseUnifiedDiff(diff: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = undefined;
      continue;
    }
    if (line.startsWith('+++ ')) {
      const target = line.slice(4).replace(/\t$/, '');
      if (target === '/dev/null') {
        current = undefined;
        continue;
      }
      const unquoted = unquoteGitPath(target);
      const rel = unquoted.startsWith('b/') ? unquoted.slice(2) : unquoted;
      current = out.get(rel) ?? new Set();
      out.set(rel, current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n++) current.add(n);
    }
  }
  return out;
}

/**
 * The lines added or changed since the merge base of `ref` and HEAD, in the working tree of the repository that
 * holds `dir` (uncommitted edits and untracked files count as changes: locally, that is the change being made).
 */
export function changedLinesSince(ref: string, dir: string): ChangedLines {
  if (ref.startsWith('-')) throw new UsageError(`--diff-base: "${ref}" is not a git revision`);
  const top = git(dir, ['rev-parse', '--show-toplevel']);
  if (!top.ok) throw new UsageError(`--diff-base: ${dir} is not inside a git repository`);
  const root = top.stdout.trim();
  const verified = git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!verified.ok) throw new UsageError(`--diff-base: unknown git revision "${ref}"`);
  const base = git(root, ['merge-base', verified.stdout.trim(), 'HEAD']);
  if (!base.ok) throw new UsageError(`--diff-base: no merge base between "${ref}" and HEAD${base.stderr ? ` (${firstLine(base.stderr)})` : ''}`);
  const mergeBase = base.stdout.trim();
  const diff = git(root, [
    'diff',
    '--unified=0',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--find-renames',
    '--ignore-submodules',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    mergeBase,
    '--',
  ]);
  if (!diff.ok) throw new UsageError(`--diff-base: git diff failed (${firstLine(diff.stderr)})`);
  const files = new Map<string, Set<number> | 'all'>();
  for (const [rel, lines] of parseUnifiedDiff(diff.stdout)) files.set(path.join(root, rel), lines);
  const untracked = git(root, ['ls-files', '-z', '--others', '--exclude-standard']);
  if (untracked.ok) for (const rel of untracked.stdout.split('\0').filter(Boolean)) files.set(path.join(root, rel), 'all');
  return { ref, mergeBase, files };
}
