import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTree, runCli } from '../helpers/cli.js';

/** A CI gate must not pass when nothing, or not everything, was checked. Every case runs the real CLI. */

const VULNERABLE = 'import os\n\ndef run(cmd):\n    os.system(cmd)\n';

describe('an empty selection is an error', () => {
  const dir = makeTree({ 'app.py': VULNERABLE });
  it('--select with nothing in it', () => {
    const r = runCli(['scan', dir, '--select', '', '--no-deps']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('krait: no rule selected: the selection is empty\n');
    expect(r.stdout).toBe('');
  });
  it('select = [] in the configuration', () => {
    const proj = makeTree({ 'app.py': VULNERABLE, 'krait.toml': 'select = []\n' });
    const r = runCli(['scan', proj, '--no-deps']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^krait: no rule selected/);
  });
  it('an ignore that cancels the select', () => {
    const r = runCli(['scan', dir, '--select', 'K1', '--ignore', 'K1', '--no-deps']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^krait: no rule selected: .*leave no rule to run/);
  });
  it('a selection that leaves a rule runs (the near miss)', () => {
    const r = runCli(['scan', dir, '--select', 'K1', '--ignore', 'K110', '--no-deps']);
    expect(r.status).toBe(1);
  });
});

describe('special and unreadable files', () => {
  const dir = makeTree({ 'app.py': VULNERABLE });
  execFileSync('mkfifo', [path.join(dir, 'pipe.py')]);
  const server = net.createServer().listen(path.join(dir, 'sock.py'));
  afterAll(() => {
    server.close();
  });

  it('a FIFO named on the command line is an error, never opened', () => {
    const r = runCli(['scan', path.join(dir, 'pipe.py'), '--no-deps'], { timeoutMs: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('krait: cannot scan pipe.py: a named pipe (FIFO), not a regular file or folder\n');
  });

  it('a socket named on the command line is an error', () => {
    const r = runCli(['scan', path.join(dir, 'sock.py'), '--no-deps'], { timeoutMs: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^krait: cannot scan sock\.py: a socket/);
  });

  it('a device named on the command line is an error', () => {
    const r = runCli(['scan', '/dev/null', '--no-deps'], { timeoutMs: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^krait: cannot scan .*null: a device/);
  });

  it.skipIf(process.getuid?.() === 0)('a named file that cannot be read is an error', () => {
    const proj = makeTree({ 'secret.py': 'x = 1\n' });
    fs.chmodSync(path.join(proj, 'secret.py'), 0o000);
    const r = runCli(['scan', path.join(proj, 'secret.py'), '--no-deps']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('krait: cannot read secret.py (EACCES)\n');
  });

  it('in a walked folder they are notices, counted as skipped, and the rest is scanned', () => {
    const r = runCli(['scan', dir, '--format', 'json', '--no-deps'], { timeoutMs: 20_000 });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string }[]; notices: { kind: string; path: string; skipped: boolean }[]; stats: { filesSkipped: number; filesIncomplete: number; skippedByReason: Record<string, number> } };
    expect(report.findings.map((f) => f.ruleId)).toContain('K111');
    expect(report.notices.filter((n) => n.kind === 'special-file').map((n) => [n.path, n.skipped])).toEqual([
      ['pipe.py', true],
      ['sock.py', true],
    ]);
    expect(report.stats.skippedByReason['special-file']).toBe(2);
    expect(report.stats.filesIncomplete).toBe(2);
  });
});

describe('--strict and the incomplete count', () => {
  const big = `x = "${'a'.repeat(3000)}"\n`;
  const dir = makeTree({ 'app.py': VULNERABLE, 'big.py': big });

  it('without --strict, the text summary starts with the count of files not analysed', () => {
    const r = runCli(['scan', dir, '--max-file-size', '1000', '--no-deps', '--no-color']);
    expect(r.status).toBe(1);
    const summary = r.stdout.slice(r.stdout.lastIndexOf('\n\n') + 2);
    expect(summary.split('\n')[0]).toBe('incomplete: 1 file not analysed (see the notices; --strict fails on this)');
  });

  it('JSON and SARIF carry the count', () => {
    const json = JSON.parse(runCli(['scan', dir, '--max-file-size', '1000', '--no-deps', '--format', 'json']).stdout);
    expect(json.stats.filesIncomplete).toBe(1);
    const sarif = JSON.parse(runCli(['scan', dir, '--max-file-size', '1000', '--no-deps', '--format', 'sarif']).stdout);
    expect(sarif.runs[0].invocations[0].properties).toEqual({ filesIncomplete: 1 });
  });

  it('a complete scan says nothing of the kind (the near miss)', () => {
    const r = runCli(['scan', dir, '--no-deps', '--no-color', '--strict']);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('incomplete');
    expect(r.stderr).toBe('');
  });

  it('--strict fails with a line naming the files', () => {
    const r = runCli(['scan', dir, '--max-file-size', '1000', '--no-deps', '--strict', '--exit-zero']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('krait: strict: 1 Python file not analysed in full: big.py\n');
  });

  it('strict = true in the configuration does the same', () => {
    const proj = makeTree({ 'app.py': VULNERABLE, 'big.py': big, 'krait.toml': 'strict = true\nmax-file-size = 1000\n' });
    const r = runCli(['scan', proj, '--no-deps']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('krait: strict: 1 Python file not analysed in full: big.py\n');
  });

  it('a Python file of a few megabytes is analysed by default (the limit is 10 MB)', () => {
    // Over the old 2 MB limit; comment lines keep the test quick.
    const proj = makeTree({ 'generated.py': `${`# ${'-'.repeat(998)}\n`.repeat(2500)}import os\nos.system(cmd)\n` });
    const r = runCli(['scan', proj, '--no-deps', '--format', 'json', '--strict']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.stats.filesScanned).toBe(1);
    expect(report.findings.map((f: { ruleId: string; location: { startLine: number } }) => [f.ruleId, f.location.startLine])).toEqual([['K111', 2502]]);
  });
});

describe('a very long line', () => {
  // Two thousand findings on one 40 kB line: each snippet is a window of the line, not the line.
  const line = Array.from({ length: 2000 }, (_, i) => `eval(a${i})`).join('; ');
  const dir = makeTree({ 'min.py': `${line}\n` });

  it('JSON snippets are windows of the line, with the column where they start', () => {
    const report = JSON.parse(runCli(['scan', dir, '--no-deps', '--format', 'json', '--select', 'K101']).stdout) as {
      findings: { snippet: string; snippetColumn?: number; location: { startColumn: number; endColumn: number } }[];
    };
    expect(report.findings.length).toBe(2000);
    for (const f of report.findings) {
      expect(f.snippet.length).toBeLessThanOrEqual(700);
      const col = f.snippetColumn ?? 1;
      // The window holds the finding where its columns say.
      expect(f.snippet.slice(f.location.startColumn - col, f.location.endColumn - col)).toMatch(/^eval\(a\d+\)$/);
      expect(line.slice(col - 1, col - 1 + f.snippet.length)).toBe(f.snippet);
    }
  });

  it('SARIF regions and text carets point at the call', () => {
    const sarif = JSON.parse(runCli(['scan', dir, '--no-deps', '--format', 'sarif', '--select', 'K101']).stdout);
    const last = sarif.runs[0].results.at(-1).locations[0].physicalLocation;
    expect(last.region.snippet.text).toBe('eval(a1999)');
    expect(last.contextRegion.snippet.text.length).toBeLessThanOrEqual(700);
    const text = runCli(['scan', dir, '--no-deps', '--no-color', '--select', 'K101']).stdout;
    const frame = text.split('\n\n').filter((b) => b.startsWith('min.py:1:')).at(-1) ?? '';
    const [code, caret] = frame.split('\n').slice(2, 4);
    const at = caret.indexOf('^');
    expect(code.slice(at, at + 'eval(a1999)'.length)).toBe('eval(a1999)');
  });
});
