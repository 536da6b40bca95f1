import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/text.js';
import { oneFinding, sampleResult } from './sample.js';

const ESC = '\x1b';

function plain(result = sampleResult(), showSuppressed = false): string {
  return renderText(result, { color: false, showSuppressed });
}

/** The code line and the caret line of the first finding's frame. */
function frame(text: string): { code: string; caret: string } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => /^ *\d+ \|/.test(l));
  return { code: lines[i], caret: lines[i + 1] };
}

describe('renderText', () => {
  it('renders the whole sample exactly', () => {
    expect(plain()).toBe(
      [
        'app/views.py:12:14  K101  eval() of data from the request [severity: high, confidence: medium] CWE-95, CWE-94',
        '   |',
        '12 |     résumé = eval(request.args["q"])',
        '   |              ^^^^^^^^^^^^^^^^^^^^^^^',
        '   |',
        '   = trace:',
        '       app/views.py:12:19  source: request.args',
        '       app/views.py:12:14  sink: eval',
        '   = help: Use ast.literal_eval() to read literals',
        '',
        'lib/run tools.py:7:8  K201  subprocess call with shell=True [severity: medium, confidence: high] CWE-78',
        '  |',
        '7 |     out =   subprocess.call(',
        '  |             ^^^^^^^^^^^^^^^^',
        '8 |         cmd, shell=True)',
        '  |',
        '',
        'Notices',
        '  lib/broken.py:3:5  syntax-error  invalid syntax',
        '  static/logo.py  binary  binary file skipped',
        '',
        'Summary',
        '  files scanned  4',
        '  files skipped  1 (binary: 1)',
        '  notices        2 (syntax-error: 1, binary: 1)',
        '  lines          120',
        '  findings       2 (critical: 0, high: 1, medium: 1, low: 0)',
        '  suppressed     1',
        '  time           1.23s (4 jobs)',
        '',
      ].join('\n'),
    );
  });

  it('starts each finding with a `path:line:col  ID  message [severity, confidence] CWE` header', () => {
    const headers = plain()
      .split('\n')
      .filter((l) => /^\S+.*:\d+:\d+ {2}K\d+ {2}/.test(l));
    expect(headers).toEqual([
      'app/views.py:12:14  K101  eval() of data from the request [severity: high, confidence: medium] CWE-95, CWE-94',
      'lib/run tools.py:7:8  K201  subprocess call with shell=True [severity: medium, confidence: high] CWE-78',
    ]);
  });

  it('puts the caret under the start column after a non-ASCII character', () => {
    const { code, caret } = frame(plain());
    // Every character here is one column wide, so string indexes are screen columns.
    expect(caret.indexOf('^')).toBe(code.indexOf('eval'));
    expect(caret.trimEnd().length).toBe(code.indexOf('eval') + 'eval(request.args["q"])'.length);
  });

  it('expands tabs to tab stops of 4 in the code line and the caret line alike', () => {
    const text = plain();
    const lines = text.split('\n');
    const code = lines.find((l) => l.startsWith('7 |')) ?? '';
    const caret = lines[lines.indexOf(code) + 1];
    // Leading tab -> 4 columns; `out =` ends at 9; the tab runs to the stop at 12.
    expect(code).toBe('7 |     out =   subprocess.call(');
    expect(caret.indexOf('^')).toBe(code.indexOf('subprocess'));
    // A span running onto the next line is underlined to the end of its first line.
    expect(caret.trimEnd().length).toBe(code.length);
    expect(text).not.toContain('\t');
  });

  it('gives wide (CJK, emoji) characters two columns', () => {
    const result = oneFinding({
      location: { path: 'a.py', startLine: 1, startColumn: 7, endLine: 1, endColumn: 14 },
      snippet: '名前🐍 = eval(x)\n',
    });
    const { code, caret } = frame(plain(result));
    expect(code).toBe('1 | 名前🐍 = eval(x)');
    // 3 wide characters (6 columns) + " = " (3) = 9 columns before `eval`.
    expect(caret).toBe(`  | ${' '.repeat(9)}^^^^^^^`);
  });

  it('makes control and bidi characters visible instead of sending them to the terminal', () => {
    const result = oneFinding({
      location: { path: 'x\x1b[2Jy.py', startLine: 1, startColumn: 15, endLine: 1, endColumn: 22 },
      snippet: 's = "\x1b[31m\u202e"; eval(s)\n',
      message: 'evil\nmessage',
    });
    const text = plain(result);
    expect(text).not.toContain(ESC);
    expect(text).not.toContain('\u202e');
    expect(text).toContain('x\\x1b[2Jy.py:1:15  K101  evil\\nmessage');
    const { code, caret } = frame(text);
    expect(code).toBe('1 | s = "␛[31m<U+202E>"; eval(s)');
    expect(caret.indexOf('^')).toBe(code.indexOf('eval'));
  });

  it('marks a zero-width or out-of-range span with a single caret', () => {
    const zero = frame(
      plain(oneFinding({ location: { path: 'a.py', startLine: 1, startColumn: 3, endLine: 1, endColumn: 3 }, snippet: 'abcdef\n' })),
    );
    expect(zero.caret).toBe('  |   ^');
    const past = frame(
      plain(oneFinding({ location: { path: 'a.py', startLine: 1, startColumn: 40, endLine: 1, endColumn: 45 }, snippet: 'abc\n' })),
    );
    expect(past.caret).toBe('  |    ^');
  });

  it('shows a window around the span of an overlong line', () => {
    const line = `${'x'.repeat(3000)}eval(y)${'z'.repeat(3000)}`;
    const result = oneFinding({
      location: { path: 'min.py', startLine: 1, startColumn: 3001, endLine: 1, endColumn: 3008 },
      snippet: line,
    });
    const { code, caret } = frame(plain(result));
    expect(code.length).toBeLessThan(220);
    expect(code).toMatch(/^1 \| …x+eval\(y\)z+…$/);
    expect(caret.indexOf('^')).toBe(code.indexOf('eval'));
    expect(caret.trimEnd().length - caret.indexOf('^')).toBe(7);
  });

  it('prints no frame for a finding without a snippet', () => {
    const text = plain(oneFinding({ snippet: '', fix: { description: 'upgrade' } }));
    expect(text.split('\n').slice(0, 3)).toEqual([
      'app/views.py:12:14  K101  eval() of data from the request [severity: high, confidence: medium] CWE-95, CWE-94',
      '   = help: upgrade',
      '',
    ]);
  });

  it('omits the CWE part when a finding has none', () => {
    const text = plain(oneFinding({ cwe: [] }));
    expect(text.split('\n')[0]).toBe('app/views.py:12:14  K101  eval() of data from the request [severity: high, confidence: medium]');
  });

  it('hides suppressed findings but counts them', () => {
    const text = plain();
    expect(text).not.toContain('app/views.py:20:5');
    expect(text).not.toContain('nosec');
    expect(text).toContain('\n  suppressed     1\n');
  });

  it('shows suppressed findings, marked, when asked', () => {
    const text = plain(sampleResult(), true);
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('app/views.py:20:5  K201  '));
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 6)).toEqual([
      '   |',
      '20 |     subprocess.run(cmd, shell=True)  # nosec B602',
      '   |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
      '   |',
      '   = suppressed: by a nosec comment on line 20 (B602)',
    ]);
  });

  it('says "No findings." when nothing is reported, even if some findings are suppressed', () => {
    const base = sampleResult();
    const result = {
      ...base,
      findings: base.findings.filter((f) => f.suppression),
      stats: { ...base.stats, findingsBySeverity: { critical: 0, high: 0, medium: 0, low: 0 } },
    };
    const text = plain(result);
    expect(text.startsWith('No findings.\n')).toBe(true);
    expect(text).toContain('\n  findings       0 (critical: 0, high: 0, medium: 0, low: 0)\n');
    expect(text).toContain('\n  suppressed     1\n');
  });

  it('reports an empty scan with a singular job and no skipped reasons', () => {
    const base = sampleResult();
    const text = plain({
      ...base,
      findings: [],
      notices: [],
      stats: {
        ...base.stats,
        filesScanned: 0,
        filesSkipped: 0,
        skippedByReason: {},
        lines: 0,
        findingsBySeverity: { critical: 0, high: 0, medium: 0, low: 0 },
        suppressed: 0,
        durationMs: 5,
        jobs: 1,
      },
    });
    expect(text).toBe(
      [
        'No findings.',
        '',
        'Summary',
        '  files scanned  0',
        '  files skipped  0',
        '  notices        0',
        '  lines          0',
        '  findings       0 (critical: 0, high: 0, medium: 0, low: 0)',
        '  suppressed     0',
        '  time           0.01s (1 job)',
        '',
      ].join('\n'),
    );
  });

  it('emits no ANSI codes when colour is off', () => {
    expect(plain()).not.toContain(ESC);
    expect(plain(sampleResult(), true)).not.toContain(ESC);
  });

  it('colours ids, severities, gutters and carets when colour is on', () => {
    const text = renderText(sampleResult(), { color: true });
    expect(text).toContain(`${ESC}[`);
    expect(text).toContain('\x1b[1mK101\x1b[22m');
    expect(text).toContain('severity: \x1b[31mhigh\x1b[39m');
    expect(text).toContain('severity: \x1b[33mmedium\x1b[39m');
    expect(text).toContain('\x1b[2m12 |\x1b[22m');
    expect(text).toContain(`\x1b[31m${'^'.repeat(23)}\x1b[39m`);
    // Stripping the codes gives back the plain layout.
    expect(text.replace(/\x1b\[\d+m/g, '')).toBe(plain());
  });
});
