import { describe, expect, it } from 'vitest';
import { codePointColumn, LONG_LINE, snippetOf, utf16Offset } from '../../src/findings/snippet.js';

describe('columns and snippets', () => {
  // Code points as editors count them: each emoji is one column but two UTF-16 units.
  const short = 'x = "😀é😀" + y';
  const long = `${'😀'.repeat(40)}${'a'.repeat(LONG_LINE)} eval(z) ${'b'.repeat(LONG_LINE)}`;

  it('converts UTF-16 columns to code-point columns and back, on short and long (cached) lines', () => {
    for (const line of [short, long]) {
      const cps = Array.from(line);
      let utf16 = 0;
      cps.forEach((ch, i) => {
        expect(codePointColumn(line, utf16)).toBe(i + 1);
        expect(utf16Offset(line, i + 1)).toBe(utf16);
        utf16 += ch.length;
      });
      // Past the end (a position on the line break) it keeps counting.
      expect(codePointColumn(line, line.length + 2)).toBe(cps.length + 3);
    }
  });

  it('a long line gives a window holding the finding, with the column it starts at', () => {
    const at = Array.from(long).indexOf('e', 40) + 1;
    const loc = { path: 'm.py', startLine: 1, startColumn: at, endLine: 1, endColumn: at + 'eval(z)'.length };
    const s = snippetOf([long], loc, 5);
    expect(s.snippet.length).toBeLessThan(300);
    const col = s.snippetColumn ?? 0;
    expect(Array.from(s.snippet).slice(at - col, at - col + 7).join('')).toBe('eval(z)');
    expect(s.fingerprintLine).toBe(s.snippet);
  });

  it('a line of ordinary length is the snippet as before (the near miss)', () => {
    const loc = { path: 'm.py', startLine: 1, startColumn: 5, endLine: 2, endColumn: 2 };
    expect(snippetOf([short, 'z = 1', 'w'], loc, 5)).toEqual({ snippet: `${short}\nz = 1`, fingerprintLine: short });
  });
});
