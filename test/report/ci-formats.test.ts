import { Ajv } from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderCodeClimate } from '../../src/report/codeclimate.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderSarif } from '../../src/report/sarif.js';
import { oneFinding, sampleResult } from './sample.js';
import { makeTree, runCli } from '../helpers/cli.js';

type Xml = Record<string, unknown>;
const ARRAYS = new Set(['testsuites.testsuite', 'testsuites.testsuite.testcase', 'testsuites.testsuite.testcase.failure']);

function junit(text: string): Xml {
  expect(XMLValidator.validate(text)).toBe(true);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseAttributeValue: false, isArray: (_n, jpath) => ARRAYS.has(jpath) }).parse(text);
}

/**
 * The issue shape GitLab's code quality report documents: required description, check_name, fingerprint,
 * severity (one of five) and a location with a path and a begin line.
 */
const CODE_CLIMATE_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
    properties: {
      type: { const: 'issue' },
      description: { type: 'string', minLength: 1 },
      check_name: { type: 'string', minLength: 1 },
      fingerprint: { type: 'string', minLength: 1 },
      severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
      categories: { type: 'array', items: { enum: ['Bug Risk', 'Clarity', 'Compatibility', 'Complexity', 'Duplication', 'Performance', 'Security', 'Style'] } },
      location: {
        type: 'object',
        required: ['path', 'lines'],
        properties: {
          path: { type: 'string', minLength: 1, not: { pattern: '^/' } },
          lines: { type: 'object', required: ['begin'], properties: { begin: { type: 'integer', minimum: 1 }, end: { type: 'integer', minimum: 1 } } },
        },
      },
    },
  },
};

describe('--format junit', () => {
  it('has one test case per rule and one failure per finding that counts', () => {
    const doc = junit(renderJunit(sampleResult()));
    const suites = doc.testsuites as Xml;
    const suite = (suites.testsuite as Xml[])[0];
    const cases = suite.testcase as Xml[];
    expect(cases.map((c) => c['@classname'])).toEqual(['krait.K101', 'krait.K201']);
    expect(cases.map((c) => c['@name'])).toEqual(['K101 eval-of-dynamic-code', 'K201 subprocess-shell-true']);
    // K101 has one finding; K201 has a suppressed one and one that counts.
    const failures = cases.map((c) => (c.failure as Xml[] | undefined)?.map((f) => f['@message']));
    expect(failures).toEqual([['app/views.py:12:14 eval() of data from the request'], ['lib/run tools.py:7:8 subprocess call with shell=True']]);
    expect((cases[0].failure as Xml[])[0]['@type']).toBe('high');
    expect((cases[0].failure as Xml[])[0]['#text']).toContain('trace:\n  app/views.py:12:19  source: request.args');
    for (const el of [suites, suite]) {
      expect(el['@tests']).toBe('2');
      expect(el['@failures']).toBe('2');
      expect(el['@errors']).toBe('0');
    }
    expect(suite['system-out']).toContain('lib/broken.py:3  syntax-error  invalid syntax');
  });

  it('a rule without findings is a passed test case, and a baselined finding is no failure', () => {
    const result = oneFinding({ baselined: true });
    const suite = ((junit(renderJunit(result)).testsuites as Xml).testsuite as Xml[])[0];
    expect((suite.testcase as Xml[]).every((c) => c.failure === undefined)).toBe(true);
    expect(suite['@failures']).toBe('0');
  });

  it('escapes markup and replaces characters XML cannot carry', () => {
    const text = renderJunit(oneFinding({ message: 'a <b> & "c" \u0007 \'d\'', snippet: 'x = "</failure><x>"\u0000\n' }));
    const failure = ((((junit(text).testsuites as Xml).testsuite as Xml[])[0].testcase as Xml[])[0].failure as Xml[])[0];
    expect(failure['@message']).toBe('app/views.py:12:14 a <b> & "c" \uFFFD \'d\'');
    expect(failure['#text']).toContain('x = "</failure><x>"\uFFFD');
  });
});

