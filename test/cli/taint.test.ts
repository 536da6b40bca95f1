import { describe, expect, it } from 'vitest';
import { makeTree, repoRoot, runCli } from '../helpers/cli.js';
import { itWithSarifSchema } from '../helpers/sarif-schema.js';

const APP = {
  'app.py': `from flask import Flask, request
from lib import clean, fetch_param, run_query
app = Flask(__name__)


@app.route("/a")
def a():
    run_query(fetch_param("q"))
    run_query(clean(request.args["q"]))
    return "ok"
`,
  'lib.py': `def fetch_param(name):
    return name


def clean(value):
    return value


def run_query(sql):
    return sql
`,
};

function withConfig(toml: string): string {
  return makeTree({ ...APP, 'pyproject.toml': `[tool.krait.taint]\n${toml}` });
}

describe('[tool.krait.taint] through the CLI', () => {
  it('user sources, sinks and sanitizers by qualified name', () => {
    const dir = withConfig(`sources = ["lib.fetch_param"]
sinks = [{ name = "lib.run_query", rule = "K701", args = [0] }]
sanitizers = [{ name = "lib.clean", rules = ["K701"] }]
`);
    const r = runCli(['scan', '.', '--select', 'K7', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { ruleId: string; location: { path: string; startLine: number } }) => `${f.location.path}:${f.location.startLine}:${f.ruleId}`)).toEqual(['app.py:8:K701']);
    expect(r.status).toBe(1);
  });

  it('without the configuration the same project is clean', () => {
    const dir = makeTree(APP);
    const r = runCli(['scan', '.', '--select', 'K7'], { cwd: dir });
    expect(r.status).toBe(0);
  });

  const bad: [string, RegExp][] = [
    ['sources = ["not a name"]', /taint\.sources\[0\]: "not a name" is not a qualified name/],
    ['sinks = [{ name = "lib.run_query", rule = "K101" }]', /taint\.sinks\[0\]\.rule: unknown taint rule "K101"/],
    ['sinks = [{ name = "lib.run_query" }]', /taint\.sinks\[0\]: missing "rule"/],
    ['sinks = [{ name = "lib.run_query", rule = "K701", args = [-1] }]', /taint\.sinks\[0\]\.args\[0\]: expected an argument position/],
    ['sanitizers = [{ name = "lib.clean", rules = ["nope"] }]', /taint\.sanitizers\[0\]\.rules\[0\]: unknown taint rule "nope"/],
    ['sources = [{ name = "lib.x", kind = "remote" }]', /taint\.sources\[0\]\.kind: expected "web" or "process"/],
    ['unknown = 1', /taint: unknown key "unknown"/],
  ];
  for (const [toml, message] of bad) {
    it(`rejects ${toml} with one line and exit 2`, () => {
      const r = runCli(['scan', '.'], { cwd: withConfig(toml) });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    });
  }
});

describe('taint traces in every format', () => {
  const project = () =>
    makeTree({
      'views.py': 'import os\nfrom flask import Flask, request\nfrom helpers import shell\napp = Flask(__name__)\n\n\n@app.route("/p")\ndef p():\n    cmd = request.args["c"]\n    shell(cmd)\n    return "ok"\n',
      'helpers.py': 'import os\n\n\ndef shell(command):\n    os.system(command)\n',
    });

  it('text: the trace is indented under the finding', () => {
    const r = runCli(['scan', '.', '--select', 'K7', '--no-color'], { cwd: project() });
    expect(r.stdout).toContain('helpers.py:5:5  K702');
    expect(r.stdout).toMatch(/trace:\n\s+views\.py:9:\d+\s+source: flask\.request\.args\n\s+views\.py:9:\d+\s+assigned to cmd\n\s+views\.py:10:\d+\s+passed to helpers\.shell\(command\)\n\s+helpers\.py:5:5\s+sink: os\.system/);
  });

  it('json: the trace is a list of steps with locations', () => {
    const r = runCli(['scan', '.', '--select', 'K7', '--format', 'json'], { cwd: project() });
    const finding = JSON.parse(r.stdout).findings[0];
    expect(finding.trace.map((s: { location: { path: string; startLine: number }; message: string }) => `${s.location.path}:${s.location.startLine} ${s.message}`)).toEqual([
      'views.py:9 source: flask.request.args',
      'views.py:9 assigned to cmd',
      'views.py:10 passed to helpers.shell(command)',
      'helpers.py:5 sink: os.system',
    ]);
  });

  itWithSarifSchema('sarif: codeFlows carry the trace and the log validates', (validate) => {
    const r = runCli(['scan', '.', '--select', 'K7', '--format', 'sarif'], { cwd: project() });
    const log = JSON.parse(r.stdout);
    expect(validate(log)).toBe(true);
    const flow = log.runs[0].results[0].codeFlows[0].threadFlows[0].locations;
    expect(flow.map((l: { location: { message: { text: string } } }) => l.location.message.text)).toEqual([
      'source: flask.request.args',
      'assigned to cmd',
      'passed to helpers.shell(command)',
      'sink: os.system',
    ]);
    expect(flow.at(-1).location.physicalLocation.artifactLocation.uri).toBe('helpers.py');
  });
});

describe('taint findings do not depend on the number of workers', () => {
  it('the same findings and traces with one thread and with a pool', () => {
    const app = `${repoRoot}/test/fixtures/taint/flask_bookstore`;
    const one = JSON.parse(runCli(['scan', app, '--format', 'json', '--exit-zero', '--jobs', '1']).stdout).findings;
    const two = JSON.parse(runCli(['scan', app, '--format', 'json', '--exit-zero', '--jobs', '2']).stdout).findings;
    expect(one.filter((f: { ruleId: string }) => f.ruleId.startsWith('K7')).length).toBeGreaterThan(10);
    expect(two).toEqual(one);
  });
});
