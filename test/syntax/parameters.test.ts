import { describe, expect, it } from 'vitest';
import { parameterParts } from '../../src/syntax/nodes.js';
import { parsePython } from '../../src/syntax/parser.js';

describe('parameterParts', () => {
  it('reads every parameter form, leaving out separators and typed splats', async () => {
    const { tree } = await parsePython('def f(a, b: int, c=1, d: str = "x", /, *args, e, **kw): pass\ndef g(*rest: int, **opts): pass\nh = lambda x, y=2: x\n');
    const [f, g] = tree.rootNode.namedChildren.filter((n) => n?.type === 'function_definition');
    const lambda = tree.rootNode.descendantsOfType('lambda')[0];
    const show = (fn: typeof f) =>
      parameterParts(fn as NonNullable<typeof f>).map((p) => `${p.splat}${p.name.text}:${p.annotation?.text ?? '-'}:${p.node.childForFieldName('value')?.text ?? '-'}`);
    expect(show(f)).toEqual(['a:-:-', 'b:int:-', 'c:-:1', 'd:str:"x"', '*args:-:-', 'e:-:-', '**kw:-:-']);
    expect(show(g)).toEqual(['**opts:-:-']);
    expect(show(lambda)).toEqual(['x:-:-', 'y:-:2']);
    tree.delete();
  });
});
