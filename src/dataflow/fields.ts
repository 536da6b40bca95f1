import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../semantics/module.js';
import { unparen } from '../syntax/nodes.js';
import { named } from './expressions.js';

/**
 * Field-sensitive containers. A constant key of a dict (or a configparser section and option) is a state entry of
 * its own, `row["name"]`, next to the whole container `row` (which keeps the union of everything stored, for
 * reads with an unknown key and for the container passed as a whole). `row[*]` marks a container whose keys are
 * all known here (built from a literal): a constant key without an entry was never stored and is clean.
 */

export const ALL_KEYS = '[*]';

/** The state key of a constant key of a container: `row["name"]`, `cfg["export"]["label"]`. */
export function entryKey(base: string, key: string | number): string | undefined {
  const k = JSON.stringify(key);
  // Brackets inside the key would make the container's part ambiguous: such keys stay whole-container reads.
  if (k.includes('[') || k.includes(']')) return undefined;
  return `${base}[${k}]`;
}

/** The container part of an entry key (`row` for `row["name"]`). */
export function entryBase(key: string): string | undefined {
  if (!key.endsWith(']')) return undefined;
  const i = key.lastIndexOf('[');
  return i > 0 ? key.slice(0, i) : undefined;
}

/** The path of a container expression that can hold entries: a name, an attribute, or a constant-key entry. */
export function containerPath(model: ModuleModel, node: Node): string | undefined {
  const n = unparen(node);
  if (n.type === 'identifier' || n.type === 'attribute') return n.text;
  if (n.type === 'subscript') return subscriptKey(model, n);
  return undefined;
}

/** The entry key of `base[K]` for a constant `K` (a string or an integer). */
export function subscriptKey(model: ModuleModel, node: Node): string | undefined {
  const base = node.childForFieldName('value');
  const subs = node.childrenForFieldName('subscript');
  if (!base || subs.length !== 1 || !subs[0]) return undefined;
  const path = containerPath(model, base);
  if (!path) return undefined;
  const key = constantKey(model, subs[0]);
  return key === undefined ? undefined : entryKey(path, key);
}

export function constantKey(model: ModuleModel, node: Node): string | number | undefined {
  const n = unparen(node);
  if (n.type === 'integer') {
    const v = Number(n.text.replace(/_/g, ''));
    return Number.isSafeInteger(v) ? v : undefined;
  }
  if (n.type === 'string' || n.type === 'concatenated_string' || n.type === 'identifier') return model.constantString(n);
  return undefined;
}

/** The constant keys of a dict literal with their value nodes, when every key is constant (no `**spread`). */
export function literalEntries(model: ModuleModel, node: Node): [string | number, Node][] | undefined {
  const n = unparen(node);
  if (n.type !== 'dictionary') return undefined;
  const out: [string | number, Node][] = [];
  for (const pair of named(n)) {
    if (pair.type !== 'pair') return undefined;
    const k = pair.childForFieldName('key');
    const v = pair.childForFieldName('value');
    const key = k ? constantKey(model, k) : undefined;
    if (key === undefined || !v) return undefined;
    out.push([key, v]);
  }
  return out;
}

const dataclassCache = new WeakMap<ModuleModel, Map<string, string[] | null>>();

const DATACLASS_DECORATOR = /^@\s*(dataclasses\s*\.\s*)?dataclass\b|^@\s*attr(s)?\s*\.\s*(s|define|frozen|mutable)\b/;

/**
 * The fields of a dataclass defined in this module, in declaration order (what positional arguments bind to),
 * or undefined for any other class.
 */
export function dataclassFields(model: ModuleModel, q: string): string[] | undefined {
  let cache = dataclassCache.get(model);
  if (!cache) {
    cache = new Map();
    dataclassCache.set(model, cache);
  }
  const known = cache.get(q);
  if (known !== undefined) return known ?? undefined;
  let out: string[] | null = null;
  const scope = model.moduleScope.children.find((c) => c.kind === 'class' && c.qualname === q);
  const node = scope?.node;
  const decorated = node?.parent?.type === 'decorated_definition' ? node.parent : undefined;
  if (node && decorated && named(decorated).some((d) => d.type === 'decorator' && DATACLASS_DECORATOR.test(d.text))) {
    out = [];
    const body = node.childForFieldName('body');
    for (const stmt of body ? named(body) : []) {
      const a = stmt.type === 'expression_statement' ? named(stmt)[0] : undefined;
      const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
      const type = a?.childForFieldName('type');
      if (left?.type === 'identifier' && type && !/\bClassVar\b/.test(type.text)) out.push(left.text);
    }
  }
  cache.set(q, out);
  return out ?? undefined;
}
