import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DiscoverOptions, discover } from '../../src/workspace/discover.js';
import { makeTree, runCli } from '../helpers/cli.js';

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = makeTree(files);
  temps.push(root);
  return root;
}

const options: DiscoverOptions = { include: [], exclude: [], respectGitignore: true, maxFileSize: 1_000_000, configFiles: true };

describe('discovery of configuration files', () => {
  const root = tree({
    'app.py': 'x = 1\n',
    '.env': 'A=1\n',
    '.env.local': 'A=1\n',
    'settings.ini': '[a]\n',
    'pyproject.toml': '[tool.x]\n',
    'deploy/compose.yaml': 'a: 1\n',
    'deploy/Dockerfile': 'FROM x\n',
    'data.json': '{}\n',
    'README.md': '# x\n',
    'poetry.lock': 'x\n',
    'package-lock.json': '{}\n',
    'ignored/.env': 'A=1\n',
    'excluded/app.toml': 'a = 1\n',
    'big.yaml': `a: ${'x'.repeat(2000)}\n`,
    'node_modules/pkg/package.json': '{}\n',
    '.gitignore': 'ignored/\n',
  });

  it('lists configuration files beside Python files, honouring gitignore, excludes, skipped folders and the size limit', () => {
    const found = discover(['.'], { ...options, exclude: ['excluded/'], maxFileSize: 1000 }, root);
    expect(found.files.map((f) => [f.relPath, f.config ?? 'python'])).toEqual([
      ['.env', 'env'],
      ['.env.local', 'env'],
      ['app.py', 'python'],
      ['data.json', 'json'],
      ['deploy/Dockerfile', 'dockerfile'],
      ['deploy/compose.yaml', 'yaml'],
      ['pyproject.toml', 'toml'],
      ['settings.ini', 'ini'],
    ]);
    expect(found.notices.map((n) => [n.path, n.kind])).toEqual([
      ['big.yaml', 'too-large'],
      ['package-lock.json', 'lock-file'],
      ['poetry.lock', 'lock-file'],
    ]);
  });

  it('lists no configuration file when no rule reads them', () => {
    const found = discover(['.'], { ...options, configFiles: false }, root);
    expect(found.files.map((f) => f.relPath)).toEqual(['app.py']);
    expect(found.notices).toEqual([]);
  });

  it('does not follow a symlinked configuration file out of the root', () => {
    const outside = tree({ 'secret.env': 'DB_PASSWORD=kraitFixture-Pw-22\n' });
    const inside = tree({ 'app.py': 'x = 1\n' });
    fs.symlinkSync(path.join(outside, 'secret.env'), path.join(inside, 'linked.env'));
    const found = discover(['.'], options, inside);
    expect(found.files.map((f) => f.relPath)).toEqual(['app.py']);
    expect(found.notices.map((n) => [n.path, n.kind])).toEqual([['linked.env', 'symlink-outside-root']]);
  });

  it('scans a configuration file named on the command line', () => {
    const found = discover(['deploy/Dockerfile'], options, root);
    expect(found.files.map((f) => [f.relPath, f.config])).toEqual([['deploy/Dockerfile', 'dockerfile']]);
  });
});

describe('krait scan with configuration files', () => {
  it('counts configuration files and lock files in the summary, and leaves them out with --ignore K6', () => {
    const root = tree({ 'app.py': 'x = 1\n', '.env': 'DB_PASSWORD=kraitFixture-Pw-12\n', 'uv.lock': 'x\n' });
    const json = JSON.parse(runCli(['scan', '.', '--no-deps', '--format', 'json', '--exit-zero'], { cwd: root }).stdout);
    expect(json.stats.filesScanned).toBe(2);
    expect(json.stats.configFilesScanned).toBe(1);
    expect(json.stats.skippedByReason).toEqual({ 'lock-file': 1 });
    expect(json.findings.map((f: { ruleId: string; location: { path: string } }) => [f.ruleId, f.location.path])).toEqual([['K604', '.env']]);
    const text = runCli(['scan', '.', '--no-deps', '--no-color', '--exit-zero'], { cwd: root }).stdout;
    expect(text).toMatch(/files scanned\s+2 \(1 configuration, for secrets\)/);
    fs.writeFileSync(path.join(root, 'blob.json'), Buffer.from([0x7b, 0x00, 0x01, 0x02, 0x7d]));
    const binary = JSON.parse(runCli(['scan', '.', '--no-deps', '--format', 'json', '--exit-zero'], { cwd: root }).stdout);
    expect(binary.notices.map((n: { path: string; kind: string; skipped: boolean }) => [n.path, n.kind, n.skipped])).toEqual([
      ['blob.json', 'binary', true],
      ['uv.lock', 'lock-file', true],
    ]);
    const without = JSON.parse(runCli(['scan', '.', '--no-deps', '--format', 'json', '--ignore', 'K6'], { cwd: root }).stdout);
    expect(without.stats.filesScanned).toBe(1);
    expect(without.stats.configFilesScanned).toBeUndefined();
    expect(without.notices).toEqual([]);
  });
});
