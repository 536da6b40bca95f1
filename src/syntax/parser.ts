import { createRequire } from 'node:module';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';
import { MODEL_QUERY } from './queries.js';

/**
 * One parser per thread: web-tree-sitter's WASM instance is not shared between workers, and a parser is
 * reused for every file the thread analyses.
 */
interface Loaded {
  language: Language;
  parser: Parser;
  modelQuery: Query;
}

let loaded: Promise<Loaded> | undefined;

function wasmPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('tree-sitter-python/tree-sitter-python.wasm');
}

async function load(): Promise<Loaded> {
  await Parser.init();
  const language = await Language.load(wasmPath());
  const parser = new Parser();
  parser.setLanguage(language);
  return { language, parser, modelQuery: new Query(language, MODEL_QUERY) };
}

export function initParser(): Promise<Loaded> {
  loaded ??= load();
  return loaded;
}

/** Parses Python source. The caller owns the tree and must `delete()` it: WASM memory is not garbage collected. */
export async function parsePython(text: string): Promise<{ tree: Tree; modelQuery: Query }> {
  const { parser, modelQuery } = await initParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return { tree, modelQuery };
}
