import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTree, repoRoot, runCli } from '../helpers/cli.js';

const BAD = 'def f(x):\n    return eval(x)\n';
const CLEAN = 'def f(x):\n    return x + 1\n';

function project(extra: Record<string, string> = {}): string {
  const files: Record<string, string> = { 'app/bad.py': BAD, 'app/clean.py': CLEAN, ...extra };
  // Enough files that the worker pool is used, not the in-process path.
  for (let i = 0; i < 12; i++) files[`app/gen/m${i}.py`] = i % 3 === 0 ? `import os\nos.environ.get("x")\nv = eval(compute())  # n${i}\n` : CLEAN;
  return makeTree(files);
}

function stableJson(stdout: string): unknown {
  const r = JSON.parse(stdout);
  r.stats.durationMs = 0;
  r.stats.jobs = 0;
  return r;
}

describe('krait scan through the real CLI', () => {
  it('exits 1 with findings, 0 without, 0 with --exit-zero', () => {
    const dir = project();
    expect(runCli(['scan', 'app'], { cwd: dir }).status).toBe(1);
    expect(runCli(['scan', 'app/clean.py'], { cwd: dir }).status).toBe(0);
    expect(runCli(['scan', 'app', '--exit-zero'], { cwd: dir }).status).toBe(0);
  });

  it('prints findings with a code frame and a summary', () => {
    const dir = project();
    const r = runCli(['scan', 'app/bad.py'], { cwd: dir });
    expect(r.stdout).toContain('app/bad.py:2:12  K101');
    expect(r.stdout).toMatch(/2 \|\s+return eval\(x\)/);
    expect(r.stdout).toMatch(/\^{7}/);
    expect(r.stdout).toMatch(/files scanned\s+1\n/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('honours FORCE_COLOR and NO_COLOR', () => {
    const dir = project();
    expect(runCli(['scan', 'app/bad.py'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout).toMatch(/\x1b\[/);
    expect(runCli(['scan', 'app/bad.py'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toMatch(/\x1b\[/);
  });

  it('gives identical output whatever the number of workers', () => {
    const dir = project();
    const one = runCli(['scan', 'app', '--format', 'json', '--jobs', '1'], { cwd: dir });
    const two = runCli(['scan', 'app', '--format', 'json', '--jobs', '2'], { cwd: dir });
    const three = runCli(['scan', 'app', '--format', 'json', '--jobs', '3'], { cwd: dir });
    expect(one.status).toBe(1);
    expect(JSON.parse(one.stdout).findings).toHaveLength(5);
    expect(stableJson(two.stdout)).toEqual(stableJson(one.stdout));
    expect(stableJson(three.stdout)).toEqual(stableJson(one.stdout));
  });

  it('writes to --output and validates-looking SARIF and JSON', () => {
    const dir = project();
    const out = path.join(dir, 'report.sarif');
    const r = runCli(['scan', 'app', '--format', 'sarif', '--output', out], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const sarif = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual(['K101', 'K101', 'K101', 'K101', 'K101']);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('app/bad.py');
  });

  it('applies --severity, --confidence, --select and --ignore', () => {
    const dir = project();
    expect(runCli(['scan', 'app', '--severity', 'critical'], { cwd: dir }).status).toBe(0);
    expect(runCli(['scan', 'app', '--confidence', 'high'], { cwd: dir }).status).toBe(0);
    expect(runCli(['scan', 'app', '--ignore', 'K101'], { cwd: dir }).status).toBe(0);
    expect(runCli(['scan', 'app', '--ignore', 'B307'], { cwd: dir }).status).toBe(0);
    expect(runCli(['scan', 'app', '--select', 'K1'], { cwd: dir }).status).toBe(1);
  });

  it('reads [tool.krait] from pyproject.toml found above the scanned path; flags override it', () => {
    const dir = project({ 'pyproject.toml': '[project]\nname = "x"\n\n[tool.krait]\nignore = ["K101"]\n' });
    expect(runCli(['scan', 'app'], { cwd: dir }).status).toBe(0);
    expect(runCli(['scan', path.join(dir, 'app')], { cwd: path.dirname(dir) }).status).toBe(0);
    expect(runCli(['scan', 'app', '--ignore', 'K102'], { cwd: dir }).status).toBe(1);
    expect(runCli(['scan', 'app', '--no-config'], { cwd: dir }).status).toBe(1);
  });

  it('rule options from the config change what a rule reports', () => {
    const src = 'import hashlib\nhashlib.md5(b"x")\nhashlib.sha256(b"y")\n';
    const plain = makeTree({ 'h.py': src });
    const tuned = makeTree({ 'h.py': src, 'krait.toml': '[rules.weak-hash]\nalgorithms = ["sha256"]\n' });
    const lines = (dir: string) => JSON.parse(runCli(['scan', '.', '--format', 'json'], { cwd: dir }).stdout).findings.map((f: { location: { startLine: number } }) => f.location.startLine);
    expect(lines(plain)).toEqual([2]);
    expect(lines(tuned)).toEqual([3]);
  });

  it('per-file-ignores from the config mark findings suppressed', () => {
    const dir = project({ 'krait.toml': '[per-file-ignores]\n"app/gen/**" = ["K101"]\n' });
    const r = runCli(['scan', 'app', '--format', 'json'], { cwd: dir });
    const findings = JSON.parse(r.stdout).findings as { location: { path: string }; suppression?: { kind: string } }[];
    expect(findings.filter((f) => !f.suppression).map((f) => f.location.path)).toEqual(['app/bad.py']);
    expect(findings.filter((f) => f.suppression?.kind === 'config')).toHaveLength(4);
  });

  it('counts suppressed findings and reports them with --ignore-suppressions', () => {
    const dir = makeTree({ 'a.py': 'eval(x)  # krait: ignore\neval(y)  # nosec\n' });
    const r = runCli(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).stats.suppressed).toBe(2);
    expect(runCli(['scan', '.', '--ignore-suppressions'], { cwd: dir }).status).toBe(1);
  });
});

describe('errors are one line with exit status 2', () => {
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['missing path', ['scan', 'does-not-exist'], {}, /path does not exist: does-not-exist/],
    ['unknown flag', ['scan', '--frobnicate'], {}, /unknown option '--frobnicate'/],
    ['bad format', ['scan', '--format', 'xml'], {}, /--format.*xml/],
    ['bad jobs', ['scan', '--jobs', '0'], {}, /--jobs expects a positive whole number/],
    ['unknown selector', ['scan', '--select', 'K999'], {}, /--select: unknown rule selector "K999"/],
    ['unknown rule', ['rule', 'K999'], {}, /unknown rule "K999"/],
    ['config: unknown key', ['scan', '.'], { 'krait.toml': 'selct = ["K101"]\n' }, /krait\.toml: unknown key "selct" \(did you mean "select"\?\)/],
    ['config: wrong type', ['scan', '.'], { 'krait.toml': 'severity = 3\n' }, /krait\.toml: severity: expected/],
    ['config: unknown rule id', ['scan', '.'], { 'krait.toml': 'ignore = ["K999"]\n' }, /krait\.toml: ignore\[0\]: unknown rule selector "K999"/],
    ['config: bad TOML', ['scan', '.'], { 'krait.toml': 'select = [\n' }, /krait\.toml:\d+:\d+: invalid TOML/],
    ['config: missing --config file', ['scan', '.', '--config', 'nope.toml'], {}, /nope\.toml: cannot read config file/],
  ];
  for (const [name, args, files, message] of cases) {
    it(name, () => {
      const dir = makeTree({ 'a.py': CLEAN, ...files });
      const r = runCli(args, { cwd: dir });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe('the built CLI', () => {
  it('is executable, so `npx krait` works in a fresh clone', () => {
    expect(fs.statSync(path.join(repoRoot, 'dist/bundle/main.js')).mode & 0o111).not.toBe(0);
  });
});

describe('krait rules and krait rule', () => {
  it('lists rules as text and JSON', () => {
    const text = runCli(['rules']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^K101\s+eval-dynamic/m);
    const json = JSON.parse(runCli(['rules', '--format', 'json']).stdout) as { id: string; cwe: number[] }[];
    expect(json.find((r) => r.id === 'K101')?.cwe).toEqual([95, 94]);
  });

  it("prints one rule's documentation by id or name", () => {
    const byId = runCli(['rule', 'K101']);
    expect(byId.status).toBe(0);
    expect(byId.stdout).toContain('## Why is this bad?');
    expect(runCli(['rule', 'eval-dynamic']).stdout).toBe(byId.stdout);
  });
});
