import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  DEFAULT_SKIPPED_DIRS,
  type DiscoverOptions,
  discover,
  scanRoot,
} from '../../src/workspace/discover.js';

type Entry = string | Buffer | { symlink: string } | { dir: true };

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

/** A real directory tree; realpath'd so that tmpdir being a symlink (macOS) does not matter. */
function tree(spec: Record<string, Entry>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'krait-discover-')));
  temps.push(root);
  for (const [rel, content] of Object.entries(spec)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    if (typeof content === 'string' || Buffer.isBuffer(content)) fs.writeFileSync(abs, content);
    else if ('symlink' in content) fs.symlinkSync(content.symlink, abs);
    else fs.mkdirSync(abs, { recursive: true });
  }
  return root;
}

const defaults: DiscoverOptions = { include: [], exclude: [], respectGitignore: true, maxFileSize: 1_000_000 };

function rels(root: string, paths: string[] = ['.'], opts: Partial<DiscoverOptions> = {}, cwd = root): string[] {
  return discover(paths, { ...defaults, ...opts }, cwd).files.map((f) => f.relPath);
}

describe('discover: which files are Python', () => {
  it('lists .py and .pyw, python shebang scripts, skips .pyc and other files, sorted by relPath', () => {
    const root = tree({
      'b.py': 'x = 1\n',
      'a.pyw': 'x = 1\n',
      'Z.py': '',
      'pkg/__init__.py': '',
      'pkg/mod.py': 'import os\n',
      'pkg/mod.pyc': Buffer.from([0x42, 0x0d, 0x0d, 0x0a, 0]),
      'pkg/types.pyi': 'x: int\n',
      'README.md': '# hi\n',
      'bin/tool': '#!/usr/bin/env python3\nprint(1)\n',
      'bin/tool2': '#! /usr/local/bin/python3.12 -u\n',
      'bin/shell': '#!/bin/sh\necho python\n',
      'bin/data': 'python\n',
      'Makefile': 'all:\n',
    });
    const result = discover(['.'], defaults, root);
    expect(result.root).toBe(root);
    expect(result.files.map((f) => f.relPath)).toEqual([
      'Z.py',
      'a.pyw',
      'b.py',
      'bin/tool',
      'bin/tool2',
      'pkg/__init__.py',
      'pkg/mod.py',
    ]);
    const mod = result.files.find((f) => f.relPath === 'pkg/mod.py');
    expect(mod).toEqual({ absPath: path.join(root, 'pkg', 'mod.py'), relPath: 'pkg/mod.py', size: 10 });
    expect(result.notices).toEqual([]);
  });

  it('defaults to the current directory when no path is given', () => {
    const root = tree({ 'a.py': '', 'sub/b.py': '' });
    expect(rels(root, [])).toEqual(['a.py', 'sub/b.py']);
  });

  it('relPaths stay relative to cwd when scanning a subdirectory', () => {
    const root = tree({ 'a.py': '', 'sub/b.py': '', 'sub/deep/c.py': '' });
    const result = discover(['sub'], defaults, root);
    expect(result.root).toBe(root);
    expect(result.files.map((f) => f.relPath)).toEqual(['sub/b.py', 'sub/deep/c.py']);
  });
});

