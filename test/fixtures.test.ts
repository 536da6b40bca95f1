import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../src/rules/registry.js';
import { analyze, findingKeys, scanProject } from './helpers/analyze.js';
import { compareAnnotations, type Expectation, parseAnnotations } from './helpers/annotations.js';

const repo = path.resolve(import.meta.dirname, '..');

function pythonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.py'))
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}

function projects(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(dir, d.name))
    .sort();
}

const ruleFixtures = pythonFiles(path.join(repo, 'test/fixtures/rules'));
// The example apps are annotated with what `krait scan examples/<app>` shows: the default rules, taint included.
const examples = projects(path.join(repo, 'examples'));
// Taint fixtures: each folder is a small app scanned as a whole with only the taint rules.
const taintApps = projects(path.join(repo, 'test/fixtures/taint'));
const TAINT_IDS = ALL_RULES.filter((r) => r.taint).map((r) => r.meta.id);
// Rule fixtures exercise the pattern rules one file at a time; taint has its own project fixtures.
const PATTERN_RULES = ALL_RULES.filter((r) => !r.taint);

/** Annotations of every file of a project, keyed "relPath:line:ID" like the findings. */
function projectAnnotations(dir: string): Expectation {
  const all: Expectation = { expected: new Set(), okLines: new Set() };
  for (const file of pythonFiles(dir)) {
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
    for (const f of [...ruleFixtures, ...examples.flatMap(pythonFiles), ...taintApps.flatMap(pythonFiles)]) {
      for (const key of parseAnnotations(fs.readFileSync(f, 'utf8')).expected) annotated.add(key.split(':')[1]);
    }
    const missing = ALL_RULES.map((r) => r.meta.id).filter((id) => !annotated.has(id));
    expect(missing).toEqual([]);
  });

  for (const file of ruleFixtures) {
    const rel = path.relative(repo, file).split(path.sep).join('/');
    it(rel, async () => {
      const text = fs.readFileSync(file, 'utf8');
      const result = await analyze(text, { relPath: rel, rules: PATTERN_RULES });
      expect(compareAnnotations(findingKeys(result), parseAnnotations(text))).toEqual([]);
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
