#!/usr/bin/env node
// npm run fuzz -- [--seed N] [--count N] [--time-limit SECONDS] [--batch N] [--file-timeout SECONDS] [--select IDS] [--keep]
//
// Mutates the annotated fixture files (byte and line deletions, random bytes, NULs, BOMs, coding cookies, deep
// nesting, duplicated lines), scans each batch with the built CLI twice (--jobs 1 and --jobs 2) and fails on:
// an exit status other than 0 or 1, anything on stderr (an internal error, a stack trace), an internal-error
// or time-budget notice (a file whose analysis ran out of time), or any difference between the two reports.
// Bounded three ways: the seed fixes every mutation, the count caps the files, the time limit stops new batches.
// On failure the batch's folder is kept and named, with the seed, so the run can be repeated exactly.
// The default rules run (as a user's scan does); K950's verdicts depend on a time limit per pattern, so under
// load `--select ALL` can differ between runs for that rule alone (found by this fuzzer, seed 12).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist/bundle/main.js');

function parseArgs(argv) {
  const opts = { seed: Date.now() % 1_000_000, count: 400, timeLimit: 60, batch: 40, fileTimeout: 20, select: undefined, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) fail(`${a} expects a positive number`);
      return v;
    };
    if (a === '--seed') opts.seed = next();
    else if (a === '--count') opts.count = next();
    else if (a === '--time-limit') opts.timeLimit = next();
    else if (a === '--batch') opts.batch = next();
    else if (a === '--file-timeout') opts.fileTimeout = next();
    else if (a === '--select') opts.select = argv[++i];
    else if (a === '--keep') opts.keep = true;
    else fail(`unknown option ${a}`);
  }
  return opts;
}

function fail(message) {
  process.stderr.write(`fuzz: ${message}\n`);
  process.exit(2);
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fixtureFiles() {
  const dir = path.join(root, 'test/fixtures');
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.py'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const COOKIES = ['utf-8', 'latin-1', 'cp1252', 'utf-16', 'euc-jp', 'shift_jis', 'ascii', 'koi8-r', 'no-such-codec', 'utf-8-sig'];

/** Each mutation takes and returns bytes; `r` is the run's random source. */
const MUTATIONS = {
  deleteBytes(b, r) {
    const at = Math.floor(r() * b.length);
    const len = 1 + Math.floor(r() * 64);
    return Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
  },
  deleteLines(b, r) {
    const lines = b.toString('latin1').split('\n');
    const at = Math.floor(r() * lines.length);
    lines.splice(at, 1 + Math.floor(r() * 5));
    return Buffer.from(lines.join('\n'), 'latin1');
  },
  duplicateLines(b, r) {
    const lines = b.toString('latin1').split('\n');
    const at = Math.floor(r() * lines.length);
    lines.splice(at, 0, ...lines.slice(at, at + 1 + Math.floor(r() * 8)));
    return Buffer.from(lines.join('\n'), 'latin1');
  },
  randomBytes(b, r) {
    const at = Math.floor(r() * b.length);
    // No NUL here: a NUL makes the file binary (skipped), which the `nuls` mutation covers on its own.
    const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 32) }, () => 1 + Math.floor(r() * 255)));
    return Buffer.concat([b.subarray(0, at), bytes, b.subarray(at)]);
  },
  nuls(b, r) {
    const out = Buffer.from(b);
    for (let i = 0; i < 1 + r() * 8; i++) out[Math.floor(r() * out.length)] = 0;
    return out;
  },
  bom(b, r) {
    const boms = [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];
    return Buffer.concat([boms[Math.floor(r() * boms.length)], b]);
  },
  codingCookie(b, r) {
    const cookie = `# -*- coding: ${COOKIES[Math.floor(r() * COOKIES.length)]} -*-\n`;
    return Buffer.concat([Buffer.from(r() < 0.5 ? cookie : `#!/usr/bin/env python\n${cookie}`), b]);
  },
  deepNesting(b, r) {
    const depth = 50 + Math.floor(r() * 950);
    const kind = Math.floor(r() * 4);
    let text;
    if (kind === 0) text = `x = ${'('.repeat(depth)}request.args.get("q")${')'.repeat(depth)}\n`;
    else if (kind === 1) text = `y = ${'['.repeat(depth)}1${']'.repeat(depth)}\n`;
    else if (kind === 2) text = Array.from({ length: Math.min(depth, 99) }, (_, i) => `${' '.repeat(i)}if x:`).join('\n') + `\n${' '.repeat(Math.min(depth, 99))}eval(x)\n`;
    else text = `z = ${'f(' .repeat(depth)}os.system(cmd)${')'.repeat(depth)}\n`;
    const at = r() < 0.5 ? 0 : b.length;
    return at === 0 ? Buffer.concat([Buffer.from(text), b]) : Buffer.concat([b, Buffer.from(`\n${text}`)]);
  },
};
// NULs make a file binary, and a binary file is skipped: drawn less often so most mutants are analysed.
const NAMES = Object.keys(MUTATIONS).flatMap((n) => (n === 'nuls' ? [n] : [n, n, n]));

