#!/usr/bin/env node
// krait's own scored benchmark (test/fixtures/bench-cases): per vulnerability class, the true-positive rate
// (vulnerable cases reported), the false-positive rate (safe cases reported) and their difference, as benchmark
// suites of this kind score a tool. A case counts as reported when a finding in its file carries one of the
// class's CWE ids at medium or high confidence: low confidence is krait's way of saying "worth a look, not
// proven" (a non-constant value no untrusted input was shown to reach), which a reviewer does not act on. The
// mean counting low-confidence findings too is printed beside it.
//
// Usage: node bench/score.mjs [--json FILE] [--cases DIR] [--verbose] [--write-known]
//   --verbose lists every case scored wrongly (missed vulnerable cases and reported safe ones).
//   --write-known records the cases scored wrongly in test/fixtures/bench-cases/known-wrong.json, which the test
//   suite holds krait to: a case that starts passing or failing shows up as a test failure until it is recorded.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KRAIT_MAIN = path.join(ROOT, 'dist', 'bundle', 'main.js');
export const CASES_DIR = path.join(ROOT, 'test', 'fixtures', 'bench-cases', 'cases');
const CLASSES_FILE = path.join(ROOT, 'test', 'fixtures', 'bench-cases', 'classes.json');
export const KNOWN_WRONG_FILE = path.join(ROOT, 'test', 'fixtures', 'bench-cases', 'known-wrong.json');
const HEADER = /^# bench: (\w+) (vulnerable|safe)\b/;

/** Every case: its path relative to the cases folder, its class and whether it is vulnerable. */
export function readCases(dir = CASES_DIR) {
  const cases = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.py')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const first = fs.readFileSync(file, 'utf8').split('\n', 1)[0];
    const m = HEADER.exec(first);
    if (!m) throw new Error(`${file}: the first line must be "# bench: <class> vulnerable|safe"`);
    cases.push({ file: path.relative(dir, file).split(path.sep).join('/'), cls: m[1], vulnerable: m[2] === 'vulnerable' });
  }
  return cases.sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** Runs the built CLI over the cases with the default profile and returns its findings. */
export function scanCases(dir = CASES_DIR) {
  // Scanned from inside the folder, so that finding paths are the cases' own relative paths.
  const r = spawnSync(process.execPath, [KRAIT_MAIN, 'scan', '.', '--format', 'json', '--exit-zero', '--no-deps', '--no-config'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`krait failed (status ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout).findings;
}

/** Scores findings against the cases: per class counts and rates, plus the cases scored wrongly. */
export function score(cases, findings, classCwes, { includeLow = false } = {}) {
  const cwesByFile = new Map();
  for (const f of findings) {
    if (!includeLow && f.confidence === 'low') continue;
    const set = cwesByFile.get(f.location.path) ?? new Set();
    for (const c of f.cwe ?? []) set.add(c);
    cwesByFile.set(f.location.path, set);
  }
  const classes = new Map();
  const wrong = [];
  for (const c of cases) {
    const wanted = classCwes[c.cls];
    if (!wanted) throw new Error(`${c.file}: unknown class ${c.cls}`);
    const found = cwesByFile.get(c.file);
    const reported = wanted.some((cwe) => found?.has(cwe));
    const row = classes.get(c.cls) ?? { cls: c.cls, tp: 0, fn: 0, fp: 0, tn: 0 };
    if (c.vulnerable) reported ? row.tp++ : row.fn++;
    else reported ? row.fp++ : row.tn++;
    classes.set(c.cls, row);
    if (reported !== c.vulnerable) wrong.push({ ...c, reported });
  }
  const rows = [...classes.values()]
    .sort((a, b) => (a.cls < b.cls ? -1 : 1))
    .map((r) => {
      const tpr = r.tp / Math.max(1, r.tp + r.fn);
      const fpr = r.fp / Math.max(1, r.fp + r.tn);
      return { ...r, tpr, fpr, score: tpr - fpr };
    });
  const mean = rows.reduce((s, r) => s + r.score, 0) / Math.max(1, rows.length);
  return { rows, mean, wrong };
}

export function readClassCwes() {
  return JSON.parse(fs.readFileSync(CLASSES_FILE, 'utf8'));
}

const pct = (x) => `${(x * 100).toFixed(0)}%`;

function main() {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const casesAt = args.indexOf('--cases');
  const dir = casesAt >= 0 ? path.resolve(args[casesAt + 1]) : CASES_DIR;
  if (!fs.existsSync(KRAIT_MAIN)) {
    console.error('krait is not built: run `npm run build` first');
    process.exit(2);
  }
  const cases = readCases(dir);
  const findings = scanCases(dir);
  const result = score(cases, findings, readClassCwes());
  const withLow = score(cases, findings, readClassCwes(), { includeLow: true });
  const lines = ['| class | cases | TP | FN | FP | TN | TPR | FPR | TPR−FPR |', '| --- | --: | --: | --: | --: | --: | --: | --: | --: |'];
  for (const r of result.rows) {
    lines.push(`| ${r.cls} | ${r.tp + r.fn + r.fp + r.tn} | ${r.tp} | ${r.fn} | ${r.fp} | ${r.tn} | ${pct(r.tpr)} | ${pct(r.fpr)} | ${pct(r.score)} |`);
  }
  lines.push(`| **mean** | ${cases.length} | | | | | | | **${pct(result.mean)}** |`);
  lines.push(`\nCounting low-confidence findings too, the mean is ${pct(withLow.mean)}.`);
  console.log(lines.join('\n'));
  if (args.includes('--verbose')) {
    for (const w of result.wrong) console.log(`${w.vulnerable ? 'missed  ' : 'reported'} ${w.file}`);
  } else if (result.wrong.length) {
    console.log(`\n${result.wrong.length} cases scored wrongly (--verbose lists them)`);
  }
  if (jsonAt >= 0) fs.writeFileSync(args[jsonAt + 1], `${JSON.stringify(result, null, 2)}\n`);
  if (args.includes('--write-known') && dir === CASES_DIR) {
    fs.writeFileSync(KNOWN_WRONG_FILE, `${JSON.stringify(result.wrong.map((w) => w.file), null, 2)}\n`);
    console.log(`recorded ${result.wrong.length} cases scored wrongly in ${path.relative(ROOT, KNOWN_WRONG_FILE)}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
