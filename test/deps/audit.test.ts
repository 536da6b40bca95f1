import { describe, expect, it } from 'vitest';
import { audit, type AuditRequest } from '../../src/deps/audit.js';
import type { Finding } from '../../src/findings/types.js';
import { makeTree } from '../helpers/cli.js';
import { fixtureAuditRequest } from '../helpers/deps.js';
import { closedPort } from './osv-server.js';


function request(root: string, manifests: string[], extra: Partial<AuditRequest> = {}): AuditRequest {
  return fixtureAuditRequest(root, manifests, { today: new Date('2025-06-01T00:00:00Z'), ...extra });
}

function brief(f: Finding): string {
  const d = f.dependency;
  return `${f.location.path}:${f.location.startLine} ${f.ruleId} ${d?.advisories.map((a) => a.id).join('+')} ${f.severity}/${f.confidence}${f.suppression ? ' suppressed' : ''}`;
}

describe('auditing pins and locks', () => {
  const root = makeTree({
    'requirements.txt': 'PyYAML==5.3.1\nkrait-web==1.4.0\nkrait_web==2.1.2 ; python_version < "3.12"\nreqeusts==2.31.0\nkrait-odd==1.0\nkrait-web==2.1.1\nrequests==2.31.0\n',
  });

  it('reports each affected pin once per vulnerability, with severity from CVSS v3 and v4', async () => {
    const r = await audit(request(root, ['requirements.txt']));
    expect(r.findings.map(brief)).toEqual([
      // PYSEC-2021-142 and GHSA-8q59-q68h-6hv4 are one vulnerability (shared alias): one finding, named by the
      // record with a CVSS vector (9.8, critical). The withdrawn PYSEC-2099-1 is ignored; GHSA-rprw (fixed in
      // 5.3.1) does not affect 5.3.1.
      'requirements.txt:1 K801 GHSA-8q59-q68h-6hv4 critical/high',
      // CVSS v4 9.3.
      'requirements.txt:2 K801 x_KRAIT-2024-1 critical/high',
      // last_affected 2.1.3 covers 2.1.2; CVSS 3.1 4.3 is medium. x_KRAIT-2024-1 was fixed in 2.1.1.
      'requirements.txt:3 K801 x_KRAIT-2024-2 medium/high',
      'requirements.txt:4 K803 MAL-0000-0001 critical/high',
      'requirements.txt:6 K801 x_KRAIT-2024-2 medium/high',
    ]);
    const yaml = r.findings[0];
    expect(yaml.dependency).toMatchObject({ package: 'PyYAML', name: 'pyyaml', version: '5.3.1', fixVersion: '5.4' });
    expect(yaml.dependency?.advisories[0]).toMatchObject({
      aliases: ['CVE-2020-14343', 'PYSEC-2021-142'],
      cvss: { version: '3.1', score: 9.8 },
      affected: ['>=0, <5.4'],
      fixed: ['5.4'],
    });
    expect(yaml.message).toBe(
      'PyYAML pinned to 5.3.1 is affected by GHSA-8q59-q68h-6hv4 (CVE-2020-14343, PYSEC-2021-142): Improper Input Validation in PyYAML',
    );
    expect(yaml.fix?.description).toBe('upgrade PyYAML to 5.4 (fixes all known advisories for the package)');
    expect(yaml.location).toEqual({ path: 'requirements.txt', startLine: 1, startColumn: 1, endLine: 1, endColumn: 7 });
  });

  it('names the smallest upgrade that clears every advisory, or says there is none', async () => {
    const r = await audit(request(root, ['requirements.txt']));
    const web14 = r.findings.find((f) => f.location.startLine === 2);
    expect(web14?.dependency?.fixVersion).toBe('1.4.2');
    const web212 = r.findings.find((f) => f.location.startLine === 3);
    expect(web212?.dependency?.fixVersion).toBeUndefined();
    expect(web212?.fix?.description).toBe('no release fixes every known advisory; consider replacing the package');
    expect(web212?.message).toContain('(where python_version < "3.12")');
  });

  it('says when an advisory cannot be evaluated instead of guessing', async () => {
    const r = await audit(request(root, ['requirements.txt']));
    expect(r.notices.filter((n) => n.kind === 'advisory-data')).toEqual([
      {
        kind: 'advisory-data',
        path: 'requirements.txt',
        line: 5,
        message: 'x_KRAIT-2024-3: its ranges for krait-odd are not PEP 440 and it lists no versions; 1.0 not checked against it',
        skipped: false,
      },
    ]);
  });

  it('a pinned version between two fixes is not reported', async () => {
    const clean = makeTree({ 'requirements.txt': 'PyYAML==5.4\nkrait-web==1.4.2\nkrait-web==2.2\n' });
    expect((await audit(request(clean, ['requirements.txt']))).findings).toEqual([]);
  });

  it('pre-releases and post-releases are ordered, not skipped', async () => {
    const pre = makeTree({ 'requirements.txt': 'krait-web==1.4.2rc1\nkrait-web==1.4.2.post1\nPyYAML==5.4b2\n' });
    const got = (await audit(request(pre, ['requirements.txt']))).findings.map(brief);
    expect(got).toEqual(['requirements.txt:1 K801 x_KRAIT-2024-1 critical/high', 'requirements.txt:3 K801 GHSA-8q59-q68h-6hv4 critical/high']);
  });
});

