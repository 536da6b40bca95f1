#!/usr/bin/env node
// krait benchmark: krait vs Debian's bandit on the CPython standard library and on Django.
// Plain ESM, no dependencies beyond Node itself. See bench/README.md.
//
// Usage: node bench/run.mjs [--corpus stdlib|django|all] [--runs N] [--bandit-runs N] [--jobs N]
//                           [--no-bandit] [--extra-args "..."] [--json FILE] [--no-build]
//                           [--timeout SECONDS] [--keep-tmp] [--taint-pairs N]

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pathologicalTable } from './pathological.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KRAIT_MAIN = path.join(ROOT, 'dist', 'bundle', 'main.js');
const TIME_BIN = '/usr/bin/time';
const DJANGO_DEFAULT = '/usr/lib/python3/dist-packages/django';
/** Directory names skipped when walking a corpus (krait skips them by default; bandit gets -x). */
const SKIP_DIRS = new Set(['site-packages', 'dist-packages']);

const TARGET_SPEEDUP = 15; // krait at least this many times faster than bandit on stdlib
const TARGET_PEAK_MB = 400; // krait peak RSS below this on every corpus
const TARGET_WARM = 0.1; // a second scan with nothing changed costs at most this share of the first (cache)
// The taint rules' cost: krait with them at most this many times krait without them (`--ignore K7`).
const TARGET_TAINT_RATIO = { django: 1.3, stdlib: 1.1 };

// ---------------------------------------------------------------------------------------------
// The two tool invocations. Adapt these when the CLIs change.

/** krait command line for one scan. `outFile` receives the JSON report. */
function kraitCommand({ corpus, outFile, opts, cacheDir }) {
  const args = [KRAIT_MAIN, 'scan', corpus.path, '--format', 'json', '--output', outFile, '--exit-zero'];
  // The plain rows measure a full analysis: no result cache (which would also land in the corpus folder).
  args.push(...(cacheDir ? ['--cache-dir', cacheDir] : ['--no-cache']));
  if (opts.jobs) args.push('--jobs', String(opts.jobs));
  args.push(...opts.extraArgs);
  return { cmd: process.execPath, args };
}

/** Reads krait's JSON report; throws when it is not one. */
function parseKraitReport(file) {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const stats = report.stats;
  if (!stats || !Array.isArray(report.findings)) throw new Error('no stats/findings in krait JSON');
  const suppressed = report.findings.filter((f) => f.suppression).length;
  return {
    findings: report.findings.length - suppressed,
    suppressed,
    filesScanned: stats.filesScanned,
    filesSkipped: stats.filesSkipped,
    skippedByReason: stats.skippedByReason ?? {},
    lines: stats.lines,
    jobs: stats.jobs,
    notices: Array.isArray(report.notices) ? report.notices.length : undefined,
  };
}

function banditCommand({ corpus, outFile, banditBin }) {
  const args = ['-r', '-q', '-f', 'json', '-o', outFile];
  const excluded = corpus.excludeDirs.filter((d) => fs.existsSync(d));
  if (excluded.length > 0) args.push('-x', excluded.join(','));
  args.push(corpus.path);
  return { cmd: banditBin, args };
}

