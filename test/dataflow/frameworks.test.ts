import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRAMEWORK_TABLE } from '../../src/dataflow/models/frameworks.js';
import { shapeProvingPattern } from '../../src/dataflow/models/forms.js';
import { openApiOperations, operationModules, operationsOf } from '../../src/dataflow/openapi.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { makeTree, runCli } from '../helpers/cli.js';
import { scanProject } from '../helpers/analyze.js';

const repo = path.resolve(import.meta.dirname, '../..');
const TAINT_IDS = ALL_RULES.filter((r) => r.taint).map((r) => r.meta.id);

describe('frameworks table', () => {
  it('`krait rules` and the README list every modelled framework and library area', () => {
    const out = runCli(['rules']).stdout;
    const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
    for (const row of FRAMEWORK_TABLE) {
      expect(out).toMatch(new RegExp(`^  ${row.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} +${row.covers.slice(0, 20).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`, 'm'));
      expect(readme).toContain(`| ${row.name} | ${row.covers} |`);
    }
    expect(out).toContain('[tool.krait.taint]');
  });
});

describe('shape-proving patterns (form validators, constr)', () => {
  it.each([
    ['^[a-z0-9_]{3,20}$', true],
    ['^[A-Z]{3}-[0-9]{4}$', true],
    ['^\\d+$', true],
    ['\\A[\\w.-]+\\Z', true],
    ['[a-z]+', false],
    ['^[a-z]+', false],
    ['^.+$', false],
    ['^[^/]+$', false],
    ['^[a-z ]+$', false],
    ["^[\\w']+$", false],
  ])('%s → %s', (pattern, proves) => {
    expect(shapeProvingPattern(pattern)).toBe(proves);
  });
});

describe('OpenAPI operations (Connexion)', () => {
  it('reads operationIds from YAML and JSON, with the router controller prefix', () => {
    const yaml = 'paths:\n  /a:\n    get:\n      operationId: api.a.list\n    post:\n      operationId: create\n      x-openapi-router-controller: api.a\n    parameters: []\n';
    expect(operationsOf(yaml)).toEqual(['api.a.list', 'api.a.create']);
    const json = JSON.stringify({ paths: { '/b': { 'x-openapi-router-controller': 'api.b', get: { operationId: 'show' } } } });
    expect(operationsOf(json)).toEqual(['api.b.show']);
    expect(operationsOf('paths: [unclosed')).toEqual([]);
    expect(operationModules(['api.a.list', 'api.b.show'], ['svc.api.a', 'svc.api.c'])).toEqual(new Set(['svc.api.a']));
  });

  it('reads only specifications an app loads, and none through a symlink out of the root', () => {
    const outside = makeTree({ 'evil.yaml': 'paths:\n  /x:\n    get:\n      operationId: api.x.leak\n' });
    const dir = makeTree({
      'app.py': 'import connexion\napp = connexion.App(__name__, specification_dir="spec/")\napp.add_api("openapi.yaml")\napp.add_api("linked.yaml")\n',
      'spec/openapi.yaml': 'paths:\n  /p:\n    get:\n      operationId: api.p.find\n',
      'spec/unused.yaml': 'paths:\n  /u:\n    get:\n      operationId: api.u.never\n',
    });
    fs.symlinkSync(path.join(outside, 'evil.yaml'), path.join(dir, 'spec/linked.yaml'));
    const files = ['app.py', 'spec/openapi.yaml', 'spec/unused.yaml'].map((relPath) => ({ relPath, absPath: path.join(dir, relPath) }));
    expect(openApiOperations(files)).toEqual(['api.p.find']);
  });

  it('a handler named in the spec gets request parameters; the same function unnamed does not', async () => {
    const handler = 'import os\n\ndef find(tag):\n    os.system("grep " + tag)\n';
    const spec = 'paths:\n  /p:\n    get:\n      operationId: api.pets.find\n';
    const app = 'import connexion\napp = connexion.App(__name__)\napp.add_api("openapi.yaml")\n';
    const named = makeTree({ 'app.py': app, 'openapi.yaml': spec, 'api/__init__.py': '', 'api/pets.py': handler });
    const unnamed = makeTree({ 'app.py': app, 'openapi.yaml': spec.replace('find', 'other'), 'api/__init__.py': '', 'api/pets.py': handler });
    const keys = async (dir: string) => (await scanProject(dir, { select: TAINT_IDS })).findings.map((f) => `${f.location.path}:${f.location.startLine}:${f.ruleId}`);
    expect(await keys(named)).toEqual(['api/pets.py:4:K702']);
    expect(await keys(unnamed)).toEqual([]);
  });
});
