import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTree, runCli } from '../helpers/cli.js';

const SOURCE =
  'import requests\nimport yaml\n\n\n' +
  'def load(stream):\n    return yaml.load(stream)\n\n\n' +
  'def fetch(url):\n    return requests.get(url).json()\n';

const project = () => makeTree({ 'app.py': SOURCE });

describe('krait scan --fix, --unsafe-fixes, --diff', () => {
  it('--diff prints a unified diff of the safe fixes, writes nothing and exits 1', () => {
    const dir = project();
    const r = runCli(['scan', '.', '--diff', '--no-deps'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('--- a/app.py\n+++ b/app.py\n');
    expect(r.stdout).toContain('-    return yaml.load(stream)\n+    return yaml.safe_load(stream)\n');
    expect(r.stdout).not.toContain('timeout');
    expect(r.stderr).toBe('krait: 1 fix in 1 file would be applied (1 more fix with --unsafe-fixes)\n');
    expect(fs.readFileSync(path.join(dir, 'app.py'), 'utf8')).toBe(SOURCE);
  });

  it('--diff masks a secret on a line it shows, as every output does', () => {
    // A fake GitHub token assembled at run time, so that no scanner reads a token in this test file.
    const token = ['ghp', 'aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW0xY2zC4'].join('_');
    const dir = makeTree({ 'app.py': `import yaml\n\n\ndef load(stream):\n    return yaml.load(stream)  # read with ${token}\n` });
    const r = runCli(['scan', '.', '--diff', '--no-deps', '--select', 'K201'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('+    return yaml.safe_load(stream)  # read with ghp_');
    expect(r.stdout).not.toContain(token);
  });

  it('--fix applies safe fixes, then reports what is left; --unsafe-fixes applies the rest', () => {
    const dir = project();
    const r = runCli(['scan', '.', '--fix', '--no-deps'], { cwd: dir });
    expect(r.stderr).toBe('krait: applied 1 fix in 1 file (1 more fix with --unsafe-fixes)\n');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('K412');
    expect(r.stdout).not.toContain('K201');
    expect(fs.readFileSync(path.join(dir, 'app.py'), 'utf8')).toBe(SOURCE.replace('yaml.load(', 'yaml.safe_load('));
    const again = runCli(['scan', '.', '--fix', '--unsafe-fixes', '--no-deps'], { cwd: dir });
    expect(again.stderr).toBe('krait: applied 1 fix in 1 file\n');
    expect(again.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'app.py'), 'utf8')).toContain('requests.get(url, timeout=30).json()');
  });

  it('refuses --unsafe-fixes without --fix or --diff', () => {
    const r = runCli(['scan', '.', '--unsafe-fixes'], { cwd: project() });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('krait: --unsafe-fixes applies with --fix or --diff\n');
  });

  it('carries each fix in JSON (edits, applicability) and SARIF (fixes with replacements)', () => {
    const dir = project();
    const json = JSON.parse(runCli(['scan', '.', '-f', 'json', '--no-deps'], { cwd: dir }).stdout);
    const yaml = json.findings.find((f: { ruleId: string }) => f.ruleId === 'K201');
    expect(yaml.fix).toEqual({
      description: 'use yaml.safe_load(), which builds only plain data',
      applicability: 'safe',
      edits: [{ startLine: 6, startColumn: 12, endLine: 6, endColumn: 21, text: 'yaml.safe_load' }],
    });
    expect(json.findings.find((f: { ruleId: string }) => f.ruleId === 'K412').fix.applicability).toBe('unsafe');
    const sarif = JSON.parse(runCli(['scan', '.', '-f', 'sarif', '--no-deps'], { cwd: dir }).stdout);
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'K201');
    expect(result.fixes[0].artifactChanges[0]).toEqual({
      artifactLocation: { uri: 'app.py', uriBaseId: '%SRCROOT%' },
      replacements: [{ deletedRegion: { startLine: 6, startColumn: 12, endLine: 6, endColumn: 21 }, insertedContent: { text: 'yaml.safe_load' } }],
    });
  });

  it('writes a self-contained HTML report with --format html', () => {
    const r = runCli(['scan', '.', '-f', 'html', '--no-deps'], { cwd: project() });
    expect(r.stdout).toMatch(/^<!DOCTYPE html>/);
    expect(r.stdout).toMatch(/Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'/);
    // Nothing is loaded from elsewhere: no linked resource, no source attribute, no CSS import or url().
    expect(r.stdout).not.toMatch(/<(?:link|img|iframe|object|embed)\b|\ssrc=|@import|url\(/);
    expect(r.stdout.match(/<article class="finding/g)).toHaveLength(2);
  });
});
