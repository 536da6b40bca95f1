#!/usr/bin/env node
// Pathological inputs, timed against normal code of the same size: a very long line, deep nesting, a
// 50,000-line module. Reported as ratios (wall time of the odd input / wall time of its normal twin), never as
// absolute times, so a busy machine moves both sides alike. Part of `npm run bench` (bench/run.mjs); alone:
//
//   node bench/pathological.mjs [--cli dist/bundle/main.js] [--runs 3]
//
// Compare two builds by alternating them in the same period: `--cli /tmp/base/dist/bundle/main.js`, then this one.
// Targets: a 5 MB single-line module in at most 3× the time of five 1 MB ones; each odd input within 3× of its twin.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');

/** `n` simple statements, some of which are findings (eval of a name, a shell call). */
function statements(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    if (i % 10 === 0) out.push(`eval(a${i})`);
    else if (i % 10 === 5) out.push(`os.system("ls " + p${i})`);
    else out.push(`v${i} = f${i % 50}(k${i}, "s${i}", ${i})`);
  }
  return out;
}

/** About `bytes` of statements. */
function sized(bytes) {
  let n = Math.ceil(bytes / 24);
  let s = statements(n);
  while (s.join('\n').length < bytes) {
    n = Math.ceil(n * 1.1);
    s = statements(n);
  }
  return s;
}

function write(dir, name, text) {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** The cases: each odd input and its normal twin (same statements, ordinary layout). */
function makeCases(dir) {
  const mb = 1024 * 1024;
  const one = sized(mb);
  const cases = [];
  // A long line: the same statements on one line, against one per line.
  cases.push({
    name: 'long line, 1 MB',
    odd: write(dir, 'long1/m.py', `import os\n${one.join('; ')}\n`),
    normal: write(dir, 'lines1/m.py', `import os\n${one.join('\n')}\n`),
  });
  // Linear in the line's length: one 5 MB line against five 1 MB ones.
  const five = sized(5 * mb);
  const fiveDir = path.join(dir, 'five');
  for (let i = 0; i < 5; i++) write(fiveDir, `m${i}.py`, `import os\n${five.slice((i * five.length) / 5, ((i + 1) * five.length) / 5).join('; ')}\n`);
  cases.push({ name: 'long line, 5 MB vs 5 × 1 MB', odd: write(dir, 'long5/m.py', `import os\n${five.join('; ')}\n`), normal: fiveDir });
  // Deep nesting: brackets 5,000 deep and blocks 99 deep (CPython's limit is 100), repeated, against flat code.
  const nested = [];
  let size = 0;
  while (size < mb / 4) {
    const brackets = `x = ${'('.repeat(5000)}a${')'.repeat(5000)}\ny = ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const blocks = `${Array.from({ length: 99 }, (_, i) => `${' '.repeat(i)}if c${i}:`).join('\n')}\n${' '.repeat(99)}eval(z)\n`;
    nested.push(brackets, blocks);
    size += brackets.length + blocks.length;
  }
  const deep = nested.join('');
  cases.push({ name: 'deep nesting, 256 kB', odd: write(dir, 'deep/m.py', deep), normal: write(dir, 'flat/m.py', `import os\n${sized(deep.length).join('\n')}\n`) });
  // A 50,000-line module against the same lines in 50 modules of 1,000.
  const lines = statements(50_000);
  const manyDir = path.join(dir, 'many');
  for (let i = 0; i < 50; i++) write(manyDir, `m${i}.py`, `import os\n${lines.slice(i * 1000, (i + 1) * 1000).join('\n')}\n`);
  cases.push({ name: '50,000-line module vs 50 × 1,000', odd: write(dir, 'big/m.py', `import os\n${lines.join('\n')}\n`), normal: manyDir });
  return cases;
}

function timeScan(cli, target) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'scan', target, '--no-deps', '--no-config', '--jobs', '1', '--format', 'json', '--output', os.devNull, '--max-file-size', String(64 * 1024 * 1024), '--file-timeout', '3600', '--exit-zero'], {
    encoding: 'utf8',
    timeout: 1_800_000,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) return { failed: `exit ${r.status}${r.error ? ` (${r.error.code})` : ''}: ${(r.stderr || '').split('\n')[0]}` };
  return { wall };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Markdown lines: one row per case with the ratio and its verdict. */
export function pathologicalTable({ cli = path.join(root, 'dist/bundle/main.js'), runs = 1, log = (s) => process.stderr.write(`${s}\n`) } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-pathological-'));
  try {
    const cases = makeCases(dir);
    const out = ['| pathological input | odd s | normal s | ratio | target |', '|---|--:|--:|--:|---|'];
    for (const c of cases) {
      const odd = [];
      const normal = [];
      let failed;
      for (let i = 0; i < runs && !failed; i++) {
        // Alternated, so a change of load hits both sides.
        log(`pathological: ${c.name}, run ${i + 1}`);
        const a = timeScan(cli, c.odd);
        const b = timeScan(cli, c.normal);
        failed = a.failed ?? b.failed;
        if (!failed) {
          odd.push(a.wall);
          normal.push(b.wall);
        }
      }
      if (failed) {
        out.push(`| ${c.name} | — | — | — | FAIL: ${failed} |`);
        continue;
      }
      const ratio = median(odd) / median(normal);
      out.push(`| ${c.name} | ${median(odd).toFixed(2)} | ${median(normal).toFixed(2)} | ${ratio.toFixed(2)}× | ${ratio <= 3 ? 'PASS' : 'FAIL'} (≤ 3×) |`);
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const at = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const cli = at('--cli') ? path.resolve(at('--cli')) : undefined;
  console.log(pathologicalTable({ ...(cli ? { cli } : {}), runs: Number(at('--runs') ?? 1) }).join('\n'));
}
