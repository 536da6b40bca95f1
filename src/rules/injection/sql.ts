import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue } from '../helpers.js';
import { type Composed, HOLE, compose, judgeHoles, type Safety, type Trust } from './strings.js';

/**
 * What the SQL rules share: telling SQL text from other text, the helpers that quote SQL, and reading a
 * query variable built up with `+=`.
 */

/**
 * Identifier quoters (Django `connection.ops.quote_name`, SQLAlchemy `identifier_preparer.quote_identifier`,
 * psycopg `quote_ident`…): a quoted name built from a model's metadata or a constant is a safe name; a quoted
 * unknown value is only better than nothing (Django's `quote_name` does not escape the quote it adds).
 */
const IDENTIFIER_QUOTERS = new Set([
  '.quote_name',
  '.quote_name_unless_alias',
  '.quote_ident',
  '.quote_identifier',
  '.quote_schema',
  '.format_table',
  '.format_column',
  '.escape_identifier',
  'psycopg2.extensions.quote_ident',
  'sqlalchemy.sql.quoted_name',
]);

/**
 * Where a schema object's name is declared in code, not chosen at run time: Django model options
 * (`Model._meta.db_table`, `model._meta.pk.column`, `Model._meta.get_field("x").column`) and the names a
 * many-to-many field derives from them.
 */
const METADATA_OBJECTS = new Set(['_meta']);
const METADATA_METHODS = new Set(['m2m_column_name', 'm2m_reverse_name', 'm2m_db_table', 'm2m_field_name', 'm2m_reverse_field_name', 'get_attname_column']);

/**
 * Names read from the database's own catalog through Django's introspection (`connection.introspection.
 * table_names(cursor)`, `get_key_columns`…): tables and columns the schema declares, not text from a user.
 */
const CATALOG_METHODS = new Set(['table_names', 'django_table_names', 'get_table_list', 'get_primary_key_column', 'get_key_columns', 'get_relations', 'get_sequences', 'sequence_list']);

/**
 * A database backend's own constants, read (not called) from a connection's feature or operations object:
 * `connection.features.bare_select_suffix`, `connection.ops.select`. They are written in the backend's source,
 * never taken from a query.
 */
const BACKEND_OBJECTS = new Set(['features', 'ops']);
const CONNECTION = /connection$/i;

/**
 * The names of an attribute/call/subscript chain from its root outwards (`a.b(c).d[0]` → a, b, d), through
 * local names bound to a chain (`f = M._meta.get_field("x")`, then `f.column` → M, _meta, get_field, column).
 */
function chainNames(node: Node, model: ModuleModel): string[] {
  const names: string[] = [];
  let n: Node | null = node;
  for (let steps = 0; n && steps < 32; steps++) {
    if (n.type === 'attribute') {
      names.unshift(n.childForFieldName('attribute')?.text ?? '');
      n = n.childForFieldName('object');
    } else if (n.type === 'call') n = n.childForFieldName('function');
    else if (n.type === 'subscript') n = n.childForFieldName('value');
    else if (n.type === 'parenthesized_expression') n = n.namedChildren[0] ?? null;
    else if (n.type === 'identifier' && n !== node && boundValue(n, model).id !== n.id) n = boundValue(n, model);
    else {
      if (n.type === 'identifier') names.unshift(n.text);
      break;
    }
  }
  return names;
}

/** Methods that compile a query expression to `(sql, params)`: the SQL is the ORM's, the values are in params. */
const COMPILERS = new Set(['as_sql', 'compile', 'sql_with_params']);

/**
 * `sql, params = compiler.compile(expr)` / `query.as_sql()`: the first of the pair the ORM compiled, every time
 * the name is assigned in the scope. The ORM writes that SQL from the query's own structure and puts the values
 * in `params`.
 */
function compiledSql(name: Node, model: ModuleModel): boolean {
  const scope = model.scopeAt(name.startIndex);
  const bindings = scope.bindings.get(name.text) ?? [];
  if (bindings.length === 0) return false;
  return bindings.every((b) => {
    if (b.kind !== 'unknown') return false;
    const assignment = model.assignments.find((a) => a.scope === scope && a.node.endIndex === b.at && a.targets.some((t) => t.type === 'identifier' && t.text === name.text));
    const left = assignment?.node.childForFieldName('left');
    const right = assignment ? unparen(assignment.node.childForFieldName('right') ?? assignment.node) : undefined;
    if (!left || right?.type !== 'call') return false;
    const pair = unparen(left).namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (pair.length !== 2 || pair[0].type !== 'identifier' || pair[0].text !== name.text) return false;
    const fn = right.childForFieldName('function');
    return fn?.type === 'attribute' && COMPILERS.has(fn.childForFieldName('attribute')?.text ?? '');
  });
}

/** Model metadata or a backend constant (see the tables above): a name written in code, safe as SQL text. */
function schemaName(node: Node, model: ModuleModel): boolean {
  if (node.type === 'identifier') return compiledSql(node, model);
  if (node.type !== 'attribute' && node.type !== 'call') return false;
  const names = chainNames(node, model);
  if (names.slice(1).some((n) => METADATA_OBJECTS.has(n))) return true;
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    const method = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
    return METADATA_METHODS.has(method) || (CATALOG_METHODS.has(method) && names.at(-2) === 'introspection');
  }
  // An attribute read straight off a connection's features or operations object (not a call on it).
  return backendMember(node);
}

