import { ensureModule, pythonString, replaceNode } from '../edits.js';
import type { FixProvider } from '../types.js';

const VARIABLE = 'FLASK_DEBUG';

/** `debug=True` (or `use_debugger=True`, `app.debug = True`) becomes a switch read from the environment, off unless set. */
export const flaskDebugEnv: FixProvider = {
  ruleId: 'K501',
  name: 'debug-from-environment',
  applicability: 'safe',
  summary: `Replaces the literal \`True\` with \`os.environ.get("${VARIABLE}") == "1"\`, so debug mode is off unless the environment turns it on.`,
  create({ model, node, call }) {
    let value = call ? (call.keywords.get('debug') ?? call.keywords.get('use_debugger')) : undefined;
    if (!call) {
      const assignment = node.type === 'assignment' ? node : node.namedChild(0)?.type === 'assignment' ? node.namedChild(0) : null;
      value = assignment?.childForFieldName('right') ?? undefined;
    }
    if (value?.type !== 'true') return undefined;
    const os = ensureModule(model, 'os');
    if (!os) return undefined;
    return {
      description: `read debug mode from the ${VARIABLE} environment variable (off unless it is "1")`,
      changes: [...os.changes, replaceNode(value, `${os.name}.environ.get(${pythonString(VARIABLE)}) == "1"`)],
    };
  },
};
