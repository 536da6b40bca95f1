import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTree, repoRoot, runCli } from '../helpers/cli.js';
import { itWithSarifSchema } from '../helpers/sarif-schema.js';
import { closedPort, startFakeOsv } from './osv-server.js';
import { advisoryFixtures, itWithShared, pypaZip } from './shared-data.js';
import { readExport } from '../../src/deps/db/export.js';

const cli = path.join(repoRoot, 'dist/bundle/main.js');

/** The CLI in a child process without blocking this one, so a server in this process can answer it. */
function runAsync(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: tmp(), KRAIT_OSV_API_URL: 'http://127.0.0.1:47', ...opts.env };
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    const child = spawn(process.execPath, [cli, ...args], { cwd: opts.cwd ?? repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'krait-deps-cli-'));
}

const project = () =>
  makeTree({
    'requirements.txt': 'PyYAML==5.3.1  # parses config files\nrequests==2.31.0\n',
    'app.py': 'import yaml\n\ndef load(text):\n    return yaml.safe_load(text)\n',
  });

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'docs/json-report.schema.json'), 'utf8'));
const validateJson = new Ajv({ strict: true, allErrors: true }).compile(schema);

describe('krait deps', () => {
  it('audits against a local OSV export and exits 1 on findings', () => {
    const r = runCli(['deps', project(), '--osv-db', advisoryFixtures]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^requirements\.txt:1:1 {2}K801 {2}PyYAML pinned to 5\.3\.1 is affected by GHSA-8q59-q68h-6hv4 \(CVE-2020-14343, PYSEC-2021-142\)/m);
    expect(r.stdout).toContain('= advisory: GHSA-8q59-q68h-6hv4, CVSS 3.1 9.8: affected >=0, <5.4; fixed in 5.4');
    expect(r.stdout).toContain('= help: upgrade PyYAML to 5.4');
    expect(r.stdout).toMatch(/dependencies +2 in 1 manifest \(2 packages\), advisories from osv-db /);
  });

  it('writes JSON that validates against the documented schema, dependency details included', () => {
    const r = runCli(['deps', project(), '--osv-db', advisoryFixtures, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(validateJson(report) ? [] : validateJson.errors).toEqual([]);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0].dependency).toMatchObject({ ecosystem: 'PyPI', package: 'PyYAML', name: 'pyyaml', version: '5.3.1', fixVersion: '5.4' });
    expect(report.rules.map((x: { id: string }) => x.id)).toEqual(['K801', 'K802', 'K803']);
    expect(report.stats.dependencies).toMatchObject({ manifests: 1, requirements: 2, packages: 2 });
  });

  itWithSarifSchema('writes SARIF with the advisory in properties and the upgrade as a fix', (validate) => {
    const r = runCli(['deps', project(), '--osv-db', advisoryFixtures, '--format', 'sarif']);
    const log = JSON.parse(r.stdout);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    const [res] = log.runs[0].results;
    expect(res.properties.dependency.advisories[0].id).toBe('GHSA-8q59-q68h-6hv4');
    expect(res.fixes[0].artifactChanges[0].replacements[0]).toEqual({
      deletedRegion: { startLine: 1, startColumn: 9, endLine: 1, endColumn: 14 },
      insertedContent: { text: '5.4' },
    });
  });

  it('filters by severity and rule like scan does', () => {
    expect(runCli(['deps', project(), '--osv-db', advisoryFixtures, '--ignore', 'K801']).status).toBe(0);
    expect(runCli(['deps', project(), '--osv-db', advisoryFixtures, '--severity', 'critical']).status).toBe(1);
    const none = runCli(['deps', project(), '--osv-db', advisoryFixtures, '--exit-zero']);
    expect(none.status).toBe(0);
    expect(none.stdout).toContain('K801');
  });

  itWithShared(pypaZip, 'audits the example apps offline with the shared PyPA export', () => {
    const r = runCli(['deps', 'examples', '--osv-db', pypaZip, '--format', 'json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    const where = new Set(report.findings.map((f: { location: { path: string; startLine: number }; ruleId: string }) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`));
    expect([...where].sort()).toEqual(['examples/django-project/requirements.txt:2 K801', 'examples/flask-app/requirements.txt:3 K801']);
    const yaml = report.findings.find((f: { dependency: { name: string } }) => f.dependency.name === 'pyyaml');
    expect(yaml.dependency.advisories[0].aliases).toContain('CVE-2020-14343');
    expect(yaml.dependency.fixVersion).toBe('5.4');
  });

  it('asks the OSV API by default, then works offline from the cache', async () => {
    const server = await startFakeOsv({ records: readExport(advisoryFixtures).records });
    try {
      const cacheDir = tmp();
      const dir = project();
      const online = await runAsync(['deps', dir, '--cache-dir', cacheDir, '--format', 'json'], { env: { KRAIT_OSV_API_URL: server.url } });
      expect(online.stderr).toBe('');
      expect(online.status).toBe(1);
      const report = JSON.parse(online.stdout);
      expect(report.findings.map((f: { ruleId: string; dependency: { advisories: { id: string }[] } }) => `${f.ruleId} ${f.dependency.advisories[0].id}`)).toEqual(['K801 GHSA-8q59-q68h-6hv4']);
      expect(report.stats.dependencies.source).toBe('OSV API');
      const asked = server.log.length;
      const offline = await runAsync(['deps', dir, '--cache-dir', cacheDir, '--offline', '--format', 'json'], { env: { KRAIT_OSV_API_URL: server.url } });
      expect(offline.status).toBe(1);
      expect(JSON.parse(offline.stdout).stats.dependencies.source).toBe('OSV API cache');
      expect(server.log.length).toBe(asked);
    } finally {
      await server.close();
    }
  });

  it('fails in one line when the API cannot be reached, rather than passing unchecked', async () => {
    const port = await closedPort();
    const r = await runAsync(['deps', project()], { env: { KRAIT_OSV_API_URL: `http://127.0.0.1:${port}` } });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^krait: OSV API unreachable \(http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED after 3 attempts\): 2 of 2 packages not checked/);
  });

  it('rejects --online with --offline, and a missing --osv-db, in one line', () => {
    const both = runCli(['deps', project(), '--online', '--offline']);
    expect(both.status).toBe(2);
    expect(both.stderr).toBe('krait: --online and --offline exclude each other\n');
    const missing = runCli(['deps', project(), '--osv-db', '/nonexistent/all.zip']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('krait: --osv-db /nonexistent/all.zip: no such file or folder\n');
  });
});

describe('krait scan with manifests', () => {
  it('includes dependency findings among code findings when advisory data is given', () => {
    const r = runCli(['scan', project(), '--osv-db', advisoryFixtures, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(validateJson(report) ? [] : validateJson.errors).toEqual([]);
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['K801']);
    expect(report.rules.map((x: { id: string }) => x.id)).toContain('K801');
    expect(r.status).toBe(1);
  });

  it('stays off the network by default and says in one notice that dependencies went unchecked', () => {
    const r = runCli(['scan', 'examples']);
    const notices = r.stdout.split('\n').filter((l) => l.includes('dependencies not checked'));
    expect(notices).toEqual([
      '  .  advisory-data  dependencies not checked: no advisory data offline (run `krait db update`, pass --osv-db PATH, or allow the OSV API with --online)',
    ]);
    expect(r.stdout).not.toContain('K801');
    expect(r.stderr).toBe('');
  });

  it('--no-deps, --select without K8 and `enabled = false` turn the audit off', () => {
    const dir = project();
    for (const args of [['--no-deps'], ['--select', 'K1']]) {
      const r = runCli(['scan', dir, '--osv-db', advisoryFixtures, '--format', 'json', ...args]);
      expect(JSON.parse(r.stdout).findings).toEqual([]);
    }
    fs.writeFileSync(path.join(dir, 'krait.toml'), '[deps]\nenabled = false\n');
    const r = runCli(['scan', dir, '--osv-db', advisoryFixtures, '--format', 'json']);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
    expect(JSON.parse(r.stdout).stats.dependencies).toBeUndefined();
  });
});

describe('[tool.krait.deps] configuration', () => {
  it('an ignore entry with a reason suppresses by any alias; expired, it reports again and says so', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), `[tool.krait.deps]\nosv-db = ${JSON.stringify(advisoryFixtures)}\nignore = [{ id = "CVE-2020-14343", reason = "only safe_load is used", expires = 2999-01-01 }]\n`);
    const live = runCli(['deps', dir]);
    expect(live.status).toBe(0);
    expect(live.stdout).toContain('No findings.');
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), `[tool.krait.deps]\nosv-db = ${JSON.stringify(advisoryFixtures)}\nignore = [{ id = "CVE-2020-14343", reason = "only safe_load is used", expires = "2020-01-01" }]\n`);
    const expired = runCli(['deps', dir]);
    expect(expired.status).toBe(1);
    expect(expired.stdout).toContain('pyproject.toml  expired-ignore  ignore entry for CVE-2020-14343 expired on 2020-01-01 and no longer suppresses it (reason was: only safe_load is used)');
  });

  it.each([
    ['ignore = [{ id = "CVE-2020-14343" }]', 'pyproject.toml: [tool.krait] deps.ignore[0].reason: every ignore entry needs a reason (a non-empty string)'],
    ['ignore = [{ id = "nope", reason = "x" }]', 'pyproject.toml: [tool.krait] deps.ignore[0].id: expected an advisory id or alias like "GHSA-xxxx-xxxx-xxxx", "PYSEC-2021-1" or "CVE-2021-1234", got "nope"'],
    ['ignore = [{ id = "CVE-1-2", reason = "x", expires = "soon" }]', 'pyproject.toml: [tool.krait] deps.ignore[0].expires: expected a date (YYYY-MM-DD), got "soon"'],
    ['ignore = [{ id = "CVE-1-2", reason = "x", until = "2020-01-01" }]', 'pyproject.toml: [tool.krait] deps.ignore[0]: unknown key "until" (expected one of expires, id, reason)'],
    ['cache-ttl = 0', 'pyproject.toml: [tool.krait] deps.cache-ttl: expected a positive integer, got 0'],
    ['offline = true', 'pyproject.toml: [tool.krait] deps: unknown key "offline" (did you mean "online"?)'],
  ])('%s is a one-line configuration error', (line, message) => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), `[tool.krait.deps]\n${line}\n`);
    const r = runCli(['deps', '.'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`krait: ${message}\n`);
  });
});

