import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { secretWord } from '../../secrets/names.js';

/**
 * What a weak digest is used for, read from where its value goes inside the function that makes it:
 * - `protects`: compared with another value, or computed over a secret (a password, a private key);
 * - `bookkeeping`: every use names or files something (a dictionary or cache key, a truncated identifier, a file
 *   or folder name, an HTTP ETag, a SQL function registered in SQLite), so a collision breaks nothing;
 * - `no-data`: the hash object is made only to read a constant (`sha1().digest_size`);
 * - `unknown`: it leaves the function (returned, stored, passed on) or is used in a way not read here.
 */
export type DigestUse = 'protects' | 'bookkeeping' | 'no-data' | 'unknown';

/** Protocols that fix the digest: the hash is right there and cannot be changed by the code that speaks them. */
interface Protocol {
  name: string;
  /** Every pattern must match a string literal of the enclosing class or function. */
  markers: RegExp[];
}

const PROTOCOLS: readonly Protocol[] = [
  { name: 'HTTP Digest authentication (RFC 7616)', markers: [/^Digest\s/, /nonce/] },
  { name: 'the OAuth 1 body hash (oauth_body_hash)', markers: [/^oauth_body_hash$/] },
  { name: 'WS-Security UsernameToken (PasswordDigest)', markers: [/PasswordDigest|X-WSSE/] },
  { name: 'the WebSocket handshake (RFC 6455)', markers: [/^258EAFA5-E914-47DA-95CA-C5AB0DC85B11$/] },
  { name: 'POP3 APOP (RFC 1939)', markers: [/\bAPOP\b/] },
  { name: 'SASL CRAM-MD5 (RFC 2195)', markers: [/\bCRAM-?MD5\b/i] },
  // Encrypted PEM keys (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: DES-EDE3-CBC,<iv>`) derive the key with MD5 over the
  // passphrase and the IV (OpenSSL's EVP_BytesToKey): reading and writing that format requires it.
  { name: "OpenSSL's legacy encrypted PEM format (EVP_BytesToKey)", markers: [/Proc-Type/, /DEK-Info/] },
];

/** Methods that read the digest out of a hash object (`finalize` for `cryptography`'s `hashes.Hash`). */
const DIGEST_METHODS = new Set(['digest', 'hexdigest', 'finalize']);
/** Hash objects built around an algorithm object (`hashes.Hash(hashes.MD5())`): the outer call is the hash. */
const ALGORITHM_HOLDERS = /^cryptography\.hazmat\.primitives\.(hashes\.Hash|hmac\.HMAC)$/;
/** Reads of a hash object that use no data. */
const CONSTANT_ATTRIBUTES = new Set(['digest_size', 'block_size', 'name']);
/** Calls that re-encode a digest without changing what it identifies. */
const RE_ENCODE = new Set(['hexlify', 'b2a_hex', 'b64encode', 'urlsafe_b64encode', 'b32encode', 'encode', 'decode', 'upper', 'lower', 'strip', 'str', 'bytes']);
/** Calls whose argument becomes a path: the digest names a file or folder. */
const PATH_CALLS = /^(os\.path\.join|os\.makedirs|os\.mkdir|open|io\.open|pathlib\.(Pure)?(Posix|Windows)?Path|shutil\.\w+)$/;
/** `sqlite3.Connection.create_function` and Django's wrapper: the digest is what a SQL function returns. */
const SQL_FUNCTION_REGISTRATION = /^(create_function|create_deterministic_function|create_aggregate)$/;
/** Names of data whose digest stands in for the secret itself. */
const SECRET_DATA = /passw|passwd|secret|private_?key|privatekey|credential/i;

function calleeText(call: Node, model: ModuleModel): { qualified: string | undefined; last: string } {
  const fn = call.childForFieldName('function');
  if (!fn) return { qualified: undefined, last: '' };
  const last = fn.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : fn.text;
  return { qualified: model.qualifiedName(fn), last };
}

/** The smallest function or lambda around a node (the module when there is none). */
function enclosingScope(node: Node): Node {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'module') return p;
  return node;
}

/** Uses of a name inside a scope node, after `after` (the binding itself excluded). */
function usesOf(name: string, scope: Node, after: number): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    if (n.type === 'identifier' && n.text === name && n.startIndex > after) out.push(n);
    for (const c of n.namedChildren) if (c) walk(c);
  };
  walk(scope);
  return out;
}

