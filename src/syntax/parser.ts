import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Language, Node, Parser, Query, type Tree } from 'web-tree-sitter';
import { MODEL_QUERY } from './queries.js';

/**
 * One parser per thread: web-tree-sitter's WASM instance is not shared between workers, and a parser is
 * reused for every file the thread analyses.
 */
interface Loaded {
  language: Language;
  parser: Parser;
}

let loaded: Promise<Loaded> | undefined;

/**
 * `node.type` is a call into WASM on every read (about 0.2 µs), and the model and the rules read it about two
 * million times on the CPython standard library, nine times in ten for a node already asked. A node's type is a
 * property of its subtree, which the node id names (a subtree's address, unique while its tree lives), so it is
 * kept per tree; a deleted tree's cache goes with it, and a new tree reusing the addresses gets its own.
 */
function cacheNodeTypes(): void {
  const descriptor = Object.getOwnPropertyDescriptor(Node.prototype, 'type');
  const read = descriptor?.get;
  if (!read || (read as { cached?: boolean }).cached) return;
  const perTree = new WeakMap<Tree, Map<number, string>>();
  // A thread analyses one tree at a time: the last tree's map answers nearly every read without the WeakMap.
  let lastTree: Tree | undefined;
  let lastTypes: Map<number, string> | undefined;
  const get = function (this: Node): string {
    let types = this.tree === lastTree ? lastTypes : perTree.get(this.tree);
    if (!types) {
      types = new Map();
      perTree.set(this.tree, types);
    }
    lastTree = this.tree;
    lastTypes = types;
    let type = types.get(this.id);
    if (type === undefined) {
      type = read.call(this) as string;
      types.set(this.id, type);
    }
    return type;
  };
  Object.defineProperty(get, 'cached', { value: true });
  Object.defineProperty(Node.prototype, 'type', { ...descriptor, get });
}

/**
 * The build copies the grammar next to the compiled code (dist/grammars), so an installed krait does not
 * need the tree-sitter-python package; running from source (tests) falls back to that package.
 */
function wasmPath(): string {
  const bundled = fileURLToPath(new URL('../grammars/tree-sitter-python.wasm', import.meta.url));
  if (existsSync(bundled)) return bundled;
  const require = createRequire(import.meta.url);
  return require.resolve('tree-sitter-python/tree-sitter-python.wasm');
}

async function load(): Promise<Loaded> {
  cacheNodeTypes();
  await Parser.init();
  const language = await Language.load(wasmPath());
  const parser = new Parser();
  parser.setLanguage(language);
  return { language, parser };
}

export function initParser(): Promise<Loaded> {
  loaded ??= load();
  return loaded;
}

const queries = new Map<string, Query>();

/**
 * The model query extended with rules' node types, each captured as `node.<type>`; compiled once per set of
 * types and thread.
 */
function modelQuery(language: Language, nodeTypes: readonly string[]): Query {
  const key = nodeTypes.join(',');
  let q = queries.get(key);
  if (!q) {
    const extra = nodeTypes.map((t) => `(${t}) @node.${t}`).join('\n');
    q = new Query(language, `${MODEL_QUERY}\n${extra}`);
    queries.set(key, q);
  }
  return q;
}

/** Parses Python source. The caller owns the tree and must `delete()` it: WASM memory is not garbage collected. */
export async function parsePython(text: string, nodeTypes: readonly string[] = []): Promise<{ tree: Tree; modelQuery: Query }> {
  const { parser, language } = await initParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return { tree, modelQuery: modelQuery(language, nodeTypes) };
}
