/**
 * Snippets and columns that cost the same whatever the length of the line. A generated module can be one line
 * of megabytes holding thousands of findings: copying (and hashing, masking, printing) the whole line for each
 * finding made the cost quadratic in the line's length. Lines up to `LONG_LINE` are shown whole, as before;
 * a longer line is shown as a window around the finding, and the finding says where the window starts.
 */
import type { Location } from './types.js';

/** UTF-16 units; a line at most this long is a snippet as it stands. */
export const LONG_LINE = 1000;
/** Characters of context kept on each side of the finding in a long line. */
const CONTEXT = 100;
/** The most of a long line's finding shown: a multi-megabyte literal is cut too. */
const MAX_SPAN = 400;

/**
 * Code-point boundaries of the last line asked about: the UTF-16 offsets where a surrogate pair starts, so a
 * column is one binary search away instead of a walk from the line's start.
 */
let cachedLine: string | undefined;
let cachedPairs: number[] = [];

/** Offsets of the surrogate pairs of a line. */
function scanPairs(line: string): number[] {
  const pairs: number[] = [];
  for (let i = 0; i < line.length - 1; i++) {
    const c = line.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = line.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs.push(i);
        i++;
      }
    }
  }
  return pairs;
}

/** Long lines are cached (one line's findings ask in a row); short ones are as cheap to scan as to look up. */
function pairsOf(line: string): number[] {
  if (line.length <= 64) return scanPairs(line);
  if (line !== cachedLine) {
    cachedLine = line;
    cachedPairs = scanPairs(line);
  }
  return cachedPairs;
}

/** How many of the sorted `pairs` start before `offset` and end at or before it (a pair counts once it is whole). */
function pairsBefore(pairs: readonly number[], offset: number): number {
  let lo = 0;
  let hi = pairs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pairs[mid] + 1 < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Column in code points (what editors show), 1-based, from a UTF-16 column (tree-sitter's). Past the line's
 * end (a position on the line break) it keeps counting, as editors do.
 */
export function codePointColumn(line: string, utf16Column: number): number {
  const within = Math.min(utf16Column, line.length);
  const pairs = pairsOf(line);
  // A column inside a pair (never produced by the parser) counts the pair's first half as a code point.
  return within - pairsBefore(pairs, within) + 1 + Math.max(0, utf16Column - line.length);
}

/** UTF-16 offset of a 1-based code-point column of the line (clamped to the line). */
export function utf16Offset(line: string, column: number): number {
  const pairs = pairsOf(line);
  let offset = Math.max(0, column - 1);
  // Each pair before the target adds one UTF-16 unit; walk the sorted pairs while they start before it.
  for (const p of pairs) {
    if (p < offset) offset++;
    else break;
  }
  return Math.min(offset, line.length);
}

export interface SnippetText {
  /** The finding's lines (up to `maxLines`), or a window of its first line when that is long. */
  snippet: string;
  /** Set when the snippet is a window: the 1-based code-point column of the line where it starts. */
  snippetColumn?: number;
  /** What the fingerprint hashes: the first line, or the window of it. */
  fingerprintLine: string;
}

/** Never splits a surrogate pair at a window edge. */
function pairSafe(line: string, offset: number): number {
  const c = line.charCodeAt(offset);
  return offset > 0 && offset < line.length && c >= 0xdc00 && c <= 0xdfff ? offset - 1 : offset;
}

/** The snippet of a finding at `loc` in `lines` (the file's lines, masked where they hold secrets). */
export function snippetOf(lines: readonly string[], loc: Location, maxLines: number): SnippetText {
  const first = loc.startLine - 1;
  const line = lines[first] ?? '';
  if (line.length <= LONG_LINE) {
    const last = Math.min(loc.endLine - 1, first + maxLines - 1);
    return { snippet: lines.slice(first, last + 1).join('\n'), fingerprintLine: line };
  }
  const from = utf16Offset(line, loc.startColumn);
  const to = loc.endLine === loc.startLine ? Math.max(from, utf16Offset(line, loc.endColumn)) : line.length;
  const start = pairSafe(line, Math.max(0, from - CONTEXT));
  const end = pairSafe(line, Math.min(line.length, Math.min(to, from + MAX_SPAN) + CONTEXT));
  const window = line.slice(start, end);
  return { snippet: window, snippetColumn: codePointColumn(line, start), fingerprintLine: window };
}