/** Classifies one place the digest value (or a string built from it) reaches. */
function classifyValue(value: Node, model: ModuleModel, depth: number): DigestUse {
  if (depth > 4) return 'unknown';
  let node = value;
  let truncated = false;
  for (;;) {
    const use = step();
    if (use !== undefined) return truncated && use === 'unknown' ? 'bookkeeping' : use;
  }

  /** One step up from `node`: a verdict, or undefined after moving `node` to the larger value holding it. */
  function step(): DigestUse | undefined {
    const parent = node.parent;
    if (!parent) return 'unknown';
    switch (parent.type) {
      case 'parenthesized_expression':
        node = parent;
        return undefined;
      case 'attribute': {
        // `digest.encode(...)`, `digest.upper()`: the call on it is the new value.
        const call = parent.parent;
        const method = parent.childForFieldName('attribute')?.text ?? '';
        if (call?.type === 'call' && RE_ENCODE.has(method)) {
          node = call;
          return undefined;
        }
        return 'unknown';
      }
      case 'argument_list': {
        const call = parent.parent;
        if (call?.type !== 'call') return 'unknown';
        const { qualified, last } = calleeText(call, model);
        if (last === 'compare_digest') return 'protects';
        if (RE_ENCODE.has(last)) {
          node = call;
          return undefined;
        }
        if (qualified && PATH_CALLS.test(qualified)) return 'bookkeeping';
        if (last === 'join' && call.childForFieldName('function')?.type === 'attribute') {
          // `"/".join([...])`, `sep.join(parts)`: the digest is part of a larger string.
          node = call;
          return undefined;
        }
        if (last === 'quote_etag' || callHasConstant(call, model, /^e-?tag$/i)) return 'bookkeeping';
        return 'unknown';
      }
      case 'list':
      case 'tuple':
      case 'binary_operator':
      case 'interpolation':
      case 'concatenated_string':
        node = parent;
        return undefined;
      case 'string':
        // An f-string holding the digest: the string is the new value.
        node = parent;
        return undefined;
      case 'subscript': {
        if (parent.childForFieldName('value')?.equals(node)) {
          // `digest[:12]`: a truncated identifier cannot be a security check.
          // A truncated identifier (`digest[:12]`) cannot be a security check unless it is still compared.
          if (parent.childForFieldName('subscript')?.type !== 'slice') return 'unknown';
          truncated = true;
          node = parent;
          return undefined;
        }
        return 'bookkeeping';
      }
      case 'comparison_operator':
        return 'protects';
      case 'lambda': {
        // A lambda that a SQL function registration receives, maybe through a wrapper (`none_guard(lambda ...)`):
        // the digest is that SQL function's result.
        let holder: Node | null = parent;
        for (let i = 0; i < 3 && holder?.parent?.type === 'argument_list'; i++) {
          const call: Node | null = holder.parent.parent;
          if (call?.type !== 'call') break;
          if (SQL_FUNCTION_REGISTRATION.test(calleeText(call, model).last)) return 'bookkeeping';
          holder = call;
        }
        return 'unknown';
      }
      case 'assignment': {
        const left = parent.childForFieldName('left');
        if (!left || !parent.childForFieldName('right')?.equals(node)) return 'unknown';
        if (left.type === 'subscript') {
          const key = left.childForFieldName('subscript');
          const k = key ? model.constantString(key) : undefined;
          if (k !== undefined && /^e-?tag$/i.test(k)) return 'bookkeeping';
          return 'unknown';
        }
        if (left.type !== 'identifier') return 'unknown';
        return classifyName(left.text, parent, model, depth + 1);
      }
      default:
        return 'unknown';
    }
  }
}

function callHasConstant(call: Node, model: ModuleModel, pattern: RegExp): boolean {
  const args = call.childForFieldName('arguments');
  return !!args?.namedChildren.some((a) => {
    const s = a ? model.constantString(a) : undefined;
    return s !== undefined && pattern.test(s);
  });
}

/** Every use of a local name bound to the digest value; all must be bookkeeping for the digest to be. */
function classifyName(name: string, binding: Node, model: ModuleModel, depth: number): DigestUse {
  const uses = usesOf(name, enclosingScope(binding), binding.endIndex);
  if (uses.length === 0) return 'unknown';
  return combine(uses.map((u) => classifyValue(u, model, depth)));
}

function combine(uses: DigestUse[]): DigestUse {
  if (uses.includes('protects')) return 'protects';
  if (uses.length > 0 && uses.every((u) => u === 'bookkeeping')) return 'bookkeeping';
  return 'unknown';
}

/** The data a hash object is fed: the constructor's arguments and every `h.update(...)` on its name. */
function hashedData(call: Node, name: string | undefined, scope: Node): Node[] {
  const data: Node[] = [];
  const args = call.childForFieldName('arguments');
  for (const a of args?.namedChildren ?? []) if (a) data.push(a);
  if (name) {
    for (const use of usesOf(name, scope, call.endIndex)) {
      const attr = use.parent;
      if (attr?.type === 'attribute' && attr.childForFieldName('attribute')?.text === 'update' && attr.parent?.type === 'call') {
        for (const a of attr.parent.childForFieldName('arguments')?.namedChildren ?? []) if (a) data.push(a);
      }
    }
  }
  return data;
}

