import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFormat, configSecrets } from '../../src/secrets/config.js';
import { pythonSecrets } from '../../src/secrets/python.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { modelOf } from '../helpers/model.js';

const FIXTURES = 'test/fixtures/rules/secrets';

/** Every secret the detectors find in the fixtures, read in-process (the outputs only ever see masked ones). */
async function fixtureSecrets(): Promise<string[]> {
  const secrets = new Set<string>();
  const dir = path.join(repoRoot, FIXTURES);
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    const rel = path.relative(repoRoot, abs);
    const text = fs.readFileSync(abs, 'utf8');
    const format = configFormat(entry.name);
    const hits = entry.name.endsWith('.py') ? pythonSecrets(await modelOf(text, rel)) : format ? configSecrets(text, rel, format) : [];
    for (const h of hits) secrets.add(text.slice(h.secret.start, h.secret.end));
  }
  return [...secrets];
}

describe('no output prints a secret', async () => {
  const secrets = await fixtureSecrets();
  const runs = {
    text: runCli(['scan', FIXTURES, '--no-color', '--show-suppressed', '--ignore-suppressions']),
    json: runCli(['scan', FIXTURES, '--format', 'json']),
    sarif: runCli(['scan', FIXTURES, '--format', 'sarif']),
  };

  it('finds the fixtures\' secrets (so the checks below are not vacuous)', () => {
    expect(secrets.length).toBeGreaterThan(60);
    const report = JSON.parse(runs.json.stdout) as { findings: { ruleId: string }[] };
    expect(report.findings.filter((f) => f.ruleId.startsWith('K6')).length).toBeGreaterThan(60);
  });

  for (const [format, run] of Object.entries(runs)) {
    it(`${format}: shows no full secret, only previews`, () => {
      expect(run.status).toBe(1);
      const leaked = secrets.filter((s) => run.stdout.includes(s));
      expect(leaked).toEqual([]);
      expect(run.stdout).toContain('ghp_****');
    });
  }

  it('json: messages name a secret by its first characters and length', () => {
    const report = JSON.parse(runs.json.stdout) as { findings: { ruleId: string; message: string }[] };
    const github = report.findings.find((f) => f.ruleId === 'K601' && f.message.startsWith('GitHub token'));
    expect(github?.message).toMatch(/^GitHub token `ghp_…` \(40 characters\)/);
  });
});
