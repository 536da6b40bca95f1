import type { Node } from 'web-tree-sitter';
import type { CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, calleeOf, isFixedPath, positionalArgs } from '../helpers.js';

/**
 * Where the bytes a loader or parser reads come from, as far as the expression shows:
 * - `constant`: a literal in the source (`b"..."`, a constant name);
 * - `local`: a file whose path is fixed by the source itself (a constant path, or one built from `__file__`),
 *   opened or read directly;
 * - `unknown`: anything else (a parameter, an attribute, a network read…).
 */
export type Origin = 'constant' | 'local' | 'unknown';

const MAX_DEPTH = 12;

/** Functions that open a file by path: the path is their first argument. */
const OPENERS = new Set(['open', 'io.open', 'codecs.open', 'gzip.open', 'bz2.open', 'lzma.open', 'gzip.GzipFile', 'bz2.BZ2File', 'lzma.LZMAFile']);

/** Functions whose result carries the origin of their first argument (wrapping, decompressing, decoding). */
const WRAPPERS = new Set([
  'io.BytesIO',
  'io.StringIO',
  'zlib.decompress',
  'gzip.decompress',
  'bz2.decompress',
  'lzma.decompress',
  'base64.b64decode',
  'base64.urlsafe_b64decode',
  'base64.b85decode',
  'bytes',
  'bytearray',
  'str',
  'memoryview',
]);

/** Methods whose result carries the origin of their object (`f.read()`, `Path(p).read_bytes()`, `s.encode()`). */
const CARRYING_METHODS = new Set(['read', 'read_bytes', 'read_text', 'readlines', 'open', 'encode', 'decode', 'getvalue', 'getbuffer', 'strip']);

/** The origin of the data an expression evaluates to. */
export function dataOrigin(node: Node, model: ModuleModel, depth = 0): Origin {
  if (depth > MAX_DEPTH) return 'unknown';
  if (model.isConstant(node)) return 'constant';
  if (isFixedPath(node, model)) return 'local';
  const n = boundValue(node, model);
  if (n.type !== 'call') return 'unknown';
  const callee = calleeOf(n, model);
  const first = positionalArgs(n)[0];
  if (callee && OPENERS.has(callee)) {
    const path = first ?? keywordArgument(n, 'file') ?? keywordArgument(n, 'filename');
    return path && isFixedPath(path, model) ? 'local' : 'unknown';
  }
  if (callee && WRAPPERS.has(callee)) {
    if (!first) return callee.startsWith('io.') || callee === 'bytes' || callee === 'str' ? 'constant' : 'unknown';
    return dataOrigin(first, model, depth + 1);
  }
  const fn = n.childForFieldName('function');
  if (fn?.type !== 'attribute') return 'unknown';
  const method = fn.childForFieldName('attribute')?.text ?? '';
  const obj = fn.childForFieldName('object');
  if (!obj || !CARRYING_METHODS.has(method)) return 'unknown';
  const inner = dataOrigin(obj, model, depth + 1);
  // `"<a/>".encode()` is constant; a fixed path's `.read_bytes()` or `.open()` is a local file.
  return inner;
}

/** The value of a keyword argument of a call expression node, if present. */
export function keywordArgument(call: Node, name: string): Node | undefined {
  const list = call.childForFieldName('arguments');
  if (list?.type !== 'argument_list') return undefined;
  for (const a of list.namedChildren) {
    if (a?.type !== 'keyword_argument') continue;
    if (a.childForFieldName('name')?.text === name) return a.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** True when a call expression node passes `**kwargs`, which may carry any keyword. */
export function hasDictionarySplat(call: Node): boolean {
  const list = call.childForFieldName('arguments');
  return list?.type === 'argument_list' && list.namedChildren.some((a) => a?.type === 'dictionary_splat');
}

/** An argument read by position or by any of its keyword names. */
export function argumentOf(call: CallSite, position: number | undefined, keywords: readonly string[]): Node | undefined {
  for (const k of keywords) {
    const v = call.keywords.get(k);
    if (v) return v;
  }
  if (position !== undefined && position < call.args.length) return call.args[position];
  return undefined;
}

/** True when a node is the literal `None`. */
export function isNone(node: Node): boolean {
  return unparen(node).type === 'none';
}

/**
 * True when the module itself writes data with one of `writers` (`pickle.dump`, `marshal.dumps`): a cache, a
 * queue or a state file that it writes and reads back. What it loads is its own data, as trustworthy as the
 * store it keeps it in.
 */
export function writesOwnStore(model: ModuleModel, writers: ReadonlySet<string>): boolean {
  return model.calls.some((c) => c.callee !== undefined && writers.has(c.callee));
}

/**
 * True when the loaded input is a parameter of the function as it stands (`def loads(self, data): return
 * pickle.loads(data)`): the function is a codec its callers feed, not a reader of a store it keeps, so where
 * the data comes from is the caller's business (Django's PickleSerializer feeds it session cookies).
 */
export function loadsCallersData(input: Node, model: ModuleModel): boolean {
  const n = unparen(input);
  return n.type === 'identifier' && model.lookup(n.text, n.startIndex)?.kind === 'param';
}
