#!/usr/bin/env node
// krait noise benchmark: scan real, widely used Python code bases with the default profile and hold every
// high- and medium-confidence finding against a reviewed verdict (bench/noise-review.json).
// Plain ESM, no dependencies beyond Node itself. See bench/README.md ("Noise benchmark").
//
// Usage: node bench/noise.mjs [--package a,b] [--json FILE] [--pending FILE] [--show-reviewed]
//                             [--cache DIR] [--no-install] [--no-build] [--jobs N] [--krait MAIN_JS]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let KRAIT_MAIN = path.join(ROOT, 'dist', 'bundle', 'main.js');
const REVIEW_FILE = path.join(ROOT, 'bench', 'noise-review.json');
const DIST_PACKAGES = '/usr/lib/python3/dist-packages';
const VERDICTS = ['true', 'false', 'not-actionable'];

/**
 * The fixed list. `deb`: a binary package whose Python folders (from `dpkg -L`) are scanned.
 * `source`: a Debian source package whose `tests/` folder is scanned (the binary packages do not ship the
 * projects' own test suites); it is fetched with `apt-get source` through a private deb-src list, so the
 * system's apt configuration is left as it is.
 */
const PACKAGES = [
  { name: 'flask', deb: 'python3-flask' },
  { name: 'werkzeug', deb: 'python3-werkzeug' },
  { name: 'jinja2', deb: 'python3-jinja2' },
  { name: 'requests', deb: 'python3-requests' },
  { name: 'sqlalchemy', deb: 'python3-sqlalchemy' },
  { name: 'django', deb: 'python3-django' },
  { name: 'gitpython', deb: 'python3-git' },
  { name: 'oauthlib', deb: 'python3-oauthlib' },
  { name: 'urllib3', deb: 'python3-urllib3' },
  { name: 'httplib2', deb: 'python3-httplib2' },
  { name: 'paramiko', deb: 'python3-paramiko' },
  { name: 'tornado', deb: 'python3-tornado' },
  { name: 'twisted', deb: 'python3-twisted' },
  { name: 'scrapy', deb: 'python3-scrapy' },
  { name: 'celery', deb: 'python3-celery' },
  { name: 'pillow', deb: 'python3-pil' },
  { name: 'jinja2-tests', source: 'jinja2' },
  { name: 'django-tests', source: 'python-django' },
];

const DEB_SRC = [
  'deb-src http://deb.debian.org/debian bookworm main',
  'deb-src http://deb.debian.org/debian-security bookworm-security main',
];

function parseArgs(argv) {
  const opts = {
    packages: null,
    json: null,
    pending: null,
    showReviewed: false,
    cache: path.join(os.homedir(), '.cache', 'krait-noise'),
    install: true,
    build: true,
    jobs: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--package') opts.packages = value().split(',').filter(Boolean);
    else if (a === '--json') opts.json = path.resolve(value());
    else if (a === '--pending') opts.pending = path.resolve(value());
    else if (a === '--show-reviewed') opts.showReviewed = true;
    else if (a === '--cache') opts.cache = path.resolve(value());
    else if (a === '--no-install') opts.install = false;
    else if (a === '--no-build') opts.build = false;
    else if (a === '--jobs') opts.jobs = value();
    else if (a === '--krait') {
      // Another build (a worktree of main, say) to compare before and after a change against the same verdicts.
      KRAIT_MAIN = path.resolve(value());
      opts.build = false;
    }
    else if (a === '--help' || a === '-h') {
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(5, 7).join('\n'));
      process.exit(0);
    } else fail(`unknown option ${a}`);
  }
  if (opts.packages) {
    const known = new Set(PACKAGES.map((p) => p.name));
    for (const p of opts.packages) if (!known.has(p)) fail(`unknown package ${p} (known: ${[...known].join(', ')})`);
  }
  return opts;
}

function fail(message) {
  console.error(`noise: ${message}`);
  process.exit(2);
}

const log = (message) => process.stderr.write(`${message}\n`);

function run(cmd, args, options = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** apt-get may be held by another process: retry for a while before giving up. */
function aptGet(args, cwd) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const r = run('apt-get', args, { cwd, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status === 0) return r;
    const text = `${r.stdout}\n${r.stderr}`;
    if (!/Could not get lock|Unable to lock|is another process using it/i.test(text)) return r;
    log(`  apt-get is locked by another process, retrying in 15 s (${attempt + 1}/20)`);
    spawnSync('sleep', ['15']);
  }
  return { status: 1, stdout: '', stderr: 'apt-get stayed locked' };
}

function debInstalled(deb) {
  const r = run('dpkg-query', ['-W', `-f=\${Status}`, deb]);
  return r.status === 0 && r.stdout.includes('install ok installed');
}

