import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/progress.js';
import { makeTree, runCli } from '../helpers/cli.js';

function stream(isTTY: boolean) {
  const out: string[] = [];
  return { out, s: { isTTY, write: (x: string) => out.push(x) } };
}

describe('progress line', () => {
  it('on a terminal: silent for the first second, then one redrawn line, erased at the end', () => {
    let t = 0;
    const { out, s } = stream(true);
    const p = progressLine(s, { now: () => t });
    expect(p).toBeDefined();
    p?.update({ phase: 'analysing', done: 1, total: 10 });
    t = 500;
    p?.update({ phase: 'analysing', done: 2, total: 10 });
    expect(out).toEqual([]);
    t = 1200;
    p?.update({ phase: 'analysing', done: 5, total: 10 });
    // Within 100 ms of the last redraw, a count is not drawn; a new phase is.
    t = 1250;
    p?.update({ phase: 'analysing', done: 6, total: 10 });
    p?.update({ phase: 'taint', done: 10, total: 10 });
    p?.end();
    expect(out).toEqual([
      '\r\x1b[2Kkrait: analysing 5/10 files, 1.2s',
      '\r\x1b[2Kkrait: following data flows 10/10 files, 1.3s',
      '\r\x1b[2K',
    ]);
  });

  it('a quick scan leaves nothing behind, not even the erase sequence', () => {
    const { out, s } = stream(true);
    const p = progressLine(s, { now: () => 0 });
    p?.update({ phase: 'analysing', done: 1, total: 1 });
    p?.end();
    expect(out).toEqual([]);
  });

  it('never when stderr is not a terminal unless forced, and never with --quiet', () => {
    expect(progressLine(stream(false).s)).toBeUndefined();
    expect(progressLine(stream(false).s, { force: true })).toBeDefined();
    expect(progressLine(stream(true).s, { quiet: true })).toBeUndefined();
    expect(progressLine(stream(true).s, { force: true, quiet: true })).toBeUndefined();
  });

  it('the CLI writes nothing to a stderr that is not a terminal', () => {
    const dir = makeTree({ 'a.py': 'import os\nos.system(input())\n' });
    const r = runCli(['scan', '.', '--no-deps'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
  });
});