describe('discover: default skips', () => {
  it('skips VCS, virtualenvs (by name or by pyvenv.cfg), installed packages, caches and build output', () => {
    const root = tree({
      'app.py': '',
      '.git/hooks/pre-commit.py': '',
      '.hg/x.py': '',
      '.venv/lib/x.py': '',
      'venv/lib/x.py': '',
      'py311-sandbox/pyvenv.cfg': 'home = /usr/bin\n',
      'py311-sandbox/lib/python3.11/site.py': '',
      'py311-sandbox/bin/tool.py': '',
      'lib/python3.11/site-packages/requests/api.py': '',
      'usr/dist-packages/x.py': '',
      'web/node_modules/pkg/gyp.py': '',
      'pkg/__pycache__/mod.py': '',
      'pkg/mod.py': '',
      'build/lib/pkg/mod.py': '',
      'dist/x.py': '',
      '.tox/py311/x.py': '',
      '.nox/x.py': '',
      '.eggs/x.py': '',
      'pkg.egg-info/x.py': '',
      '.mypy_cache/x.py': '',
      '.pytest_cache/x.py': '',
      '.ruff_cache/x.py': '',
      '.cache/x.py': '',
      '.krait-cache/x.py': '',
    });
    expect(rels(root)).toEqual(['app.py', 'pkg/mod.py']);
  });

  it('skips env only when it looks like a virtualenv', () => {
    const withActivate = tree({ 'env/bin/activate': '# venv\n', 'env/lib/x.py': '', 'a.py': '' });
    expect(rels(withActivate)).toEqual(['a.py']);
    const withCfg = tree({ 'env/pyvenv.cfg': '', 'env/lib/x.py': '' });
    expect(rels(withCfg)).toEqual([]);
    const plainPackage = tree({ 'env/__init__.py': '', 'env/settings.py': '', 'env/bin/helper.py': '' });
    expect(rels(plainPackage)).toEqual(['env/__init__.py', 'env/bin/helper.py', 'env/settings.py']);
  });

  it('exports the list it uses', () => {
    expect(DEFAULT_SKIPPED_DIRS).toContain('node_modules');
    expect(DEFAULT_SKIPPED_DIRS).toContain('*.egg-info');
    expect(DEFAULT_SKIPPED_DIRS).not.toContain('env');
  });

  it('scans a directory the user names even if its name is skipped by default', () => {
    const root = tree({ 'build/gen.py': '', 'build/__pycache__/x.py': '', 'a.py': '' });
    expect(rels(root, ['build'])).toEqual(['build/gen.py']);
  });
});

describe('discover: .gitignore', () => {
  it('honours root and nested .gitignore files with git semantics', () => {
    const root = tree({
      '.gitignore': ['*.gen.py', '!keep.gen.py', 'secret/', 'tmp/', 'vendor/*', '!vendor/keep/', 'pkg/gen/'].join('\n'),
      'a.py': '',
      'x.gen.py': '',
      'keep.gen.py': '',
      'secret/key.py': '',
      'tmp/scratch.py': '',
      // A file named like a dir-only pattern is not ignored by it.
      'tools/tmp': '#!/usr/bin/python\n',
      'vendor/lib.py': '',
      'vendor/keep/kept.py': '',
      'local.py': '',
      'pkg/.gitignore': ['local.py', '/only_here.py', '!gen/'].join('\n'),
      'pkg/local.py': '',
      'pkg/only_here.py': '',
      'pkg/mod.py': '',
      'pkg/sub/local.py': '',
      'pkg/sub/only_here.py': '',
      // The root ignores pkg/gen/ but pkg/.gitignore re-includes it, and the deeper file wins.
      'pkg/gen/made.py': '',
    });
    expect(rels(root)).toEqual([
      'a.py',
      'keep.gen.py',
      'local.py',
      'pkg/gen/made.py',
      'pkg/mod.py',
      'pkg/sub/only_here.py',
      'tools/tmp',
      'vendor/keep/kept.py',
    ]);
  });

  it('honours .git/info/exclude at the root', () => {
    const root = tree({ '.git/info/exclude': 'scratch_*.py\n', 'scratch_1.py': '', 'real.py': '' });
    expect(rels(root)).toEqual(['real.py']);
  });

  it('applies the root .gitignore when scanning a subdirectory', () => {
    const root = tree({ '.gitignore': 'sub/gen_*.py\n', 'sub/gen_a.py': '', 'sub/b.py': '' });
    expect(rels(root, ['sub'])).toEqual(['sub/b.py']);
  });

  it('scans an ignored directory the user names, still applying its own .gitignore', () => {
    const root = tree({
      '.gitignore': 'generated/\n',
      'generated/a.py': '',
      'generated/.gitignore': 'skip.py\n',
      'generated/skip.py': '',
      'b.py': '',
    });
    expect(rels(root)).toEqual(['b.py']);
    expect(rels(root, ['generated'])).toEqual(['generated/a.py']);
  });

  it('lists everything when respectGitignore is false', () => {
    const root = tree({ '.gitignore': '*.py\n', 'a.py': '', 'b/c.py': '' });
    expect(rels(root)).toEqual([]);
    expect(rels(root, ['.'], { respectGitignore: false })).toEqual(['a.py', 'b/c.py']);
  });
});

