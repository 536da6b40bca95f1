import type { Rule } from '../types.js';

export const evalDynamic: Rule = {
  meta: {
    id: 'K101',
    name: 'eval-dynamic',
    summary: '`eval()` of an expression that is not a constant string',
    severity: 'high',
    confidence: 'medium',
    cwe: [95, 94],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B307'], ruff: ['S307'] },
    defaultEnabled: true,
  },
  docs: {
    what: 'Reports calls to the builtin `eval()` whose first argument is not a constant string.',
    why:
      '`eval()` runs its argument as Python code with the full power of the process. When any part of the ' +
      'text comes from a request, a file or another program, an attacker can run arbitrary code. Parsing data ' +
      'almost never needs `eval`: `ast.literal_eval` reads Python literals safely, `json.loads` reads JSON, and ' +
      'a dispatch table maps names to functions.',
    bad: 'def total(expression: str) -> int:\n    return eval(expression)\n',
    good: 'import ast\n\n\ndef total(expression: str) -> int:\n    return ast.literal_eval(expression)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/95.html',
      'https://docs.python.org/3/library/ast.html#ast.literal_eval',
    ],
  },
  callees: ['eval', 'builtins.eval'],
  call(call, ctx) {
    const code = call.args[0] ?? call.keywords.get('source');
    if (!code) return;
    if (ctx.model.isConstant(code)) return;
    ctx.report({ node: call.node, message: 'eval() of a non-constant expression can run attacker-controlled code' });
  },
};
