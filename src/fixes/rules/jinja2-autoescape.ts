import type { TextChange } from '../types.js';
import { addKeyword, ensureFromImport, replaceNode } from '../edits.js';
import type { FixProvider } from '../types.js';

export const jinja2Autoescape: FixProvider = {
  ruleId: 'K130',
  name: 'use-select-autoescape',
  applicability: 'safe',
  summary: 'Sets `autoescape=select_autoescape()` (escaping for `.html`, `.htm`, `.xml` templates and strings), importing it from `jinja2`.',
  create({ model, node, call }) {
    if (!call || call.hasStarKwargs) return undefined;
    const imports = ensureFromImport(model, 'jinja2', 'select_autoescape');
    if (!imports) return undefined;
    const current = call.keywords.get('autoescape');
    const change: TextChange | undefined = current ? replaceNode(current, 'select_autoescape()') : addKeyword(node, 'autoescape=select_autoescape()');
    return change ? { description: 'escape HTML with autoescape=select_autoescape()', changes: [...imports, change] } : undefined;
  },
};
