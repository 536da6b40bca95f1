// After tsc: (1) copy the Python grammar's WASM (and its licence) into dist/, so an installed krait needs only
// web-tree-sitter at run time — the tree-sitter-python package carries a native-addon install script that would
// try to compile where its prebuild does not load; (2) mark the CLI executable, which tsc does not, so
// `npx krait` in a fresh clone can run it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const dist = path.resolve(import.meta.dirname, '../dist');
const wasm = require.resolve('tree-sitter-python/tree-sitter-python.wasm');
fs.mkdirSync(path.join(dist, 'grammars'), { recursive: true });
fs.copyFileSync(wasm, path.join(dist, 'grammars/tree-sitter-python.wasm'));
fs.copyFileSync(path.join(path.dirname(wasm), 'LICENSE'), path.join(dist, 'grammars/tree-sitter-python.LICENSE'));
fs.chmodSync(path.join(dist, 'cli/main.js'), 0o755);
