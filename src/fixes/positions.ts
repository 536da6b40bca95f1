/**
 * Fix edits travel as lines and code-point columns (the `Location` convention of every report); fixes are
 * computed, and applied, as offsets into the text. Both directions live here.
 */
import type { FixEdit } from '../findings/types.js';
import { lineOf, lineStartsOf } from '../secrets/detect.js';
import type { TextChange } from './types.js';

/** Offsets where lines start (`\r\n`, `\r` or `\n`, as the module model splits them). */
export const lineStarts = lineStartsOf;

/** 1-based code-point column of an offset within its line. */
function columnOf(text: string, lineStart: number, offset: number): number {
  let cp = 0;
  for (let i = lineStart; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < offset) i++;
    cp++;
  }
  return cp + 1;
}

/** Offset of a 1-based line and code-point column; undefined when the text has no such position. */
export function offsetOf(text: string, starts: readonly number[], line: number, column: number): number | undefined {
  const start = starts[line - 1];
  if (start === undefined) return undefined;
  const end = line < starts.length ? starts[line] : text.length;
  let i = start;
  for (let cp = 1; cp < column; cp++) {
    if (i >= end) return undefined;
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return i;
}

export function toFixEdits(text: string, changes: readonly TextChange[]): FixEdit[] {
  const starts = lineStarts(text);
  return [...changes]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((c) => {
      const sr = lineOf(starts, c.start);
      const er = lineOf(starts, c.end);
      return {
        startLine: sr + 1,
        startColumn: columnOf(text, starts[sr], c.start),
        endLine: er + 1,
        endColumn: columnOf(text, starts[er], c.end),
        text: c.text,
      };
    });
}

export function toChanges(text: string, edits: readonly FixEdit[]): TextChange[] | undefined {
  const starts = lineStarts(text);
  const out: TextChange[] = [];
  for (const e of edits) {
    const start = offsetOf(text, starts, e.startLine, e.startColumn);
    const end = offsetOf(text, starts, e.endLine, e.endColumn);
    if (start === undefined || end === undefined || end < start) return undefined;
    out.push({ start, end, text: e.text });
  }
  return out;
}
