import type { Node } from 'web-tree-sitter';
import type { CallSite } from '../../semantics/model.js';
import { excerpt, requestShaped } from '../helpers.js';
import type { Rule } from '../types.js';
import { administrativeStatement, sqlBuild } from './sql.js';

/** Methods that run the SQL text they are given, whatever object they belong to (DB-API, SQLAlchemy, peewee, pandas). */
const SQL_METHODS = new Set(['execute', 'executemany', 'executescript', 'exec_driver_sql', 'execute_sql', 'read_sql', 'read_sql_query']);

/**
 * Methods that run SQL on some libraries and mean something else on others (asyncpg `fetch`, Django `raw`,
 * `databases` `fetch_all`, InfluxDB `query`, Spark and DuckDB `sql`): the text must be a whole SQL statement to count.
 */
const MAYBE_SQL_METHODS = new Set(['raw', 'fetch', 'fetchrow', 'fetchval', 'fetch_all', 'fetch_one', 'fetch_val', 'iterate', 'query', 'sql']);

/** Functions that take SQL text, by qualified name. */
const SQL_FUNCTIONS = new Set([
  'sqlalchemy.text',
  'sqlalchemy.sql.text',
  'sqlalchemy.sql.expression.text',
  'sqlalchemy.sql.expression.TextClause',
  'pandas.read_sql',
  'pandas.read_sql_query',
  'pandas.io.sql.read_sql',
  'pandas.io.sql.read_sql_query',
]);

const SQL_KEYWORDS = ['sql', 'query', 'statement', 'operation', 'raw_query', 'stmt', 'text'];

/** The SQL argument of a call: the first positional one, or a keyword that names SQL. */
function sqlArgument(call: CallSite): Node | undefined {
  if (call.args.length > 0) return call.args[0];
  for (const k of SQL_KEYWORDS) {
    const v = call.keywords.get(k);
    if (v) return v;
  }
  return undefined;
}

