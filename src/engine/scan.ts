import { readFileSync } from 'node:fs';
import path from 'node:path';
import { codeIdentity, ResultCache, sha256 } from '../cache/results.js';
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
import { readSourceText, webReachable } from '../dataflow/reach.js';
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
  /** Folder of the per-file result cache (src/cache/); absent: every file is analysed. */
  cacheDir?: string;
  /** Told what the scan is doing, for a progress line; never changes the result. */
  onProgress?: (p: ScanProgress) => void;
}

export interface ScanProgress {
  phase: 'reading' | 'analysing' | 'taint';
  done: number;
  total: number;
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

/** The key part every file shares: the program, the rules that run and their options, the user's taint model. */
function programKey(setup: WorkerSetup, taint: TaintConfig | undefined): string {
  return sha256(JSON.stringify([VERSION, codeIdentity(), setup.ruleIds, setup.ruleOptions, setup.maxFileSize, setup.fileTimeoutMs ?? null, taint ?? null]));
}

/** Reads a file for the taint pre-pass, hashing its bytes on the way (the cache needs both). */
function readHashed(absPath: string, hashes: Map<string, string>): string | undefined {
  try {
    const bytes = readFileSync(absPath);
    hashes.set(absPath, sha256(bytes));
    return bytes.toString('latin1');
  } catch {
    return undefined;
  }
}

/**
 * Each file's cache key: its bytes and kind, and for taint the project facts its facts depend on (the module
 * list, and whether a request reaches it). A file that cannot be read gets none: it is analysed every time.
 */
function fileKeys(tasks: readonly FileTask[], hashes: Map<string, string>, taint: TaintSetup | undefined): (string | undefined)[] {
  // Module names (which follow the source roots) and the OpenAPI operations decide what a file's facts call things.
  const modules = taint?.projectModules ? sha256(JSON.stringify([taint.projectModules, taint.moduleRoots ?? null, taint.operations ?? null])) : '';
  const web = taint?.webFiles ? new Set(taint.webFiles) : undefined;
  return tasks.map((t) => {
    if (!hashes.has(t.absPath)) readHashed(t.absPath, hashes);
    const content = hashes.get(t.absPath);
    if (content === undefined) return undefined;
    const reach = taint ? (web ? String(web.has(t.relPath)) : 'all') : '';
    return sha256(`${content}\0${t.config ?? 'python'}\0${t.module ?? ''}\0${modules}\0${reach}`);
  });
}

/** The key of the whole project's merged results: every file's key, in order; none if a file has none. */
function projectKey(tasks: readonly FileTask[], keys: readonly (string | undefined)[]): string | undefined {
  if (keys.length !== tasks.length || keys.some((k) => k === undefined)) return undefined;
  return sha256(tasks.map((t, i) => `${t.relPath}\0${keys[i]}`).join('\n'));
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
  const cache = req.cacheDir ? ResultCache.open(req.cacheDir, discovered.root, programKey(setup, req.taint)) : undefined;
  const progress = req.onProgress;
  let done = 0;
  const fileDone = progress ? () => progress({ phase: 'analysing', done: ++done, total: tasks.length }) : undefined;
  progress?.({ phase: 'reading', done: 0, total: tasks.length });
  // Workers start, and parse their first (largest) files, while this thread runs the taint pre-pass below, which
  // reads every file; each file's taint step waits for its result. With results in the cache, which files need
  // a worker is known only after the pre-pass (their keys depend on it), so the pool starts then, if at all.
  const pool =
    !cache?.warm && req.jobs > 1 && tasks.length >= POOL_THRESHOLD
      ? startPool({ ...setup, ...(hasTaint ? { taintPending: true } : {}) }, Math.min(req.jobs, tasks.length))
      : undefined;
  const running = pool?.run(
    tasks,
    discovered.files.map((f) => f.size),
    fileDone,
  );
  let taint: TaintSetup | undefined;
  const hashes = new Map<string, string>();
  let keys: (string | undefined)[] = [];
  try {
    const read = cache ? (abs: string) => readHashed(abs, hashes) : undefined;
    if (hasTaint) {
      const files = discovered.files;
      taint = { projectModules: files.map((f) => moduleNameFor(f.relPath)), moduleRoots: roots.map(rootPrefix) };
      const readPython = read ?? readSourceText;
      if (req.taint?.sources?.length) {
        // User-declared sources can be anywhere: then every file is analysed in full.
        const operations = openApiOperations(files, readPython);
        if (operations.length > 0) taint.operations = operations;
      } else {
        // The reach pre-pass reads every file once; the few that load an OpenAPI specification are noted on the way.
        const loadsSpec = new Set<string>();
        const noting = (absPath: string) => {
          const text = readPython(absPath);
          if (text?.includes('add_api')) loadsSpec.add(absPath);
          return text;
        };
        let web = webReachable(files, noting, taint.moduleRoots);
        // Connexion handlers named by `operationId` are entry points too: only then is reach computed again.
        const operations = openApiOperations(files.filter((f) => loadsSpec.has(f.absPath)), readPython);
        if (operations.length > 0) {
          taint.operations = operations;
          web = webReachable(files, readPython, taint.moduleRoots, operationModules(operations, taint.projectModules));
        }
        taint.webFiles = [...web];
      }
      if (req.taint) taint.config = req.taint;
    }
    if (cache) keys = fileKeys(tasks, hashes, taint);
  } catch (err) {
    // The scan ends here: the workers stop, and whatever they do meanwhile is not reported.
    running?.catch(() => undefined);
    pool?.close();
    throw err;
  }
  let results: FileResult[] = [];
  let merged: { results: FileResult[]; notices: Notice[] } | undefined;
  // Which results are fresh (and go into the cache): all of them, unless the cache answered some.
  let fresh: number[] = tasks.map((_, i) => i);
  // Nothing changed at all: the merged results of the last scan (the taint solve included) stand as they are.
  const whole = cache?.warm ? projectKey(tasks, keys) : undefined;
  if (cache && whole) merged = cache.getProject<{ results: FileResult[]; notices: Notice[] }>(whole, tasks.map((t) => t.relPath), keys);
  if (merged) {
    fresh = [];
    progress?.({ phase: 'analysing', done: tasks.length, total: tasks.length });
  } else if (pool && running) {
    if (taint) pool.setTaint(taint);
    results = await running;
  } else {
    results = new Array(tasks.length);
    if (cache?.warm) {
      fresh = [];
      tasks.forEach((t, i) => {
        const key = keys[i];
        const hit = key === undefined ? undefined : cache.get<FileResult>(t.relPath, key);
        if (hit) {
          results[i] = hit;
          fileDone?.();
        } else fresh.push(i);
      });
    }
    const todo = fresh.map((i) => tasks[i]);
    const late = req.jobs > 1 && todo.length >= POOL_THRESHOLD ? startPool({ ...setup, ...(taint ? { taint } : {}) }, Math.min(req.jobs, todo.length)) : undefined;
    let out: FileResult[];
    if (late) {
      out = await late.run(
        todo,
        fresh.map((i) => discovered.files[i].size),
        fileDone,
      );
    } else {
      const analyzer = toAnalyzerSetup({ ...setup, ...(taint ? { taint } : {}) });
      out = [];
      for (const t of todo) {
        out.push(await analyzeFile(t, analyzer));
        fileDone?.();
      }
    }
    fresh.forEach((i, k) => {
      results[i] = out[k];
    });
  }
  if (cache) {
    // Stored before the taint merge and the filters below change the results.
    for (const i of fresh) {
      const key = keys[i];
      if (key !== undefined) cache.put(tasks[i].relPath, key, results[i]);
    }
  }
  if (!merged) {
    if (hasTaint) progress?.({ phase: 'taint', done: tasks.length, total: tasks.length });
    merged = { results, notices: mergeTaint(results, rules) };
    mergeApp(merged.results);
    const key = cache ? projectKey(tasks, keys) : undefined;
    if (cache && key) cache.putProject(key, merged);
  }
  cache?.save();
  results = merged.results;
  const notices: Notice[] = [...discovered.notices, ...(cache?.notices ?? []), ...merged.notices];
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
    ...(cache ? { cache: { reused: cache.hits, analysed: fresh.length } } : {}),
  };
}
