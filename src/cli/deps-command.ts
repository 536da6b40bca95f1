import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { findConfigFile, loadConfigFile } from '../config/load.js';
import type { KraitConfig } from '../config/types.js';
import { downloadedDbPaths } from '../deps/audit.js';
import { defaultCacheDir } from '../deps/cache.js';
import { updateDatabase } from '../deps/db/update.js';
import { auditResult } from '../deps/merge.js';
import { DEPENDENCY_RULES } from '../deps/rules.js';
import { onlineFrom, runAudit } from '../deps/run.js';
import { DEFAULT_MAX_FILE_SIZE } from '../engine/scan.js';
import { UsageError } from '../errors.js';
import type { Confidence, Severity } from '../findings/types.js';
import { render, type OutputFormat } from '../report/index.js';
import { ruleCatalog } from '../rules/catalog.js';
import { resolveEnabledRules } from '../rules/selectors.js';
import { scanRoot } from '../workspace/discover.js';

export interface DepsFlags {
  format: OutputFormat;
  output?: string;
  select?: string[];
  ignore?: string[];
  include?: string[];
  exclude?: string[];
  severity?: Severity;
  confidence?: Confidence;
  config?: string | false;
  gitignore: boolean;
  ignoreSuppressions?: boolean;
  showSuppressed?: boolean;
  exitZero?: boolean;
  color?: boolean;
  online?: boolean;
  offline?: boolean;
  osvDb?: string;
  cacheDir?: string;
}

export function loadConfigFor(config: string | false | undefined, paths: string[], cwd: string): KraitConfig {
  if (config === false) return {};
  if (typeof config === 'string') return loadConfigFile(config, ruleCatalog());
  const found = findConfigFile(path.resolve(cwd, paths[0] ?? '.'));
  return found ? loadConfigFile(found, ruleCatalog()) : {};
}

function useColor(flags: { output?: string; color?: boolean }): boolean {
  if (flags.output || flags.color === false) return false;
  if (process.argv.includes('--color')) return true;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined) return process.env.FORCE_COLOR !== '0';
  return process.stdout.isTTY === true;
}

export function writeReport(text: string, output: string | undefined): void {
  if (!output) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(output, text);
  } catch (err) {
    throw new UsageError(`cannot write ${output} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** `krait deps [PATH]`: only the dependency audit. Online by default: it is the command people run to ask. */
export async function runDepsCommand(target: string, flags: DepsFlags): Promise<number> {
  const started = performance.now();
  const cwd = process.cwd();
  const paths = [target];
  const config = loadConfigFor(flags.config, paths, cwd);
  const root = scanRoot(paths, cwd);
  const select = flags.select ?? config.select;
  const ignore = flags.ignore ?? config.ignore;
  const result = await runAudit({
    paths,
    cwd,
    online: onlineFrom(flags, true),
    osvDb: flags.osvDb,
    cacheDir: flags.cacheDir,
    config: config.deps ?? {},
    configPath: config.file,
    select,
    ignore,
    include: [...(config.include ?? []), ...(flags.include ?? [])],
    exclude: [...(config.exclude ?? []), ...(flags.exclude ?? [])],
    respectGitignore: flags.gitignore === false ? false : (config.respectGitignore ?? true),
    maxFileSize: config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    severity: flags.severity ?? config.severity ?? 'low',
    confidence: flags.confidence ?? config.confidence ?? 'low',
    perFileIgnores: config.perFileIgnores ?? {},
    perFileBase: config.baseDir ?? root,
    ignoreSuppressions: flags.ignoreSuppressions === true,
  });
  const enabled = resolveEnabledRules(
    DEPENDENCY_RULES.map((r) => r.meta),
    select,
    ignore,
  );
  const report = auditResult(result.root, result, enabled, started);
  writeReport(render(flags.format, report, { color: useColor(flags), showSuppressed: flags.showSuppressed === true }), flags.output);
  if (result.unavailable) {
    // Failing open would let a CI gate pass because the network was down.
    process.stderr.write(`krait: ${result.unavailable}\n`);
    return 2;
  }
  const reported = report.findings.some((f) => !f.suppression);
  return reported && !flags.exitZero ? 1 : 0;
}

export interface DbUpdateFlags {
  cacheDir?: string;
  url?: string;
  config?: string | false;
}

export const PYPI_EXPORT_URL = 'https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip';

/** `krait db update`: download PyPI's OSV export into the cache folder and index it. */
export async function runDbUpdateCommand(flags: DbUpdateFlags): Promise<number> {
  const cwd = process.cwd();
  const config = loadConfigFor(flags.config, ['.'], cwd);
  const cacheDir = flags.cacheDir ? path.resolve(cwd, flags.cacheDir) : (config.deps?.cacheDir ?? defaultCacheDir());
  const url = flags.url ?? process.env.KRAIT_OSV_DB_URL ?? PYPI_EXPORT_URL;
  const paths = downloadedDbPaths(cacheDir);
  const r = await updateDatabase({ url, zipPath: paths.zip, indexPath: paths.index, timeoutMs: (config.deps?.timeout ?? 60) * 1000 * 5 });
  const mb = (r.bytes / 1e6).toFixed(1);
  const skipped = r.problems.length > 0 ? `; ${r.problems.length} unreadable entries skipped (first: ${r.problems[0].entry}: ${r.problems[0].message})` : '';
  process.stdout.write(
    `Downloaded ${mb} MB from ${url}\nIndexed ${r.records} advisories (${r.withdrawn} withdrawn) for ${r.packages} packages in ${(r.indexMs / 1000).toFixed(2)} s${skipped}\nDatabase: ${paths.zip}\n`,
  );
  return 0;
}
