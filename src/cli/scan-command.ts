import { existsSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { findConfigFile, loadConfigFile } from '../config/load.js';
import type { KraitConfig } from '../config/types.js';
import { DEFAULT_FILE_TIMEOUT_S, DEFAULT_MAX_FILE_SIZE, scan, type ScanProgress } from '../engine/scan.js';
import { DEFAULT_CACHE_DIR } from '../cache/results.js';
import { progressLine } from './progress.js';
import { mergeAudit } from '../deps/merge.js';
import { onlineFrom, runAudit } from '../deps/run.js';
import { UsageError } from '../errors.js';
import type { Confidence, Severity } from '../findings/types.js';
import { render, type OutputFormat } from '../report/index.js';
import { ruleCatalog } from '../rules/catalog.js';
import { isKnownSelector, resolveEnabledRules, suggestSelector } from '../rules/selectors.js';
import { scanRoot } from '../workspace/discover.js';
import { readBaseline, writeBaseline } from '../findings/baseline.js';
import { baselineScan, counts, keepChanged, keepFiles } from '../engine/narrow.js';
import { changedLinesSince } from '../vcs/git.js';
import { runFixes } from './fix-mode.js';

export interface ScanFlags {
  format: OutputFormat;
  output?: string;
  select?: string[];
  ignore?: string[];
  include?: string[];
  exclude?: string[];
  severity?: Severity;
  confidence?: Confidence;
  /** A path, or false for --no-config. */
  config?: string | false;
  jobs?: number;
  maxFileSize?: number;
  /** Seconds. */
  fileTimeout?: number;
  strict?: boolean;
  gitignore: boolean;
  ignoreSuppressions?: boolean;
  showSuppressed?: boolean;
  exitZero?: boolean;
  color?: boolean;
  /** false for --no-deps. */
  deps?: boolean;
  online?: boolean;
  offline?: boolean;
  osvDb?: string;
  cacheDir?: string;
  /** Record the reported findings as the accepted state in this file. */
  writeBaseline?: string;
  /** Compare with this baseline: its findings are flagged and do not count for the exit status. */
  baseline?: string;
  /** Text format: also print findings the baseline accepts. */
  showBaselined?: boolean;
  /** Report only findings on lines changed since the merge base with this git revision. */
  diffBase?: string;
  /** false for --no-cache. */
  cache?: boolean;
  /** Force the progress line even when stderr is not a terminal. */
  progress?: boolean;
  quiet?: boolean;
  /** Analyse this whole folder; the paths given only select which files' findings are reported. */
  project?: string;
  /** Apply safe fixes in place, then report what is left. */
  fix?: boolean;
  /** With --fix or --diff: unsafe fixes too. */
  unsafeFixes?: boolean;
  /** Print the fixes as a unified diff instead of the report; write nothing. */
  diff?: boolean;
}

function checkSelectors(flag: string, selectors: string[] | undefined): void {
  const metas = ruleCatalog().metas;
  for (const s of selectors ?? []) {
    if (isKnownSelector(s, metas)) continue;
    const hint = suggestSelector(s, metas);
    throw new UsageError(`${flag}: unknown rule selector "${s}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
}

export function loadConfig(flags: Pick<ScanFlags, 'config'>, paths: string[], cwd: string): KraitConfig {
  if (flags.config === false) return {};
  if (typeof flags.config === 'string') return loadConfigFile(flags.config, ruleCatalog());
  const first = path.resolve(cwd, paths[0] ?? '.');
  const found = findConfigFile(first);
  return found ? loadConfigFile(found, ruleCatalog()) : {};
}

/** Colour only for a terminal; an explicit flag wins over NO_COLOR / FORCE_COLOR, which win over detection. */
export function useColor(flags: Pick<ScanFlags, 'output' | 'color'>): boolean {
  if (flags.output || flags.color === false) return false;
  if (process.argv.includes('--color')) return true;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined) return process.env.FORCE_COLOR !== '0';
  return process.stdout.isTTY === true;
}

/** A CI gate must not pass because nothing ran: `--select ''`, `select = []`, or an ignore that cancels the select. */
function checkSomethingSelected(select: string[] | undefined, ignore: string[] | undefined): void {
  if (resolveEnabledRules(ruleCatalog().metas, select, ignore).size > 0) return;
  const what = select?.length === 0 ? 'the selection is empty' : `--select/--ignore (or select/ignore in the configuration) leave no rule to run`;
  throw new UsageError(`no rule selected: ${what}`);
}

/** Where to ask git from: the first path scanned (the scan root may lie above the repository). */
function gitDirOf(paths: string[], cwd: string): string {
  const first = path.resolve(cwd, paths[0] ?? '.');
  try {
    return statSync(first).isDirectory() ? first : path.dirname(first);
  } catch {
    return path.dirname(first);
  }
}

/** With --project, the scan covers the project folder, and the paths given narrow the report to themselves. */
function reportOnly(paths: string[], flags: ScanFlags, cwd: string): { scanPaths: string[]; only?: string[] } {
  if (flags.project === undefined) return { scanPaths: paths };
  const project = path.resolve(cwd, flags.project);
  if (!existsSync(project)) throw new UsageError(`--project: ${flags.project} does not exist`);
  return { scanPaths: [project], only: paths.map((p) => path.resolve(cwd, p)) };
}

export async function runScanCommand(givenPaths: string[], flags: ScanFlags): Promise<number> {
  const cwd = process.cwd();
  const { scanPaths: paths, only } = reportOnly(givenPaths, flags, cwd);
  checkSelectors('--select', flags.select);
  checkSelectors('--ignore', flags.ignore);
  if (flags.unsafeFixes && !flags.fix && !flags.diff) throw new UsageError('--unsafe-fixes applies with --fix or --diff');
  const config = loadConfig(flags, paths, cwd);
  checkSomethingSelected(flags.select ?? config.select, flags.ignore ?? config.ignore);
  const root = scanRoot(paths, cwd);
  // A bad baseline or a missing repository fails before the scan spends its time.
  const baselineFile = flags.baseline ?? config.baseline;
  const baselineEntries = baselineFile && !flags.writeBaseline ? readBaseline(baselineFile) : undefined;
  const changed = flags.diffBase !== undefined ? changedLinesSince(flags.diffBase, gitDirOf(paths, cwd)) : undefined;
  const progress = progressLine(process.stderr, { force: flags.progress === true, quiet: flags.quiet === true });
  const result = await scan({
    paths,
    cwd,
    select: flags.select ?? config.select,
    ignore: flags.ignore ?? config.ignore,
    include: [...(config.include ?? []), ...(flags.include ?? [])],
    exclude: [...(config.exclude ?? []), ...(flags.exclude ?? [])],
    severity: flags.severity ?? config.severity ?? 'low',
    confidence: flags.confidence ?? config.confidence ?? 'low',
    perFileIgnores: config.perFileIgnores ?? {},
    perFileBase: config.baseDir ?? root,
    ruleOptions: config.rules ?? {},
    maxFileSize: flags.maxFileSize ?? config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    fileTimeoutMs: (flags.fileTimeout ?? config.fileTimeout ?? DEFAULT_FILE_TIMEOUT_S) * 1000,
    respectGitignore: flags.gitignore === false ? false : (config.respectGitignore ?? true),
    jobs: flags.jobs ?? config.jobs ?? availableParallelism(),
    ignoreSuppressions: flags.ignoreSuppressions === true,
    ...(config.taint ? { taint: config.taint } : {}),
    ...(config.sourceRoots ? { sourceRoots: config.sourceRoots } : {}),
    // In the folder krait runs from (the project), never inside a scanned tree elsewhere; one store per scan root.
    ...(flags.cache === false ? {} : { cacheDir: path.resolve(cwd, flags.cacheDir ?? DEFAULT_CACHE_DIR) }),
    ...(progress ? { onProgress: (p: ScanProgress) => progress.update(p) } : {}),
  }).finally(() => progress?.end());
  if (flags.deps !== false && config.deps?.enabled !== false) {
    const audit = await runAudit({
      paths,
      cwd,
      // The scan stays off the network unless asked: a code scan in CI must not wait on api.osv.dev.
      online: onlineFrom(flags, config.deps?.online ?? false),
      osvDb: flags.osvDb,
      cacheDir: flags.cacheDir,
      config: config.deps ?? {},
      configPath: config.file,
      select: flags.select ?? config.select,
      ignore: flags.ignore ?? config.ignore,
      include: [...(config.include ?? []), ...(flags.include ?? [])],
      exclude: [...(config.exclude ?? []), ...(flags.exclude ?? [])],
      respectGitignore: flags.gitignore === false ? false : (config.respectGitignore ?? true),
      maxFileSize: flags.maxFileSize ?? config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      severity: flags.severity ?? config.severity ?? 'low',
      confidence: flags.confidence ?? config.confidence ?? 'low',
      perFileIgnores: config.perFileIgnores ?? {},
      perFileBase: config.baseDir ?? root,
      ignoreSuppressions: flags.ignoreSuppressions === true,
    });
    mergeAudit(result, audit);
  }
  if (changed) keepChanged(result, changed);
  if (only) keepFiles(result, only.map((abs) => path.relative(result.root, abs).split(path.sep).join('/')));
  if (flags.fix || flags.diff) {
    const code = runFixes(result, flags);
    // After writing, the files are scanned again: the report shows what the fixes left.
    return code ?? runScanCommand(givenPaths, { ...flags, fix: false, unsafeFixes: false });
  }
  if (flags.writeBaseline) {
    const n = writeBaseline(flags.writeBaseline, result.findings);
    if (!flags.quiet) process.stderr.write(`krait: wrote ${n} finding${n === 1 ? '' : 's'} to the baseline ${flags.writeBaseline}\n`);
  } else if (baselineFile && baselineEntries) {
    baselineScan(result, baselineEntries, baselineFile);
  }
  const text = render(flags.format, result, {
    color: useColor(flags),
    showSuppressed: flags.showSuppressed === true,
    showBaselined: flags.showBaselined === true,
  });
  if (flags.output) {
    try {
      writeFileSync(flags.output, text);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`cannot write ${flags.output} (${code})`);
    }
  } else {
    process.stdout.write(text);
  }
  const incomplete = result.incomplete ?? [];
  if ((flags.strict ?? config.strict) && incomplete.length > 0) {
    const shown = incomplete.slice(0, 10).join(', ') + (incomplete.length > 10 ? `, and ${incomplete.length - 10} more` : '');
    process.stderr.write(`krait: strict: ${incomplete.length} Python ${incomplete.length === 1 ? 'file' : 'files'} not analysed in full: ${shown}\n`);
    return 2;
  }
  // Writing a baseline accepts today's findings: that run succeeds.
  const reported = !flags.writeBaseline && result.findings.some(counts);
  return reported && !flags.exitZero ? 1 : 0;
}
