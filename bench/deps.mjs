// Dependency audit benchmark: builds a synthetic OSV export of realistic size from the shared PyPA snapshot
// (records copied under renamed packages and ids), indexes it, and audits a 200-package lock file against it.
// Run with `npm run bench:deps` after `npm run build`. Never part of `npm test`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { readExport } = await import(path.join(repo, 'dist/deps/db/export.js'));
const { buildIndex, OsvIndex } = await import(path.join(repo, 'dist/deps/db/index-file.js'));
const { audit } = await import(path.join(repo, 'dist/deps/audit.js'));

const source = path.resolve(repo, '../shared/data/osv/pypa-advisory-database.zip');
if (!fs.existsSync(source)) {
  console.error(`bench:deps needs ${source}`);
  process.exit(2);
}
const copies = Number(process.env.KRAIT_BENCH_COPIES ?? 10);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-bench-deps-'));

/** An offline audit of one manifest against the synthetic export. */
const auditOf = (root, manifest) =>
  audit({
    root,
    manifests: [manifest],
    online: false,
    osvDb: zipPath,
    cacheDir: path.join(work, 'cache'),
    ttlSeconds: 86400,
    apiUrl: 'http://127.0.0.1:47',
    timeoutMs: 1000,
    retries: 0,
    backoffMs: 0,
    ignore: [],
    today: new Date(),
    enabled: () => true,
  });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const t = performance.now();
  const out = fn();
  return [performance.now() - t, out];
};

// 1. A synthetic export: copy k renames every package to "<name>-k<k>" and every id to "<id>-K<k>".
const { records } = readExport(source);
const files = {};
for (let k = 0; k < copies; k++) {
  for (const r of records) {
    const copy = structuredClone(r);
    if (k > 0) {
      copy.id = `${r.id}-K${k}`;
      copy.aliases = (r.aliases ?? []).map((a) => `${a}-K${k}`);
      for (const a of copy.affected ?? []) if (a.package) a.package.name = `${a.package.name}-k${k}`;
    }
    files[`${copy.id}.json`] = strToU8(JSON.stringify(copy, null, 1));
  }
}
const zipPath = path.join(work, 'all.zip');
fs.writeFileSync(zipPath, zipSync(files, { level: 6 }));
const zipMb = fs.statSync(zipPath).size / 1e6;
console.log(`synthetic export: ${Object.keys(files).length} records, ${zipMb.toFixed(1)} MB zipped (${copies} renamed copies of ${records.length})`);

// 2. Index build (includes reading and inflating the zip).
const builds = [];
let built;
for (let i = 0; i < 3; i++) {
  const [ms, b] = time(() => buildIndex(zipPath, path.join(work, 'all.index')));
  builds.push(ms);
  built = b;
}
console.log(`index build: median ${median(builds).toFixed(0)} ms of 3 (${built.packages} packages, index ${(built.bytes / 1e6).toFixed(1)} MB)`);

// 3. A 200-package lock file: packages spread over the index, each locked at a version its advisories list.
const reopened = OsvIndex.open(path.join(work, 'all.index'));
const allNames = reopened.packageNames();
const step = Math.floor(allNames.length / 200);
const picked = allNames.filter((_, i) => i % step === 0).slice(0, 200);
const lock = ['# synthetic poetry.lock for the benchmark', ''];
for (const name of picked) {
  const versions = reopened.lookup(name).flatMap((a) => a.versions);
  lock.push('[[package]]', `name = "${name}"`, `version = "${versions[0] ?? '1.0.0'}"`, '');
}
reopened.close();
const project = path.join(work, 'project');
fs.mkdirSync(project);
fs.writeFileSync(path.join(project, 'poetry.lock'), lock.join('\n'));

// 4. Lookup only (open the index, read 200 packages), then the whole audit (parse, look up, match, findings).
const lookups = [];
for (let i = 0; i < 10; i++) {
  const [ms] = time(() => {
    const idx = OsvIndex.open(path.join(work, 'all.index'));
    for (const n of picked) idx.lookup(n);
    idx.close();
  });
  lookups.push(ms);
}
console.log(`lookup of 200 packages (open index + read): median ${median(lookups).toFixed(1)} ms of 10`);

const audits = [];
let last;
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  last = await auditOf(project, 'poetry.lock');
  audits.push(performance.now() - t);
}
console.log(`audit of a 200-package lock file (index cached after the first run): first ${audits[0].toFixed(0)} ms (builds the index), then median ${median(audits.slice(1)).toFixed(1)} ms of 9; ${last.findings.length} findings`);

// 4b. Ranges are harder than pins (intersections, the narrowest safe specifier): 50 ranges over the packages
// with the most advisories.
const heavy = OsvIndex.open(path.join(work, 'all.index'));
const byCount = allNames.map((n) => [n, heavy.lookup(n).length]).sort((a, b) => b[1] - a[1]).slice(0, 50);
heavy.close();
const rangeProject = path.join(work, 'ranges');
fs.mkdirSync(rangeProject);
fs.writeFileSync(path.join(rangeProject, 'requirements.in'), byCount.map(([n], i) => (i % 2 ? `${n}>=1.0` : n)).join('\n'));
const rangeRuns = [];
let rangeResult;
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  rangeResult = await auditOf(rangeProject, 'requirements.in');
  rangeRuns.push(performance.now() - t);
}
const advisoryCount = byCount.reduce((sum, [, n]) => sum + n, 0);
console.log(`audit of 50 ranges over the packages with the most advisories (${advisoryCount} advisories): median ${median(rangeRuns).toFixed(0)} ms of 5; ${rangeResult.findings.length} findings`);

// 5. The CLI end to end, index already cached: process start, module loading and all.
const cli = path.join(repo, 'dist/bundle/main.js');
const env = { ...process.env, XDG_CACHE_HOME: path.join(work, 'xdg') };
spawnSync(process.execPath, [cli, 'deps', project, '--osv-db', zipPath, '--format', 'json'], { env });
const runs = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, 'deps', project, '--osv-db', zipPath, '--format', 'json'], { env, encoding: 'utf8' });
  runs.push(performance.now() - t);
  if (r.status !== 1) throw new Error(`krait deps exited ${r.status}: ${r.stderr}`);
}
const starts = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  spawnSync(process.execPath, [cli, '--version'], { env });
  starts.push(performance.now() - t);
}
console.log(`\`krait deps\` CLI on that lock file, index cached: median ${median(runs).toFixed(0)} ms of 5 (whole process; \`krait --version\` alone: ${median(starts).toFixed(0)} ms)`);
console.log(`load average during the run: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} on ${os.availableParallelism()} cores`);
if (process.env.KRAIT_BENCH_KEEP) console.log(`kept ${work}`);
else fs.rmSync(work, { recursive: true, force: true });
