import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestKind } from '../src/deps/manifests/index.js';
import { ALL_RULES } from '../src/rules/registry.js';
import { configFormat } from '../src/secrets/config.js';
import { analyze, analyzeConfig, findingKeys } from './helpers/analyze.js';
import { auditFixture } from './helpers/deps.js';
import { compareAnnotations, parseAnnotations } from './helpers/annotations.js';

const repo = path.resolve(import.meta.dirname, '..');

function pythonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.py'))
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}

/** Configuration files (`.env`, `*.toml`, `Dockerfile`…) the secret rules read; lock files are left out, as in a scan. */
function configFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && configFormat(d.name) !== undefined)
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}

const ruleFixtures = [...pythonFiles(path.join(repo, 'test/fixtures/rules')), ...configFiles(path.join(repo, 'test/fixtures/rules'))];
// The example apps are annotated with what `krait scan examples/` shows: the default rules only.
const exampleFiles = [...pythonFiles(path.join(repo, 'examples')), ...configFiles(path.join(repo, 'examples'))];
// Dependency rules are annotated in manifests (comments work there too), audited against the repository's small
// advisory set.
const manifestRoot = path.join(repo, 'test/fixtures/deps/annotated');
const manifestFixtures = fs.existsSync(manifestRoot)
  ? fs
      .readdirSync(manifestRoot, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && manifestKind(d.name) !== undefined)
      .map((d) => path.join(d.parentPath, d.name))
      .sort()
  : [];
const files = [...ruleFixtures, ...exampleFiles, ...manifestFixtures];
const DEFAULT_RULES = ALL_RULES.filter((r) => r.meta.defaultEnabled);

describe('annotated fixtures: exact set of (file, line, id)', () => {
  it('finds fixtures for every rule', () => {
    const annotated = new Set<string>();
    for (const f of files) for (const key of parseAnnotations(fs.readFileSync(f, 'utf8')).expected) annotated.add(key.split(':')[1]);
    const missing = ALL_RULES.map((r) => r.meta.id).filter((id) => !annotated.has(id));
    expect(missing).toEqual([]);
  });

  for (const file of files) {
    const rel = path.relative(repo, file).split(path.sep).join('/');
    if (manifestFixtures.includes(file)) {
      it(rel, async () => {
        const text = fs.readFileSync(file, 'utf8');
        const r = await auditFixture(path.dirname(file), [path.basename(file)]);
        const found = r.findings.map((f) => `${f.location.startLine}:${f.ruleId}`);
        expect(compareAnnotations(found, parseAnnotations(text))).toEqual([]);
      });
      continue;
    }
    it(rel, async () => {
      const text = fs.readFileSync(file, 'utf8');
      const rules = exampleFiles.includes(file) ? DEFAULT_RULES : ALL_RULES;
      const format = configFormat(path.basename(file));
      const result = format ? analyzeConfig(text, rel, format, { rules }) : await analyze(text, { relPath: rel, rules });
      expect(compareAnnotations(findingKeys(result), parseAnnotations(text))).toEqual([]);
    });
  }
});