function mutate(bytes, r) {
  let b = bytes;
  const applied = [];
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const name = NAMES[Math.floor(r() * NAMES.length)];
    b = MUTATIONS[name](b, r);
    applied.push(name);
  }
  return { bytes: b, applied };
}

function scan(dir, jobs, opts) {
  const select = opts.select ? ['--select', opts.select] : [];
  const fileTimeout = opts.fileTimeout;
  const r = spawnSync(process.execPath, [cli, 'scan', dir, '--format', 'json', '--no-deps', '--no-config', '--jobs', String(jobs), '--file-timeout', String(fileTimeout), ...select], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    // The whole batch: a file that hangs the scanner would otherwise hang the fuzzer.
    timeout: (fileTimeout * 2 + 60) * 1000,
    env: { ...process.env, KRAIT_OSV_API_URL: 'http://127.0.0.1:47' },
  });
  return r;
}

/** The report without what legitimately differs between runs. */
function comparable(report) {
  const { stats, ...rest } = report;
  const { durationMs: _d, jobs: _j, ...kept } = stats;
  return JSON.stringify({ ...rest, stats: kept });
}

function problemsOf(run, label) {
  const problems = [];
  if (run.error) problems.push(`${label}: ${run.error.code === 'ETIMEDOUT' ? 'the scan did not end in time' : run.error.message}`);
  if (run.status !== 0 && run.status !== 1) problems.push(`${label}: exit status ${run.status}`);
  if (run.stderr) problems.push(`${label}: stderr: ${run.stderr.split('\n').slice(0, 3).join(' | ')}`);
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    problems.push(`${label}: the output is not JSON`);
    return { problems };
  }
  for (const n of report.notices) {
    if (n.kind === 'internal-error' || n.kind === 'time-budget') problems.push(`${label}: ${n.path}: ${n.kind}: ${n.message}`);
  }
  return { problems, report };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(cli)) fail('dist/bundle/main.js is missing: run `npm run build` first');
  const r = rng(opts.seed);
  const fixtures = fixtureFiles();
  const started = Date.now();
  let done = 0;
  let batches = 0;
  while (done < opts.count && (Date.now() - started) / 1000 < opts.timeLimit) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-fuzz-'));
    const made = [];
    for (let i = 0; i < opts.batch && done < opts.count; i++, done++) {
      const src = fixtures[Math.floor(r() * fixtures.length)];
      const { bytes, applied } = mutate(fs.readFileSync(src), r);
      const name = `m${String(done).padStart(5, '0')}.py`;
      fs.writeFileSync(path.join(dir, name), bytes);
      made.push(`${name} <- ${path.relative(root, src)} (${applied.join(', ')})`);
    }
    fs.writeFileSync(path.join(dir, 'MUTATIONS.txt'), `${made.join('\n')}\n`);
    const one = problemsOf(scan(dir, 1, opts), '--jobs 1');
    const two = problemsOf(scan(dir, 2, opts), '--jobs 2');
    const problems = [...one.problems, ...two.problems];
    if (one.report && two.report && comparable(one.report) !== comparable(two.report)) {
      const paths = new Set();
      const key = (f) => JSON.stringify(f);
      const a = new Set(one.report.findings.map(key));
      const b = new Set(two.report.findings.map(key));
      for (const f of one.report.findings) if (!b.has(key(f))) paths.add(f.location.path);
      for (const f of two.report.findings) if (!a.has(key(f))) paths.add(f.location.path);
      problems.push(`--jobs 1 and --jobs 2 differ${paths.size > 0 ? ` (findings of ${[...paths].join(', ')})` : ' (notices or stats)'}`);
    }
    batches++;
    if (problems.length > 0) {
      process.stderr.write(`fuzz: seed ${opts.seed}, batch ${batches}: ${problems.length} problem(s); files kept in ${dir} (see MUTATIONS.txt)\n`);
      for (const p of problems.slice(0, 20)) process.stderr.write(`  ${p}\n`);
      process.exit(1);
    }
    if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`fuzz: seed ${opts.seed}: ${done} mutated files in ${batches} batches, ${seconds} s, no problem\n`);
}

main();
