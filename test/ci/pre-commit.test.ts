import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeTree, repoRoot } from '../helpers/cli.js';

const CLI = path.join(repoRoot, 'dist/bundle/main.js');
const MANIFEST = path.join(repoRoot, '.pre-commit-hooks.yaml');
const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0;
const CI = process.env.CI === 'true';
if (!hasPreCommit && !CI) console.warn('pre-commit is not installed (apt-get install pre-commit): skipping the pre-commit hook tests');

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
  PRE_COMMIT_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'krait-pre-commit-home-')),
  NO_COLOR: '1',
};

function run(cwd: string, cmd: string, ...args: string[]) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: ENV });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function manifest(): Record<string, unknown>[] {
  return parse(fs.readFileSync(MANIFEST, 'utf8'));
}

/**
 * A repository whose `.pre-commit-config.yaml` has the hook as this repository declares it, run as a local
 * system hook (`krait` is this checkout's built CLI): installing the hook repository itself would need the npm
 * registry, which tests never reach. YAML reads JSON, so the config is written as JSON.
 */
function repoWithHook(files: Record<string, string>): string {
  const dir = makeTree(files);
  run(dir, 'git', 'init', '-q', '-b', 'main');
  const hook = manifest().find((h) => h.id === 'krait');
  if (!hook) throw new Error('no krait hook in .pre-commit-hooks.yaml');
  const local = { ...hook, language: 'system', entry: String(hook.entry).replace(/^krait /, `${process.execPath} ${CLI} `) };
  fs.writeFileSync(path.join(dir, '.pre-commit-config.yaml'), JSON.stringify({ repos: [{ repo: 'local', hooks: [local] }] }, null, 2));
  run(dir, 'git', 'add', '-A');
  run(dir, 'git', 'commit', '-q', '--no-verify', '-m', 'base');
  return dir;
}

const HELPERS = ['import os', '', 'def run(cmd):', '    os.system(cmd)', ''].join('\n');
const VIEW = ['from flask import Flask, request', 'from helpers import run', 'app = Flask(__name__)', '', '@app.route("/a")', 'def a():', '    return run(request.args["c"])', ''].join('\n');

describe.skipIf(!hasPreCommit && !CI)('pre-commit hook', () => {
  it('the manifest is valid for pre-commit and declares a Python hook', () => {
    expect(run(repoRoot, 'pre-commit', 'validate-manifest', MANIFEST).status).toBe(0);
    const hook = manifest().find((h) => h.id === 'krait');
    expect(hook).toMatchObject({ language: 'node', types_or: ['python', 'pyi'] });
    expect(String(hook?.entry)).toMatch(/^krait scan --project \. /);
  });

  it('passes a commit whose staged files bring nothing new, though the repository has findings', () => {
    const dir = repoWithHook({ 'helpers.py': HELPERS, 'legacy.py': 'eval(input())\n' });
    fs.writeFileSync(path.join(dir, 'clean.py'), 'X = 1\n');
    run(dir, 'git', 'add', 'clean.py');
    const r = run(dir, 'pre-commit', 'run');
    expect(r.out).toMatch(/krait security scan\.+Passed/);
    expect(r.status).toBe(0);
  });

  it('fails a commit that stages a flow into an unchanged module, with the finding and its trace', () => {
    const dir = repoWithHook({ 'helpers.py': HELPERS, 'legacy.py': 'eval(input())\n' });
    fs.writeFileSync(path.join(dir, 'views.py'), VIEW);
    run(dir, 'git', 'add', 'views.py');
    const r = run(dir, 'pre-commit', 'run');
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/krait security scan\.+Failed/);
    // The sink is in the unchanged helpers.py; the flow starts in the staged views.py.
    expect(r.out).toMatch(/^helpers\.py:4:5 {2}K702 /m);
    expect(r.out).toMatch(/views\.py:7:\d+ {2}source: /);
    // The unstaged file's old finding is not this commit's business.
    expect(r.out).not.toMatch(/^legacy\.py/m);
  });
});
