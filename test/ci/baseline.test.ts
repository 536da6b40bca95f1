import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTree, runCli } from '../helpers/cli.js';
import { itWithSarifSchema } from '../helpers/sarif-schema.js';

const APP = 'import os\nimport subprocess\n\ndef run(cmd):\n    os.system(cmd)\n\nsubprocess.call("ls " + input(), shell=True)\n';
const TOKEN = 'ghp_' + 'Zq7XvB2mK9pL4wR8tY1uN6cE3hJ5sD0fA2gQ';

function json(dir: string, args: string[]) {
  const r = runCli(['scan', '.', '--format', 'json', '--no-deps', ...args], { cwd: dir });
  return { status: r.status, report: JSON.parse(r.stdout), stderr: r.stderr };
}

describe('--write-baseline / --baseline', () => {
  it('accepts the recorded findings, still matches them after lines moved, and fails only on a new one', () => {
    const dir = makeTree({ 'app.py': APP });
    const first = runCli(['scan', '.', '--no-deps', '--write-baseline', 'krait-baseline.json'], { cwd: dir });
    expect(first.status).toBe(0);
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'krait-baseline.json'), 'utf8'));
    expect(written.format).toBe('krait-baseline');
    const recorded = written.findings.map((e: { ruleId: string; line: number }) => `${e.ruleId}:${e.line}`);
    expect(recorded.length).toBeGreaterThan(0);

    // Unchanged project: every finding is baselined, nothing counts.
    const same = json(dir, ['--baseline', 'krait-baseline.json']);
    expect(same.status).toBe(0);
    expect(same.report.findings.every((f: { baselined?: boolean }) => f.baselined === true)).toBe(true);
    expect(same.report.stats.baselined).toBe(recorded.length);
    expect(same.report.baseline.fixed).toEqual([]);

    // Lines inserted above, and a new finding added: the old ones still match, the new one counts.
    fs.writeFileSync(path.join(dir, 'app.py'), `# header\n\n\n${APP}eval(input())\n`);
    const moved = json(dir, ['--baseline', 'krait-baseline.json']);
    expect(moved.status).toBe(1);
    const fresh = moved.report.findings.filter((f: { baselined?: boolean }) => !f.baselined);
    expect(fresh.map((f: { ruleId: string; location: { startLine: number } }) => `${f.ruleId}:${f.location.startLine}`)).toEqual(['K704:11']);
    expect(moved.report.stats.baselined).toBe(recorded.length);
    const sev = moved.report.stats.findingsBySeverity;
    expect(sev.critical + sev.high + sev.medium + sev.low).toBe(1);
  });

  it('lists a baselined finding that is gone as fixed, in the text summary and in JSON', () => {
    const dir = makeTree({ 'app.py': APP });
    expect(runCli(['scan', '.', '--no-deps', '--write-baseline', 'b.json'], { cwd: dir }).status).toBe(0);
    fs.writeFileSync(path.join(dir, 'app.py'), APP.replace('    os.system(cmd)\n', '    pass\n'));
    const r = json(dir, ['--baseline', 'b.json']);
    expect(r.status).toBe(0);
    expect(r.report.baseline.fixed.map((e: { ruleId: string; code: string }) => [e.ruleId, e.code])).toEqual([['K111', 'os.system(cmd)']]);
    const text = runCli(['scan', '.', '--no-deps', '--baseline', 'b.json'], { cwd: dir });
    expect(text.stdout).toMatch(/^ {2}fixed +1$/m);
    expect(text.stdout).toMatch(/app\.py:5 {2}K111 {2}os\.system\(cmd\)/);
  });

  it('hides baselined findings in text unless --show-baselined', () => {
    const dir = makeTree({ 'app.py': APP });
    runCli(['scan', '.', '--no-deps', '--write-baseline', 'b.json'], { cwd: dir });
    const hidden = runCli(['scan', '.', '--no-deps', '--baseline', 'b.json'], { cwd: dir });
    expect(hidden.stdout).not.toMatch(/^app\.py:\d+/m);
    expect(hidden.stdout).toContain('No findings.');
    const shown = runCli(['scan', '.', '--no-deps', '--baseline', 'b.json', '--show-baselined'], { cwd: dir });
    expect(shown.stdout).toMatch(/^app\.py:5:5 {2}K111/m);
    expect(shown.stdout).toContain('= baselined:');
    expect(shown.status).toBe(0);
  });

  itWithSarifSchema('SARIF carries baselineState and still validates', (validate) => {
    const dir = makeTree({ 'app.py': APP });
    runCli(['scan', '.', '--no-deps', '--write-baseline', 'b.json'], { cwd: dir });
    fs.appendFileSync(path.join(dir, 'app.py'), 'eval(input())\n');
    const r = runCli(['scan', '.', '--no-deps', '--format', 'sarif', '--baseline', 'b.json'], { cwd: dir });
    const log = JSON.parse(r.stdout);
    expect(validate(log)).toBe(true);
    const states = log.runs[0].results.map((x: { ruleId: string; baselineState: string }) => `${x.ruleId}:${x.baselineState}`);
    expect(states).toContain('K704:new');
    expect(states).toContain('K111:unchanged');
    expect(states.filter((s: string) => s.endsWith(':new'))).toHaveLength(1);
    const plain = JSON.parse(runCli(['scan', '.', '--no-deps', '--format', 'sarif'], { cwd: dir }).stdout);
    expect(plain.runs[0].results[0]).not.toHaveProperty('baselineState');
  });

  it('stores the masked line of a secret, never the secret', () => {
    const dir = makeTree({ 'settings.py': `GITHUB_TOKEN = "${TOKEN}"\n` });
    runCli(['scan', '.', '--no-deps', '--write-baseline', 'b.json'], { cwd: dir });
    const text = fs.readFileSync(path.join(dir, 'b.json'), 'utf8');
    expect(JSON.parse(text).findings.length).toBeGreaterThan(0);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN.slice(4, 20));
    expect(json(dir, ['--baseline', 'b.json']).status).toBe(0);
  });

  it('reads the baseline named in the configuration, relative to the config file', () => {
    const dir = makeTree({ 'app.py': APP, 'pyproject.toml': '[tool.krait]\nbaseline = "ci/krait-baseline.json"\n' });
    fs.mkdirSync(path.join(dir, 'ci'));
    runCli(['scan', '.', '--no-deps', '--write-baseline', 'ci/krait-baseline.json'], { cwd: dir });
    const r = runCli(['scan', '..', '--no-deps', '--format', 'json'], { cwd: path.join(dir, 'ci') });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).stats.baselined).toBeGreaterThan(0);
  });

  it('a missing or malformed baseline is a one-line error with status 2', () => {
    const dir = makeTree({ 'app.py': APP, 'bad.json': '{"format": "krait-baseline", "version": 1, "findings": [{"ruleId": 3}]}', 'junk.json': 'not json' });
    for (const [file, message] of [
      ['missing.json', /cannot read baseline missing\.json \(ENOENT\)/],
      ['bad.json', /baseline bad\.json is malformed/],
      ['junk.json', /baseline junk\.json is not valid JSON/],
    ] as const) {
      const r = runCli(['scan', '.', '--no-deps', '--baseline', file], { cwd: dir });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