let aptUpdated = false;
function ensureDeb(deb, opts) {
  if (debInstalled(deb)) return true;
  if (!opts.install) return false;
  if (!isRoot()) {
    log(`  ${deb} is not installed and this is not root: run apt-get install ${deb}`);
    return false;
  }
  if (!aptUpdated) {
    aptGet(['update']);
    aptUpdated = true;
  }
  log(`  installing ${deb}`);
  const r = aptGet(['install', '-y', '--no-install-recommends', deb]);
  if (r.status !== 0) log(`  apt-get install ${deb} failed: ${r.stderr.trim().split('\n').pop()}`);
  return debInstalled(deb);
}

/** Top-level Python folders and modules a binary package installs into dist-packages. */
function debTargets(deb) {
  const r = run('dpkg', ['-L', deb]);
  if (r.status !== 0) return [];
  const targets = new Set();
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith(`${DIST_PACKAGES}/`)) continue;
    const top = line.slice(DIST_PACKAGES.length + 1).split('/')[0];
    if (!top || /\.(egg|dist)-info$/.test(top) || top.endsWith('.pth')) continue;
    const full = path.join(DIST_PACKAGES, top);
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    if (stat?.isDirectory() || (stat?.isFile() && top.endsWith('.py'))) targets.add(top);
  }
  return [...targets].sort();
}

/**
 * The `tests/` folder of a Debian source package, fetched once into `<cache>/<name>/tests`: scanned from
 * `<cache>/<name>`, its paths read `tests/...` as in the upstream repository, so test-code conventions apply.
 */
function sourceTests(pkg, opts) {
  const dir = path.join(opts.cache, pkg.name, 'tests');
  if (fs.existsSync(dir)) return dir;
  if (!opts.install) return null;
  const work = path.join(opts.cache, 'apt');
  const lists = path.join(work, 'lists');
  const downloads = path.join(work, 'src');
  fs.mkdirSync(path.join(lists, 'partial'), { recursive: true });
  fs.mkdirSync(downloads, { recursive: true });
  const sourceList = path.join(work, 'sources.list');
  fs.writeFileSync(sourceList, `${DEB_SRC.join('\n')}\n`);
  const aptOpts = [
    '-o',
    `Dir::Etc::SourceList=${sourceList}`,
    '-o',
    'Dir::Etc::SourceParts=/dev/null',
    '-o',
    `Dir::State::Lists=${lists}`,
    '-o',
    'Debug::NoLocking=1',
  ];
  if (!fs.readdirSync(lists).some((f) => f.endsWith('Sources') || f.includes('Sources'))) {
    log('  fetching the deb-src indexes into the cache');
    const u = run('apt-get', [...aptOpts, 'update']);
    if (u.status !== 0) log(`  apt-get update (deb-src) failed: ${u.stderr.trim().split('\n').pop()}`);
  }
  let orig = fs.readdirSync(downloads).find((f) => f.startsWith(`${pkg.source}_`) && /\.orig\.tar\./.test(f));
  if (!orig) {
    log(`  apt-get source --download-only ${pkg.source}`);
    // Only the upstream tarball is needed; a missing Debian patch tarball (security pool) is not fatal.
    run('apt-get', [...aptOpts, 'source', '--download-only', pkg.source], { cwd: downloads });
    orig = fs.readdirSync(downloads).find((f) => f.startsWith(`${pkg.source}_`) && /\.orig\.tar\./.test(f));
  }
  if (!orig) {
    log(`  could not fetch the source of ${pkg.source}`);
    return null;
  }
  const tarball = path.join(downloads, orig);
  const listing = run('tar', ['-tf', tarball]);
  const testsEntry = listing.stdout.split('\n').find((l) => /^[^/]+\/tests\/$/.test(l));
  if (!testsEntry) {
    log(`  ${orig} has no top-level tests/ folder`);
    return null;
  }
  const tmp = `${dir}.partial`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const x = run('tar', ['-xf', tarball, '-C', tmp, '--strip-components=2', testsEntry]);
  if (x.status !== 0) {
    log(`  extracting ${testsEntry} failed: ${x.stderr.trim()}`);
    return null;
  }
  fs.renameSync(tmp, dir);
  return dir;
}

/** Where to run krait (the cwd, so fingerprints hold relative paths that are the same on every machine). */
function locate(pkg, opts) {
  if (pkg.deb) {
    if (!ensureDeb(pkg.deb, opts)) return null;
    const targets = debTargets(pkg.deb);
    return targets.length > 0 ? { cwd: DIST_PACKAGES, targets } : null;
  }
  const dir = sourceTests(pkg, opts);
  return dir ? { cwd: path.dirname(dir), targets: [path.basename(dir)] } : null;
}

