import { describe, expect, it } from 'vitest';
import type { Fix } from '../../src/findings/types.js';
import { applyFixes } from '../../src/fixes/apply.js';
import { toChanges, toFixEdits } from '../../src/fixes/positions.js';

const fix = (edits: Fix['edits']): Fix => ({ description: 'd', applicability: 'safe', edits });

describe('applyFixes', () => {
  it('applies non-overlapping fixes and leaves an overlapping one for the next run', () => {
    const text = 'a = f(x)\nb = g(y)\n';
    const one = fix([{ startLine: 1, startColumn: 5, endLine: 1, endColumn: 6, text: 'h' }]);
    const two = fix([{ startLine: 2, startColumn: 5, endLine: 2, endColumn: 6, text: 'k' }]);
    const clash = fix([{ startLine: 1, startColumn: 5, endLine: 1, endColumn: 9, text: 'z()' }]);
    const r = applyFixes(text, [one, two, clash]);
    expect(r.text).toBe('a = h(x)\nb = k(y)\n');
    expect(r.applied).toEqual([one, two]);
    expect(r.skipped).toEqual([clash]);
  });

  it('inserts an import shared by two fixes once, and keeps inserts at one point in order', () => {
    const text = 'x = 1\ny = 2\n';
    const imp = { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, text: 'import os\n' };
    const a = fix([imp, { startLine: 1, startColumn: 5, endLine: 1, endColumn: 6, text: 'os.sep' }]);
    const b = fix([imp, { startLine: 2, startColumn: 5, endLine: 2, endColumn: 6, text: 'os.sep' }]);
    const c = fix([{ ...imp, text: 'import sys\n' }]);
    expect(applyFixes(text, [a, b, c]).text).toBe('import os\nimport sys\nx = os.sep\ny = os.sep\n');
  });

  it('refuses an insert strictly inside a replaced range', () => {
    const text = 'abcdef\n';
    const replace = fix([{ startLine: 1, startColumn: 2, endLine: 1, endColumn: 5, text: 'X' }]);
    const insert = fix([{ startLine: 1, startColumn: 3, endLine: 1, endColumn: 3, text: '!' }]);
    expect(applyFixes(text, [replace, insert])).toMatchObject({ text: 'aXef\n', skipped: [insert] });
  });

  it('skips a fix whose range is not in the text (the file changed since the scan)', () => {
    const stale = fix([{ startLine: 9, startColumn: 1, endLine: 9, endColumn: 2, text: 'x' }]);
    expect(applyFixes('one line\n', [stale])).toMatchObject({ text: 'one line\n', skipped: [stale] });
  });
});

describe('fix positions', () => {
  it('round-trips offsets through code-point columns, past characters outside the BMP and CRLF lines', () => {
    const text = 's = "😀😀"; t = 1\r\nu = 2\r\n';
    const start = text.indexOf('t');
    const edits = toFixEdits(text, [{ start, end: start + 1, text: 'v' }, { start: text.indexOf('u'), end: text.indexOf('u') + 1, text: 'w' }]);
    expect(edits[0]).toMatchObject({ startLine: 1, startColumn: 11, endColumn: 12 });
    expect(edits[1]).toMatchObject({ startLine: 2, startColumn: 1 });
    expect(toChanges(text, edits)).toEqual([
      { start, end: start + 1, text: 'v' },
      { start: text.indexOf('u'), end: text.indexOf('u') + 1, text: 'w' },
    ]);
  });
});