/** `<…connection>.features.<name>` or `<…connection>.ops.<name>`, as written. */
function backendMember(node: Node): boolean {
  if (node.type !== 'attribute') return false;
  const object = node.childForFieldName('object');
  if (object?.type !== 'attribute' || !BACKEND_OBJECTS.has(object.childForFieldName('attribute')?.text ?? '')) return false;
  const owner = object.childForFieldName('object');
  const last = owner?.type === 'attribute' ? owner.childForFieldName('attribute')?.text : owner?.type === 'identifier' ? owner.text : undefined;
  return last !== undefined && CONNECTION.test(last);
}

/**
 * A method of a connection's operations object (`connection.ops.for_update_sql(nowait=True)`,
 * `connection.ops._get_sequence_name(table)`): the backend writes an SQL fragment from the arguments alone.
 */
function backendFragment(call: Node): boolean {
  const fn = call.childForFieldName('function');
  return fn !== null && backendMember(fn) && fn.childForFieldName('object')?.childForFieldName('attribute')?.text === 'ops';
}

/** Quoting helpers: better than nothing, not a proof (an identifier quoter does not make a value safe, and the reverse). */
export const SQL_TRUST: Trust = {
  safe: new Set<string>(),
  quoting: IDENTIFIER_QUOTERS,
  passThrough: new Set(['.identifier_converter']),
  safeValue: schemaName,
  builds: backendFragment,
  weak: new Set([
    '.escape_string',
    '.escape_literal',
    '.escape',
    '.literal',
    '.quote',
    '.mogrify',
    'pymysql.converters.escape_string',
    'MySQLdb.escape_string',
  ]),
  weakNames: /quot|escap/i,
};

