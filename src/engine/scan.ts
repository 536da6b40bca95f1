import path from 'node:path';
import picomatch from 'picomatch';
import { type Confidence, confidenceRank, type Finding, type Notice, type NoticeKind, type Severity, severityRank } from '../findings/types.js';
import { configFormat } from '../secrets/config.js';
import { ALL_RULES } from '../rules/registry.js';
import { resolveEnabledRules, selectorMatches } from '../rules/selectors.js';
import type { Rule, RuleOptions } from '../rules/types.js';
import { discover } from '../workspace/discover.js';
import type { FileResult, FileTask } from './analyze.js';
import { analyzeFile } from './analyze-file.js';
import { startPool } from './pool.js';
import { toAnalyzerSetup, type WorkerSetup } from './setup.js';
import type { ScanResult, ScanStats } from './types.js';
import { VERSION } from '../version.js';
import { isTaintRule, mergeTaint, type TaintSetup } from '../dataflow/engine.js';
import { openApiOperations, operationModules } from '../dataflow/openapi.js';
import { webReachable } from '../dataflow/reach.js';
import { mergeApp } from '../access/merge.js';
import type { TaintConfig } from '../dataflow/spec.js';
import { moduleNameFor } from '../semantics/module.js';
import { fileExistsUnder, moduleWithin, rootPrefix, sourceRoots } from '../workspace/modules.js';

export interface ScanRequest {
  paths: string[];
  cwd: string;
  select?: string[];
  ignore?: string[];
  include: string[];
  exclude: string[];
  severity: Severity;
  confidence: Confidence;
  /** glob → selectors; globs are relative to `perFileBase`. */
  perFileIgnores: Record<string, string[]>;
  perFileBase: string;
  /** Options from configuration, by rule id; defaults fill the rest. */
  ruleOptions: Record<string, RuleOptions>;
  maxFileSize: number;
  /** Analysis time a file may take; past it the file's findings so far are kept and a notice says so. */
  fileTimeoutMs?: number;
  respectGitignore: boolean;
  jobs: number;
  ignoreSuppressions: boolean;
  /** `[tool.krait.taint]`: sources, sinks and sanitizers added by the user. */
  taint?: TaintConfig;
  /** `source-roots`: absolute folders imports resolve against (see workspace/modules.ts). */
  sourceRoots?: string[];
}

/** Configured roots as folders relative to the scan root; those outside it do not apply. */
function configuredRoots(roots: readonly string[] | undefined, scanRoot: string): string[] {
  const out: string[] = [];
  for (const r of roots ?? []) {
    const rel = path.relative(scanRoot, r).split(path.sep).join('/');
    if (rel === '') out.push('');
    else if (!rel.startsWith('..') && !path.isAbsolute(rel)) out.push(rel);
  }
  return out;
}

/** Cost per file is linear in its size (bench/pathological.mjs), so a large generated module is still analysed. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

export const DEFAULT_FILE_TIMEOUT_S = 20;

/** Notice kinds that mean a file was not analysed, or not in full: what `--strict` fails on. */
const INCOMPLETE_KINDS: ReadonlySet<NoticeKind> = new Set(['unreadable', 'too-large', 'binary', 'decode-error', 'special-file', 'time-budget', 'internal-error']);

/** The Python files (not configuration files, not manifests) a notice says were skipped or only partly analysed. */
export function incompleteFiles(notices: readonly Notice[]): string[] {
  const paths = notices.filter((n) => INCOMPLETE_KINDS.has(n.kind) && configFormat(path.posix.basename(n.path)) === undefined).map((n) => n.path);
  return [...new Set(paths)].sort();
}

/** Files below this count are analysed on the main thread: starting workers would cost more than it saves. */
const POOL_THRESHOLD = 8;

export function effectiveRuleOptions(rules: readonly Rule[], configured: Record<string, RuleOptions>): [string, RuleOptions][] {
  return rules.map((r) => {
    const defaults: RuleOptions = {};
    for (const [name, spec] of Object.entries(r.options ?? {})) defaults[name] = spec.default;
    return [r.meta.id, { ...defaults, ...(configured[r.meta.id] ?? {}) }];
  });
}

function perFileMatchers(req: ScanRequest): { match: (abs: string) => boolean; selectors: string[] }[] {
  return Object.entries(req.perFileIgnores).map(([glob, selectors]) => {
    const isMatch = picomatch(glob, { dot: true });
    return {
      selectors,
      match: (abs: string) => {
        const rel = path.relative(req.perFileBase, abs).split(path.sep).join('/');
        return !rel.startsWith('..') && (isMatch(rel) || isMatch(path.basename(rel)));
      },
    };
  });
}