describe('krait db update', () => {
  let server: http.Server | undefined;
  afterAll(() => server?.close());

  it('downloads an export into the cache, indexes it, and the audit then needs no network', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const name of fs.readdirSync(advisoryFixtures).filter((n) => n.endsWith('.json'))) files[name] = fs.readFileSync(path.join(advisoryFixtures, name));
    const zip = zipSync(files);
    server = http.createServer((req, res) => {
      if (req.url === '/PyPI/all.zip') {
        res.writeHead(200, { 'content-type': 'application/zip' });
        res.end(zip);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cacheDir = tmp();
    const update = await runAsync(['db', 'update', '--cache-dir', cacheDir, '--url', `${base}/PyPI/all.zip`]);
    expect(update.stderr).toBe('');
    expect(update.status).toBe(0);
    expect(update.stdout).toMatch(/^Downloaded 0\.0 MB from http:\/\/127\.0\.0\.1:\d+\/PyPI\/all\.zip\nIndexed 8 advisories \(1 withdrawn\) for 4 packages in \d+\.\d\d s\nDatabase: .*all\.zip\n$/);
    expect(fs.existsSync(path.join(cacheDir, 'osv/db/PyPI/all.index'))).toBe(true);
    const audit = runCli(['deps', project(), '--cache-dir', cacheDir, '--offline']);
    expect(audit.status).toBe(1);
    expect(audit.stdout).toContain('K801');
    expect(audit.stdout).toMatch(/advisories from OSV database \(/);
    const missing = await runAsync(['db', 'update', '--cache-dir', cacheDir, '--url', `${base}/nope.zip`]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`krait: db update: ${base}/nope.zip answered HTTP 404\n`);
    // The failed update left the database in place.
    expect(runCli(['deps', project(), '--cache-dir', cacheDir, '--offline']).status).toBe(1);
  });
});

describe('dependency rules in the catalogue', () => {
  it('krait rule K801 documents the rule with manifest examples', () => {
    const r = runCli(['rule', 'K801']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('# K801 vulnerable-dependency');
    expect(r.stdout).toContain('## Example (`requirements.txt`)\n\n```text\nPyYAML==5.3.1\n```');
    expect(runCli(['rules']).stdout).toMatch(/^K802 +vulnerable-dependency-range/m);
  });
});
