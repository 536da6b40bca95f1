import type { Node } from 'web-tree-sitter';

/** Strips parentheses: `((x))` is `x`. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression') {
    const inner = n.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** The dotted text of an identifier/attribute chain (`a.b.c`), or undefined for anything else. */
export function dottedName(node: Node): string | undefined {
  const n = unparen(node);
  if (n.type === 'identifier') return n.text;
  if (n.type === 'attribute') {
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute');
    if (!obj || !attr) return undefined;
    const head = dottedName(obj);
    return head === undefined ? undefined : `${head}.${attr.text}`;
  }
  return undefined;
}

/** The smallest statement that contains the node (its first line is where suppressions and findings anchor). */
export function enclosingStatement(node: Node): Node {
  let n: Node | null = node;
  while (n) {
    const t = n.type;
    if (t.endsWith('_statement') || t === 'function_definition' || t === 'class_definition' || t === 'decorated_definition') return n;
    if (t === 'module' || t === 'block') break;
    n = n.parent;
  }
  return node;
}

/**
 * The rows a statement's own text spans: for compound statements (if/for/def/with…) only the header, so a
 * comment inside the body does not reach a finding in the header.
 */
export function statementHeaderRows(stmt: Node): [number, number] {
  const start = stmt.startPosition.row;
  const body = stmt.childForFieldName('body') ?? stmt.childForFieldName('consequence');
  if (body) {
    // The body may start on the header's line (`if x: y()`); the header still ends at the colon's row.
    const colonRow = body.startPosition.row;
    const prev = body.previousSibling;
    return [start, prev ? prev.endPosition.row : Math.max(start, colonRow - 1)];
  }
  return [start, stmt.endPosition.row];
}

/** One parameter of a function or lambda, as the grammar spells its variants. */
export interface ParameterParts {
  /** The parameter itself (`x: int = 1`); its `value` field is the default, read by the few who need it. */
  node: Node;
  name: Node;
  annotation: Node | null;
  /** `*` for `*args`, `**` for `**kwargs`, '' otherwise. */
  splat: '' | '*' | '**';
}

/**
 * The parameters of a function or lambda, in order. The `/` and `*` separators are left out, and so is a typed
 * splat (`*args: int`), whose name sits one level deeper.
 */
export function parameterParts(fn: Node): ParameterParts[] {
  const params = fn.childForFieldName('parameters');
  const out: ParameterParts[] = [];
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    switch (p.type) {
      case 'identifier':
        out.push({ node: p, name: p, annotation: null, splat: '' });
        break;
      case 'typed_parameter': {
        const name = p.namedChildren.find((c) => c?.type === 'identifier');
        if (name) out.push({ node: p, name, annotation: p.childForFieldName('type'), splat: '' });
        break;
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const name = p.childForFieldName('name');
        if (name) out.push({ node: p, name, annotation: p.childForFieldName('type'), splat: '' });
        break;
      }
      case 'list_splat_pattern':
      case 'dictionary_splat_pattern': {
        const name = p.namedChildren.find((c) => c?.type === 'identifier');
        if (name) out.push({ node: p, name, annotation: null, splat: p.type === 'list_splat_pattern' ? '*' : '**' });
        break;
      }
    }
  }
  return out;
}
