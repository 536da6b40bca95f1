import { fileURLToPath } from 'node:url';
import type { ScanResult } from '../../src/engine/types.js';
import type { Finding } from '../../src/findings/types.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A small scan by hand: two rules and three findings in scanner order.
 * - K101 in app/views.py: a taint finding with a trace and a fix; a non-ASCII name precedes the span.
 * - K201 in app/views.py: suppressed by `# nosec B602`.
 * - K201 in "lib/run tools.py" (a space, for URI encoding): a two-line span after a leading and a mid-line tab.
 */
export function sampleResult(): ScanResult {
  const evalFinding: Finding = {
    ruleId: 'K101',
    ruleName: 'eval-of-dynamic-code',
    message: 'eval() of data from the request',
    severity: 'high',
    confidence: 'medium',
    cwe: [95, 94],
    location: { path: 'app/views.py', startLine: 12, startColumn: 14, endLine: 12, endColumn: 37 },
    snippet: '    résumé = eval(request.args["q"])\n',
    trace: [
      {
        location: { path: 'app/views.py', startLine: 12, startColumn: 19, endLine: 12, endColumn: 31 },
        message: 'source: request.args',
      },
      {
        location: { path: 'app/views.py', startLine: 12, startColumn: 14, endLine: 12, endColumn: 37 },
        message: 'sink: eval',
      },
    ],
    fix: { description: 'Use ast.literal_eval() to read literals' },
    fingerprint: '3f9a1c0e5b7d2a44',
  };
  const suppressedFinding: Finding = {
    ruleId: 'K201',
    ruleName: 'subprocess-shell-true',
    message: 'subprocess call with shell=True',
    severity: 'medium',
    confidence: 'high',
    cwe: [78],
    location: { path: 'app/views.py', startLine: 20, startColumn: 5, endLine: 20, endColumn: 36 },
    snippet: '    subprocess.run(cmd, shell=True)  # nosec B602\n',
    fingerprint: '9b0c44e1d2f3a5b6',
    suppression: { kind: 'nosec', line: 20, ids: ['B602'] },
  };
  const tabFinding: Finding = {
    ruleId: 'K201',
    ruleName: 'subprocess-shell-true',
    message: 'subprocess call with shell=True',
    severity: 'medium',
    confidence: 'high',
    cwe: [78],
    location: { path: 'lib/run tools.py', startLine: 7, startColumn: 8, endLine: 8, endColumn: 19 },
    snippet: '\tout =\tsubprocess.call(\n\t\tcmd, shell=True)\n',
    fingerprint: '5e6f7a8b9c0d1e2f',
  };

  return {
    root: '/home/dev/my shop',
    toolVersion: '0.1.0',
    findings: [evalFinding, suppressedFinding, tabFinding],
    notices: [
      { kind: 'syntax-error', path: 'lib/broken.py', line: 3, column: 5, message: 'invalid syntax', skipped: false },
      { kind: 'binary', path: 'static/logo.py', message: 'binary file skipped', skipped: true },
    ],
    stats: {
      filesScanned: 4,
      filesSkipped: 1,
      skippedByReason: { binary: 1 },
      lines: 120,
      findingsBySeverity: { critical: 0, high: 1, medium: 1, low: 0 },
      suppressed: 1,
      durationMs: 1234.5,
      jobs: 4,
    },
    rules: [
      {
        meta: {
          id: 'K101',
          name: 'eval-of-dynamic-code',
          summary: 'Reports eval() and exec() of data that is not a constant.',
          severity: 'high',
          confidence: 'medium',
          cwe: [95, 94],
          owasp: 'A03:2021-Injection',
          sources: { bandit: ['B307'], ruff: ['S307'] },
          defaultEnabled: true,
        },
        docs: {
          what: 'Finds calls to `eval()` and `exec()` whose argument is not a constant.',
          why: 'Whoever controls the argument runs code in your process.',
          bad: 'x = eval(request.args["q"])\n',
          good: 'import ast\nx = ast.literal_eval(request.args["q"])\n',
          references: ['https://docs.python.org/3/library/functions.html#eval', 'https://cwe.mitre.org/data/definitions/95.html'],
        },
      },
      {
        meta: {
          id: 'K201',
          name: 'subprocess-shell-true',
          summary: 'Reports subprocess calls that run a command through the shell.',
          severity: 'medium',
          confidence: 'high',
          cwe: [78],
          owasp: 'A03:2021-Injection',
          sources: { bandit: ['B602'], ruff: ['S602'], semgrep: ['python.lang.security.audit.subprocess-shell-true'] },
          defaultEnabled: false,
        },
        docs: {
          what: 'Finds `subprocess` calls with `shell=True`.',
          why: 'Shell metacharacters in the command run other commands.',
          // A docstring with a triple backtick, which must not close the Markdown fence early.
          bad: 'def f(cmd):\n    """Run ```cmd```."""\n    subprocess.run(cmd, shell=True)\n',
          good: 'subprocess.run(["ls", path])\n',
          references: [],
        },
      },
    ],
  };
}

/** A result with one finding, for focused layout tests. */
export function oneFinding(overrides: Partial<Finding>): ScanResult {
  const base = sampleResult();
  const finding: Finding = {
    ...base.findings[0],
    trace: undefined,
    fix: undefined,
    ...overrides,
  };
  // Drop keys explicitly set to undefined so the object matches what a scanner would build.
  for (const key of Object.keys(finding) as (keyof Finding)[]) {
    if (finding[key] === undefined) delete finding[key];
  }
  return {
    ...base,
    findings: [finding],
    notices: [],
    stats: { ...base.stats, findingsBySeverity: { critical: 0, high: 1, medium: 0, low: 0 }, suppressed: 0 },
  };
}