/** Statements, recognised by their first words and the clause that must follow. */
const STATEMENTS: readonly RegExp[] = [
  /^select\b[\s\S]*?\bfrom\b/,
  /^insert\s+(?:or\s+\w+\s+|ignore\s+)?into\b/,
  /^(?:replace|merge|upsert)\s+into\b/,
  /^update\s+\S+[\s\S]*?\bset\b/,
  /^delete\s+(?:\S+\s+)?from\b/,
  /^with\s+(?:recursive\s+)?\S+[\s\S]*?\bas\s*(?:not\s+)?(?:materialized\s+)?\(/,
];

/** Statements that only an SQL sink makes SQL (on a `fetch()` or `query()` they could be anything). */
const SINK_STATEMENTS: readonly RegExp[] = [
  /^select\s+\S/,
  /^(?:create|drop|alter)\s+(?:or\s+replace\s+)?(?:(?:global|local)\s+)?(?:(?:temp|temporary|unique|materialized|virtual)\s+)*(?:table|index|view|database|schema|user|role|sequence|trigger|function|procedure|extension|type|domain|policy)\b/,
  /^truncate\s+(?:table\s+)?\S/,
  /^(?:grant|revoke)\s[\s\S]*?\b(?:on|to|from)\b/,
  /^pragma\s+\S/,
  /^call\s+[\w.\u0001]+\s*\(/,
  /^copy\s+\S+[\s\S]*?\b(?:from|to)\b/,
  /^(?:explain|vacuum|reindex)\b/,
  /^set\s+(?:session\s+|local\s+|global\s+)?[\w.@\u0001]+\s*(?:=|to\b)/,
  /^show\s+(?:tables|columns|databases|create|grants|index|\w+\s+like)\b/,
  /^lock\s+tables?\b/,
  /^attach\s+(?:database\s+)?\S+\s+as\b/,
];

/** Statements embedded after other text (`BEGIN; INSERT INTO …`, a CTE built in pieces). */
const ANYWHERE: readonly RegExp[] = [/\bselect\b[\s\S]*?\bfrom\b/, /\binsert\s+into\b/, /\bupdate\s+\S+\s+set\b/, /\bdelete\s+from\b/];

/** Clauses appended to a query that comes from elsewhere (`base + " WHERE id = " + x`). */
const CLAUSES: readonly RegExp[] = [
  /\bwhere\b/,
  /\border\s+by\b/,
  /\bgroup\s+by\b/,
  /\blimit\s/,
  /\boffset\s/,
  /\bvalues\s*\(/,
  /\bjoin\b[\s\S]*?\bon\b/,
  /\bhaving\b/,
  /^(?:and|or)\s+\S+\s*(?:=|<|>|!=|\blike\b|\bin\b|\bis\b)/,
];

/**
 * True when the constant parts of a built string read as SQL. `sink` says whether the string goes to a
 * function that only takes SQL (`execute`), which lets shorter or partial statements count.
 */
export function looksLikeSql(text: string, sink: boolean): boolean {
  const t = text
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .toLowerCase()
    .replace(/^[\s(]+/, '');
  if (STATEMENTS.some((re) => re.test(t))) return true;
  if (!sink) return false;
  if (SINK_STATEMENTS.some((re) => re.test(t)) || ANYWHERE.some((re) => re.test(t))) return true;
  // The query starts with a value from elsewhere and this text adds clauses to it.
  return t.startsWith(HOLE) && CLAUSES.some((re) => re.test(t.slice(1).trimStart()));
}

/**
 * Administrative statements: they create, drop or configure a database, schema, user or session setting
 * (test-database provisioning, connection set-up). Their names come from the deployment's configuration, and
 * an application serving requests does not run them; see `administrativeStatement`.
 */
const ADMINISTRATIVE: readonly RegExp[] = [
  /^(?:create|drop|alter)\s+(?:database|user|role|login|schema|tablespace)\b/,
  /^(?:grant|revoke)\s/,
  /^(?:attach|detach)\s+(?:database\s+)?\S/,
  /^set\s+(?:session\s+|local\s+|global\s+)?(?:search_path|client_encoding|names|role|time\s+zone|timezone|schema|character\s+set)\b/,
  /^pragma\s+\S/,
  /^use\s+\S/,
];

/** The first words of an administrative statement (`CREATE DATABASE`), or undefined for any other SQL. */
export function administrativeStatement(text: string): string | undefined {
  const t = text.replace(/^[\s(]+/, '');
  if (!ADMINISTRATIVE.some((re) => re.test(t.toLowerCase()))) return undefined;
  return t.split(/\s+/).slice(0, 2).join(' ').replace(/\u0001/g, '…').toUpperCase();
}

export interface SqlBuild {
  /** The expression where the SQL text is put together (reported). */
  node: Node;
  composed: Composed;
  safety: Exclude<Safety, 'safe'>;
  /** The value formatted in that makes it unsafe (or weak). */
  culprit: Node;
}

/**
 * The SQL text an argument carries when it is visibly built from non-constant parts, judged: undefined for
 * constant SQL, opaque values, text that is not SQL, and builds whose every part is safe.
 */
export function sqlBuild(arg: Node, model: ModuleModel, sink: boolean): SqlBuild | undefined {
  const value = boundValue(arg, model);
  let parts: { node: Node; composed: Composed }[];
  const direct = compose(value, model);
  if (direct) parts = [{ node: value, composed: direct }];
  else if (value.type === 'identifier') parts = augmentedParts(value, model) ?? [];
  else return undefined;
  if (parts.length === 0) return undefined;
  const whole: Composed = {
    text: parts.map((p) => p.composed.text).join(''),
    holes: parts.flatMap((p) => p.composed.holes),
    how: parts.find((p) => p.composed.how)?.composed.how,
  };
  if (whole.holes.length === 0) return undefined;
  const judged = judgeHoles(whole, model, SQL_TRUST);
  if (judged.safety === 'safe' || !judged.culprit) return undefined;
  if (!looksLikeSql(whole.text, sink)) return undefined;
  const culprit = judged.culprit;
  const at = parts.find((p) => p.node.startIndex <= culprit.startIndex && culprit.endIndex <= p.node.endIndex) ?? parts[parts.length - 1];
  return { node: at.node, composed: whole, safety: judged.safety, culprit };
}

/**
 * `sql = "SELECT …"` followed by `sql += " AND name = '%s'" % name` in the same scope, before the use: the
 * pieces in order (the start is a hole when it is not a visible string).
 */
function augmentedParts(name: Node, model: ModuleModel): { node: Node; composed: Composed }[] | undefined {
  const binding = model.lookup(name.text, name.startIndex);
  if (binding?.kind !== 'unknown') return undefined;
  const scope = model.scopeAt(name.startIndex);
  const root = scope.node ?? model.tree.rootNode;
  const augs = root
    .descendantsOfType('augmented_assignment')
    .filter((a): a is Node => a !== null && a.startIndex < name.startIndex)
    .filter((a) => {
      const left = a.childForFieldName('left');
      return left?.type === 'identifier' && left.text === name.text && a.childForFieldName('operator')?.type === '+=' && model.scopeAt(a.startIndex) === scope;
    });
  if (augs.length === 0) return undefined;
  const parts: { node: Node; composed: Composed }[] = [];
  const first = augs[0];
  const before = (scope.bindings.get(name.text) ?? []).filter((b) => b.at <= first.startIndex).pop();
  if (before?.kind === 'assign' && before.value) {
    const start = compose(before.value, model);
    parts.push({ node: before.value, composed: start ?? { text: HOLE, holes: [], how: undefined } });
  } else {
    parts.push({ node: first, composed: { text: HOLE, holes: [], how: undefined } });
  }
  for (const a of augs) {
    const right = a.childForFieldName('right');
    if (!right) continue;
    const piece = compose(right, model);
    parts.push({ node: right, composed: piece ?? { text: HOLE, holes: [{ node: right, numeric: false }], how: undefined } });
  }
  for (const p of parts) if (p.composed.holes.length > 0) p.composed.how ??= 'concatenation (+=)';
  return parts.map((p) => ({ node: unparen(p.node), composed: p.composed }));
}
