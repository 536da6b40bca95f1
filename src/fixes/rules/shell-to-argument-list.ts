import { unparen } from '../../syntax/nodes.js';
import { argument } from '../../semantics/model.js';
import { keywordArgument, pythonString, removeArgument, replaceNode } from '../edits.js';
import type { FixProvider } from '../types.js';

/**
 * Characters a shell gives a meaning to (quoting, expansion, redirection, globbing, comments, line breaks) and a
 * leading `NAME=value` assignment: a command without them splits on spaces into exactly the words the shell
 * would have passed, so the list runs the same program with the same arguments.
 */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]{}~!#\n\r\t%]/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export const shellToArgumentList: FixProvider = {
  ruleId: 'K117',
  name: 'shell-command-to-argument-list',
  applicability: 'safe',
  summary: 'Splits a constant command without shell syntax into an argument list and removes `shell=True`.',
  create({ model, call }) {
    if (!call || call.hasStarArgs || call.hasStarKwargs) return undefined;
    const cmd = argument(call, 0, 'args');
    const shell = call.keywords.get('shell');
    const shellArg = shell ? keywordArgument(shell) : undefined;
    if (!cmd || !shellArg || unparen(cmd).type !== 'string') return undefined;
    const text = model.constantString(cmd);
    if (text === undefined || SHELL_SYNTAX.test(text)) return undefined;
    const words = text.trim().split(/ +/).filter(Boolean);
    if (words.length === 0 || ASSIGNMENT.test(words[0])) return undefined;
    const removal = removeArgument(shellArg);
    if (!removal) return undefined;
    return {
      description: 'pass the command as an argument list, without a shell',
      changes: [replaceNode(cmd, `[${words.map(pythonString).join(', ')}]`), removal],
    };
  },
};
