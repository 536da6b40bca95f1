import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';

/** The permission bits of the `stat` module, by qualified name. */
const STAT_BITS: ReadonlyMap<string, number> = new Map([
  ['S_ISUID', 0o4000],
  ['S_ISGID', 0o2000],
  ['S_ISVTX', 0o1000],
  ['S_IRWXU', 0o700],
  ['S_IRUSR', 0o400],
  ['S_IWUSR', 0o200],
  ['S_IXUSR', 0o100],
  ['S_IRWXG', 0o070],
  ['S_IRGRP', 0o040],
  ['S_IWGRP', 0o020],
  ['S_IXGRP', 0o010],
  ['S_IRWXO', 0o007],
  ['S_IROTH', 0o004],
  ['S_IWOTH', 0o002],
  ['S_IXOTH', 0o001],
  ['S_IREAD', 0o400],
  ['S_IWRITE', 0o200],
  ['S_IEXEC', 0o100],
]);

const MODE_OPERATORS: ReadonlySet<string> = new Set(['|', '&', '^', '+', '-', '~']);

/** `stat.S_I*` names and attributes as their bits; other names fold through their bindings. */
function statBits(n: Node, model: ModuleModel): number | undefined | null {
  if (n.type !== 'identifier' && n.type !== 'attribute') return null;
  const q = model.qualifiedName(n);
  if (q?.startsWith('stat.')) return STAT_BITS.get(q.slice(5));
  return n.type === 'identifier' ? null : undefined;
}

/**
 * The value of a constant integer expression: literals, `stat.S_I*` constants, `| & ^ + - ~` and parentheses,
 * and names bound to such expressions. Undefined when the value depends on input.
 */
export function constantInt(node: Node, model: ModuleModel): number | undefined {
  return model.constantNumber(node, MODE_OPERATORS, (n) => statBits(n, model));
}
