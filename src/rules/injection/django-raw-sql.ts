import { argument } from '../../semantics/model.js';
import { excerpt } from '../helpers.js';
import type { Rule } from '../types.js';
import { unsafeSnippet } from './django-extra-sql.js';

const RAW_SQL = ['django.db.models.expressions.RawSQL', 'django.db.models.RawSQL'];

export const djangoRawSql: Rule = {
  meta: {
    id: 'K122',
    name: 'django-raw-sql',
    summary: 'Django `RawSQL` expression with SQL built from non-constant values',
    severity: 'high',
    confidence: 'medium',
    cwe: [89],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B611'], ruff: ['S611'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `django.db.models.expressions.RawSQL(sql, params)` when `sql` is built by formatting ' +
      'non-constant values into it (f-strings, `%`, `.format`, `+`), directly or through a variable.\n\n' +
      'Not reported: constant SQL with the values in `params` (the supported way), SQL that only formats ' +
      'in numbers, constants or placeholders, and SQL the source does not show being built. Names that code ' +
      'declares are not reported (model metadata, quoted or not, and a backend\'s constants: see K120), nor SQL ' +
      'the ORM compiled, the first of `sql, params = compiler.compile(expr)` or `query.as_sql()`, whose values ' +
      'are in the params. Values passed through a quoting helper are reported at low confidence.',
    why:
      '`RawSQL` inserts its text into the query unchanged; a value formatted into it becomes SQL, so a user ' +
      'can rewrite the condition or read other tables. The second argument exists for the values: use ' +
      '`%s` placeholders in the SQL and pass the values there.',
    bad:
      'from django.db.models.expressions import RawSQL\n\nfrom shop.models import Product\n\n\n' +
      'def with_stock(warehouse: str):\n' +
      '    stock = RawSQL(f"SELECT qty FROM stock WHERE warehouse = \'{warehouse}\' AND sku = shop_product.sku", [])\n' +
      '    return Product.objects.annotate(stock=stock)\n',
    good:
      'from django.db.models.expressions import RawSQL\n\nfrom shop.models import Product\n\n\n' +
      'def with_stock(warehouse: str):\n' +
      '    stock = RawSQL("SELECT qty FROM stock WHERE warehouse = %s AND sku = shop_product.sku", [warehouse])\n' +
      '    return Product.objects.annotate(stock=stock)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/89.html',
      'https://docs.djangoproject.com/en/stable/ref/models/expressions/#raw-sql-expressions',
    ],
  },
  callees: RAW_SQL,
  call(call, ctx) {
    const sql = argument(call, 0, 'sql');
    if (!sql) return;
    const found = unsafeSnippet([sql], ctx.model);
    if (!found) return;
    const weak = found.safety === 'weak';
    ctx.report({
      node: call.node,
      message:
        `RawSQL() with ${weak ? 'an escaped' : 'a non-constant'} value formatted into its SQL (${excerpt(found.culprit, 30)}); ` +
        'use %s placeholders and pass the values as params',
      ...(weak ? { confidence: 'low' as const } : {}),
    });
  },
};