function scan(where, opts) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'krait-noise-')), 'report.json');
  const args = [KRAIT_MAIN, 'scan', ...where.targets, '--format', 'json', '--output', out, '--exit-zero'];
  args.push('--no-config', '--no-deps');
  if (opts.jobs) args.push('--jobs', opts.jobs);
  const r = run(process.execPath, args, { cwd: where.cwd });
  if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`krait failed (${r.status}): ${r.stderr.trim()}`);
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return report;
}

function loadReview() {
  if (!fs.existsSync(REVIEW_FILE)) return {};
  const data = JSON.parse(fs.readFileSync(REVIEW_FILE, 'utf8'));
  const verdicts = data.verdicts ?? {};
  for (const [fp, v] of Object.entries(verdicts)) {
    if (!VERDICTS.includes(v.verdict)) fail(`noise-review.json: ${fp} has verdict "${v.verdict}"`);
    if (!v.reason) fail(`noise-review.json: ${fp} has no reason`);
  }
  return verdicts;
}

function ensureBuilt(opts) {
  if (!opts.build && fs.existsSync(KRAIT_MAIN)) return;
  const newest = (dir) => {
    let t = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }
    return t;
  };
  if (fs.existsSync(KRAIT_MAIN) && fs.statSync(KRAIT_MAIN).mtimeMs >= newest(path.join(ROOT, 'src'))) return;
  log('building krait (npm run build)');
  const r = run('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) fail('npm run build failed');
}

