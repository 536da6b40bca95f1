import { describe, expect, it } from 'vitest';
import type { Rule } from '../../src/rules/types.js';
import { analyze } from '../helpers/analyze.js';

function nodeRule(id: string, types: string[]): Rule {
  return {
    meta: { id, name: `probe-${id.toLowerCase()}`, summary: 'probe', severity: 'low', confidence: 'low', cwe: [1], owasp: 'A04:2021-Insecure Design', sources: {}, defaultEnabled: true },
    docs: { what: '', why: '', bad: '', good: '', references: [] },
    nodeTypes: types,
    node(node, ctx) {
      ctx.report({ node, message: node.type });
    },
  };
}

describe('rules that ask for node types', () => {
  it('receive exactly the nodes of those types, in source order, next to the model query', async () => {
    const src = 'assert x\ntry:\n    f()\nexcept E:\n    pass\nassert y, "m"\nif a == b:\n    pass\n';
    const r = await analyze(src, { rules: [nodeRule('K991', ['assert_statement', 'except_clause']), nodeRule('K992', ['comparison_operator'])] });
    expect(r.findings.map((f) => `${f.location.startLine}:${f.ruleId}:${f.message}`)).toEqual([
      '1:K991:assert_statement',
      '4:K991:except_clause',
      '6:K991:assert_statement',
      '7:K992:comparison_operator',
    ]);
  });
});
