import type { Node } from 'web-tree-sitter';
import type { Scope } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, calleeOf } from '../helpers.js';

const INT_OPERATORS: ReadonlySet<string> = new Set(['+', '-', '*', '//', '<<', '**']);

/**
 * The integer an expression always evaluates to: literals (with `_`), names bound to them, and `+ - * // << **`
 * of those (`1 << 10`, `512 * 2`).
 */
export function constantInt(node: Node, model: ModuleModel): number | undefined {
  return model.constantNumber(node, INT_OPERATORS);
}

/** Calls that turn constant arguments into constant bytes (`bytes(16)`, `bytes.fromhex("00…")`, `unhexlify(…)`). */
const BYTES_OF_CONSTANTS = new Set([
  'bytes',
  'bytearray',
  'bytes.fromhex',
  'bytearray.fromhex',
  'binascii.unhexlify',
  'binascii.a2b_hex',
  'base64.b64decode',
  'base64.b16decode',
  'base64.urlsafe_b64decode',
  'base64.standard_b64decode',
  'codecs.decode',
]);

/** Methods of a constant string or bytes that keep it constant (`"iv".encode()`, `b"x".ljust(16, b"\0")`). */
const CONSTANT_METHODS = new Set(['encode', 'ljust', 'rjust', 'zfill', 'upper', 'lower']);

/**
 * True when an expression is the same bytes at every run: literals, `b"\0" * 16`, `bytes(16)`,
 * `bytes.fromhex("…")`, `"…".encode()`, slices of those, and names bound to them.
 */
export function isFixedBytes(node: Node, model: ModuleModel, depth = 0): boolean {
  if (depth > 16) return false;
  if (model.isConstant(node)) {
    const v = boundValue(node, model);
    // `None` means "let the library pick a random value"; booleans and numbers are not IVs.
    return v.type !== 'none' && v.type !== 'true' && v.type !== 'false' && v.type !== 'integer';
  }
  const n = boundValue(node, model);
  const fixed = (x: Node) => isFixedBytes(x, model, depth + 1);
  switch (n.type) {
    case 'binary_operator': {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left || !right) return false;
      const op = n.childForFieldName('operator')?.type;
      if (op === '*') return (fixed(left) && constantInt(right, model) !== undefined) || (constantInt(left, model) !== undefined && fixed(right));
      if (op === '+') return fixed(left) && fixed(right);
      return false;
    }
    case 'subscript': {
      const value = n.childForFieldName('value');
      return !!value && fixed(value) && n.namedChildren.slice(1).every((c) => !c || c.type === 'comment' || isConstantIndex(c, model));
    }
    case 'call': {
      const callee = calleeOf(n, model);
      const args = n.childForFieldName('arguments');
      const argNodes = args?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
      const argsConstant = argNodes.every((a) => {
        if (a.type === 'keyword_argument') {
          const v = a.childForFieldName('value');
          return !!v && (model.isConstant(v) || fixed(v));
        }
        return a.type !== 'list_splat' && a.type !== 'dictionary_splat' && (model.isConstant(a) || fixed(a) || constantInt(a, model) !== undefined);
      });
      if (callee && BYTES_OF_CONSTANTS.has(callee)) return argNodes.length > 0 && argsConstant;
      const fn = n.childForFieldName('function');
      if (fn?.type === 'attribute') {
        const obj = fn.childForFieldName('object');
        const method = fn.childForFieldName('attribute')?.text ?? '';
        return !!obj && CONSTANT_METHODS.has(method) && fixed(obj) && argsConstant;
      }
      return false;
    }
    default:
      return false;
  }
}

function isConstantIndex(node: Node, model: ModuleModel): boolean {
  if (node.type === 'slice') return node.namedChildren.every((c) => !c || constantInt(c, model) !== undefined);
  return constantInt(node, model) !== undefined;
}

/** Functions that return fresh random bytes at each call. */
const RANDOM_BYTES = new Set([
  'os.urandom',
  'secrets.token_bytes',
  'Crypto.Random.get_random_bytes',
  'Cryptodome.Random.get_random_bytes',
  'nacl.utils.random',
]);

/** True for a call that makes fresh random bytes (`os.urandom(12)`, `get_random_bytes(16)`). */
export function isRandomBytesCall(node: Node, model: ModuleModel): boolean {
  const callee = calleeOf(node, model);
  return callee !== undefined && RANDOM_BYTES.has(callee);
}

function enclosingFunctionScope(scope: Scope | null): Scope | undefined {
  for (let s = scope; s; s = s.parent) if (s.kind === 'function' || s.kind === 'lambda') return s;
  return undefined;
}

/** How an IV or nonce argument stays the same from one message to the next. */
export type Reuse = { kind: 'constant' } | { kind: 'once'; where: string };

/**
 * Whether the value given as an IV or nonce is the same at every encryption: a constant (`b"\0" * 12`), or
 * random bytes made once — at import (`NONCE = os.urandom(12)` at module level, used inside a function) or in
 * `__init__` (`self.nonce = os.urandom(12)`, used by another method) — and then used for every message.
 */
export function staticValue(node: Node, model: ModuleModel): Reuse | undefined {
  if (isFixedBytes(node, model)) return { kind: 'constant' };
  const n = unparen(node);
  if (n.type === 'identifier') {
    const useScope = enclosingFunctionScope(model.scopeAt(n.startIndex));
    const b = model.lookup(n.text, n.startIndex);
    if (!useScope || b?.kind !== 'assign' || !b.value) return undefined;
    // Bound outside every function (module or class body) and read inside one: one value for the process.
    const bindScope = model.scopeAt(b.value.startIndex);
    if (enclosingFunctionScope(bindScope)) return undefined;
    return isRandomBytesCall(b.value, model) ? { kind: 'once', where: `${n.text} is generated once, at import` } : undefined;
  }
  if (n.type === 'attribute') {
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute')?.text;
    if (obj?.type !== 'identifier' || obj.text !== 'self' || !attr) return undefined;
    const method = enclosingFunctionScope(model.scopeAt(n.startIndex));
    const cls = method?.parent;
    if (!method || cls?.kind !== 'class' || method.node?.childForFieldName('name')?.text === '__init__') return undefined;
    const writes = model.assignments.filter(
      (a) => a.scope.parent === cls && a.targets.some((t) => t.type === 'attribute' && t.text.replace(/\s+/g, '') === `self.${attr}`),
    );
    if (writes.length === 0) return undefined;
    const allInInit = writes.every((a) => a.scope.node?.childForFieldName('name')?.text === '__init__' && a.value && (isRandomBytesCall(a.value, model) || isFixedBytes(a.value, model)));
    return allInInit ? { kind: 'once', where: `self.${attr} is set once, in __init__, and reused by every call` } : undefined;
  }
  return undefined;
}
