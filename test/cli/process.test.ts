import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTree, repoRoot, runCli } from '../helpers/cli.js';

const cliPath = path.join(repoRoot, 'dist/bundle/main.js');

/** Runs the CLI with a stdout whose reader has already gone (as `| head -1` leaves it), returning status and stderr. */
function withClosedStdout(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KRAIT_OSV_API_URL: 'http://127.0.0.1:47' } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('a closed standard output', () => {
  // Enough findings that the report is larger than any pipe buffer.
  const dir = makeTree({ 'app.py': `import os\n${Array.from({ length: 3000 }, (_, i) => `os.system(cmd${i})`).join('\n')}\n` });
  for (const format of ['text', 'json', 'sarif']) {
    it(`${format}: ends quietly with status 0`, async () => {
      const r = await withClosedStdout(['scan', dir, '--no-deps', '--format', format]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
  it('rules: the same', async () => {
    const r = await withClosedStdout(['rules', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('krait rule with a Bandit or Ruff id', () => {
  it('B307 names the krait rules that cover it and prints their documentation', () => {
    const r = runCli(['rule', 'B307']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Bandit B307 is covered by K101, K704 (`--select B307` selects them).');
    expect(r.stdout).toContain('# K101 eval-dynamic');
    expect(r.stdout).toContain('# K704 eval-injection');
  });
  it('S307 (Ruff), in any case', () => {
    const r = runCli(['rule', 's307']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Ruff S307 is covered by K101, K704 (`--select S307` selects them).');
  });
  it('an id no rule covers is still an error', () => {
    const r = runCli(['rule', 'B999']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('krait: unknown rule "B999" (see `krait rules`)\n');
  });
});
