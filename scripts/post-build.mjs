// After tsc: (1) copy the Python grammar's WASM (and its licence) into dist/, so an installed krait needs only
// web-tree-sitter at run time — the tree-sitter-python package carries a native-addon install script that would
// try to compile where its prebuild does not load; (2) bundle the CLI and the worker into dist/bundle/: loading
// ~250 ES modules file by file took ~130 ms per thread (the main thread and each worker), the bundle ~40 ms;
// (3) mark the CLI executable, which tsc does not, so `npx krait` in a fresh clone can run it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const dist = path.resolve(import.meta.dirname, '../dist');
const wasm = require.resolve('tree-sitter-python/tree-sitter-python.wasm');
fs.mkdirSync(path.join(dist, 'grammars'), { recursive: true });
fs.copyFileSync(wasm, path.join(dist, 'grammars/tree-sitter-python.wasm'));
fs.copyFileSync(path.join(path.dirname(wasm), 'LICENSE'), path.join(dist, 'grammars/tree-sitter-python.LICENSE'));

// Both entries in one folder: the pool starts `./worker.js` next to itself, and the grammar is `../grammars/`
// from dist/bundle as from dist/syntax. Dependencies stay in node_modules (web-tree-sitter finds its .wasm
// beside its own file; recheck is loaded only when the ReDoS rule runs).
fs.rmSync(path.join(dist, 'bundle'), { recursive: true, force: true });
await build({
  entryPoints: { main: path.join(dist, 'cli/main.js'), worker: path.join(dist, 'engine/worker.js') },
  outdir: path.join(dist, 'bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// (4) The ReDoS checker's pure-JavaScript backend, bundled with its one dependency into dist/vendor: `recheck`
// itself is a development dependency, because installing it pulls its optional native binary and JVM jar
// (52 MB) that krait never runs. Only the pure backend is used (src/rules/regex/recheck.ts).
const vendor = path.join(dist, 'vendor');
fs.mkdirSync(vendor, { recursive: true });
const recheck = require.resolve('recheck');
const vendored = await build({
  entryPoints: [recheck],
  outfile: path.join(vendor, 'recheck.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Resolved only by the native and Java backends, which krait never selects; absent, recheck says so itself.
  external: ['recheck-jar', 'recheck-linux-x64', 'recheck-macos-arm64', 'recheck-macos-x64', 'recheck-windows-x64'],
  metafile: true,
  logLevel: 'error',
});
// The licence of every package that went into the bundle (recheck, synckit and theirs), beside it.
const packages = new Set(Object.keys(vendored.metafile.inputs).map((f) => f.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//)?.[1]).filter(Boolean));
for (const dir of packages) {
  const licence = fs.readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  if (licence) fs.copyFileSync(path.join(dir, licence), path.join(vendor, `${path.basename(dir)}.LICENSE`));
}

fs.chmodSync(path.join(dist, 'bundle/main.js'), 0o755);
fs.chmodSync(path.join(dist, 'cli/main.js'), 0o755);
