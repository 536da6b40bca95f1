import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const cliPath = path.join(repoRoot, 'dist/bundle/main.js');

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * A cache folder of the test run's own, so the user's krait cache (a downloaded advisory database, say) cannot
 * change what a test sees.
 */
const testCache = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-test-cache-'));

/**
 * Runs the built CLI (`npm test` builds first) as a user would, in `cwd`. The OSV API points at a closed local
 * port unless a test sets KRAIT_OSV_API_URL, so no test can reach the network.
 */
export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): CliRun {
  if (!fs.existsSync(cliPath)) throw new Error('dist/bundle/main.js is missing: run `npm run build` (npm test does)');
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    XDG_CACHE_HOME: testCache,
    KRAIT_OSV_API_URL: 'http://127.0.0.1:47',
    KRAIT_OSV_DB_URL: 'http://127.0.0.1:47/all.zip',
    ...opts.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: opts.cwd ?? repoRoot, env: env as NodeJS.ProcessEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}) });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `runCli` without blocking the test worker: for runs that may take a minute on a loaded machine, during which a
 * blocked worker cannot answer vitest's own calls ("Timeout calling onTaskUpdate").
 */
export function runCliAsync(args: string[], opts: { cwd?: string; script?: string } = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, XDG_CACHE_HOME: testCache, KRAIT_OSV_API_URL: 'http://127.0.0.1:47', KRAIT_OSV_DB_URL: 'http://127.0.0.1:47/all.zip' };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.script ?? cliPath, ...args], { cwd: opts.cwd ?? repoRoot, env: env as NodeJS.ProcessEnv });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Writes a tree of files under a fresh temp directory and returns its path. */
export function makeTree(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'krait-test-')));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return dir;
}