const pad = (s, n) => String(s).padEnd(n);
const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`]
    .concat(rows.map((r) => `| ${r.join(' | ')} |`))
    .join('\n');

function emptyCounts() {
  const c = { high: 0, medium: 0, low: 0 };
  for (const conf of ['high', 'medium']) for (const v of [...VERDICTS, 'unreviewed']) c[`${conf}:${v}`] = 0;
  return c;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  ensureBuilt(opts);
  const review = loadReview();
  const selected = PACKAGES.filter((p) => !opts.packages || opts.packages.includes(p.name));
  const results = [];
  for (const pkg of selected) {
    log(`${pkg.name}: locating`);
    const where = locate(pkg, opts);
    if (!where) {
      results.push({ name: pkg.name, missing: true, findings: [] });
      continue;
    }
    log(`${pkg.name}: scanning ${where.targets.join(' ')} in ${where.cwd}`);
    const report = scan(where, opts);
    const findings = report.findings
      .filter((f) => !f.suppression)
      .map((f) => ({
        package: pkg.name,
        fingerprint: f.fingerprint,
        rule: f.ruleId,
        confidence: f.confidence,
        severity: f.severity,
        file: f.location.path,
        line: f.location.startLine,
        message: f.message,
        snippet: f.snippet,
        verdict: review[f.fingerprint]?.verdict ?? null,
      }));
    results.push({ name: pkg.name, files: report.stats.filesScanned, lines: report.stats.lines, findings });
  }

  // Per package: findings at each confidence, and verdicts of the high and medium ones.
  const rows = [];
  const total = emptyCounts();
  for (const r of results) {
    const c = emptyCounts();
    for (const f of r.findings) {
      c[f.confidence]++;
      if (f.confidence !== 'low') c[`${f.confidence}:${f.verdict ?? 'unreviewed'}`]++;
    }
    for (const k of Object.keys(c)) total[k] += c[k];
    const verdictCells = ['high', 'medium'].map((conf) => VERDICTS.map((v) => c[`${conf}:${v}`]).join(' / '));
    rows.push([
      r.name,
      r.missing ? 'missing' : r.files,
      c.high,
      c.medium,
      c.low,
      ...verdictCells,
      c['high:unreviewed'] + c['medium:unreviewed'],
    ]);
  }
  rows.push([
    '**total**',
    results.reduce((n, r) => n + (r.files ?? 0), 0),
    total.high,
    total.medium,
    total.low,
    ...['high', 'medium'].map((conf) => VERDICTS.map((v) => total[`${conf}:${v}`]).join(' / ')),
    total['high:unreviewed'] + total['medium:unreviewed'],
  ]);
  console.log('## Findings per package\n');
  console.log(
    table(
      ['package', 'files', 'high', 'medium', 'low', 'high: true / false / n-a', 'medium: true / false / n-a', 'unreviewed'],
      rows,
    ),
  );

  // Per rule and confidence.
  const all = results.flatMap((r) => r.findings);
  const byRule = new Map();
  for (const f of all) {
    const c = byRule.get(f.rule) ?? { high: 0, medium: 0, low: 0, true: 0, false: 0, 'not-actionable': 0 };
    c[f.confidence]++;
    if (f.verdict && f.confidence !== 'low') c[f.verdict]++;
    byRule.set(f.rule, c);
  }
  console.log('\n## Findings per rule\n');
  console.log(
    table(
      ['rule', 'high', 'medium', 'low', 'true', 'false', 'not-actionable'],
      [...byRule.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([rule, c]) => [rule, c.high, c.medium, c.low, c.true, c.false, c['not-actionable']]),
    ),
  );

  // Reviewed findings no longer reported: a `true` one lost is a regression, a `false` one gone is progress.
  const present = new Set(all.map((f) => f.fingerprint));
  const scanned = new Set(results.filter((r) => !r.missing).map((r) => r.name));
  const gone = Object.entries(review).filter(([fp, v]) => scanned.has(v.package) && !present.has(fp));
  const lowered = all.filter((f) => f.confidence === 'low' && f.verdict);
  const goneCounts = Object.fromEntries(VERDICTS.map((v) => [v, gone.filter(([, e]) => e.verdict === v).length]));
  console.log(
    `\nReviewed findings no longer reported: ${gone.length} (true ${goneCounts.true}, false ${goneCounts.false}, ` +
      `not-actionable ${goneCounts['not-actionable']}); reviewed findings now at low confidence: ${lowered.length}`,
  );
  for (const [fp, v] of gone.filter(([, e]) => e.verdict === 'true')) {
    console.log(`  LOST true finding ${fp}: ${v.package} ${v.file}:${v.line} ${v.rule} (${v.reason})`);
  }

  const unreviewed = all.filter((f) => f.confidence !== 'low' && !f.verdict);
  if (unreviewed.length > 0) {
    console.log(`\n## Findings without a verdict (${unreviewed.length})\n`);
    for (const f of unreviewed) {
      console.log(`${f.fingerprint}  ${pad(f.package, 12)} ${f.file}:${f.line}  ${f.rule} [${f.confidence}]  ${f.message}`);
      console.log(`    ${f.snippet.trim().slice(0, 160)}`);
    }
  }
  if (opts.showReviewed) {
    console.log('\n## Reviewed findings\n');
    for (const f of all.filter((x) => x.verdict)) {
      const reason = review[f.fingerprint].reason;
      console.log(`${f.fingerprint}  ${f.file}:${f.line}  ${f.rule} [${f.confidence}] ${f.verdict}: ${reason}`);
    }
  }

  // The goals of the default profile.
  const highFalse = total['high:false'];
  const naAboveLow = total['high:not-actionable'] + total['medium:not-actionable'];
  const mediumReviewed = VERDICTS.reduce((n, v) => n + total[`medium:${v}`], 0);
  const mediumFalseShare = mediumReviewed === 0 ? 0 : total['medium:false'] / mediumReviewed;
  const trueCount = total['high:true'] + total['medium:true'];
  const checks = [
    [highFalse === 0, `false findings at high confidence: ${highFalse} (goal 0)`],
    [naAboveLow === 0, `not-actionable findings above low confidence: ${naAboveLow} (goal 0)`],
    [
      mediumFalseShare <= 0.1,
      `false share at medium confidence: ${(mediumFalseShare * 100).toFixed(1)}% of ${mediumReviewed} (goal <= 10%)`,
    ],
    [goneCounts.true === 0, `true findings lost: ${goneCounts.true} (goal 0); true findings above low: ${trueCount}`],
    [unreviewed.length === 0, `findings above low confidence without a verdict: ${unreviewed.length} (goal 0)`],
  ];
  console.log('\n## Goals\n');
  for (const [ok, text] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}: ${text}`);

  if (opts.pending && unreviewed.length > 0) {
    const stubs = Object.fromEntries(
      unreviewed.map((f) => [
        f.fingerprint,
        { package: f.package, rule: f.rule, file: f.file, line: f.line, snippet: f.snippet.trim(), verdict: '', reason: '' },
      ]),
    );
    fs.writeFileSync(opts.pending, `${JSON.stringify(stubs, null, 2)}\n`);
    log(`wrote ${unreviewed.length} stubs to ${opts.pending}`);
  }
  if (opts.json) {
    fs.writeFileSync(opts.json, `${JSON.stringify({ results, total, gone: gone.map(([fp]) => fp) }, null, 2)}\n`);
    log(`wrote ${opts.json}`);
  }
  const missing = results.filter((r) => r.missing).map((r) => r.name);
  if (missing.length > 0) {
    console.log(`\nNot scanned (not installed or not fetched): ${missing.join(', ')}`);
    process.exitCode = 1;
  }
}

main();
