import { describe, expect, it } from 'vitest';
import { renderSarif } from '../../src/report/sarif.js';
import { itWithSarifSchema } from '../helpers/sarif-schema.js';
import { sampleResult } from './sample.js';

// biome-ignore lint/suspicious/noExplicitAny: SARIF is checked against its schema; the tests only index into it.
type Sarif = any;

function sarif(result = sampleResult()): Sarif {
  return JSON.parse(renderSarif(result));
}

describe('renderSarif', () => {
  itWithSarifSchema('validates against the OASIS SARIF 2.1.0 schema', (validate) => {
    const log = sarif();
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema really constrains results: a bad level or a line 0 region is rejected.
    const bad = structuredClone(log);
    bad.runs[0].results[0].level = 'fatal';
    bad.runs[0].results[1].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(bad)).toBe(false);
  });

  it('writes one run with the krait driver and the %SRCROOT% base', () => {
    const text = renderSarif(sampleResult());
    expect(text.endsWith('}\n')).toBe(true);
    const log = JSON.parse(text);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('krait');
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.tool.driver.informationUri).toBeUndefined();
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///home/dev/my%20shop/' } });
    expect(run.columnKind).toBe('unicodeCodePoints');
  });

  it('does not double the trailing slash of a root URI', () => {
    const result = { ...sampleResult(), root: '/srv/app/' };
    expect(sarif(result).runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///srv/app/');
  });

  it('describes every rule in order, with tags, security-severity and precision', () => {
    const rules = sarif().runs[0].tool.driver.rules;
    expect(rules.map((r: Sarif) => r.id)).toEqual(['K101', 'K201']);
    const [k101, k201] = rules;
    expect(k101.name).toBe('eval-of-dynamic-code');
    expect(k101.shortDescription.text).toBe('Reports eval() and exec() of data that is not a constant.');
    expect(k101.fullDescription.text).toBe('Finds calls to `eval()` and `exec()` whose argument is not a constant.');
    expect(k101.defaultConfiguration).toEqual({ level: 'error', enabled: true });
    expect(k201.defaultConfiguration).toEqual({ level: 'warning', enabled: false });
    // Primary CWE first, then the others, then the OWASP category.
    expect(k101.properties.tags).toEqual(['security', 'external/cwe/cwe-95', 'external/cwe/cwe-94', 'A03:2021-Injection']);
    expect(k201.properties.tags).toEqual(['security', 'external/cwe/cwe-78', 'A03:2021-Injection']);
    expect(k101.properties['security-severity']).toBe('8.0');
    expect(k201.properties['security-severity']).toBe('5.5');
    expect(k101.properties.precision).toBe('medium');
    expect(k201.properties.precision).toBe('high');
    expect(k101.properties.sources).toEqual({ bandit: ['B307'], ruff: ['S307'] });
  });

  it('builds rule help from the docs, fencing code that contains backticks', () => {
    const [k101, k201] = sarif().runs[0].tool.driver.rules;
    expect(k101.help.markdown).toBe(
      [
        'Finds calls to `eval()` and `exec()` whose argument is not a constant.',
        '',
        '## Why is this bad?',
        '',
        'Whoever controls the argument runs code in your process.',
        '',
        '## Example',
        '',
        '```python',
        'x = eval(request.args["q"])',
        '```',
        '',
        '## Use instead',
        '',
        '```python',
        'import ast',
        'x = ast.literal_eval(request.args["q"])',
        '```',
        '',
        '## References',
        '',
        '- <https://docs.python.org/3/library/functions.html#eval>',
        '- <https://cwe.mitre.org/data/definitions/95.html>',
      ].join('\n'),
    );
    expect(k101.help.text).toContain('Example:\n    x = eval(request.args["q"])\n\nUse instead:\n    import ast\n');
    expect(k201.help.markdown).toContain('````python\ndef f(cmd):\n    """Run ```cmd```."""\n');
    expect(k201.help.markdown).not.toContain('## References');
  });

  it('emits every finding with a ruleIndex pointing at its rule', () => {
    const run = sarif().runs[0];
    expect(run.results.map((r: Sarif) => [r.ruleId, r.ruleIndex])).toEqual([
      ['K101', 0],
      ['K201', 1],
      ['K201', 1],
    ]);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.results.map((r: Sarif) => r.level)).toEqual(['error', 'warning', 'warning']);
    expect(run.results[0].message.text).toBe('eval() of data from the request');
    expect(run.results[0].properties).toEqual({ severity: 'high', confidence: 'medium', cwe: [95, 94] });
    expect(run.results[0].partialFingerprints).toEqual({
      primaryLocationLineHash: '3f9a1c0e5b7d2a44',
      'krait/v1': '3f9a1c0e5b7d2a44',
    });
  });

  it('omits ruleIndex for a finding whose rule is not listed', () => {
    const result = sampleResult();
    result.rules = result.rules.slice(0, 1);
    const results = sarif(result).runs[0].results;
    expect(results[0].ruleIndex).toBe(0);
    expect('ruleIndex' in results[2]).toBe(false);
  });

  it('locates findings by relative, percent-encoded URI under %SRCROOT%', () => {
    const results = sarif().runs[0].results;
    const loc0 = results[0].locations[0].physicalLocation;
    expect(loc0.artifactLocation).toEqual({ uri: 'app/views.py', uriBaseId: '%SRCROOT%' });
    expect(loc0.region).toEqual({
      startLine: 12,
      startColumn: 14,
      endLine: 12,
      endColumn: 37,
      snippet: { text: 'eval(request.args["q"])' },
    });
    expect(loc0.contextRegion).toEqual({
      startLine: 12,
      endLine: 12,
      snippet: { text: '    résumé = eval(request.args["q"])' },
    });
    const loc2 = results[2].locations[0].physicalLocation;
    expect(loc2.artifactLocation).toEqual({ uri: 'lib/run%20tools.py', uriBaseId: '%SRCROOT%' });
    // A two-line region: its snippet is the tail of the first line and the head of the second.
    expect(loc2.region.snippet.text).toBe('subprocess.call(\n\t\tcmd, shell=True)');
    expect(loc2.contextRegion).toEqual({
      startLine: 7,
      endLine: 8,
      snippet: { text: '\tout =\tsubprocess.call(\n\t\tcmd, shell=True)' },
    });
  });

  it('encodes characters that would change the meaning of a relative URI', () => {
    const result = sampleResult();
    result.findings[0].location.path = 'c:odd/a #1?.py';
    const uri = sarif(result).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    expect(uri).toBe('c%3Aodd/a%20%231%3F.py');
  });

  it('adds a code flow only to the finding with a trace', () => {
    const results = sarif().runs[0].results;
    expect(results.map((r: Sarif) => 'codeFlows' in r)).toEqual([true, false, false]);
    const flow = results[0].codeFlows;
    expect(flow).toHaveLength(1);
    expect(flow[0].threadFlows).toHaveLength(1);
    const steps = flow[0].threadFlows[0].locations;
    expect(steps.map((s: Sarif) => s.location.message.text)).toEqual(['source: request.args', 'sink: eval']);
    expect(steps[0].location.physicalLocation).toEqual({
      artifactLocation: { uri: 'app/views.py', uriBaseId: '%SRCROOT%' },
      region: { startLine: 12, startColumn: 19, endLine: 12, endColumn: 31 },
    });
  });

  it('flags the suppressed finding with an in-source suppression and no others', () => {
    const results = sarif().runs[0].results;
    expect(results.map((r: Sarif) => 'suppressions' in r)).toEqual([false, true, false]);
    expect(results[1].suppressions).toEqual([
      {
        kind: 'inSource',
        location: {
          physicalLocation: { artifactLocation: { uri: 'app/views.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 20 } },
        },
        properties: { suppressionKind: 'nosec', ids: ['B602'] },
      },
    ]);
  });

  it('maps a configuration suppression to an external one', () => {
    const result = sampleResult();
    result.findings[1].suppression = { kind: 'config', line: 0, ids: [] };
    expect(sarif(result).runs[0].results[1].suppressions).toEqual([
      { kind: 'external', properties: { suppressionKind: 'config', ids: [] } },
    ]);
  });

  it('reports notices as tool execution notifications', () => {
    const invocation = sarif().runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications).toEqual([
      {
        level: 'note',
        message: { text: 'invalid syntax' },
        descriptor: { id: 'syntax-error' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'lib/broken.py', uriBaseId: '%SRCROOT%' },
              region: { startLine: 3, startColumn: 5 },
            },
          },
        ],
        properties: { kind: 'syntax-error', skipped: false },
      },
      {
        level: 'warning',
        message: { text: 'binary file skipped' },
        descriptor: { id: 'binary' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'static/logo.py', uriBaseId: '%SRCROOT%' } } }],
        properties: { kind: 'binary', skipped: true },
      },
    ]);
  });
});
