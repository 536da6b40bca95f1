import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonSecrets } from '../../src/secrets/python.js';
import { makeTree, repoRoot, runCli } from '../helpers/cli.js';
import { modelOf } from '../helpers/model.js';

/**
 * Masking is a property of the report: a finding of any rule family, on a line that holds a provider token,
 * never shows the token in full, in any format, whichever rules run. The tokens are the (fake) provider tokens
 * of the K601 fixture, read by the detector in-process so a new provider there is covered here too.
 */
const FIXTURE = 'test/fixtures/rules/secrets/provider_tokens.py';
const ADVISORIES = path.join(repoRoot, 'test/fixtures/deps/advisories');

/** `token` is what goes on the line (a whole webhook URL, say); `secret` the part that must never be shown. */
async function providerTokens(): Promise<{ label: string; token: string; secret: string }[]> {
  const text = fs.readFileSync(path.join(repoRoot, FIXTURE), 'utf8');
  const seen = new Map<string, { token: string; secret: string }>();
  for (const h of pythonSecrets(await modelOf(text, FIXTURE))) {
    if (h.kind !== 'provider' || seen.has(h.label)) continue;
    seen.set(h.label, { token: text.slice(h.span.start, h.span.end), secret: text.slice(h.secret.start, h.secret.end) });
  }
  const id = seen.get('AWS access key id')?.token;
  // An AWS secret key is a secret only beside its key id: the pair goes on the line together, as in `curl -u`.
  return [...seen].map(([label, t]) => ({ label, secret: t.secret, token: label === 'AWS secret access key' ? `${id}:${t.secret}` : t.token }));
}

/** One line per rule family (K1 … K9 but K6, which finds the token itself), each with the token on it. */
function functions(token: string, i: number): string {
  return [
    `@app.route("/run${i}")`,
    `def run${i}():`,
    '    arg = request.args.get("a")',
    `    os.system("curl -u ${token} " + arg)`,
    `    data = yaml.load(arg + "${token}")`,
    `    digest = hashlib.md5(b"${token}" + arg.encode())`,
    `    requests.get("https://api.example.org/v1", headers={"X-Key": "${token}"}, verify=False, timeout=5)`,
    `    os.chmod("/tmp/${token}", 0o777)`,
    '    return str(data) + digest.hexdigest()',
    '',
    `def helper${i}(cmd):`,
    `    subprocess.run(cmd + " ${token}", shell=True)`,
    '',
    `app.run(debug=True)  # ${token}`,
    '',
  ].join('\n');
}

const HEADER = 'import hashlib, os, requests, subprocess, yaml\nfrom flask import Flask, request\napp = Flask(__name__)\n\n';

const FAMILIES = ['K1', 'K2', 'K3', 'K4', 'K5', 'K6', 'K7', 'K8', 'K9'];

describe('no output shows a secret, whatever rule reports its line', async () => {
  const tokens = await providerTokens();
  const files: Record<string, string> = { 'app.py': HEADER + tokens.map(({ token }, i) => functions(token, i)).join('\n') };
  // K8: a dependency finding's snippet is the requirement line.
  files['requirements.txt'] = tokens.map(({ token }) => `PyYAML==5.3.1  # ${token}`).join('\n');
  const dir = makeTree(files);

  it('covers every provider (the fixture is read, not skipped)', () => {
    expect(tokens.length).toBeGreaterThanOrEqual(15);
  });

  const selections: Record<string, string[]> = {
    'all rules': [],
    'secret rules ignored': ['--ignore', 'K6'],
    'two rules selected': ['--select', 'K110,K702'],
  };
  for (const [name, args] of Object.entries(selections)) {
    // The deselection cases differ only in which rules run, not in how a format prints: json checks the narrowest.
    for (const format of name === 'two rules selected' ? ['json'] : ['text', 'json', 'sarif']) {
      it(`${format}, ${name}: no token in full`, () => {
        const r = runCli(['scan', dir, '--format', format, '--osv-db', ADVISORIES, '--no-color', ...args]);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(1);
        const leaked = tokens.filter(({ secret }) => r.stdout.includes(secret)).map((t) => t.label);
        expect(leaked).toEqual([]);
        if (format !== 'json') return;
        // Not vacuous: every family that runs reported a line holding a (masked) token.
        const report = JSON.parse(r.stdout) as { findings: { ruleId: string; snippet: string; trace?: unknown[] }[] };
        const families = new Set(report.findings.filter((f) => f.snippet.includes('****')).map((f) => f.ruleId.slice(0, 2)));
        const expected = name === 'all rules' ? FAMILIES : name === 'secret rules ignored' ? FAMILIES.filter((f) => f !== 'K6') : ['K1', 'K7'];
        expect([...families].sort()).toEqual(expected);
        expect(report.findings.some((f) => f.ruleId === 'K702' && (f.trace?.length ?? 0) > 0)).toBe(true);
      });
    }
  }

  it('fingerprints do not depend on the secret (masked before hashing)', () => {
    const twin = makeTree(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.replaceAll('KRAITFIXTURE', 'KRAITFIXTUR3')])));
    const fps = (d: string) =>
      (JSON.parse(runCli(['scan', d, '--format', 'json', '--select', 'K110,K702,K301']).stdout) as { findings: { fingerprint: string }[] }).findings
        .map((f) => f.fingerprint)
        .sort();
    expect(fps(twin)).toEqual(fps(dir));
  });
});