/** A name for a secret: a password, key or credential, or a token (`reset_token`, not `token_count`). */
function secretData(name: string): boolean {
  return SECRET_DATA.test(name) || secretWord(name) === 'token';
}

function mentionsSecret(node: Node): boolean {
  if (node.type === 'identifier') return secretData(node.text);
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    return secretData(node.childForFieldName('attribute')?.text ?? '') || (object !== null && mentionsSecret(object));
  }
  if (node.type === 'string') return false;
  return node.namedChildren.some((c) => c !== null && mentionsSecret(c));
}

/** How the digest made by a hash constructor call is used (see DigestUse). */
export function digestUse(call: Node, model: ModuleModel): DigestUse {
  const parent = call.parent;
  let hashName: string | undefined;
  const values: Node[] = [];
  const scope = enclosingScope(call);
  const holder = parent?.type === 'argument_list' ? parent.parent : null;
  if (holder?.type === 'call' && ALGORITHM_HOLDERS.test(model.qualifiedName(holder.childForFieldName('function') ?? holder) ?? '')) return digestUse(holder, model);
  if (parent?.type === 'attribute') {
    const attr = parent.childForFieldName('attribute')?.text ?? '';
    const hasArgs = (call.childForFieldName('arguments')?.namedChildren.length ?? 0) > 0;
    if (CONSTANT_ATTRIBUTES.has(attr) && !hasArgs && parent.parent?.type !== 'call') return 'no-data';
    if (DIGEST_METHODS.has(attr) && parent.parent?.type === 'call') values.push(parent.parent);
    else return mentionsAnySecret(hashedData(call, undefined, scope)) ? 'protects' : 'unknown';
  } else if (parent?.type === 'assignment' && parent.childForFieldName('left')?.type === 'identifier') {
    hashName = parent.childForFieldName('left')?.text;
    for (const use of usesOf(hashName ?? '', scope, parent.endIndex)) {
      const attr = use.parent;
      const method = attr?.type === 'attribute' ? attr.childForFieldName('attribute')?.text : undefined;
      if (method === 'update' || method === 'copy') continue;
      if (method && DIGEST_METHODS.has(method) && attr?.parent?.type === 'call') values.push(attr.parent);
      else return mentionsAnySecret(hashedData(call, hashName, scope)) ? 'protects' : 'unknown';
    }
  } else {
    return mentionsAnySecret(hashedData(call, undefined, scope)) ? 'protects' : 'unknown';
  }
  if (mentionsAnySecret(hashedData(call, hashName, scope))) return 'protects';
  if (values.length === 0) return 'unknown';
  return combine(values.map((v) => classifyValue(v, model, 0)));
}

function mentionsAnySecret(data: Node[]): boolean {
  return data.some((d) => mentionsSecret(unparen(d)));
}

/** The string contents of a subtree. */
function stringsOf(node: Node): string[] {
  const strings: string[] = [];
  const walk = (n: Node) => {
    if (n.type === 'string_content') strings.push(n.text);
    for (const c of n.namedChildren) if (c) walk(c);
  };
  walk(node);
  return strings;
}

/** The outermost function or class around a node. */
function outermost(node: Node): Node | undefined {
  let outer: Node | undefined;
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'class_definition') outer = p;
  return outer;
}

function protocolOf(strings: string[]): string | undefined {
  return PROTOCOLS.find((p) => p.markers.every((m) => strings.some((s) => m.test(s))))?.name;
}

/**
 * The protocol whose marker strings appear in the class or top-level function around the call, if any. A
 * top-level helper (`def _wsse_token(nonce, created, password)`) is judged by where its result goes: the
 * classes and functions of the module that call it.
 */
export function mandatedBy(call: Node, model: ModuleModel): string | undefined {
  const outer = outermost(call);
  if (!outer) return undefined;
  const own = protocolOf(stringsOf(outer));
  if (own || outer.type !== 'function_definition') return own;
  const name = outer.childForFieldName('name')?.text;
  if (!name) return undefined;
  for (const site of model.calls) {
    if (site.name !== name || (site.node.startIndex >= outer.startIndex && site.node.endIndex <= outer.endIndex)) continue;
    const caller = outermost(site.node);
    const found = caller ? protocolOf(stringsOf(caller)) : undefined;
    if (found) return found;
  }
  return undefined;
}
