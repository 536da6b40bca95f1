import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
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
