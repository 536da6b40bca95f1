import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestKind } from '../src/deps/manifests/index.js';
import { ALL_RULES } from '../src/rules/registry.js';
import { configFormat } from '../src/secrets/config.js';
import { analyze, analyzeConfig, findingKeys, scanProject } from './helpers/analyze.js';
import { compareAnnotations, type Expectation, parseAnnotations } from './helpers/annotations.js';
import { auditFixture } from './helpers/deps.js';

const repo = path.resolve(import.meta.dirname, '..');

function filesWhere(dir: string, keep: (name: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && keep(d.name))
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}

const pythonFiles = (dir: string) => filesWhere(dir, (name) => name.endsWith('.py'));
/** Configuration files (`.env`, `*.toml`, `Dockerfile`…) the secret rules read; lock files are left out, as in a scan. */
const configFiles = (dir: string) => filesWhere(dir, (name) => configFormat(name) !== undefined);

function projects(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(dir, d.name))
    .sort();
}

const ruleFixtures = [...pythonFiles(path.join(repo, 'test/fixtures/rules')), ...configFiles(path.join(repo, 'test/fixtures/rules'))];
// The example apps are annotated with what `krait scan examples/<app>` shows: the default rules, taint included.
const examples = projects(path.join(repo, 'examples'));
// Taint fixtures: each folder is a small app scanned as a whole with only the taint rules.
const taintApps = projects(path.join(repo, 'test/fixtures/taint'));
const TAINT_IDS = ALL_RULES.filter((r) => r.taint).map((r) => r.meta.id);
// Rule fixtures exercise the pattern rules one file at a time; taint has its own project fixtures.
const PATTERN_RULES = ALL_RULES.filter((r) => !r.taint);
// Dependency rules are annotated in manifests (comments work there too), audited against the repository's small
// advisory set.
const manifestFixtures = filesWhere(path.join(repo, 'test/fixtures/deps/annotated'), (name) => manifestKind(name) !== undefined);

/** Every annotated file of a project: its Python modules and the configuration files the secret rules read. */
const projectFiles = (dir: string) => [...pythonFiles(dir), ...configFiles(dir)];

/** Annotations of every file of a project, keyed "relPath:line:ID" like the findings. */
function projectAnnotations(dir: string): Expectation {
  const all: Expectation = { expected: new Set(), okLines: new Set() };
  for (const file of projectFiles(dir)) {
    const rel = path.relative(dir, file).split(path.sep).join('/');
    const exp = parseAnnotations(fs.readFileSync(file, 'utf8'));
    for (const k of exp.expected) all.expected.add(`${rel}:${k}`);
    for (const k of exp.okLines) all.okLines.add(`${rel}:${k}`);
  }
  return all;
}

async function projectDifferences(dir: string, select?: string[]): Promise<string[]> {
  const result = await scanProject(dir, select ? { select } : {});
  const found = result.findings.filter((f) => !f.suppression).map((f) => `${f.location.path}:${f.location.startLine}:${f.ruleId}`);
  return compareAnnotations(found, projectAnnotations(dir));
}

describe('annotated fixtures: exact set of (file, line, id)', () => {
  it('finds fixtures for every rule', () => {
    const annotated = new Set<string>();
    const all = [...ruleFixtures, ...manifestFixtures, ...examples.flatMap(projectFiles), ...taintApps.flatMap(pythonFiles)];
    for (const f of all) {
      for (const key of parseAnnotations(fs.readFileSync(f, 'utf8')).expected) annotated.add(key.split(':')[1]);
    }
    const missing = ALL_RULES.map((r) => r.meta.id).filter((id) => !annotated.has(id));
    expect(missing).toEqual([]);
  });

  for (const file of ruleFixtures) {
    const rel = path.relative(repo, file).split(path.sep).join('/');
    it(rel, async () => {
      const text = fs.readFileSync(file, 'utf8');
      const format = configFormat(path.basename(file));
      const result = format ? analyzeConfig(text, rel, format, { rules: PATTERN_RULES }) : await analyze(text, { relPath: rel, rules: PATTERN_RULES });
      expect(compareAnnotations(findingKeys(result), parseAnnotations(text))).toEqual([]);
    });
  }

  for (const file of manifestFixtures) {
    it(path.relative(repo, file).split(path.sep).join('/'), async () => {
      const text = fs.readFileSync(file, 'utf8');
      const r = await auditFixture(path.dirname(file), [path.basename(file)]);
      const found = r.findings.map((f) => `${f.location.startLine}:${f.ruleId}`);
      expect(compareAnnotations(found, parseAnnotations(text))).toEqual([]);
    });
  }

  for (const dir of examples) {
    it(`${path.relative(repo, dir)}/ (project scan, default rules)`, async () => {
      expect(await projectDifferences(dir)).toEqual([]);
    });
  }

  for (const dir of taintApps) {
    it(`${path.relative(repo, dir)}/ (project scan, taint rules)`, async () => {
      expect(await projectDifferences(dir, TAINT_IDS)).toEqual([]);
    });
  }
});
