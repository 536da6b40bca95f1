import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';

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

/** Python integer literal text to a number (`0o777`, `0x1FF`, `511`, `0b1_1111_1111`); undefined for anything else. */
export function pythonInt(text: string): number | undefined {
  const t = text.replace(/_/g, '').toLowerCase();
  let v: number;
  if (/^0o[0-7]+$/.test(t)) v = Number.parseInt(t.slice(2), 8);
  else if (/^0x[0-9a-f]+$/.test(t)) v = Number.parseInt(t.slice(2), 16);
  else if (/^0b[01]+$/.test(t)) v = Number.parseInt(t.slice(2), 2);
  else if (/^(0|[1-9]\d*)$/.test(t)) v = Number.parseInt(t, 10);
  else return undefined;
  return Number.isSafeInteger(v) ? v : undefined;
}

/**
 * The value of a constant integer expression: literals, `stat.S_I*` constants, `| & ^ + - ~` and parentheses,
 * and names bound to such expressions. Undefined when the value depends on input.
 */
export function constantInt(node: Node, model: ModuleModel, depth = 0): number | undefined {
  if (depth > 16) return undefined;
  const n = unparen(node);
  switch (n.type) {
    case 'integer':
      return pythonInt(n.text);
    case 'identifier':
    case 'attribute': {
      const q = model.qualifiedName(n);
      if (q?.startsWith('stat.')) return STAT_BITS.get(q.slice(5));
      if (n.type !== 'identifier') return undefined;
      const b = model.lookup(n.text, n.startIndex);
      return b?.kind === 'assign' && b.value ? constantInt(b.value, model, depth + 1) : undefined;
    }
    case 'unary_operator': {
      const arg = n.childForFieldName('argument');
      const v = arg ? constantInt(arg, model, depth + 1) : undefined;
      if (v === undefined) return undefined;
      const op = n.childForFieldName('operator')?.type;
      return op === '~' ? ~v : op === '-' ? -v : op === '+' ? v : undefined;
    }
    case 'binary_operator': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const a = l ? constantInt(l, model, depth + 1) : undefined;
      const b = r ? constantInt(r, model, depth + 1) : undefined;
      if (a === undefined || b === undefined) return undefined;
      switch (n.childForFieldName('operator')?.type) {
        case '|':
          return a | b;
        case '&':
          return a & b;
        case '^':
          return a ^ b;
        case '+':
          return a + b;
        case '-':
          return a - b;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}
