import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { itWithSarifSchema } from '../helpers/sarif-schema.js';

/** End to end: the shipped examples through the real CLI, in every format. */
describe('output formats on the example apps', () => {
  itWithSarifSchema('SARIF output validates against the SARIF 2.1.0 schema', (validate) => {
    const r = runCli(['scan', 'examples', '--format', 'sarif']);
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(validate(log)).toBe(true);
    const run = log.runs[0];
    expect(run.results.length).toBeGreaterThan(10);
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(res.locations[0].physicalLocation.artifactLocation.uriBaseId).toBe('%SRCROOT%');
    }
  });

  it('JSON output validates against the documented schema and carries every finding field', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'docs/json-report.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const r = runCli(['scan', 'examples', '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(validate(report)).toBe(true);
    const f = report.findings[0];
    for (const key of ['ruleId', 'ruleName', 'message', 'severity', 'confidence', 'cwe', 'location', 'snippet', 'fingerprint']) expect(f).toHaveProperty(key);
    expect(report.stats.filesScanned).toBeGreaterThan(10);
  });

  it('text output shows code frames for the example findings', () => {
    const r = runCli(['scan', 'examples/flask-app']);
    expect(r.status).toBe(1);
    // The eval of request data is the taint rule's (K704), with its trace under the code frame.
    expect(r.stdout).toMatch(/^examples\/flask-app\/services\/pricing\.py:\d+:\d+ {2}K704 /m);
    expect(r.stdout).toMatch(/trace:\n\s+examples\/flask-app\/views\.py:\d+:\d+ {2}source: /);
    expect(r.stdout).toMatch(/^\s*\d+ \| .*eval\(/m);
    expect(r.stdout).toMatch(/^\s*\| +\^+/m);
  });

  it('fingerprints survive lines inserted above a finding', () => {
    const src = fs.readFileSync(path.join(repoRoot, 'examples/flask-app/services/pricing.py'), 'utf8');
    const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'krait-fp-'));
    fs.writeFileSync(path.join(dir, 'p.py'), src);
    const before = JSON.parse(runCli(['scan', 'p.py', '--format', 'json'], { cwd: dir }).stdout).findings;
    fs.writeFileSync(path.join(dir, 'p.py'), `# a new header\n\n\n${src}`);
    const after = JSON.parse(runCli(['scan', 'p.py', '--format', 'json'], { cwd: dir }).stdout).findings;
    expect(after.map((f: { fingerprint: string }) => f.fingerprint)).toEqual(before.map((f: { fingerprint: string }) => f.fingerprint));
    expect(after[0].location.startLine).toBe(before[0].location.startLine + 3);
  });
});