export const sqlFormattedQuery: Rule = {
  meta: {
    id: 'K120',
    name: 'sql-formatted-query',
    summary: 'SQL text built by formatting non-constant values into it (f-string, `%`, `.format`, `+`) and then run',
    severity: 'high',
    confidence: 'medium',
    cwe: [89],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B608'], ruff: ['S608'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports SQL statements put together from constant text and values that are not constant, when the ' +
      'result is run:\n\n' +
      '- passed to `execute`, `executemany`, `executescript` (any DB-API cursor or connection: sqlite3, ' +
      'psycopg, PyMySQL, MySQLdb, Django\'s `connection.cursor()`), SQLAlchemy `session.execute`, ' +
      '`connection.exec_driver_sql` and `text()`, peewee `execute_sql`, `pandas.read_sql`/`read_sql_query`;\n' +
      '- or to `raw`, `fetch`, `fetchrow`, `fetchval`, `fetch_all`, `fetch_one`, `iterate`, `query`, `sql` ' +
      '(Django `Manager.raw`, asyncpg, `databases`, Spark, DuckDB), where the text must be a whole statement ' +
      'to count;\n' +
      '- directly, or through a variable assigned earlier, including one extended with `+=`.\n\n' +
      'The constant parts must read as SQL: a statement with its clause (`SELECT … FROM`, `INSERT INTO`, ' +
      '`UPDATE … SET`, `DELETE FROM`, `WITH … AS (`, DDL, `PRAGMA`…), or clauses such as `WHERE` and ' +
      '`ORDER BY` appended to a query from elsewhere. The finding is placed where the string is built.\n\n' +
      'Not reported: a constant query with its values passed separately (`execute(sql, params)`, ' +
      '`text("… WHERE id = :id")`); formatting that only inserts constants (`"SELECT %s" % ("a",)`), ' +
      'numbers (`%d`, `{n:d}`, `int(x)`, `len(x)`), a choice between constants (`"ASC" if asc else "DESC"`), ' +
      'placeholders (`", ".join("?" * len(ids))`), or loop variables over a constant list of table names; ' +
      'text that is not SQL (log and error messages that happen to say "select", `DataFrame.query` ' +
      'expressions); and strings never run as SQL. Names that code declares are not reported either: ' +
      'Django model metadata (`Model._meta.db_table`, a field from `_meta.get_field()` and its `.column`, ' +
      '`m2m_db_table()`…), the same passed through an identifier quoter (`connection.ops.quote_name`, ' +
      '`identifier_preparer.quote_identifier`, `format_table`…) or `identifier_converter`, constants a ' +
      'connection\'s backend defines (`connection.features.bare_select_suffix`, `connection.ops.select`) or builds ' +
      'from safe arguments (`connection.ops.for_update_sql(nowait=True)`), table and column names read from the ' +
      'database catalog by Django\'s introspection (`connection.introspection.table_names(cursor)`), SQL the ORM ' +
      'compiled (`sql, params = query.as_sql()`), a name assigned in branches when every assignment is safe, ' +
      '`self.NAME` when the class body declares `NAME` once and nothing in the module assigns it, a parameter ' +
      'of a private function (`_get_func(self, func)`) that the module only calls, with safe arguments, and ' +
      'a loop variable over a comprehension or list of safe values. Values passed through a quoting helper ' +
      '(`quote_name` of an unknown value, `escape_string`, `mogrify`…) or parameters annotated as numbers are ' +
      'reported at low confidence. Administrative statements (`CREATE`/`DROP`/`ALTER DATABASE`, `USER`, ' +
      '`ROLE`, `SCHEMA`; `GRANT`, `REVOKE`, `ATTACH DATABASE`, `SET search_path`, `PRAGMA`, `USE`) are ' +
      'reported at low confidence, with a message that says why: they run in test-database provisioning and ' +
      'connection set-up with names from configuration; they stay at medium when the value is read off a ' +
      '`request` or the function takes a `request` parameter (a view), and the taint rules report request ' +
      'data that reaches any SQL.',
    why:
      'When a value is pasted into SQL text, the database cannot tell the value from the statement: ' +
      '`\' OR \'1\'=\'1` widens a `WHERE` clause, `1; DROP TABLE users` adds a statement, and a `UNION SELECT` ' +
      'reads other tables. Escaping by hand misses cases (encodings, numeric contexts, identifiers). Every ' +
      'driver accepts the values separately (`%s`, `?`, `:name` placeholders), and then no value can change ' +
      'the statement. Table and column names cannot be parameters: pick them from a fixed list, or quote ' +
      'them with the driver\'s identifier quoting (`psycopg.sql.Identifier`).',
    bad:
      'import sqlite3\n\n\n' +
      'def find_user(conn: sqlite3.Connection, name: str):\n' +
      '    return conn.execute(f"SELECT id, email FROM users WHERE name = \'{name}\'").fetchone()\n',
    good:
      'import sqlite3\n\n\n' +
      'def find_user(conn: sqlite3.Connection, name: str):\n' +
      '    return conn.execute("SELECT id, email FROM users WHERE name = ?", (name,)).fetchone()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/89.html',
      'https://owasp.org/www-community/attacks/SQL_Injection',
      'https://peps.python.org/pep-0249/#paramstyle',
      'https://docs.sqlalchemy.org/en/20/core/sqlelement.html#sqlalchemy.sql.expression.text',
      'https://docs.djangoproject.com/en/stable/topics/security/#sql-injection-protection',
    ],
  },
  callNames: [...SQL_METHODS, ...MAYBE_SQL_METHODS, 'text', 'TextClause', 'read_sql_table'],
  call(call, ctx) {
    // `call.name` is the callee's last name as written (the attribute, or the identifier): a plain string,
    // so calls of any other name are skipped before the tree is read.
    const name = call.name;
    if (!SQL_METHODS.has(name) && !MAYBE_SQL_METHODS.has(name) && name !== 'text' && name !== 'TextClause' && !name.startsWith('read_sql')) return;
    const fn = call.calleeNode;
    let sink: boolean;
    if (fn.type === 'attribute' && SQL_METHODS.has(name)) sink = true;
    else if (fn.type === 'attribute' && MAYBE_SQL_METHODS.has(name)) sink = false;
    else if ((name === 'text' || name === 'TextClause' || name.startsWith('read_sql')) && call.callee && SQL_FUNCTIONS.has(call.callee)) sink = true;
    else return;
    const arg = sqlArgument(call);
    if (!arg) return;
    const build = sqlBuild(arg, ctx.model, sink);
    if (!build) return;
    const how = build.composed.how ?? 'formatting';
    const weak = build.safety === 'weak';
    const admin = weak ? undefined : administrativeStatement(build.composed.text);
    if (admin && !requestShaped(build.culprit, ctx.model)) {
      ctx.report({
        node: build.node,
        message:
          `SQL built with ${how} from a non-constant value (${excerpt(build.culprit, 30)}) reaches ${name}() in an administrative ` +
          `statement (${admin}): such statements name databases, users and settings from configuration, not from requests ` +
          '(low confidence); quote the name with the driver\'s identifier quoting or pick it from a fixed list',
        confidence: 'low',
      });
      return;
    }
    ctx.report({
      node: build.node,
      message:
        `SQL built with ${how} from ${weak ? 'a value that is only quoted by hand or annotated as a number' : 'a non-constant value'} ` +
        `(${excerpt(build.culprit, 30)}) reaches ${name}(); pass values as query parameters ` +
        '(execute(sql, params)) and pick table or column names from a fixed list',
      ...(weak ? { confidence: 'low' as const } : {}),
      // Reported where the SQL is built; the dataflow judges the call that runs it (proved constant or clean there).
      sinkLines: callLines(call.node),
    });
  },
};

function callLines(node: Node): number[] {
  const out: number[] = [];
  for (let row = node.startPosition.row; row <= node.endPosition.row && out.length < 50; row++) out.push(row + 1);
  return out;
}