describe('discover: exclude and include', () => {
  it('skips files and whole directories matching exclude globs', () => {
    const root = tree({
      'app.py': '',
      'tests/test_app.py': '',
      'src/tests/test_x.py': '',
      'docs/conf.py': '',
      'docs/other.py': '',
      'top_only.py': '',
      'src/top_only.py': '',
      'gen/a.py': '',
      'src/gen': '#!/usr/bin/env python\n',
      'migrations/0001_initial.py': '',
    });
    const files = rels(root, ['.'], { exclude: ['tests', 'docs/conf.py', '/top_only.py', 'gen/', 'migrations/**'] });
    expect(files).toEqual(['app.py', 'docs/other.py', 'src/gen', 'src/top_only.py']);
  });

  it('adds files matching include globs', () => {
    const root = tree({
      'a.py': '',
      'stubs/a.pyi': '',
      'scripts/job.txt': '',
      'other/job.txt': '',
      'cache.pyc': '',
    });
    expect(rels(root, ['.'], { include: ['*.pyi', 'scripts/*.txt', '*.pyc'] })).toEqual([
      'a.py',
      'scripts/job.txt',
      'stubs/a.pyi',
    ]);
  });
});

describe('discover: paths given', () => {
  it('scans a named file even where defaults and .gitignore would skip it, but not when excluded', () => {
    const root = tree({
      '.gitignore': 'ignored.py\n',
      'ignored.py': '',
      'venv/lib/tool.py': '',
      'notes.txt': 'x = 1\n',
      'tests/t.py': '',
    });
    expect(rels(root, ['ignored.py', 'venv/lib/tool.py', 'notes.txt'])).toEqual([
      'ignored.py',
      'notes.txt',
      'venv/lib/tool.py',
    ]);
    expect(rels(root, ['tests/t.py'], { exclude: ['tests'] })).toEqual([]);
    expect(rels(root, ['ignored.py'], { exclude: ['*.py'] })).toEqual([]);
  });

  it('lists a file once when given paths overlap', () => {
    const root = tree({ 'pkg/a.py': '', 'pkg/sub/b.py': '', 'c.py': '' });
    expect(rels(root, ['.', 'pkg', 'pkg/a.py', './pkg/sub/', 'c.py', 'c.py'])).toEqual([
      'c.py',
      'pkg/a.py',
      'pkg/sub/b.py',
    ]);
  });

  it('throws a UsageError for a path that does not exist', () => {
    const root = tree({ 'a.py': '' });
    expect(() => discover(['a.py', 'nope'], defaults, root)).toThrow(UsageError);
    expect(() => discover(['nope'], defaults, root)).toThrow('path does not exist: nope');
  });

  it('uses the deepest common ancestor as root for paths outside cwd', () => {
    const outside = tree({ 'proj/a/x.py': '', 'proj/b/y.py': '', 'proj/b/z.txt': '' });
    const cwd = tree({ 'here.py': '' });
    const a = path.join(outside, 'proj', 'a');
    const y = path.join(outside, 'proj', 'b', 'y.py');
    expect(scanRoot([a, y], cwd)).toBe(path.join(outside, 'proj'));
    expect(scanRoot(['here.py', '.'], cwd)).toBe(cwd);
    expect(scanRoot([y], cwd)).toBe(path.join(outside, 'proj', 'b'));
    expect(scanRoot([a], cwd)).toBe(a);
    const result = discover([a, y], defaults, cwd);
    expect(result.root).toBe(path.join(outside, 'proj'));
    expect(result.files.map((f) => f.relPath)).toEqual(['a/x.py', 'b/y.py']);
    expect(discover([y], defaults, cwd).files.map((f) => f.relPath)).toEqual(['y.py']);
  });
});

