import type { Node, Tree } from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';
import { parsePython } from '../../src/syntax/parser.js';

/** Every node of a tree with its type as the grammar numbers it (typeId is read fresh from WASM each time). */
function walk(tree: Tree): { node: Node; expected: string }[] {
  const out: { node: Node; expected: string }[] = [];
  const visit = (n: Node) => {
    out.push({ node: n, expected: tree.language.types[n.typeId] || 'ERROR' });
    for (const c of n.children) if (c) visit(c);
  };
  visit(tree.rootNode);
  return out;
}

describe('node types read through the per-tree cache', () => {
  it('match the grammar for every node, read twice, across trees that reuse freed memory', async () => {
    const sources = [
      'import os\n\ndef f(a, *b, **c):\n    return [x for x in a if x]\n',
      'class C:\n    x: int = 1\n    async def g(self):\n        await self.h(lambda y: y)\n',
      'try:\n    pass\nexcept (A, B) as e:\n    raise\nfinally:\n    del z\n',
      'match p:\n    case [1, *rest] if rest: print(f"{rest!r}")\n',
    ];
    let checked = 0;
    for (let round = 0; round < 2; round++) {
      for (const source of sources) {
        const { tree } = await parsePython(source);
        try {
          for (const { node, expected } of walk(tree)) {
            expect(node.type).toBe(expected);
            expect(node.type).toBe(expected);
            checked++;
          }
        } finally {
          tree.delete();
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});
