/**
 * Where a `# krait: ignore[ID]` comment goes for a finding, so that src/findings/suppressions.ts honours it: on
 * one of the rows of the finding's statement header (the rows `toFindings` searches), at the end of a row that
 * does not end inside a string or after a line-continuation backslash, where a comment would be text or a syntax
 * error. An existing `krait: ignore[...]` on that row gets the id added instead of a second comment.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { Location } from '../findings/types.js';
import { enclosingStatement, statementHeaderRows } from '../syntax/nodes.js';
import { parsePython } from '../syntax/parser.js';
import { lineStarts, offsetOf } from './positions.js';
import type { TextChange } from './types.js';

const KRAIT_IGNORE = /#\s*krait\s*:\s*ignore\b(\[[^\]]*\])?/i;

/** True when the end of `row` lies inside a string that continues on a later row. */
function endsInString(tree: Tree, row: number, column: number): boolean {
  let n: Node | null = tree.rootNode.descendantForPosition({ row, column: Math.max(0, column - 1) });
  for (; n; n = n.parent) {
    if ((n.type === 'string' || n.type === 'concatenated_string') && n.endPosition.row > row && n.startPosition.row <= row) {
      // A concatenation spans rows legitimately; only a string whose own text crosses the row end counts.
      if (n.type === 'string') return true;
    }
  }
  return false;
}

function commentOn(tree: Tree, row: number, lineText: string): Node | undefined {
  const hash = lineText.lastIndexOf('#');
  if (hash < 0) return undefined;
  for (let at = lineText.indexOf('#'); at >= 0; at = lineText.indexOf('#', at + 1)) {
    const n = tree.rootNode.descendantForPosition({ row, column: at });
    if (n?.type === 'comment' && n.startPosition.row === row) return n;
  }
  return undefined;
}

export function suppressionChangeIn(tree: Tree, text: string, location: Location, ruleId: string): TextChange | undefined {
  const starts = lineStarts(text);
  const at = offsetOf(text, starts, location.startLine, location.startColumn);
  if (at === undefined) return undefined;
  const row0 = location.startLine - 1;
  const node = tree.rootNode.descendantForIndex(at, at) ?? tree.rootNode;
  const [from, to] = statementHeaderRows(enclosingStatement(node));
  const rows = [row0, ...Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((r) => r !== row0)];
  for (const row of rows) {
    if (row < Math.min(from, row0) || row > Math.max(to, location.endLine - 1)) continue;
    const lineStart = starts[row];
    const next = row + 1 < starts.length ? starts[row + 1] : text.length;
    const lineText = text.slice(lineStart, next).replace(/\r?\n$|\r$/, '');
    const comment = commentOn(tree, row, lineText);
    if (comment) {
      const m = KRAIT_IGNORE.exec(comment.text);
      if (m && !m[1]) return undefined; // A blanket `# krait: ignore` already suppresses every rule here.
      if (m?.[1]) {
        const close = comment.startIndex + m.index + m[0].length - 1;
        const ids = m[1].slice(1, -1).trim();
        return { start: close, end: close, text: ids ? `, ${ruleId}` : ruleId };
      }
      return { start: comment.endIndex, end: comment.endIndex, text: `  # krait: ignore[${ruleId}]` };
    }
    const content = lineText.replace(/\s+$/, '');
    if (content.length === 0 || content.endsWith('\\')) continue;
    // tree-sitter columns are UTF-16 units of the row, like `content.length`.
    if (endsInString(tree, row, content.length)) continue;
    const end = lineStart + content.length;
    return { start: end, end, text: `  # krait: ignore[${ruleId}]` };
  }
  return undefined;
}

/** The same, parsing the text first (the editor's current buffer). */
export async function suppressionChange(text: string, location: Location, ruleId: string): Promise<TextChange | undefined> {
  const { tree } = await parsePython(text);
  try {
    return suppressionChangeIn(tree, text, location, ruleId);
  } finally {
    tree.delete();
  }
}
