#!/usr/bin/env node
// `npm run compare`: krait and Debian's bandit on the same corpora, counted per Bandit id, side by side.
// krait rules list their Bandit equivalents in `sources`; ids that several rules or one rule share are
// compared as one group (K110 covers B602 and B604, so "B602+B604" is one row). Where the two counts
// differ by more than 20%, `--samples N` prints locations found by only one side, to read and judge.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KRAIT = path.join(ROOT, 'dist', 'bundle', 'main.js');
const CACHE = path.join(os.tmpdir(), 'krait-compare');
const DIFF_THRESHOLD = 0.2;

function usage(message) {
  if (message) process.stderr.write(`compare: ${message}\n`);
  process.stderr.write(
    'usage: node bench/compare.mjs [--corpus stdlib|django|all] [--samples N] [--reuse-bandit] [--json FILE]\n' +
      '  --reuse-bandit  use the bandit report cached by an earlier run (bandit takes minutes on stdlib)\n',
  );
  process.exit(2);
}

function options(argv) {
  const o = { corpus: 'all', samples: 0, reuseBandit: false, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--corpus') o.corpus = argv[++i];
    else if (a === '--samples') o.samples = Number(argv[++i]);
    else if (a === '--reuse-bandit') o.reuseBandit = true;
    else if (a === '--json') o.json = argv[++i];
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown option ${a}`);
  }
  if (!['stdlib', 'django', 'all'].includes(o.corpus)) usage('--corpus takes stdlib, django or all');
  if (!Number.isInteger(o.samples) || o.samples < 0) usage('--samples takes a whole number');
  return o;
}

function corpora(which) {
  const out = [];
  if (which !== 'django') {
    const r = spawnSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' });
    if (r.status === 0) out.push({ name: 'stdlib', root: r.stdout.trim(), exclude: ['site-packages', 'dist-packages'] });
  }
  if (which !== 'stdlib') {
    const django = '/usr/lib/python3/dist-packages/django';
    if (fs.existsSync(django)) out.push({ name: 'django', root: django, exclude: [] });
    else process.stderr.write('compare: Django not found (apt-get install python3-django); skipping it\n');
  }
  return out;
}

function runKrait(corpus) {
  const out = path.join(CACHE, `krait-${corpus.name}.json`);
  const r = spawnSync(process.execPath, [KRAIT, 'scan', corpus.root, '--select', 'ALL', '--format', 'json', '--output', out, '--exit-zero'], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`krait failed on ${corpus.name}: ${r.stderr.trim().split('\n').pop()}`);
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  return report.findings
    .filter((f) => !f.suppression)
    .map((f) => ({ rule: f.ruleId, file: f.location.path, line: f.location.startLine, endLine: f.location.endLine }));
}

function runBandit(corpus, reuse) {
  const out = path.join(CACHE, `bandit-${corpus.name}.json`);
  if (!(reuse && fs.existsSync(out))) {
    const args = ['-r', '-q', '-f', 'json', '-o', out];
    for (const x of corpus.exclude) args.push('-x', path.join(corpus.root, x));
    args.push(corpus.root);
    process.stderr.write(`compare: bandit on ${corpus.name} (minutes)…\n`);
    const r = spawnSync('bandit', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (!fs.existsSync(out)) throw new Error(`bandit failed on ${corpus.name}: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  }
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  // Bandit suppresses # nosec lines itself; its results are what it reports.
  return report.results.map((x) => ({
    id: x.test_id,
    file: path.relative(corpus.root, x.filename).split(path.sep).join('/'),
    line: x.line_number,
  }));
}

/** Groups of Bandit ids joined by the krait rules that cover them, with those rules. */
function groups(rules) {
  const parent = new Map();
  const find = (x) => {
    if (!parent.has(x)) parent.set(x, x);
    while (parent.get(x) !== x) x = parent.get(x);
    return x;
  };
  const union = (a, b) => parent.set(find(a), find(b));
  for (const r of rules) {
    const ids = r.sources.bandit ?? [];
    for (const id of ids) find(id);
    for (let i = 1; i < ids.length; i++) union(ids[0], ids[i]);
  }
  const byRoot = new Map();
  for (const id of parent.keys()) {
    const root = find(id);
    if (!byRoot.has(root)) byRoot.set(root, { ids: [], rules: [] });
    byRoot.get(root).ids.push(id);
  }
  for (const r of rules) {
    const first = (r.sources.bandit ?? [])[0];
    if (first) byRoot.get(find(first)).rules.push(r.id);
  }
  return [...byRoot.values()].map((g) => ({ ids: g.ids.sort(), rules: g.rules.sort() })).sort((a, b) => (a.ids[0] < b.ids[0] ? -1 : 1));
}