function parseBanditReport(file) {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(report.results) || !report.metrics?._totals) throw new Error('no results/metrics in bandit JSON');
  const totals = report.metrics._totals;
  const bySeverity = {};
  for (const s of ['LOW', 'MEDIUM', 'HIGH', 'UNDEFINED']) {
    if (totals[`SEVERITY.${s}`]) bySeverity[s.toLowerCase()] = totals[`SEVERITY.${s}`];
  }
  return {
    findings: report.results.length,
    errors: Array.isArray(report.errors) ? report.errors.length : 0,
    filesScanned: Object.keys(report.metrics).filter((k) => k !== '_totals').length,
    loc: totals.loc,
    nosec: totals.nosec,
    bySeverity,
  };
}

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: node bench/run.mjs [options]   (or: npm run bench -- [options])
  --corpus stdlib|django|all  corpora to scan (default all)
  --runs N                    krait runs per corpus, median reported (default 1)
  --bandit-runs N             bandit runs per corpus (default 1)
  --jobs N                    passed to krait as --jobs (default: krait's own, one per core)
  --no-bandit                 do not run bandit
  --no-warm                   skip the result-cache rows (a cold scan into an empty cache, then a warm one)
  --extra-args "..."          appended to the krait command line, e.g. "--select ALL"
  --json FILE                 also write the raw numbers as JSON
  --no-build                  do not (re)build krait before running it
  --timeout SECONDS           kill a run after this long (default 3600)
  --keep-tmp                  keep the temporary directory with the raw tool outputs
  --taint-pairs N             alternated krait runs with and without the taint rules per corpus, for the
                              taint-cost ratio (default 3; 0 skips it)`;

function usageError(msg) {
  console.error(`bench: ${msg}\n${USAGE}`);
  process.exit(2);
}

/** Shell-like split of --extra-args: whitespace separates, single or double quotes group. */
function splitArgs(s) {
  const out = [];
  let cur = '';
  let inToken = false;
  let quote = null;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += ch;
      inToken = true;
    }
  }
  if (quote) usageError('unbalanced quote in --extra-args');
  if (inToken) out.push(cur);
  return out;
}

function positiveInt(name, v) {
  if (!/^\d+$/.test(v) || Number(v) < 1) usageError(`${name} needs a positive integer, got "${v}"`);
  return Number(v);
}

function parseOptions(argv) {
  const o = {
    corpus: 'all',
    runs: 1,
    banditRuns: 1,
    jobs: undefined,
    bandit: true,
    warm: true,
    extraArgs: [],
    json: undefined,
    build: true,
    timeout: 3600,
    keepTmp: false,
    pathological: true,
    taintPairs: 3,
  };
  for (let i = 0; i < argv.length; i++) {
    let name = argv[i];
    let inline;
    const eq = name.indexOf('=');
    if (name.startsWith('--') && eq > 0) {
      inline = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    // The value is the next argument even when it starts with "-" (--extra-args "--select ALL").
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) usageError(`${name} needs a value`);
      i++;
      return argv[i];
    };
    switch (name) {
      case '--corpus': {
        const v = value();
        if (!['stdlib', 'django', 'all'].includes(v)) usageError(`--corpus must be stdlib, django or all, got "${v}"`);
        o.corpus = v;
        break;
      }
      case '--runs':
        o.runs = positiveInt(name, value());
        break;
      case '--no-pathological':
        o.pathological = false;
        break;
      case '--bandit-runs':
        o.banditRuns = positiveInt(name, value());
        break;
      case '--jobs':
        o.jobs = positiveInt(name, value());
        break;
      case '--no-warm':
        o.warm = false;
        break;
      case '--no-bandit':
        o.bandit = false;
        break;
      case '--extra-args':
        o.extraArgs.push(...splitArgs(value()));
        break;
      case '--json':
        o.json = path.resolve(value());
        break;
      case '--no-build':
        o.build = false;
        break;
      case '--timeout':
        o.timeout = positiveInt(name, value());
        break;
      case '--keep-tmp':
        o.keepTmp = true;
        break;
      case '--taint-pairs': {
        const v = value();
        o.taintPairs = v === '0' ? 0 : positiveInt(name, v);
        break;
      }
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        usageError(`unknown option ${argv[i]}`);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const log = (msg) => process.stderr.write(`${msg}\n`);

function tail(text, lines = 15) {
  const all = String(text ?? '')
    .replace(/\s+$/, '')
    .split('\n');
  return all.slice(-lines).join('\n');
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
}

/** Absolute path of a command on PATH, or undefined. */
function which(cmd) {
  const r = run('sh', ['-c', 'command -v "$1"', 'sh', cmd]);
  const p = r.status === 0 ? r.stdout.trim() : '';
  return p.startsWith('/') ? p : undefined;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmtInt = (n) => (n == null ? '—' : Math.round(n).toLocaleString('en-US'));
const fmtWall = (s) => (s == null ? '—' : s < 10 ? s.toFixed(2) : s.toFixed(1));
const fmtMB = (mb) => (mb == null ? '—' : mb < 10 ? mb.toFixed(1) : String(Math.round(mb)));
const fmtRatio = (r) => (r >= 10 ? r.toFixed(1) : r.toFixed(2));

// ---------------------------------------------------------------------------------------------
// Peers

function findBandit() {
  // Debian's bandit first: a pip/pyenv one earlier on PATH would measure something else.
  if (fs.existsSync('/usr/bin/bandit')) return '/usr/bin/bandit';
  return which('bandit');
}

function findDjango() {
  const r = run('dpkg', ['-L', 'python3-django']);
  if (r.status === 0) {
    const dirs = r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.endsWith('/django') && fs.existsSync(path.join(l, '__init__.py')));
    const preferred = dirs.find((d) => d.includes('/dist-packages/')) ?? dirs[0];
    if (preferred) return preferred;
  }
  return fs.existsSync(path.join(DJANGO_DEFAULT, '__init__.py')) ? DJANGO_DEFAULT : undefined;
}

/** Installs the missing Debian packages when possible; returns what is usable afterwards. */
function ensurePeers(opts) {
  const wantDjango = opts.corpus !== 'stdlib';
  const check = () => ({
    time: fs.existsSync(TIME_BIN),
    bandit: opts.bandit ? findBandit() : undefined,
    django: wantDjango ? findDjango() : undefined,
  });
  let found = check();
  const missing = [];
  if (!found.time) missing.push('time');
  if (opts.bandit && !found.bandit) missing.push('bandit');
  if (wantDjango && !found.django) missing.push('python3-django');
  if (missing.length === 0) return found;

  let reason;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) reason = 'not root';
  else if (!which('apt-get')) reason = 'no apt-get on this machine';
  if (!reason) {
    log(`peers: missing ${missing.join(', ')}; running: apt-get update && apt-get install -y ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const upd = run('apt-get', ['update'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const inst =
      upd.status === 0 ? run('apt-get', ['install', '-y', ...missing], { env, stdio: ['ignore', 'ignore', 'pipe'] }) : upd;
    if (inst.status !== 0) reason = `apt-get failed: ${tail(inst.stderr || inst.error?.message, 1)}`;
    found = check();
  }
  const still = [];
  if (!found.time) still.push(`time (wall time measured in Node, no peak memory)`);
  if (opts.bandit && !found.bandit) still.push('bandit (bandit rows skipped)');
  if (wantDjango && !found.django) still.push('python3-django (django corpus skipped)');
  if (still.length > 0) log(`peers: cannot install ${still.join('; ')}: ${reason ?? 'still missing after install'}`);
  else log('peers: installed');
  return found;
}

function toolVersion(cmd, args) {
  const r = run(cmd, args);
  return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Corpora

function stdlibCorpus() {
  const py = which('python3');
  if (!py) return { name: 'stdlib', skip: 'no python3 on PATH' };
  const r = run(py, ['-c', "import sys, sysconfig; print(sysconfig.get_paths()['stdlib']); print(sys.version.split()[0])"]);
  if (r.status !== 0) return { name: 'stdlib', skip: `python3 failed: ${tail(r.stderr, 1)}` };
  const [dir, version] = r.stdout.trim().split('\n');
  if (!dir || !fs.existsSync(dir)) return { name: 'stdlib', skip: `stdlib directory not found (${dir})` };
  const p = fs.realpathSync(dir);
  return {
    name: 'stdlib',
    path: p,
    description: `CPython ${version} stdlib (${py})`,
    excludeDirs: [...SKIP_DIRS].map((d) => path.join(p, d)),
  };
}

function djangoCorpus(found) {
  if (!found.django) return { name: 'django', skip: 'python3-django not installed' };
  const version = toolVersion('dpkg-query', ['-W', 'python3-django'])?.split('\t')[1];
  return {
    name: 'django',
    path: fs.realpathSync(found.django),
    description: `Django ${version ?? '?'} (python3-django)`,
    excludeDirs: [],
  };
}

function countLines(buf) {
  if (buf.length === 0) return 0;
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return buf[buf.length - 1] === 10 ? n : n + 1;
}

/** Counts .py files and their physical lines; skips site-packages/dist-packages, does not follow directory symlinks. */
function countCorpus(root) {
  let files = 0;
  let lines = 0;
  let bytes = 0;
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop();
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) stack.push(p);
        continue;
      }
      if (!e.name.endsWith('.py')) continue;
      if (!e.isFile() && !(e.isSymbolicLink() && fs.statSync(p, { throwIfNoEntry: false })?.isFile())) continue;
      try {
        const buf = fs.readFileSync(p); // also warms the page cache for both tools
        files++;
        bytes += buf.length;
        lines += countLines(buf);
      } catch {
        // unreadable: not counted
      }
    }
  }
  return { files, lines, bytes };
}

