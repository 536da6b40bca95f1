import type { Node } from 'web-tree-sitter';
import type { Scope } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';
import { unparen } from '../syntax/nodes.js';
import { named } from './expressions.js';
import { constantKey, literalEntries } from './fields.js';

/**
 * Whether an expression has one value whatever the input, proved from the code around it: literals and string
 * building over them, and names whose every assignment in their scope is such a value (so a constant chosen in
 * either branch of an `if`), including constant keys of a dict literal nothing writes to afterwards. What pattern
 * rules call "not constant" is asked here before they report (see ModuleFacts.constantSinks).
 */
export function provenConstant(model: ModuleModel, node: Node, depth = 0): boolean {
  if (depth > 12) return false;
  const n = unparen(node);
  if (model.isConstant(n)) return true;
  const parts = () => named(n);
  switch (n.type) {
    case 'binary_operator':
    case 'concatenated_string':
    case 'tuple':
    case 'list':
    case 'expression_list':
    case 'parenthesized_expression':
      return parts().length > 0 && parts().every((p) => provenConstant(model, p, depth + 1));
    case 'string':
      // An f-string whose interpolations are all constant.
      return parts().every((p) => p.type !== 'interpolation' || named(p).every((e) => e.type === 'format_specifier' || provenConstant(model, e, depth + 1)));
    case 'conditional_expression':
      return parts().every((p, i) => i === 1 || provenConstant(model, p, depth + 1));
    case 'identifier':
      return constantName(model, n, depth);
    case 'subscript':
      return constantEntry(model, n, depth);
    case 'call': {
      // `" ".join(parts)`, `"{}-{}".format(a, b)`, `str(n)` of constants.
      const fn = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      const argList = args ? named(args) : [];
      if (fn?.type === 'attribute' && ['join', 'format'].includes(fn.childForFieldName('attribute')?.text ?? '')) {
        const recv = fn.childForFieldName('object');
        return recv !== null && provenConstant(model, recv, depth + 1) && argList.every((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat' && provenConstant(model, a, depth + 1));
      }
      if (fn?.type === 'identifier' && (fn.text === 'str' || fn.text === 'int') && argList.length === 1) return provenConstant(model, argList[0], depth + 1);
      return false;
    }
    default:
      return false;
  }
}

/** Every binding of the name in its scope is an assignment of a proven constant (parameters, loops, `+=` are not). */
function constantName(model: ModuleModel, id: Node, depth: number): boolean {
  const b = model.lookup(id.text, id.startIndex);
  if (!b) return false;
  if (b.kind === 'assign' && b.value && b.blockStart === undefined) return provenConstant(model, b.value, depth + 1);
  const all = ownerBindings(model, id);
  if (!all || all.length === 0 || all.length > 8) return false;
  return all.every((x) => x.kind === 'assign' && x.value !== undefined && provenConstant(model, x.value, depth + 1));
}

/** `CHOICES["a"]` of a dict literal with constant values that no statement of the scope writes to. */
function constantEntry(model: ModuleModel, n: Node, depth: number): boolean {
  const base = n.childForFieldName('value');
  const subs = n.childrenForFieldName('subscript');
  if (base?.type !== 'identifier' || subs.length !== 1 || !subs[0]) return false;
  const key = constantKey(model, subs[0]);
  if (key === undefined) return false;
  const all = ownerBindings(model, base);
  const value = all?.length === 1 && all[0].kind === 'assign' ? all[0].value : undefined;
  if (!value) return false;
  const entries = literalEntries(model, value);
  const hit = entries?.find(([k]) => k === key);
  if (!hit || !provenConstant(model, hit[1], depth + 1)) return false;
  // Writes through the name: `d[k] = …`, `d.update(…)`, `d.setdefault(…)`, `del d[k]`, `d |= …`.
  // A module-level dict may be written from any function: the whole module is searched.
  const text = model.text;
  const name = base.text.replace(/[$]/g, '');
  return !new RegExp(`\\b${name}\\s*(\\[[^\\]]*\\]\\s*=[^=]|\\.(update|setdefault|pop|popitem|clear)\\s*\\(|\\|=)`).test(text);
}

/** The bindings of a name in the scope that binds it where it is read (a module constant read in a function). */
function ownerBindings(model: ModuleModel, id: Node) {
  for (let s: Scope | null = model.scopeAt(id.startIndex); s; s = s.parent) {
    if (s.kind === 'class' && s !== model.scopeAt(id.startIndex)) continue;
    const list = s.bindings.get(id.text);
    if (list && list.length > 0) return list;
  }
  return undefined;
}
