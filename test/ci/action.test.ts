import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeTree, repoRoot } from '../helpers/cli.js';

type Step = { id?: string; name?: string; uses?: string; run?: string; shell?: string; if?: string; env?: Record<string, string>; with?: Record<string, string> };
type Action = { inputs: Record<string, { description: string; default?: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } };

const action = parse(fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as Action;

/** The parts of GitHub's action metadata syntax a composite action must follow. */
const ACTION_SCHEMA = {
  type: 'object',
  required: ['name', 'description', 'runs'],
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string', minLength: 1 },
    inputs: { type: 'object', additionalProperties: { type: 'object', required: ['description'], properties: { description: { type: 'string' }, default: { type: 'string' }, required: { type: 'boolean' } }, additionalProperties: false } },
    outputs: { type: 'object', additionalProperties: { type: 'object', required: ['description', 'value'], properties: { description: { type: 'string' }, value: { type: 'string' } }, additionalProperties: false } },
    runs: {
      type: 'object',
      required: ['using', 'steps'],
      properties: {
        using: { const: 'composite' },
        steps: {
          type: 'array',
          items: {
            type: 'object',
            oneOf: [
              { required: ['run', 'shell'], not: { required: ['uses'] } },
              { required: ['uses'], not: { required: ['run'] } },
            ],
            properties: { id: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' }, shell: { const: 'bash' } },
          },
        },
      },
    },
  },
};

const hasGit = spawnSync('git', ['--version']).status === 0;
const CI = process.env.CI === 'true';

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/**
 * Runs the action's shell steps as the runner would: expressions in `env` resolved from the inputs (defaults
 * overridden by `given`), the action path and earlier steps' outputs; `GITHUB_OUTPUT` a file. Steps that `uses`
 * another action (setup-node, the SARIF upload) are GitHub's and are not run here.
 */
function runSteps(workspace: string, given: Record<string, string>, env: Record<string, string>, skip: string[] = []) {
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.inputs)) inputs[k] = given[k] ?? v.default ?? '';
  const outputs: Record<string, Record<string, string>> = {};
  const log: { id?: string; status: number | null; out: string }[] = [];
  for (const step of action.runs.steps) {
    if (!step.run || (step.id && skip.includes(step.id))) continue;
    const outputFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'krait-gh-')), 'output');
    fs.writeFileSync(outputFile, '');
    const resolve = (expr: string) =>
      expr.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, e: string) => {
        if (e === 'github.action_path') return repoRoot;
        const input = /^inputs\.([\w-]+)$/.exec(e);
        if (input) return inputs[input[1]];
        const out = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e);
        if (out) return outputs[out[1]]?.[out[2]] ?? '';
        throw new Error(`expression the test does not know: ${e}`);
      });
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, resolve(String(v))]));
    const r = spawnSync('bash', ['-e', '-c', step.run], { cwd: workspace, encoding: 'utf8', env: { ...process.env, ...env, ...stepEnv, GITHUB_OUTPUT: outputFile, GITHUB_WORKSPACE: workspace } });
    if (step.id) outputs[step.id] = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
    log.push({ id: step.id, status: r.status, out: `${r.stdout}${r.stderr}` });
    if (r.status !== 0) break;
  }
  return { log, outputs };
}

describe('action.yml', () => {
  it('is a composite action with the documented inputs, outputs and steps', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(ACTION_SCHEMA);
    expect(validate(action), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['paths', 'args', 'baseline', 'diff-base', 'sarif-file', 'upload']));
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toBe(['${{', 'steps.scan.outputs.sarif-file', '}}'].join(' '));
    expect(upload?.if).toContain('always()');
    // Inputs reach scripts only through the environment: an expression inside `run` could inject shell code.
    for (const s of action.runs.steps) expect(s.run ?? '').not.toContain('${{');
  });

  it('the install step builds krait from the action checkout with npm ci', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-fake-npm-'));
    const record = path.join(bin, 'calls');
    // A stand-in npm that records where and how it was called: the real one would reach the registry.
    fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\necho "$PWD $*" >> "${record}"\n`, { mode: 0o755 });
    const dir = makeTree({ 'a.py': 'X = 1\n' });
    const { log } = runSteps(dir, {}, { PATH: `${bin}:${process.env.PATH}` }, ['scan']);
    expect(log[0]).toMatchObject({ id: 'install', status: 0 });
    expect(fs.readFileSync(record, 'utf8').trim()).toBe(`${repoRoot} ci --no-audit --no-fund --loglevel=error`);
  });

  it.skipIf(!hasGit && !CI)('on a pull request: scans against the base branch, writes SARIF, and fails after the upload step on findings', () => {
    const origin = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-origin-'));
    git(origin, 'init', '-q', '--bare', '-b', 'main');
    const dir = makeTree({ 'helpers.py': 'import os\n\ndef run(cmd):\n    os.system(cmd)\n', 'legacy.py': 'eval(input())\n' });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'base');
    git(dir, 'remote', 'add', 'origin', origin);
    git(dir, 'push', '-q', 'origin', 'main');
    git(dir, 'update-ref', '-d', 'refs/remotes/origin/main');
    git(dir, 'checkout', '-q', '-b', 'feature');
    fs.writeFileSync(path.join(dir, 'new.py'), 'import pickle\n\ndef load(b):\n    return pickle.loads(b)\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'feature');

    const { log, outputs } = runSteps(dir, { args: '--no-deps' }, { GITHUB_BASE_REF: 'main', GITHUB_EVENT_NAME: 'pull_request' }, ['install']);
    expect(log.map((l) => [l.id ?? 'fail', l.status]), log.map((l) => l.out).join('\n')).toEqual([
      ['scan', 0],
      ['fail', 1],
    ]);
    expect(outputs.scan).toEqual({ 'sarif-file': 'krait.sarif', 'exit-code': '1' });
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'krait.sarif'), 'utf8'));
    // Only the pull request's finding: legacy.py's eval is on the base branch already.
    expect(sarif.runs[0].results.map((r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => `${r.locations[0].physicalLocation.artifactLocation.uri}:${r.ruleId}`)).toEqual(['new.py:K202']);
    expect(log[1].out).toContain('::error::krait reported findings');
  });

  it.skipIf(!hasGit && !CI)('passes with diff-base none and a baseline that accepts every finding; an error fails the scan step', () => {
    const dir = makeTree({ 'legacy.py': 'eval(input())\n' });
    git(dir, 'init', '-q', '-b', 'main');
    const cli = path.join(repoRoot, 'dist/bundle/main.js');
    expect(spawnSync(process.execPath, [cli, 'scan', '.', '--no-deps', '--write-baseline', 'b.json'], { cwd: dir }).status).toBe(0);
    const ok = runSteps(dir, { baseline: 'b.json', 'diff-base': 'none', args: '--no-deps' }, {}, ['install']);
    expect(ok.log.map((l) => l.status)).toEqual([0, 0]);
    expect(ok.outputs.scan['exit-code']).toBe('0');
    const bad = runSteps(dir, { baseline: 'missing.json', args: '--no-deps' }, {}, ['install']);
    expect(bad.log[0]).toMatchObject({ id: 'scan', status: 2 });
    expect(bad.log[0].out).toContain('cannot read baseline missing.json');
  });
});