describe('--format codeclimate', () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(CODE_CLIMATE_SCHEMA);

  it('lists each finding that counts as a Code Climate issue GitLab accepts', () => {
    const issues = JSON.parse(renderCodeClimate(sampleResult()));
    expect(validate(issues)).toBe(true);
    expect(issues.map((i: Xml) => [i.check_name, i.severity, i.fingerprint, i.location])).toEqual([
      ['K101', 'critical', '3f9a1c0e5b7d2a44', { path: 'app/views.py', lines: { begin: 12, end: 12 } }],
      ['K201', 'major', '5e6f7a8b9c0d1e2f', { path: 'lib/run tools.py', lines: { begin: 7, end: 8 } }],
    ]);
    expect(issues[0].content.body).toContain('- app/views.py:12: source: request.args');
  });

  it('leaves out baselined findings and gives a whole-file finding line 1', () => {
    expect(JSON.parse(renderCodeClimate(oneFinding({ baselined: true })))).toEqual([]);
    const whole = JSON.parse(renderCodeClimate(oneFinding({ location: { path: 'requirements.txt', startLine: 0, startColumn: 0, endLine: 0, endColumn: 0 } })));
    expect(validate(whole)).toBe(true);
    expect(whole[0].location.lines).toEqual({ begin: 1, end: 1 });
  });
});

describe('SARIF size', () => {
  it('gives full help only to rules with results, and every rule a helpUri to its documentation', () => {
    const result = sampleResult();
    result.findings = result.findings.filter((f) => f.ruleId === 'K101');
    const [k101, k201] = JSON.parse(renderSarif(result)).runs[0].tool.driver.rules;
    expect(k101.help.markdown).toContain('## Why is this bad?');
    expect(k201).not.toHaveProperty('help');
    expect(k201).not.toHaveProperty('fullDescription');
    expect(k201.shortDescription.text).toBe('Reports subprocess calls that run a command through the shell.');
    expect(k101.helpUri).toBe('https://unpkg.com/krait@0.1.0/docs/rules.md#k101-eval-of-dynamic-code');
    expect(k201.helpUri).toMatch(/#k201-subprocess-shell-true$/);
  });

  it('a small file gives a small log, with the help of the rule it hit', () => {
    const dir = makeTree({ 'a.py': 'import os\n\ndef f(cmd):\n    os.system(cmd)\n' });
    const r = runCli(['scan', '.', '--no-deps', '--format', 'sarif'], { cwd: dir });
    expect(r.stdout.length).toBeLessThan(150_000);
    const rules = JSON.parse(r.stdout).runs[0].tool.driver.rules;
    expect(rules.length).toBeGreaterThan(100);
    expect(rules.filter((x: Xml) => x.help).map((x: Xml) => x.id)).toEqual(['K111']);
  });
});

describe('CI formats through the CLI', () => {
  it('junit and codeclimate describe the same findings, and exit 1 as other formats do', () => {
    const dir = makeTree({ 'a.py': 'import os\nimport pickle\n\ndef f(cmd, blob):\n    os.system(cmd)\n    return pickle.loads(blob)\n' });
    const j = runCli(['scan', '.', '--no-deps', '--format', 'junit'], { cwd: dir });
    const c = runCli(['scan', '.', '--no-deps', '--format', 'codeclimate'], { cwd: dir });
    expect([j.status, c.status]).toEqual([1, 1]);
    const cases = (((junit(j.stdout).testsuites as Xml).testsuite as Xml[])[0].testcase as Xml[]).filter((t) => t.failure);
    const issues = JSON.parse(c.stdout);
    expect(issues.map((i: Xml) => i.check_name).sort()).toEqual(cases.map((t) => String(t['@classname']).slice('krait.'.length)).sort());
    expect(issues.length).toBe(2);
  });
});

describe('CI formats never print a secret', () => {
  it('junit and codeclimate show only the masked token', () => {
    const token = `ghp_${'Zq7XvB2mK9pL4wR8tY1uN6cE3hJ5sD0fA2gQ'}`;
    const dir = makeTree({ 'settings.py': `GITHUB_TOKEN = "${token}"\n` });
    for (const format of ['junit', 'codeclimate']) {
      const r = runCli(['scan', '.', '--no-deps', '--format', format], { cwd: dir });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('ghp_');
      expect(r.stdout).not.toContain(token.slice(4, 16));
    }
  });
});
