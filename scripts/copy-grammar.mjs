// Copies the Python grammar's WASM (and its licence) into dist/, so an installed krait needs only
// web-tree-sitter at run time: the tree-sitter-python package carries a native-addon install script that
// would try to compile on machines where its prebuild does not load.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasm = require.resolve('tree-sitter-python/tree-sitter-python.wasm');
const out = path.resolve(import.meta.dirname, '../dist/grammars');
fs.mkdirSync(out, { recursive: true });
fs.copyFileSync(wasm, path.join(out, 'tree-sitter-python.wasm'));
fs.copyFileSync(path.join(path.dirname(wasm), 'LICENSE'), path.join(out, 'tree-sitter-python.LICENSE'));