describe('discover: limits and unreadable entries', () => {
  it('leaves out files over maxFileSize with a too-large notice', () => {
    const root = tree({ 'small.py': 'x = 1\n', 'big.py': 'x = 1\n'.repeat(10) });
    const result = discover(['.'], { ...defaults, maxFileSize: 20 }, root);
    expect(result.files.map((f) => f.relPath)).toEqual(['small.py']);
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatchObject({ kind: 'too-large', path: 'big.py', skipped: true });
  });

  it('reports a broken symlink as unreadable', () => {
    const root = tree({ 'a.py': '', 'dangling.py': { symlink: 'missing.py' }, 'dangling.txt': { symlink: 'nope' } });
    const result = discover(['.'], defaults, root);
    expect(result.files.map((f) => f.relPath)).toEqual(['a.py']);
    expect(result.notices).toEqual([
      expect.objectContaining({ kind: 'unreadable', path: 'dangling.py', skipped: true }),
    ]);
  });

  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')(
    'reports an unreadable directory and keeps walking',
    () => {
      const root = tree({ 'a.py': '', 'locked/b.py': '', 'z/c.py': '' });
      fs.chmodSync(path.join(root, 'locked'), 0o000);
      try {
        const result = discover(['.'], defaults, root);
        expect(result.files.map((f) => f.relPath)).toEqual(['a.py', 'z/c.py']);
        expect(result.notices).toEqual([expect.objectContaining({ kind: 'unreadable', path: 'locked' })]);
      } finally {
        fs.chmodSync(path.join(root, 'locked'), 0o755);
      }
    },
  );
});

describe.skipIf(process.platform === 'win32')('discover: symlinks', () => {
  it('does not follow a symlink to a file outside the root, and does not reveal its target', () => {
    const outside = tree({ 'secret.py': 'KEY = 1\n', 'lib/util.py': '' });
    const root = tree({
      'a.py': '',
      'escape.py': { symlink: path.join(outside, 'secret.py') },
      'escape_dir': { symlink: path.join(outside, 'lib') },
      'not_python.so': { symlink: path.join(outside, 'secret.py') },
    });
    const result = discover(['.'], defaults, root);
    expect(result.files.map((f) => f.relPath)).toEqual(['a.py']);
    expect(result.notices.map((n) => [n.kind, n.path, n.skipped])).toEqual([
      ['symlink-outside-root', 'escape.py', true],
      ['symlink-outside-root', 'escape_dir', true],
    ]);
    for (const n of result.notices) expect(n.message).not.toContain(outside);
  });

  it('ends a directory symlink loop with a notice', () => {
    const root = tree({ 'pkg/a.py': '', 'pkg/loop': { symlink: '..' }, 'pkg/self': { symlink: '.' } });
    const result = discover(['.'], defaults, root);
    expect(result.files.map((f) => f.relPath)).toEqual(['pkg/a.py']);
    expect(result.notices.map((n) => [n.kind, n.path])).toEqual([
      ['symlink-loop', 'pkg/loop'],
      ['symlink-loop', 'pkg/self'],
    ]);
  });

  it('lists a file reached through a symlink inside the root once, under its real path', () => {
    const root = tree({
      'pkg/a.py': '',
      'pkg/b.py': '',
      'alias': { symlink: 'pkg' },
      'link.py': { symlink: 'pkg/a.py' },
    });
    const result = discover(['.'], defaults, root);
    expect(result.files.map((f) => f.relPath)).toEqual(['pkg/a.py', 'pkg/b.py']);
    expect(result.notices.map((n) => [n.kind, n.path])).toEqual([['symlink-loop', 'alias']]);
  });

  it('follows a symlink inside the root to a directory the walk does not otherwise reach', () => {
    const root = tree({
      '.gitignore': '_impl/\n',
      '_impl/core.py': '',
      '_impl/extra.py': '',
      'api': { symlink: '_impl' },
      'tool.py': { symlink: '_impl/core.py' },
    });
    // tool.py and api/core.py are the same file: listed once, under the smaller relPath.
    expect(rels(root)).toEqual(['api/core.py', 'api/extra.py']);
  });

  it('keeps symlinks inside the path that was given, not just inside the root', () => {
    const root = tree({ 'a/x.py': '', 'b/y.py': '', 'a/to_b': { symlink: '../b' } });
    const result = discover(['a'], defaults, root);
    expect(result.files.map((f) => f.relPath)).toEqual(['a/x.py']);
    expect(result.notices.map((n) => [n.kind, n.path])).toEqual([['symlink-outside-root', 'a/to_b']]);
  });

  it('gives the same result on every run', () => {
    const root = tree({ 'b/x.py': '', 'a/y.py': '', 'c': { symlink: 'a' }, 'a/up': { symlink: '..' } });
    const first = discover(['.'], defaults, root);
    const second = discover(['.'], defaults, root);
    expect(second).toEqual(first);
    expect(first.files.map((f) => f.relPath)).toEqual(['a/y.py', 'b/x.py']);
    expect(first.notices.map((n) => n.path)).toEqual(['a/up', 'c']);
  });
});
