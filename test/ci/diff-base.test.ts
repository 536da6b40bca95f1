import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTree, runCli } from '../helpers/cli.js';

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const hasGit = spawnSync('git', ['--version']).status === 0;
const CI = process.env.CI === 'true';

function repo(files: Record<string, string>): string {
  const dir = makeTree(files);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  return dir;
}

function findings(dir: string, args: string[]) {
  const r = runCli(['scan', '.', '--format', 'json', '--no-deps', ...args], { cwd: dir });
  const report = r.stdout ? JSON.parse(r.stdout) : undefined;
  return { status: r.status, stderr: r.stderr, report, ids: (report?.findings ?? []).map((f: { ruleId: string; location: { path: string; startLine: number } }) => `${f.location.path}:${f.location.startLine}:${f.ruleId}`) };
}

const VIEW = [
  'from flask import Flask, request',
  'from helpers import run',
  'app = Flask(__name__)',
  '',
  '@app.route("/a")',
  'def a():',
  '    return run("ok")',
  '',
].join('\n');
const HELPERS = ['import os', '', 'def run(cmd):', '    os.system(cmd)', '', 'os.popen("x" + input())', ''].join('\n');

describe.skipIf(!hasGit && !CI)('--diff-base', () => {
  it('reports only findings whose location or trace touches a changed line, after analysing the whole project', () => {
    const dir = repo({ 'views.py': VIEW, 'helpers.py': HELPERS, 'old.py': 'eval(input())\n', 'moved.py': 'exec(input())\n' });
    const all = findings(dir, []);
    expect(all.ids).toContain('helpers.py:4:K111');
    expect(all.ids).toContain('old.py:1:K704');

    // The change: a new route feeding request data into the existing helper (the sink line is unchanged, the
    // source is on a new line), a deleted file, a renamed file, and an untracked file.
    fs.appendFileSync(path.join(dir, 'views.py'), '@app.route("/b")\ndef b():\n    return run(request.args["c"])\n');
    git(dir, 'rm', '-q', 'old.py');
    git(dir, 'mv', 'moved.py', 'renamed.py');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'change');
    fs.writeFileSync(path.join(dir, 'untracked.py'), 'import pickle\npickle.loads(input())\n');

    const changed = findings(dir, ['--diff-base', 'main']);
    expect(changed.status).toBe(1);
    // The taint finding at the unchanged sink is kept: its trace starts on an added line of views.py.
    const taint = changed.report.findings.find((f: { ruleId: string }) => f.ruleId === 'K702');
    expect(taint?.location).toMatchObject({ path: 'helpers.py', startLine: 4 });
    expect(taint.trace.some((s: { location: { path: string; startLine: number } }) => s.location.path === 'views.py' && s.location.startLine === 10)).toBe(true);
    expect(changed.ids).toContain('untracked.py:2:K715');
    // Unchanged lines (the popen, the renamed file's eval) and the deleted file are not reported.
    expect(changed.ids.filter((id: string) => id.startsWith('helpers.py:6') || id.startsWith('renamed.py') || id.startsWith('old.py'))).toEqual([]);
    expect(changed.report.diffBase.ref).toBe('main');
    expect(changed.report.diffBase.mergeBase).toBe(git(dir, 'rev-parse', 'main').trim());
    expect(changed.report.diffBase.outside).toBeGreaterThan(0);
  });

  it('exits 0 when the change introduced nothing, even with findings elsewhere', () => {
    const dir = repo({ 'a.py': 'eval(input())\n' });
    fs.writeFileSync(path.join(dir, 'b.py'), 'x = 1\n');
    const r = findings(dir, ['--diff-base', 'main']);
    expect(r.status).toBe(0);
    expect(r.ids).toEqual([]);
  });

  it('is a one-line error with status 2 outside a repository or for an unknown revision', () => {
    const plain = makeTree({ 'a.py': 'x = 1\n' });
    const outside = runCli(['scan', '.', '--diff-base', 'main'], { cwd: plain, env: { GIT_CEILING_DIRECTORIES: path.dirname(plain) } });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toMatch(/^krait: --diff-base: .* is not inside a git repository\n$/);
    const dir = repo({ 'a.py': 'x = 1\n' });
    const unknown = runCli(['scan', '.', '--diff-base', 'no-such-branch'], { cwd: dir });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe('krait: --diff-base: unknown git revision "no-such-branch"\n');
    const option = runCli(['scan', '.', '--diff-base', '--output=x'], { cwd: dir });
    expect(option.status).toBe(2);
  });
});
