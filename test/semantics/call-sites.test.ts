import { describe, expect, it } from 'vitest';
import { modelOf } from '../helpers/model.js';

/** The written last name and the callee node of every call, as the grammar has them. */
function fromTree(m: Awaited<ReturnType<typeof modelOf>>): string[] {
  return m.calls.map((c) => {
    const fn = c.node.childForFieldName('function');
    const name = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
    return `${c.node.startPosition.row + 1}:${name}:${fn?.text}`;
  });
}

describe('call sites', () => {
  it('reads the callee name from the text exactly where the grammar agrees, and from the tree elsewhere', async () => {
    const m = await modelOf(
      [
        'run(a)', //                     1: plain name
        'sp . run (a)', //               2: spaces around the dot and before the parenthesis
        'f(a)(b)', //                    3: the outer call's callee is a call
        'g(x).run(y)', //                4: the outer call's callee is an attribute of a call
        'h[k](z)', //                    5: subscript callee
        '"-".join(p)', //                6: string receiver
        'None(q)', //                    7: a constant, not an identifier
        'données.lire(r)', //            8: non-ASCII name
        'obj.método(s)', //              9: non-ASCII attribute
        'a.b.c(t)', //                   10
        '(lambda v: v)(u)', //           11
        'x = [fn\n (w)]', //             12-13: newline between callee and arguments
        '@app.route("/")\ndef view(): pass', // 14
      ].join('\n'),
    );
    const fromModel = m.calls.map((c) => `${c.node.startPosition.row + 1}:${c.name}:${c.calleeNode.text}`);
    expect(fromModel).toEqual(fromTree(m));
    expect(fromModel).toEqual([
      '1:run:run',
      '2:run:sp . run',
      '3::f(a)',
      '3:f:f',
      '4:run:g(x).run',
      '4:g:g',
      '5::h[k]',
      '6:join:"-".join',
      '7::None',
      '8:lire:données.lire',
      '9:método:obj.método',
      '10:c:a.b.c',
      '11::(lambda v: v)',
      '12:fn:fn',
      '14:route:app.route',
    ]);
  });
});