// ---------------------------------------------------------------------------------------------
// Measured runs

let tmpDir;
let seq = 0;
let current; // the running child, killed on Ctrl-C

/**
 * Runs one command under /usr/bin/time -f '%e %M' (when available), sequentially, in its own
 * process group so a timeout or Ctrl-C can kill the whole tree.
 */
function measure(cmd, args, { timeout, haveTime }) {
  const timeFile = path.join(tmpDir, `time-${++seq}.txt`);
  const [c, a] = haveTime ? [TIME_BIN, ['-f', '%e %M', '-o', timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(c, a, { cwd: tmpDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let stdout = '';
    let stderr = '';
    const keep = (s, d) => (s + d).slice(-64 * 1024);
    child.stdout.on('data', (d) => {
      stdout = keep(stdout, d);
    });
    child.stderr.on('data', (d) => {
      stderr = keep(stderr, d);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeout * 1000);
    const finish = (code, signal, spawnError) => {
      clearTimeout(timer);
      current = undefined;
      const jsWall = (performance.now() - t0) / 1000;
      let wall = jsWall;
      let peakMB = null;
      let note;
      if (haveTime) {
        const text = fs.existsSync(timeFile) ? fs.readFileSync(timeFile, 'utf8') : '';
        const lines = text.trim().split('\n');
        const m = /^(\d+(?:\.\d+)?) (\d+)$/.exec(lines[lines.length - 1] ?? '');
        if (m) {
          wall = Number(m[1]);
          peakMB = Number(m[2]) / 1024;
        }
        note = lines.find((l) => /terminated by signal/.test(l));
      }
      resolve({ code, signal, spawnError, timedOut, timeout, wall, peakMB, stdout, stderr, timeNote: note });
    };
    child.on('error', (err) => finish(null, null, err.message));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

function describeFailure(r, extra) {
  if (r.spawnError) return `could not start: ${r.spawnError}`;
  if (r.timedOut) return `timed out after ${r.timeout} s`;
  if (r.timeNote) return r.timeNote.toLowerCase();
  if (r.signal) return `killed by ${r.signal}`;
  return extra;
}

async function runKrait(corpus, opts, env) {
  const row = { corpus: corpus.name, tool: 'krait', runs: [] };
  if (env.kraitError) return { ...row, failed: env.kraitError.reason, stderrTail: env.kraitError.tail };
  for (let i = 1; i <= opts.runs; i++) {
    const outFile = path.join(tmpDir, `krait-${corpus.name}-${i}.json`);
    fs.rmSync(outFile, { force: true });
    const { cmd, args } = kraitCommand({ corpus, outFile, opts });
    if (i === 1) log(`$ ${[cmd, ...args].map(shellQuote).join(' ')}`);
    const r = await measure(cmd, args, { timeout: opts.timeout, haveTime: env.haveTime });
    let failure = describeFailure(r, r.code !== 0 ? `exit code ${r.code}` : undefined);
    let parsed;
    if (!failure) {
      try {
        parsed = parseKraitReport(outFile);
      } catch (e) {
        failure = fs.existsSync(outFile) ? `unreadable JSON output (${e.message})` : 'no JSON output written';
      }
    }
    if (failure) {
      log(`  krait ${corpus.name} run ${i}/${opts.runs}: FAILED (${failure})`);
      return { ...row, failed: failure, stderrTail: tail(r.stderr || r.stdout) };
    }
    log(`  krait ${corpus.name} run ${i}/${opts.runs}: ${fmtWall(r.wall)} s, ${fmtMB(r.peakMB)} MB, ${parsed.findings} findings`);
    row.runs.push({ wall: r.wall, peakMB: r.peakMB, ...parsed });
  }
  return summarise(row);
}

/**
 * The result cache: per run, a cold scan into an empty cache folder, then a warm one with nothing changed. The
 * warm report must list the same findings as the cold one.
 */
async function runKraitCache(corpus, opts, env) {
  const cold = { corpus: corpus.name, tool: 'krait cold (cache)', runs: [] };
  const warm = { corpus: corpus.name, tool: 'krait warm (cache)', runs: [] };
  if (env.kraitError) return [{ ...cold, failed: env.kraitError.reason }, { ...warm, failed: env.kraitError.reason }];
  const cacheDir = path.join(tmpDir, `cache-${corpus.name}`);
  for (let i = 1; i <= opts.runs; i++) {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const reports = [];
    for (const row of [cold, warm]) {
      const outFile = path.join(tmpDir, `krait-${corpus.name}-${row === cold ? 'cold' : 'warm'}-${i}.json`);
      const { cmd, args } = kraitCommand({ corpus, outFile, opts, cacheDir });
      if (i === 1) log(`$ ${[cmd, ...args].map(shellQuote).join(' ')}`);
      const r = await measure(cmd, args, { timeout: opts.timeout, haveTime: env.haveTime });
      const failure = describeFailure(r, r.code !== 0 ? `exit code ${r.code}` : undefined);
      if (failure) return [{ ...cold, failed: failure, stderrTail: tail(r.stderr || r.stdout) }, { ...warm, failed: failure }];
      const parsed = parseKraitReport(outFile);
      reports.push(JSON.stringify(JSON.parse(fs.readFileSync(outFile, 'utf8')).findings));
      log(`  ${row.tool} ${corpus.name} run ${i}/${opts.runs}: ${fmtWall(r.wall)} s, ${fmtMB(r.peakMB)} MB, ${parsed.findings} findings`);
      row.runs.push({ wall: r.wall, peakMB: r.peakMB, ...parsed });
    }
    if (reports[0] !== reports[1]) return [{ ...cold, failed: 'warm findings differ from cold' }, { ...warm, failed: 'warm findings differ from cold' }];
  }
  return [summarise(cold), summarise(warm)];
}

/**
 * The taint rules' cost on a corpus: krait with every default rule and krait with `--ignore K7`, run in
 * alternated pairs (with/without, then without/with, ...) so that a change in machine load hits both sides.
 * The ratio reported is the median of the per-pair ratios.
 */
async function runTaintPairs(corpus, opts, env) {
  const row = { corpus: corpus.name, pairs: [] };
  if (env.kraitError) return { ...row, failed: env.kraitError.reason };
  const once = async (withTaint, i) => {
    const outFile = path.join(tmpDir, `krait-taint-${corpus.name}-${i}-${withTaint ? 'with' : 'without'}.json`);
    const base = kraitCommand({ corpus, outFile, opts });
    const args = withTaint ? base.args : [...base.args, '--ignore', 'K7'];
    if (i === 1) log(`$ ${[base.cmd, ...args].map(shellQuote).join(' ')}`);
    const r = await measure(base.cmd, args, { timeout: opts.timeout, haveTime: env.haveTime });
    const failure = describeFailure(r, r.code !== 0 ? `exit code ${r.code}` : undefined);
    return failure ? { failure } : { wall: r.wall };
  };
  for (let i = 1; i <= opts.taintPairs; i++) {
    const order = i % 2 === 1 ? [true, false] : [false, true];
    const got = {};
    for (const withTaint of order) got[withTaint] = await once(withTaint, i);
    const failure = got[true].failure ?? got[false].failure;
    if (failure) return { ...row, failed: failure };
    row.pairs.push({ with: got[true].wall, without: got[false].wall, ratio: got[true].wall / got[false].wall });
    log(`  taint cost ${corpus.name} pair ${i}/${opts.taintPairs}: ${fmtWall(got[true].wall)} s with, ${fmtWall(got[false].wall)} s without`);
  }
  return {
    ...row,
    with: median(row.pairs.map((p) => p.with)),
    without: median(row.pairs.map((p) => p.without)),
    ratio: median(row.pairs.map((p) => p.ratio)),
  };
}

async function runBandit(corpus, opts, env) {
  const row = { corpus: corpus.name, tool: 'bandit', runs: [] };
  for (let i = 1; i <= opts.banditRuns; i++) {
    const outFile = path.join(tmpDir, `bandit-${corpus.name}-${i}.json`);
    fs.rmSync(outFile, { force: true });
    const { cmd, args } = banditCommand({ corpus, outFile, banditBin: env.found.bandit });
    if (i === 1) log(`$ ${[cmd, ...args].map(shellQuote).join(' ')}`);
    const r = await measure(cmd, args, { timeout: opts.timeout, haveTime: env.haveTime });
    // Exit 1 means "issues found"; a Python traceback also exits 1, so the JSON file decides.
    let failure = describeFailure(r, r.code !== 0 && r.code !== 1 ? `exit code ${r.code}` : undefined);
    let parsed;
    if (!failure) {
      try {
        parsed = parseBanditReport(outFile);
      } catch (e) {
        failure = fs.existsSync(outFile) ? `unreadable JSON output (${e.message})` : `no JSON output written (exit ${r.code})`;
      }
    }
    if (failure) {
      log(`  bandit ${corpus.name} run ${i}/${opts.banditRuns}: FAILED (${failure})`);
      return { ...row, failed: failure, stderrTail: tail(r.stderr || r.stdout) };
    }
    log(
      `  bandit ${corpus.name} run ${i}/${opts.banditRuns}: ${fmtWall(r.wall)} s, ${fmtMB(r.peakMB)} MB, ${parsed.findings} findings`,
    );
    row.runs.push({ wall: r.wall, peakMB: r.peakMB, ...parsed });
  }
  return summarise(row);
}

/** Median wall and peak over the runs; counts from the last run. */
function summarise(row) {
  const last = row.runs[row.runs.length - 1];
  const peaks = row.runs.map((r) => r.peakMB).filter((x) => x != null);
  const findingsVary = new Set(row.runs.map((r) => r.findings)).size > 1;
  return {
    ...row,
    ...last,
    wall: median(row.runs.map((r) => r.wall)),
    peakMB: peaks.length > 0 ? median(peaks) : null,
    findingsVary,
  };
}

function shellQuote(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

// ---------------------------------------------------------------------------------------------
// Build

function newestMtime(dir) {
  let newest = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  }
  return newest;
}

/** Builds krait when dist/bundle/main.js is missing or older than src; returns an error or undefined. */
function ensureBuilt(opts) {
  const rel = path.relative(ROOT, KRAIT_MAIN);
  if (opts.build) {
    const srcDir = path.join(ROOT, 'src');
    const built = fs.statSync(KRAIT_MAIN, { throwIfNoEntry: false });
    const newest = fs.existsSync(srcDir) ? newestMtime(srcDir) : 0;
    if (!built || built.mtimeMs < newest) {
      log(`build: ${built ? `${rel} is older than src` : `${rel} is missing`}; running npm run build`);
      const r = run('npm', ['run', 'build'], { cwd: ROOT });
      if (r.status !== 0) {
        return { reason: `npm run build failed (exit ${r.status ?? r.error?.message})`, tail: tail(`${r.stdout}\n${r.stderr}`) };
      }
    }
  }
  if (!fs.existsSync(KRAIT_MAIN)) return { reason: `${rel} does not exist${opts.build ? ' after npm run build' : ''}`, tail: '' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Report

function notes(row) {
  if (row.skipped) return `skipped: ${row.skipped}`;
  if (row.failed) return `FAILED: ${row.failed}`;
  const out = [];
  if (row.tool.startsWith('krait')) {
    const reasons = Object.entries(row.skippedByReason ?? {})
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${fmtInt(n)} ${kind}`);
    out.push(`${fmtInt(row.filesSkipped)} skipped${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`);
    if (row.suppressed) out.push(`${fmtInt(row.suppressed)} suppressed`);
    const seen = (row.filesScanned ?? 0) + (row.filesSkipped ?? 0);
    if (seen !== row.corpusFiles) out.push(`saw ${fmtInt(seen)} of ${fmtInt(row.corpusFiles)} files`);
  } else {
    out.push(`${fmtInt(row.errors)} errors`);
    if (row.filesScanned !== row.corpusFiles) out.push(`bandit saw ${fmtInt(row.filesScanned)} files`);
  }
  if (row.runs.length > 1) out.push(`median of ${row.runs.length}`);
  if (row.findingsVary) out.push('findings vary between runs');
  return out.join(', ');
}

function ratios(corpora, rows) {
  const out = [];
  for (const c of corpora) {
    if (c.skip) continue;
    const k = rows.find((r) => r.corpus === c.name && r.tool === 'krait');
    const b = rows.find((r) => r.corpus === c.name && r.tool === 'bandit');
    if (!b) continue;
    const bad = [k, b].filter((r) => r.failed || r.skipped).map((r) => `${r.tool} ${r.failed ? 'failed' : 'skipped'}`);
    if (bad.length > 0) {
      out.push({ corpus: c.name, text: `${c.name}: no ratio (${bad.join(', ')})` });
      continue;
    }
    const speedup = b.wall / k.wall;
    const memory = k.peakMB != null && b.peakMB != null ? k.peakMB / b.peakMB : null;
    out.push({
      corpus: c.name,
      speedup,
      memory,
      text: `${c.name}: krait is ${fmtRatio(speedup)}x faster than bandit, peak memory ${memory == null ? 'n/a' : `${fmtRatio(memory)}x`}`,
    });
  }
  return out;
}

/** Warm scan cost as a share of the cold one, per corpus. */
function warmRatios(corpora, rows) {
  const out = [];
  for (const c of corpora) {
    const cold = rows.find((r) => r.corpus === c.name && r.tool === 'krait cold (cache)');
    const warm = rows.find((r) => r.corpus === c.name && r.tool === 'krait warm (cache)');
    if (!cold || !warm || cold.failed || warm.failed) continue;
    const share = warm.wall / cold.wall;
    out.push({ corpus: c.name, share, text: `${c.name}: a warm scan (nothing changed) costs ${(share * 100).toFixed(1)}% of a cold one (${fmtWall(warm.wall)} s / ${fmtWall(cold.wall)} s)` });
  }
  return out;
}

function verdicts(ratioList, rows) {
  const std = ratioList.find((r) => r.corpus === 'stdlib' && r.speedup != null);
  const speed = std
    ? { status: std.speedup >= TARGET_SPEEDUP ? 'PASS' : 'FAIL', detail: `${fmtRatio(std.speedup)}x` }
    : { status: 'N/A', detail: 'stdlib not measured against bandit' };
  const kr = rows.filter((r) => r.tool === 'krait' && !r.failed && !r.skipped && r.peakMB != null);
  let mem;
  if (kr.length === 0) mem = { status: 'N/A', detail: 'no successful krait run with memory measured' };
  else {
    const worst = kr.reduce((a, b) => (b.peakMB > a.peakMB ? b : a));
    mem = {
      status: worst.peakMB < TARGET_PEAK_MB ? 'PASS' : 'FAIL',
      detail: `max ${fmtMB(worst.peakMB)} MB on ${worst.corpus}`,
    };
  }
  const warmList = ratioList.filter((r) => r.share != null);
  const worstWarm = warmList.reduce((a, b) => (a && a.share >= b.share ? a : b), undefined);
  const warm = worstWarm
    ? { status: worstWarm.share <= TARGET_WARM ? 'PASS' : 'FAIL', detail: `max ${(worstWarm.share * 100).toFixed(1)}% on ${worstWarm.corpus}` }
    : { status: 'N/A', detail: 'no warm rows' };
  return [
    { target: `krait >= ${TARGET_SPEEDUP}x faster than bandit on stdlib`, ...speed },
    { target: `krait peak memory < ${TARGET_PEAK_MB} MB`, ...mem },
    { target: `warm krait scan <= ${TARGET_WARM * 100}% of cold`, ...warm },
  ];
}

function taintVerdicts(taintRows) {
  return taintRows.map((t) => {
    const target = TARGET_TAINT_RATIO[t.corpus];
    const label = `krait with taint <= ${target}x krait without taint on ${t.corpus}`;
    if (t.failed) return { target: label, status: 'N/A', detail: `failed: ${t.failed}` };
    return { target: label, status: t.ratio <= target ? 'PASS' : 'FAIL', detail: `${fmtRatio(t.ratio)}x` };
  });
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-bench-'));
  const cleanup = () => {
    if (!opts.keepTmp) fs.rmSync(tmpDir, { recursive: true, force: true });
  };
  const onSignal = (code) => () => {
    if (current) {
      try {
        process.kill(-current.pid, 'SIGKILL');
      } catch {}
    }
    cleanup();
    process.exit(code);
  };
  process.on('SIGINT', onSignal(130));
  process.on('SIGTERM', onSignal(143));

  const found = ensurePeers(opts);
  const haveTime = Boolean(found.time);
  const kraitError = ensureBuilt(opts);
  if (kraitError) log(`krait: ${kraitError.reason}; krait rows will be marked failed`);

  const corpora = [];
  if (opts.corpus !== 'django') corpora.push(stdlibCorpus());
  if (opts.corpus !== 'stdlib') corpora.push(djangoCorpus(found));
  for (const c of corpora) {
    if (c.skip) {
      log(`corpus ${c.name}: skipped (${c.skip})`);
      continue;
    }
    Object.assign(c, countCorpus(c.path));
    log(`corpus ${c.name}: ${c.path}: ${fmtInt(c.files)} .py files, ${fmtInt(c.lines)} lines`);
  }

  const banditVersion = found.bandit ? toolVersion(found.bandit, ['--version']) : undefined;
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGB: Math.round(os.totalmem() / 1024 ** 3),
    load: os.loadavg().map((x) => x.toFixed(2)),
    node: process.version,
  };
  log(
    `machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memGB} GB, load ${machine.load.join(' ')}; node ${machine.node}` +
      `${banditVersion ? `; ${banditVersion}` : ''}; krait jobs: ${opts.jobs ?? 'default'}`,
  );
  if (os.loadavg()[0] > 0.5) log('warning: the machine is not idle; timings will be noisy');

  const env = { found, haveTime, kraitError };
  const rows = [];
  const taintRows = [];
  for (const c of corpora) {
    if (c.skip) continue;
    const cacheDirs = [path.join(c.path, '.krait-cache'), path.join(tmpDir, '.krait-cache')];
    const hadCache = cacheDirs.map((d) => fs.existsSync(d));
    rows.push({ ...(await runKrait(c, opts, env)), corpusFiles: c.files });
    if (opts.warm) rows.push(...(await runKraitCache(c, opts, env)).map((r) => ({ ...r, corpusFiles: c.files })));
    cacheDirs.forEach((d, i) => {
      if (!hadCache[i] && fs.existsSync(d)) log(`warning: krait created ${d}; later runs may be measuring a warm cache`);
    });
    if (opts.taintPairs > 0) taintRows.push(await runTaintPairs(c, opts, env));
    if (!opts.bandit) continue;
    if (!found.bandit) rows.push({ corpus: c.name, tool: 'bandit', skipped: 'bandit not installed', runs: [] });
    else rows.push({ ...(await runBandit(c, opts, env)), corpusFiles: c.files });
  }

  // Table
  const out = [];
  out.push('| corpus | files | lines | tool | wall s | peak MB | findings | notes |');
  out.push('|---|--:|--:|---|--:|--:|--:|---|');
  for (const r of rows) {
    const c = corpora.find((x) => x.name === r.corpus);
    const ok = !r.failed && !r.skipped;
    out.push(
      `| ${r.corpus} | ${fmtInt(c.files)} | ${fmtInt(c.lines)} | ${r.tool} | ${ok ? fmtWall(r.wall) : '—'} | ${
        ok ? fmtMB(r.peakMB) : '—'
      } | ${ok ? fmtInt(r.findings) : '—'} | ${notes(r)} |`,
    );
  }
  for (const c of corpora) if (c.skip) out.push(`| ${c.name} | — | — | — | — | — | — | skipped: ${c.skip} |`);
  const ratioList = [...ratios(corpora, rows), ...warmRatios(corpora, rows)];
  if (ratioList.length > 0) out.push('', ...ratioList.map((r) => r.text));
  if (taintRows.length > 0) {
    out.push('', '| corpus | with taint s | without taint s (--ignore K7) | ratio (median of pairs) | pairs |');
    out.push('|---|--:|--:|--:|--:|');
    for (const t of taintRows) {
      out.push(t.failed ? `| ${t.corpus} | — | — | — | failed: ${t.failed} |` : `| ${t.corpus} | ${fmtWall(t.with)} | ${fmtWall(t.without)} | ${fmtRatio(t.ratio)}x | ${t.pairs.length} |`);
    }
  }
  const verdictList = [...verdicts(ratioList, rows), ...taintVerdicts(taintRows)];
  out.push('', ...verdictList.map((v) => `${v.status}: ${v.target} (${v.detail})`));
  const failed = rows.filter((r) => r.failed);
  const shown = new Set();
  for (const r of failed) {
    out.push('', `${r.tool} on ${r.corpus} failed: ${r.failed}`);
    const key = `${r.failed}\0${r.stderrTail}`;
    if (shown.has(key)) out.push('(same output as above)');
    else if (r.stderrTail) out.push('```', r.stderrTail, '```');
    shown.add(key);
  }
  // Long lines, deep nesting and a 50k-line module, as ratios against normal code (bench/pathological.mjs).
  if (opts.pathological && !kraitError) out.push('', ...pathologicalTable({ runs: opts.runs, log }));
  console.log(out.join('\n'));

  if (opts.json) {
    const data = {
      date: new Date().toISOString(),
      machine,
      bandit: banditVersion,
      options: { ...opts, json: undefined },
      corpora: corpora.map(({ excludeDirs, ...c }) => c),
      results: rows.map(({ stderrTail, ...r }) => r),
      ratios: ratioList.map(({ text, ...r }) => r),
      taint: taintRows,
      verdicts: verdictList,
    };
    fs.mkdirSync(path.dirname(opts.json), { recursive: true });
    fs.writeFileSync(opts.json, `${JSON.stringify(data, null, 2)}\n`);
    log(`raw numbers written to ${opts.json}`);
  }
  if (opts.keepTmp) log(`raw tool outputs kept in ${tmpDir}`);
  cleanup();
  process.exit(failed.length > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(`bench: ${e.stack ?? e}`);
  process.exit(1);
});
