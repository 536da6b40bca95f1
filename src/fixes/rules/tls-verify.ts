import { keywordArgument, removeArgument, replaceNode } from '../edits.js';
import type { FixProvider } from '../types.js';

export const tlsVerify: FixProvider = {
  ruleId: 'K401',
  name: 'remove-verify-false',
  applicability: 'safe',
  summary: 'Removes `verify=False` from the call (verification is on by default), or sets `session.verify = True`.',
  create({ node, call }) {
    if (call) {
      const verify = call.keywords.get('verify');
      const kw = verify ? keywordArgument(verify) : undefined;
      const removal = kw ? removeArgument(kw) : undefined;
      return removal ? { description: 'remove verify=False so the certificate is checked', changes: [removal] } : undefined;
    }
    const assignment = node.type === 'assignment' ? node : node.namedChild(0)?.type === 'assignment' ? node.namedChild(0) : null;
    const right = assignment?.childForFieldName('right');
    if (!right || assignment?.childForFieldName('type')) return undefined;
    return { description: 'set verify to True so certificates are checked', changes: [replaceNode(right, 'True')] };
  },
};
