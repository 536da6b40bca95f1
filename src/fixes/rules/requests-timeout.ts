import { addKeyword, replaceNode } from '../edits.js';
import type { FixProvider } from '../types.js';

/** Long enough for a slow API, short enough that a stalled server does not hold a worker for ever. */
const SECONDS = 30;

export const requestsTimeout: FixProvider = {
  ruleId: 'K412',
  name: 'add-request-timeout',
  applicability: 'unsafe',
  summary: `Adds \`timeout=${SECONDS}\` (or replaces \`timeout=None\`); unsafe because a slow but working call now fails after ${SECONDS} s.`,
  create({ node, call }) {
    if (!call || call.hasStarKwargs) return undefined;
    const current = call.keywords.get('timeout');
    const change = current ? (current.type === 'none' ? replaceNode(current, String(SECONDS)) : undefined) : addKeyword(node, `timeout=${SECONDS}`);
    return change ? { description: `give up after ${SECONDS} seconds (timeout=${SECONDS})`, changes: [change] } : undefined;
  },
};
