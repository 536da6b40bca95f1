import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

/** The `npx krait …` command lines of the README's shell blocks, comments removed. */
function readmeCommands(): string[] {
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks
    .flatMap((b) => b.split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.includes('npx krait '))
    .map((l) => l.slice(l.indexOf('npx krait ')));
}

describe('first run from a clone', () => {
  it('npx krait runs the built CLI without rebuilding it', () => {
    const bundle = path.join(repoRoot, 'dist/bundle/main.js');
    const before = fs.statSync(bundle).mtimeMs;
    // A fresh npx cache: npx links this folder into it and runs `prepare`, as on a user's first run.
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-npx-'));
    const r = spawnSync('npx', ['--yes', 'krait', '--version'], {
      cwd: repoRoot,
      env: { ...process.env, npm_config_cache: cache, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stdout.trim().split('\n').at(-1)).toBe(JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
    expect(fs.statSync(bundle).mtimeMs).toBe(before);
  });

  it('the README names no file a clone does not have', () => {
    const commands = readmeCommands();
    expect(commands.length).toBeGreaterThanOrEqual(4);
    expect(commands.filter((c) => c.includes('../'))).toEqual([]);
  });

  it("the README's offline dependency-audit commands work with the shipped OSV sample", () => {
    const offline = readmeCommands().filter((c) => c.includes('--osv-db'));
    expect(offline.length).toBeGreaterThanOrEqual(2);
    for (const command of offline) {
      const r = runCli(command.replace(/^npx krait /, '').split(/\s+/));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/K801 {2}Django pinned to 3\.2\.12 is affected by /);
      expect(r.stdout).toMatch(/K801 {2}PyYAML pinned to 5\.3\.1 is affected by PYSEC-2021-142/);
    }
  });

  it('the package carries only what runs: the bundle, the grammar, the vendored pure-JS ReDoS checker', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    // recheck's optional native binary and JVM jar (52 MB) come with it as a dependency; bundled, they do not.
    expect(Object.keys(pkg.dependencies)).not.toContain('recheck');
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    const [packed] = JSON.parse(r.stdout) as { unpackedSize: number; files: { path: string }[] }[];
    const files = packed.files.map((f) => f.path);
    expect(files).toContain('dist/bundle/main.js');
    expect(files).toContain('dist/vendor/recheck.cjs');
    expect(files).toContain('dist/vendor/recheck.LICENSE');
    expect(files).toContain('dist/grammars/tree-sitter-python.wasm');
    expect(files.filter((f) => f.endsWith('.map') || /^dist\/(?:cli|engine|rules)\//.test(f))).toEqual([]);
  });
});