function compareFindings(a: Finding, b: Finding): number {
  const pa = a.location.path;
  const pb = b.location.path;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return (
    a.location.startLine - b.location.startLine ||
    a.location.startColumn - b.location.startColumn ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}

export async function scan(req: ScanRequest): Promise<ScanResult> {
  const started = performance.now();
  const enabled = resolveEnabledRules(
    ALL_RULES.map((r) => r.meta),
    req.select,
    req.ignore,
  );
  const rules = ALL_RULES.filter((r) => enabled.has(r.meta.id));
  const discovered = discover(req.paths, {
    include: req.include,
    exclude: req.exclude,
    respectGitignore: req.respectGitignore,
    maxFileSize: req.maxFileSize,
    configFiles: rules.some((r) => r.configFile),
  }, req.cwd);

  const setup: WorkerSetup = {
    ruleIds: rules.map((r) => r.meta.id),
    ruleOptions: effectiveRuleOptions(rules, req.ruleOptions),
    maxFileSize: req.maxFileSize,
    project: true,
    ...(req.fileTimeoutMs !== undefined ? { fileTimeoutMs: req.fileTimeoutMs } : {}),
  };
  // Each file's source root decides its module name (what its imports and definitions are called), so it is
  // known before any file is parsed.
  const roots = sourceRoots(
    discovered.files.map((f) => f.relPath),
    { configured: configuredRoots(req.sourceRoots, discovered.root), exists: fileExistsUnder(discovered.root) },
  );
  const tasks: FileTask[] = discovered.files.map((f, i) => {
    const module = moduleWithin(f.relPath, roots[i]);
    return { absPath: f.absPath, relPath: f.relPath, ...(f.config ? { config: f.config } : {}), ...(module !== undefined ? { module } : {}) };
  });
  const hasTaint = rules.some(isTaintRule);
  // Workers start, and parse their first (largest) files, while this thread runs the taint pre-pass below, which
  // reads every file; each file's taint step waits for its result.
  const pool =
    req.jobs > 1 && tasks.length >= POOL_THRESHOLD ? startPool({ ...setup, ...(hasTaint ? { taintPending: true } : {}) }, Math.min(req.jobs, tasks.length)) : undefined;
  const running = pool?.run(
    tasks,
    discovered.files.map((f) => f.size),
  );
  let taint: TaintSetup | undefined;
  try {
    if (hasTaint) {
      const files = discovered.files;
      taint = { projectModules: files.map((f) => moduleNameFor(f.relPath)), moduleRoots: roots.map(rootPrefix) };
      // User-declared sources can be anywhere: then every file is analysed in full.
      // Connexion handlers named by `operationId` in the OpenAPI specifications the project loads.
      const operations = openApiOperations(files);
      if (operations.length > 0) taint.operations = operations;
      if (!req.taint?.sources?.length) {
        taint.webFiles = [...webReachable(files, undefined, taint.moduleRoots, operationModules(operations, taint.projectModules))];
      }
      if (req.taint) taint.config = req.taint;
    }
  } catch (err) {
    // The scan ends here: the workers stop, and whatever they do meanwhile is not reported.
    running?.catch(() => undefined);
    pool?.close();
    throw err;
  }
  let results: FileResult[];
  if (pool && running) {
    if (taint) pool.setTaint(taint);
    results = await running;
  } else {
    const analyzer = toAnalyzerSetup({ ...setup, ...(taint ? { taint } : {}) });
    results = [];
    for (const t of tasks) results.push(await analyzeFile(t, analyzer));
  }

  const notices: Notice[] = [...discovered.notices, ...mergeTaint(results, rules)];
  mergeApp(results);
  const findings: Finding[] = [];
  const perFile = perFileMatchers(req);
  const minSeverity = severityRank(req.severity);
  const minConfidence = confidenceRank(req.confidence);
  const metas = new Map(rules.map((r) => [r.meta.id, r.meta]));
  let lines = 0;
  let scanned = 0;
  let configScanned = 0;
  for (const r of results) {
    notices.push(...r.notices);
    if (!r.analysed) continue;
    scanned++;
    if (r.config) configScanned++;
    lines += r.lines;
    const abs = path.join(discovered.root, r.relPath);
    const ignoredHere = perFile.filter((p) => p.match(abs)).flatMap((p) => p.selectors);
    for (const f of r.findings) {
      if (severityRank(f.severity) < minSeverity || confidenceRank(f.confidence) < minConfidence) continue;
      if (req.ignoreSuppressions) delete f.suppression;
      const meta = metas.get(f.ruleId);
      if (!f.suppression && meta && ignoredHere.some((s) => selectorMatches(s, meta))) {
        f.suppression = { kind: 'config', line: 0, ids: ignoredHere.filter((s) => selectorMatches(s, meta)) };
      }
      findings.push(f);
    }
  }
  findings.sort(compareFindings);
  notices.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : (a.line ?? 0) - (b.line ?? 0)));

  const skippedByReason: ScanStats['skippedByReason'] = {};
  let skipped = 0;
  for (const n of notices) {
    if (!n.skipped) continue;
    skipped++;
    skippedByReason[n.kind] = (skippedByReason[n.kind] ?? 0) + 1;
  }
  const findingsBySeverity: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  let suppressed = 0;
  for (const f of findings) {
    if (f.suppression) suppressed++;
    else findingsBySeverity[f.severity]++;
  }
  const incomplete = incompleteFiles(notices);
  return {
    root: discovered.root,
    toolVersion: VERSION,
    findings,
    notices,
    incomplete,
    stats: {
      filesScanned: scanned,
      filesSkipped: skipped,
      filesIncomplete: incomplete.length,
      ...(configScanned > 0 ? { configFilesScanned: configScanned } : {}),
      skippedByReason,
      lines,
      findingsBySeverity,
      suppressed,
      durationMs: performance.now() - started,
      jobs: req.jobs,
    },
    rules: rules.map((r) => ({ meta: r.meta, docs: r.docs })),
  };
}
