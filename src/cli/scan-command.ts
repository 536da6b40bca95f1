import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { findConfigFile, loadConfigFile } from '../config/load.js';
import type { KraitConfig } from '../config/types.js';
import { DEFAULT_MAX_FILE_SIZE, scan } from '../engine/scan.js';
import { mergeAudit } from '../deps/merge.js';
import { onlineFrom, runAudit } from '../deps/run.js';
import { UsageError } from '../errors.js';
import type { Confidence, Severity } from '../findings/types.js';
import { render, type OutputFormat } from '../report/index.js';
import { ruleCatalog } from '../rules/catalog.js';
import { isKnownSelector, suggestSelector } from '../rules/selectors.js';
import { scanRoot } from '../workspace/discover.js';
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

export async function runScanCommand(paths: string[], flags: ScanFlags): Promise<number> {
  const cwd = process.cwd();
  checkSelectors('--select', flags.select);
  checkSelectors('--ignore', flags.ignore);
  if (flags.unsafeFixes && !flags.fix && !flags.diff) throw new UsageError('--unsafe-fixes applies with --fix or --diff');
  const config = loadConfig(flags, paths, cwd);
  const root = scanRoot(paths, cwd);
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
    respectGitignore: flags.gitignore === false ? false : (config.respectGitignore ?? true),
    jobs: flags.jobs ?? config.jobs ?? availableParallelism(),
    ignoreSuppressions: flags.ignoreSuppressions === true,
    ...(config.taint ? { taint: config.taint } : {}),
  });
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
  if (flags.fix || flags.diff) {
    const code = runFixes(result, flags);
    // After writing, the files are scanned again: the report shows what the fixes left.
    return code ?? runScanCommand(paths, { ...flags, fix: false, unsafeFixes: false });
  }
  const text = render(flags.format, result, { color: useColor(flags), showSuppressed: flags.showSuppressed === true });
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
  const reported = result.findings.some((f) => !f.suppression);
  return reported && !flags.exitZero ? 1 : 0;
}
