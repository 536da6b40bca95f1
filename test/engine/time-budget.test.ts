import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/engine/analyze.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { makeTree, runCli } from '../helpers/cli.js';

const SOURCE = `import os\n${Array.from({ length: 200 }, (_, i) => `eval(x${i})\nos.system(c${i})`).join('\n')}\n`;

/** A clock that moves one unit each time it is read: the budget runs out at a known point of the analysis. */
function tickingClock(): () => number {
  let t = 0;
  return () => t++;
}

describe('per-file time budget', () => {
  const rules = ALL_RULES.filter((r) => ['K101', 'K111'].includes(r.meta.id));
  const setup = { rules, ruleOptions: new Map(), maxFileSize: 1 << 24 };

  it('keeps the findings made before the budget ran out and says the file was cut short', async () => {
    const full = await analyzeText(SOURCE, 'big.py', setup);
    const cut = await analyzeText(SOURCE, 'big.py', { ...setup, fileTimeoutMs: 150, clock: tickingClock() });
    const keys = (r: typeof full) => r.findings.map((f) => `${f.location.startLine}:${f.ruleId}`);
    expect(keys(full).length).toBe(400);
    expect(keys(cut).length).toBeGreaterThan(0);
    expect(keys(cut).length).toBeLessThan(400);
    // What was kept is exactly what the full analysis found there: cut short, never made up.
    expect(keys(cut).every((k) => keys(full).includes(k))).toBe(true);
    expect(cut.notices.map((n) => n.kind)).toEqual(['time-budget']);
    expect(full.notices).toEqual([]);
  });

  it('through the CLI: a notice, the file counted as incomplete, and --strict fails', () => {
    const dir = makeTree({ 'big.py': SOURCE, 'small.py': 'x = 1\n' });
    const json = runCli(['scan', dir, '--no-deps', '--format', 'json', '--file-timeout', '0.001', '-j', '1']);
    const report = JSON.parse(json.stdout) as { notices: { kind: string; path: string; message: string }[]; stats: { filesIncomplete: number } };
    const notice = report.notices.find((n) => n.kind === 'time-budget' && n.path === 'big.py');
    expect(notice?.message).toMatch(/^analysis cut short after 0\.001 s \(--file-timeout\)/);
    expect(report.stats.filesIncomplete).toBeGreaterThanOrEqual(1);
    const strict = runCli(['scan', dir, '--no-deps', '--file-timeout', '0.001', '--strict', '-j', '1']);
    expect(strict.status).toBe(2);
    expect(strict.stderr).toMatch(/^krait: strict: \d Python files? not analysed in full: big\.py/);
    // The default budget (20 s) leaves this file alone.
    const normal = JSON.parse(runCli(['scan', dir, '--no-deps', '--format', 'json']).stdout) as { notices: unknown[]; findings: unknown[] };
    expect(normal.notices).toEqual([]);
    expect(normal.findings.length).toBe(400);
  });
});
