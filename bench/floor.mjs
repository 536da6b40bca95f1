// The part of a scan no rule can speed up: reading, parsing, the model query's traversal and tree deletion,
// single-threaded, over the CPython standard library. `npm run bench:floor`. See "What bounds the ratio" in
// bench/README.md. Uses the built krait (dist/), so run `npm run build` first.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const stdlib = process.argv[2] ?? execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();
const files = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && !e.isSymbolicLink()) {
      if (e.name !== 'site-packages' && e.name !== 'dist-packages') walk(p);
    } else if (e.isFile() && e.name.endsWith('.py')) files.push(p);
  }
})(stdlib);

const { parsePython } = await import(path.join(ROOT, 'dist/syntax/parser.js'));
const { Query } = await import('web-tree-sitter');
const { initParser } = await import(path.join(ROOT, 'dist/syntax/parser.js'));
const { language } = await initParser();
const callsOnly = new Query(language, '(call) @call');

let t = performance.now();
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const read = performance.now() - t;
let parse = 0;
let query = 0;
let del = 0;
for (const text of texts) {
  t = performance.now();
  const { tree } = await parsePython(text);
  const t1 = performance.now();
  callsOnly.captures(tree.rootNode);
  const t2 = performance.now();
  tree.delete();
  del += performance.now() - t2;
  query += t2 - t1;
  parse += t1 - t;
}
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`${files.length} files, ${(texts.reduce((n, x) => n + x.length, 0) / 1e6).toFixed(1)} M characters, one thread`);
console.log(`read ${s(read)}  parse ${s(parse)}  query traversal ${s(query)}  delete ${s(del)}  total ${s(read + parse + query + del)}`);
