// `prepare` runs on `npm ci`/`npm install` in this folder and also each time `npx krait` links the folder into
// npx's cache. A clean clone has no dist/ and builds; a folder whose dist/ is newer than every input skips the
// build, so a first `npx krait scan …` after `npm ci` starts at once instead of compiling again (18–40 s).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const output = path.join(root, 'dist/bundle/main.js');
const inputs = ['src', 'scripts/post-build.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

function newest(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, name)));
  return max;
}

let built = 0;
try {
  built = fs.statSync(output).mtimeMs;
} catch {
  // Not built yet.
}
const stale = inputs.some((p) => newest(path.join(root, p)) > built);
if (!stale && process.env.KRAIT_FORCE_BUILD === undefined) {
  process.stdout.write('krait: dist/ is up to date; not rebuilding (npm run build forces it)\n');
} else {
  const npm = process.env.npm_execpath;
  const r = npm ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' }) : spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
