import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanProject } from '../helpers/analyze.js';
import { makeTree, runCli } from '../helpers/cli.js';

const VIEWS = ['from flask import Flask, request', 'from helpers import run', 'app = Flask(__name__)', '', '@app.route("/a")', 'def a():', '    return run(request.args["c"])', ''].join('\n');
const HELPERS = ['import os', '', 'def run(cmd):', '    os.system(cmd)', ''].join('\n');
const OTHER = ['import subprocess', '', 'def g(x):', '    subprocess.call(x, shell=True)', ''].join('\n');

function request(dir: string, cacheDir: string, select?: string[]) {
  return scanProject(dir, { cacheDir, ...(select ? { select } : {}) });
}

function ids(r: Awaited<ReturnType<typeof scanProject>>): string[] {
  return r.findings.map((f) => `${f.location.path}:${f.location.startLine}:${f.ruleId}`);
}

describe('result cache (engine)', () => {
  it('reuses every file when nothing changed, and re-analyses only what a change touches', async () => {
    const dir = makeTree({ 'views.py': VIEWS, 'helpers.py': HELPERS, 'other.py': OTHER, 'lib/util.py': 'X = 1\n' });
    const cacheDir = path.join(dir, '.krait-cache');
    const cold = await request(dir, cacheDir);
    expect(cold.cache).toEqual({ reused: 0, analysed: 4 });
    const warm = await request(dir, cacheDir);
    expect(warm.cache).toEqual({ reused: 4, analysed: 0 });
    expect(ids(warm)).toEqual(ids(cold));
    expect(warm.findings).toEqual(cold.findings);

    // One file changed, not reachable from the web: only it is analysed; the flow into helpers.py stands.
    fs.writeFileSync(path.join(dir, 'other.py'), `${OTHER}    subprocess.call(x + "!", shell=True)\n`);
    const one = await request(dir, cacheDir);
    expect(one.cache).toEqual({ reused: 3, analysed: 1 });
    expect(ids(one)).toContain('helpers.py:4:K702');
    expect(ids(one)).toContain('other.py:5:K110');

    // views.py stops passing request data: the taint finding in the unchanged helpers.py goes, because the
    // solve runs over every file's facts, cached or fresh.
    fs.writeFileSync(path.join(dir, 'views.py'), VIEWS.replace('run(request.args["c"])', 'run("ls")'));
    const fixed = await request(dir, cacheDir);
    expect(ids(fixed).filter((id) => id.endsWith('K702'))).toEqual([]);
    // views.py changed; helpers.py is still reached from it: nothing else is analysed again.
    expect(fixed.cache).toEqual({ reused: 3, analysed: 1 });

    // A new module changes the project's module list, which every file's taint facts depend on.
    fs.writeFileSync(path.join(dir, 'lib/new.py'), 'Y = 2\n');
    const added = await request(dir, cacheDir);
    expect(added.cache).toEqual({ reused: 0, analysed: 5 });
  });

  it('analyses a file again when a change moves it into the web-reachable part of the project', async () => {
    const dir = makeTree({ 'views.py': VIEWS, 'helpers.py': HELPERS, 'other.py': OTHER });
    const cacheDir = path.join(dir, 'c');
    await request(dir, cacheDir);
    // views.py now imports other.py too: other.py's facts are taken in full, so it is analysed again.
    fs.writeFileSync(path.join(dir, 'views.py'), VIEWS.replace('from helpers import run', 'from helpers import run\nfrom other import g'));
    const r = await request(dir, cacheDir);
    expect(r.cache).toEqual({ reused: 1, analysed: 2 });
  });

  it('other rule options are another program: nothing is reused', async () => {
    const dir = makeTree({ 'a.py': HELPERS });
    const cacheDir = path.join(dir, 'c');
    await request(dir, cacheDir);
    const r = await request(dir, cacheDir, ['K111']);
    expect(r.cache).toEqual({ reused: 0, analysed: 1 });
  });
});

describe('result cache (CLI)', () => {
  // One format per test: each runs the CLI three times, synchronously.
  it.each(['sarif', 'junit', 'codeclimate'])('gives byte-identical %s output warm and cold, and writes .krait-cache with a .gitignore', (format) => {
    const dir = makeTree({ 'views.py': VIEWS, 'helpers.py': HELPERS, 'other.py': OTHER });
    const cold = runCli(['scan', '.', '--no-deps', '--format', format, '--no-cache'], { cwd: dir });
    const first = runCli(['scan', '.', '--no-deps', '--format', format], { cwd: dir });
    const warm = runCli(['scan', '.', '--no-deps', '--format', format], { cwd: dir });
    expect(cold.stdout.length).toBeGreaterThan(100);
    expect(first.stdout).toBe(cold.stdout);
    expect(warm.stdout).toBe(cold.stdout);
    expect(fs.readFileSync(path.join(dir, '.krait-cache/.gitignore'), 'utf8')).toMatch(/^\*$/m);
  });

  it('ignores a damaged cache with a notice, reports the same findings, and repairs it', () => {
    const dir = makeTree({ 'views.py': VIEWS, 'helpers.py': HELPERS });
    const base = JSON.parse(runCli(['scan', '.', '--no-deps', '--format', 'json', '--cache-dir', 'cc'], { cwd: dir }).stdout);
    const [file] = fs.readdirSync(path.join(dir, 'cc')).filter((n) => n.endsWith('.bin'));
    const abs = path.join(dir, 'cc', file);
    const bytes = fs.readFileSync(abs);
    bytes[bytes.length - 5] ^= 0xff;
    fs.writeFileSync(abs, bytes);
    const damaged = JSON.parse(runCli(['scan', '.', '--no-deps', '--format', 'json', '--cache-dir', 'cc'], { cwd: dir }).stdout);
    expect(damaged.notices).toEqual([expect.objectContaining({ kind: 'cache', path: `cc/${file}`, message: expect.stringMatching(/damaged \(checksum mismatch\)/) })]);
    expect(damaged.findings).toEqual(base.findings);
    // The damaged store was replaced by a good one.
    expect(JSON.parse(runCli(['scan', '.', '--no-deps', '--format', 'json', '--cache-dir', 'cc'], { cwd: dir }).stdout).notices).toEqual([]);
  });

  it('ignores a foreign file in place of the cache with a notice', () => {
    const dir = makeTree({ 'views.py': VIEWS, 'helpers.py': HELPERS });
    const base = JSON.parse(runCli(['scan', '.', '--no-deps', '--format', 'json', '--cache-dir', 'cc'], { cwd: dir }).stdout);
    const [file] = fs.readdirSync(path.join(dir, 'cc')).filter((n) => n.endsWith('.bin'));
    const abs = path.join(dir, 'cc', file);
    fs.writeFileSync(abs, 'PK\u0003\u0004 something else entirely');
    const foreign = JSON.parse(runCli(['scan', '.', '--no-deps', '--format', 'json', '--cache-dir', 'cc'], { cwd: dir }).stdout);
    expect(foreign.notices.map((n: { message: string }) => n.message)).toEqual(['not a krait result cache; ignored, every file analysed']);
    expect(foreign.findings).toEqual(base.findings);
  });

  it('--no-cache neither reads nor writes a cache', () => {
    const dir = makeTree({ 'a.py': HELPERS });
    const r = runCli(['scan', '.', '--no-deps', '--no-cache'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(fs.existsSync(path.join(dir, '.krait-cache'))).toBe(false);
  });
});