describe('auditing ranges', () => {
  it('reports a range that admits affected versions at low confidence, with a narrower specifier', async () => {
    const root = makeTree({ 'requirements.in': 'PyYAML>=5.1\nkrait-web~=1.3\nkrait-web>=2.2\nPyYAML\nreqeusts>=1\n' });
    const r = await audit(request(root, ['requirements.in']));
    expect(r.findings.map(brief)).toEqual([
      'requirements.in:1 K802 GHSA-8q59-q68h-6hv4+GHSA-rprw-h62v-c2w7 critical/low',
      'requirements.in:2 K802 x_KRAIT-2024-1 critical/low',
      'requirements.in:4 K802 GHSA-8q59-q68h-6hv4+GHSA-rprw-h62v-c2w7 critical/low',
      'requirements.in:5 K803 MAL-0000-0001 critical/high',
    ]);
    expect(r.findings.map((f) => f.dependency?.suggestedSpecifier)).toEqual(['>=5.4', '>=1.4.2,==1.*', '>=5.4', undefined]);
    expect(r.findings[0].message).toBe('PyYAML>=5.1 admits versions affected by 2 advisories GHSA-8q59-q68h-6hv4, GHSA-rprw-h62v-c2w7');
    expect(r.findings[0].fix?.description).toBe('require PyYAML>=5.4, which admits none of the affected versions');
    expect(r.findings[2].message).toMatch(/^PyYAML \(any version\) admits/);
    // The range is never read as its lower bound: no version is claimed.
    expect(r.findings[0].dependency?.version).toBeUndefined();
  });

  it('says when no fixed release clears every advisory', async () => {
    const root = makeTree({ 'requirements.in': 'krait-web>=1.0,<3\n' });
    const [f] = (await audit(request(root, ['requirements.in']))).findings;
    expect(f.dependency?.advisories.map((a) => a.id)).toEqual(['x_KRAIT-2024-1', 'x_KRAIT-2024-2']);
    expect(f.dependency?.suggestedSpecifier).toBeUndefined();
    expect(f.fix?.description).toBe('no fixed release clears every advisory; pin a reviewed version or replace the package');
  });

  it('a lock beside the range wins', async () => {
    const root = makeTree({ 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["PyYAML>=5.1"]\n', 'uv.lock': '[[package]]\nname = "pyyaml"\nversion = "6.0.1"\n' });
    expect((await audit(request(root, ['pyproject.toml', 'uv.lock']))).findings).toEqual([]);
  });
});

describe('ignoring advisories', () => {
  const root = makeTree({ 'requirements.txt': 'PyYAML==5.3\n' });

  it('an entry naming any alias suppresses the finding, and says which entry', async () => {
    const r = await audit(request(root, ['requirements.txt'], { ignore: [{ id: 'CVE-2020-14343', reason: 'only safe_load is used' }] }));
    expect(r.findings.map(brief)).toEqual(['requirements.txt:1 K801 GHSA-8q59-q68h-6hv4 critical/high suppressed', 'requirements.txt:1 K801 GHSA-rprw-h62v-c2w7 critical/high']);
    expect(r.findings[0].suppression).toEqual({ kind: 'config', line: 0, ids: ['CVE-2020-14343'] });
    expect(r.notices).toEqual([]);
  });

  it('an expired entry stops suppressing and says so', async () => {
    const r = await audit(
      request(root, ['requirements.txt'], {
        ignore: [{ id: 'pysec-2021-142', reason: 'waiting for 5.4', expires: '2025-05-31' }],
        configPath: 'pyproject.toml',
      }),
    );
    expect(r.findings.every((f) => !f.suppression)).toBe(true);
    expect(r.notices).toEqual([
      {
        kind: 'expired-ignore',
        path: 'pyproject.toml',
        message: 'ignore entry for pysec-2021-142 expired on 2025-05-31 and no longer suppresses it (reason was: waiting for 5.4)',
        skipped: false,
      },
    ]);
  });

  it('an entry expiring today still suppresses', async () => {
    const r = await audit(request(root, ['requirements.txt'], { ignore: [{ id: 'GHSA-rprw-h62v-c2w7', reason: 'r', expires: '2025-06-01' }] }));
    expect(r.findings.filter((f) => f.suppression).map((f) => f.dependency?.advisories[0].id)).toEqual(['GHSA-rprw-h62v-c2w7']);
  });
});

describe('without advisory data', () => {
  it('offline with nothing cached: one notice, no findings, nothing fetched', async () => {
    const root = makeTree({ 'requirements.txt': 'PyYAML==5.3.1\n' });
    const r = await audit(request(root, ['requirements.txt'], { osvDb: undefined }));
    expect(r.findings).toEqual([]);
    expect(r.notices.map((n) => n.message)).toEqual([
      'dependencies not checked: no advisory data offline (run `krait db update`, pass --osv-db PATH, or allow the OSV API with --online)',
    ]);
    expect(r.stats).toEqual({ manifests: 1, requirements: 1, packages: 1, source: 'none' });
    expect(r.unavailable).toBeUndefined();
  });

  it('online with the API unreachable: a one-line reason, and the audit is marked unavailable', async () => {
    const root = makeTree({ 'requirements.txt': 'PyYAML==5.3.1\n' });
    const port = await closedPort();
    const r = await audit(request(root, ['requirements.txt'], { osvDb: undefined, online: true, apiUrl: `http://127.0.0.1:${port}` }));
    expect(r.unavailable).toBe(
      `OSV API unreachable (http://127.0.0.1:${port}: ECONNREFUSED after 1 attempts): 1 of 1 packages not checked (use --offline with --osv-db PATH, or \`krait db update\`)`,
    );
    expect(r.notices[0].message).not.toContain('\n');
  });
});

describe('suppression comments on manifest lines', () => {
  it('name an advisory (any alias) or a rule, or silence the line; a # inside a string is not a comment', async () => {
    const root = makeTree({
      'requirements.txt': [
        'PyYAML==5.3  # krait: ignore[CVE-2020-14343]',
        'PyYAML==5.3.1  # krait: ignore[K801]',
        'PyYAML==5.2  # nosec',
        'PyYAML==5.3.1 ; python_version == "# krait: ignore"',
        'PyYAML==5.3.1  # krait: ignore[K802]',
      ].join('\n'),
      // Its own folder: beside requirements.txt's pins the ranges would give way to them.
      'ranges/requirements.in': 'PyYAML>=5.1  # krait: ignore[GHSA-8q59-q68h-6hv4, GHSA-rprw-h62v-c2w7]\nPyYAML>=5.2  # krait: ignore[CVE-2020-14343]\n',
      'pyproject.toml': '[project]\nname = "x"\ndependencies = [\n  "krait-web==1.4.0",  # krait: ignore[x_KRAIT-2024-1]\n]\n',
    });
    const r = await audit(request(root, ['requirements.txt', 'ranges/requirements.in', 'pyproject.toml']));
    const rows = r.findings.map((f) => `${brief(f)}${f.suppression ? ` ${f.suppression.kind}@${f.suppression.line}[${f.suppression.ids.join(',')}]` : ''}`);
    expect(rows).toEqual([
      'pyproject.toml:4 K801 x_KRAIT-2024-1 critical/high suppressed krait@4[x_KRAIT-2024-1]',
      'ranges/requirements.in:1 K802 GHSA-8q59-q68h-6hv4+GHSA-rprw-h62v-c2w7 critical/low suppressed krait@1[GHSA-8q59-q68h-6hv4,GHSA-rprw-h62v-c2w7]',
      // One of the two advisories is silenced; the finding stays for the other and says so.
      'ranges/requirements.in:2 K802 GHSA-rprw-h62v-c2w7 critical/low',
      'requirements.txt:1 K801 GHSA-8q59-q68h-6hv4 critical/high suppressed krait@1[CVE-2020-14343]',
      'requirements.txt:1 K801 GHSA-rprw-h62v-c2w7 critical/high',
      'requirements.txt:2 K801 GHSA-8q59-q68h-6hv4 critical/high suppressed krait@2[K801]',
      'requirements.txt:3 K801 GHSA-8q59-q68h-6hv4 critical/high suppressed nosec@3[]',
      'requirements.txt:3 K801 GHSA-rprw-h62v-c2w7 critical/high suppressed nosec@3[]',
      'requirements.txt:4 K801 GHSA-8q59-q68h-6hv4 critical/high',
      'requirements.txt:5 K801 GHSA-8q59-q68h-6hv4 critical/high',
    ]);
    expect(r.findings.find((f) => f.location.path === 'ranges/requirements.in' && f.location.startLine === 2)?.message).toBe(
      'PyYAML>=5.2 admits versions affected by advisory GHSA-rprw-h62v-c2w7 (1 ignored)',
    );
  });
});
