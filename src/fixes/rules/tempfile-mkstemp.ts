import { ensureModule, indentAt, replaceNode } from '../edits.js';
import type { FixProvider } from '../types.js';

/**
 * `path = tempfile.mktemp(...)` becomes `path_fd, path = tempfile.mkstemp(...)` and `os.close(path_fd)`: the
 * file now exists, created atomically with private permissions, and code that opens `path` afterwards still works.
 * Other shapes (the name passed straight to a call) are left to the reader.
 */
export const tempfileMkstemp: FixProvider = {
  ruleId: 'K912',
  name: 'use-tempfile-mkstemp',
  applicability: 'safe',
  summary: 'Rewrites `name = tempfile.mktemp(...)` to create the file with `tempfile.mkstemp(...)` and close its descriptor.',
  create({ model, node, call }) {
    if (!call || call.hasStarArgs || call.hasStarKwargs) return undefined;
    const assignment = node.parent;
    const target = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    const stmt = assignment?.parent;
    if (!assignment || target?.type !== 'identifier' || assignment.childForFieldName('type') || stmt?.type !== 'expression_statement') return undefined;
    if (assignment.childForFieldName('right')?.id !== node.id) return undefined;
    const fd = `${target.text}_fd`;
    if (model.lookup(fd, node.startIndex)) return undefined;
    const tempfile = ensureModule(model, 'tempfile');
    const os = ensureModule(model, 'os');
    if (!tempfile || !os) return undefined;
    const indent = indentAt(model.text, stmt.startIndex);
    // After the statement's line, so a comment at its end (a suppression, say) stays with it.
    const newline = model.text.slice(stmt.endIndex).search(/\r?\n|\r/);
    const lineEnd = newline < 0 ? model.text.length : stmt.endIndex + newline;
    if (/[^\s]/.test(model.text.slice(stmt.endIndex, lineEnd).replace(/#.*/, ''))) return undefined;
    return {
      description: 'create the file atomically with tempfile.mkstemp() and close its descriptor',
      changes: [
        ...tempfile.changes,
        ...os.changes,
        { start: target.startIndex, end: target.startIndex, text: `${fd}, ` },
        replaceNode(call.calleeNode, `${tempfile.name}.mkstemp`),
        { start: lineEnd, end: lineEnd, text: `\n${indent}${os.name}.close(${fd})` },
      ],
    };
  },
};