function main() {
  const o = options(process.argv.slice(2));
  if (!fs.existsSync(KRAIT)) usage('dist/bundle/main.js is missing: run `npm run build` first');
  fs.mkdirSync(CACHE, { recursive: true });
  const rules = JSON.parse(spawnSync(process.execPath, [KRAIT, 'rules', '--format', 'json'], { encoding: 'utf8' }).stdout);
  const gs = groups(rules);
  const covered = new Set(gs.flatMap((g) => g.ids));
  const results = [];
  for (const corpus of corpora(o.corpus)) {
    const k = runKrait(corpus);
    const b = runBandit(corpus, o.reuseBandit);
    const rows = gs.map((g) => {
      const kr = k.filter((f) => g.rules.includes(f.rule));
      const br = b.filter((f) => g.ids.includes(f.id));
      const diff = Math.abs(kr.length - br.length) / Math.max(1, kr.length, br.length);
      return { group: g.ids.join('+'), rules: g.rules.join(', '), bandit: br.length, krait: kr.length, diff, kr, br };
    });
    const uncovered = new Map();
    for (const f of b) if (!covered.has(f.id)) uncovered.set(f.id, (uncovered.get(f.id) ?? 0) + 1);
    results.push({ corpus: corpus.name, rows, uncovered });
  }

  for (const { corpus, rows, uncovered } of results) {
    console.log(`\n## ${corpus}\n`);
    console.log('| Bandit id | krait rule | bandit | krait | differ |');
    console.log('| --- | --- | --: | --: | --- |');
    for (const r of rows) console.log(`| ${r.group} | ${r.rules} | ${r.bandit} | ${r.krait} | ${r.diff > DIFF_THRESHOLD ? `${Math.round(r.diff * 100)}%` : ''} |`);
    if (uncovered.size > 0) {
      console.log(`\nBandit ids krait does not map (yet): ${[...uncovered].sort().map(([id, n]) => `${id} (${n})`).join(', ')}`);
    }
    if (o.samples > 0) {
      for (const r of rows.filter((x) => x.diff > DIFF_THRESHOLD)) {
        // Bandit 1.6 reports a multi-line call on a line inside it, not always the first: match by span.
        const covers = (kf, bf) => kf.file === bf.file && bf.line >= kf.line && bf.line <= (kf.endLine ?? kf.line);
        const onlyBAll = r.br.filter((bf) => !r.kr.some((kf) => covers(kf, bf)));
        const onlyKAll = r.kr.filter((kf) => !r.br.some((bf) => covers(kf, bf)));
        const onlyB = onlyBAll.slice(0, o.samples).map((f) => `${f.file}:${f.line}`);
        const onlyK = onlyKAll.slice(0, o.samples).map((f) => `${f.file}:${f.line}`);
        console.log(`\n### ${corpus} ${r.group}: only bandit (${onlyBAll.length}), only krait (${onlyKAll.length})`);
        for (const x of onlyB) console.log(`  bandit only  ${x}`);
        for (const x of onlyK) console.log(`  krait only   ${x}`);
      }
    }
  }
  if (o.json) {
    const data = results.map(({ corpus, rows, uncovered }) => ({
      corpus,
      rows: rows.map(({ group, rules, bandit, krait, diff }) => ({ group, rules, bandit, krait, diff })),
      uncovered: Object.fromEntries(uncovered),
    }));
    fs.writeFileSync(o.json, `${JSON.stringify(data, null, 2)}\n`);
  }
}

try {
  main();
} catch (err) {
  process.stderr.write(`compare: ${err.message}\n`);
  process.exit(1);
}
