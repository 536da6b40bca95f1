/**
 * The language server's view of a workspace: every Python file analysed once, with its taint facts kept, so a
 * change re-analyses only the changed file and re-solves the project's taint from the facts in memory. The solve
 * is what carries a change across modules: a helper that starts returning request data makes findings appear in
 * the files that call it, and those files' diagnostics are refreshed too.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { findConfigFile, loadConfigFile } from '../config/load.js';
import type { KraitConfig } from '../config/types.js';
import { isTaintRule, mergeTaint, type TaintSetup } from '../dataflow/engine.js';
import { webReachable } from '../dataflow/reach.js';
import type { AnalyzerSetup, FileResult } from '../engine/analyze.js';
import { analyzeText } from '../engine/analyze.js';
import { analyzeFile } from '../engine/analyze-file.js';
import { DEFAULT_MAX_FILE_SIZE, effectiveRuleOptions } from '../engine/scan.js';
import { confidenceRank, type Finding, severityRank } from '../findings/types.js';
import { ruleCatalog } from '../rules/catalog.js';
import { ALL_RULES } from '../rules/registry.js';
import { resolveEnabledRules, selectorMatches } from '../rules/selectors.js';
import type { RuleMeta } from '../rules/types.js';
import { moduleNameFor } from '../semantics/module.js';
import { discover } from '../workspace/discover.js';

export class Project {
  readonly root: string;
  readonly config: KraitConfig;
  private readonly setup: AnalyzerSetup;
  private readonly metas: Map<string, RuleMeta>;
  private readonly perFile: { match: (rel: string) => boolean; selectors: string[] }[];
  /** relPath → the file's latest analysis, taint facts included. */
  private readonly files = new Map<string, FileResult>();
  /** relPath → reported findings after the last solve. */
  private findings = new Map<string, Finding[]>();

  private constructor(root: string, config: KraitConfig) {
    this.root = root;
    this.config = config;
    const enabled = resolveEnabledRules(
      ALL_RULES.map((r) => r.meta),
      config.select,
      config.ignore,
    );
    const rules = ALL_RULES.filter((r) => enabled.has(r.meta.id));
    this.metas = new Map(rules.map((r) => [r.meta.id, r.meta]));
    this.setup = {
      rules,
      ruleOptions: new Map(effectiveRuleOptions(rules, config.rules ?? {})),
      maxFileSize: config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    };
    const base = config.baseDir ?? root;
    this.perFile = Object.entries(config.perFileIgnores ?? {}).map(([glob, selectors]) => {
      const isMatch = picomatch(glob, { dot: true });
      return {
        selectors,
        match: (rel: string) => {
          const r = path.relative(base, path.join(root, rel)).split(path.sep).join('/');
          return !r.startsWith('..') && (isMatch(r) || isMatch(path.basename(r)));
        },
      };
    });
  }

  /**
   * Reads the workspace's configuration (pyproject.toml `[tool.krait]` or krait.toml, searched from the root up)
   * and analyses every Python file, preferring the editor's text for open files.
   */
  static async open(root: string, openText: (relPath: string) => string | undefined): Promise<Project> {
    const configFile = findConfigFile(root);
    const config = configFile ? loadConfigFile(configFile, ruleCatalog()) : {};
    const project = new Project(root, config);
    const discovered = discover(['.'], {
      include: config.include ?? [],
      exclude: config.exclude ?? [],
      respectGitignore: config.respectGitignore ?? true,
      maxFileSize: project.setup.maxFileSize,
    }, root);
    const python = discovered.files.filter((f) => !f.config);
    if (project.setup.rules.some(isTaintRule)) {
      const taint: TaintSetup = { projectModules: python.map((f) => moduleNameFor(f.relPath)) };
      if (!config.taint?.sources?.length) taint.webFiles = [...webReachable(python)];
      if (config.taint) taint.config = config.taint;
      project.setup.taint = taint;
    }
    for (const f of python) {
      const text = openText(f.relPath);
      project.files.set(f.relPath, text !== undefined ? await analyzeText(text, f.relPath, project.setup) : await analyzeFile({ absPath: f.absPath, relPath: f.relPath }, project.setup));
    }
    project.solve();
    return project;
  }

  /** The path of a file inside the root, or undefined for one outside it. */
  relPath(absPath: string): string | undefined {
    const rel = path.relative(this.root, absPath);
    return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join('/');
  }

  /**
   * Re-analyses one file from the editor's text and re-solves the project. Returns the files whose reported
   * findings changed, the edited one included.
   */
  async update(relPath: string, text: string): Promise<string[]> {
    if (!relPath.endsWith('.py') && !relPath.endsWith('.pyi')) return [];
    const result = await analyzeText(text, relPath, this.setup);
    this.files.set(relPath, result);
    const before = this.findings;
    this.solve();
    const changed: string[] = [];
    for (const rel of new Set([...before.keys(), ...this.findings.keys(), relPath])) {
      if (rel === relPath || key(before.get(rel)) !== key(this.findings.get(rel))) changed.push(rel);
    }
    return changed;
  }

  findingsOf(relPath: string): Finding[] {
    return this.findings.get(relPath) ?? [];
  }

  private solve(): void {
    // mergeTaint consumes the facts it is given: it gets copies, and the index keeps its own for the next solve.
    const copies = [...this.files.values()].map((r) => ({ relPath: r.relPath, findings: [...r.findings], ...(r.taint ? { taint: r.taint } : {}) }));
    mergeTaint(copies, this.setup.rules);
    const out = new Map<string, Finding[]>();
    for (const file of copies) {
      const reported = this.reported(file.relPath, file.findings);
      if (reported.length > 0) out.set(file.relPath, reported);
    }
    this.findings = out;
  }

  /** The filters of a scan: thresholds, per-file ignores and suppression comments (suppressed findings are not shown). */
  private reported(relPath: string, findings: readonly Finding[]): Finding[] {
    const minSeverity = severityRank(this.config.severity ?? 'low');
    const minConfidence = confidenceRank(this.config.confidence ?? 'low');
    const ignored = this.perFile.filter((p) => p.match(relPath)).flatMap((p) => p.selectors);
    return findings.filter((f) => {
      if (f.suppression || severityRank(f.severity) < minSeverity || confidenceRank(f.confidence) < minConfidence) return false;
      const meta = this.metas.get(f.ruleId);
      return !(meta && ignored.some((s) => selectorMatches(s, meta)));
    });
  }
}

function key(findings: readonly Finding[] | undefined): string {
  return JSON.stringify(findings ?? []);
}

/** A file outside any workspace folder: analysed alone, with the rules' defaults. */
export async function analyzeLoose(text: string, name: string): Promise<Finding[]> {
  const rules = ALL_RULES.filter((r) => r.meta.defaultEnabled);
  const result = await analyzeText(text, name, { rules, ruleOptions: new Map(effectiveRuleOptions(rules, {})), maxFileSize: DEFAULT_MAX_FILE_SIZE });
  return result.findings.filter((f) => !f.suppression);
}
