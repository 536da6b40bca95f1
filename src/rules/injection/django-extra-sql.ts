import type { Node } from 'web-tree-sitter';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { boundValue, excerpt } from '../helpers.js';
import type { Rule } from '../types.js';
import { SQL_TRUST } from './sql.js';
import { compose, judgeHoles, type Safety } from './strings.js';

/** The SQL-bearing arguments of `QuerySet.extra()`, with their positions; `params` and `select_params` are values. */
const SQL_ARGUMENTS: readonly [string, number][] = [
  ['select', 0],
  ['where', 1],
  ['tables', 3],
  ['order_by', 4],
];

/** The SQL snippets an argument holds: a dict's values (`select`), or a list's items. */
function snippets(node: Node, model: ModuleModel): Node[] {
  const v = boundValue(node, model);
  if (v.type === 'dictionary') {
    return v.namedChildren.flatMap((p) => {
      const value = p?.type === 'pair' ? p.childForFieldName('value') : null;
      return value ? [value] : [];
    });
  }
  if (v.type === 'list' || v.type === 'tuple') return v.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (v.type === 'list_comprehension' || v.type === 'generator_expression' || v.type === 'dictionary_comprehension') {
    const body = v.childForFieldName('body');
    const value = body?.type === 'pair' ? body.childForFieldName('value') : body;
    return value ? [value] : [];
  }
  return [];
}

/** The worst formatted-in value of the SQL snippets of a call, if any is not safe. */
export function unsafeSnippet(nodes: Node[], model: ModuleModel): { safety: Exclude<Safety, 'safe'>; culprit: Node } | undefined {
  let found: { safety: Exclude<Safety, 'safe'>; culprit: Node } | undefined;
  for (const n of nodes) {
    const composed = compose(n, model);
    if (!composed) continue;
    const judged = judgeHoles(composed, model, SQL_TRUST);
    if (judged.safety === 'safe' || !judged.culprit) continue;
    if (!found || (found.safety === 'weak' && judged.safety === 'unsafe')) found = { safety: judged.safety, culprit: judged.culprit };
  }
  return found;
}

export const djangoExtraSql: Rule = {
  meta: {
    id: 'K121',
    name: 'django-extra-sql',
    summary: 'Django `QuerySet.extra()` with SQL built from non-constant values',
    severity: 'high',
    confidence: 'medium',
    cwe: [89],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B610'], ruff: ['S610'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `.extra()` calls (in modules that use Django) whose SQL snippets — the values of `select`, ' +
      'the items of `where`, `tables` and `order_by` — are built by formatting non-constant values in ' +
      '(f-strings, `%`, `.format`, `+`), also through a variable or a comprehension.\n\n' +
      'Not reported: constant snippets with their values in `params=`/`select_params=` (the supported way), ' +
      'snippets that only format in numbers, constants or placeholders, and snippets the source does not ' +
      'show being built (a parameter, a constant imported from elsewhere). Snippets passed through a ' +
      'quoting helper (`connection.ops.quote_name`) are reported at low confidence.',
    why:
      '`extra()` pastes its snippets into the generated SQL verbatim. A value formatted into a snippet is ' +
      'SQL, so `1) OR (1=1` in a `where` item returns every row and a subquery reads other tables. Put ' +
      'values in `params`/`select_params` and keep the snippets constant; better, use the ORM expressions ' +
      'that replace `extra()` (`annotate()`, `F()`, `Q()`, `Func()`, `RawSQL` with params), which Django ' +
      'recommends.',
    bad:
      'from shop.models import Product\n\n\n' +
      'def cheaper_than(limit: str):\n' +
      '    return Product.objects.extra(where=[f"price < {limit}"])\n',
    good:
      'from shop.models import Product\n\n\n' +
      'def cheaper_than(limit: str):\n' +
      '    return Product.objects.extra(where=["price < %s"], params=[limit])\n',
    references: [
      'https://cwe.mitre.org/data/definitions/89.html',
      'https://docs.djangoproject.com/en/stable/ref/models/querysets/#extra',
      'https://docs.djangoproject.com/en/stable/topics/security/#sql-injection-protection',
    ],
  },
  callNames: ['extra'],
  call(call, ctx) {
    // `call.name` (the attribute as written, a plain string) first: other calls are not read from the tree.
    if (call.name !== 'extra') return;
    const fn = call.calleeNode;
    if (fn.type !== 'attribute') return;
    const model = ctx.model;
    // `extra` is a common name: require Django in sight (an import of it or of a models module, or `.objects`).
    const django = /\.objects\b/.test(fn.text) || model.imports.some((i) => i.module === 'django' || i.module.startsWith('django.') || /(^|\.)models$/.test(i.module));
    if (!django) return;
    const nodes = SQL_ARGUMENTS.flatMap(([kw, pos]) => {
      const a = argument(call, pos, kw);
      return a ? snippets(a, model) : [];
    });
    const found = unsafeSnippet(nodes, model);
    if (!found) return;
    const weak = found.safety === 'weak';
    ctx.report({
      node: call.node,
      message:
        `extra() gets SQL with ${weak ? 'an escaped' : 'a non-constant'} value formatted in (${excerpt(found.culprit, 30)}); ` +
        'keep the snippets constant and pass values in params=/select_params=, or use annotate(), F() and Q()',
      ...(weak ? { confidence: 'low' as const } : {}),
    });
  },
};
