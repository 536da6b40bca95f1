import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { downloadedDbPaths } from '../deps/audit.js';
import { defaultCacheDir } from '../deps/cache.js';
import { updateDatabase } from '../deps/db/update.js';
import { auditResult } from '../deps/merge.js';
import { DEPENDENCY_RULES } from '../rules/dependencies/index.js';
import { onlineFrom, runAudit } from '../deps/run.js';
import { DEFAULT_MAX_FILE_SIZE } from '../engine/scan.js';
import { UsageError } from '../errors.js';
import { render } from '../report/index.js';
import { resolveEnabledRules } from '../rules/selectors.js';
import { scanRoot } from '../workspace/discover.js';
import { loadConfig, type ScanFlags, useColor } from './scan-command.js';

/** The scan flags that mean the same for `krait deps`, plus the audit's own. */
export interface DepsFlags
  extends Pick<
    ScanFlags,
    | 'format'
    | 'output'
    | 'select'
    | 'ignore'
    | 'include'
    | 'exclude'
    | 'severity'
    | 'confidence'
    | 'config'
    | 'gitignore'
    | 'ignoreSuppressions'
    | 'showSuppressed'
    | 'exitZero'
    | 'color'
    | 'online'
    | 'offline'
    | 'osvDb'
    | 'cacheDir'
  > {}

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
  const config = loadConfig(flags, paths, cwd);
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

/** The export is tens of megabytes: a whole-download limit, not the API's per-request one. */
const DB_DOWNLOAD_TIMEOUT_MS = 5 * 60 * 1000;

export const PYPI_EXPORT_URL = 'https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip';

/** `krait db update`: download PyPI's OSV export into the cache folder and index it. */
export async function runDbUpdateCommand(flags: DbUpdateFlags): Promise<number> {
  const cwd = process.cwd();
  const config = loadConfig(flags, ['.'], cwd);
  const cacheDir = flags.cacheDir ? path.resolve(cwd, flags.cacheDir) : (config.deps?.cacheDir ?? defaultCacheDir());
  const url = flags.url ?? process.env.KRAIT_OSV_DB_URL ?? PYPI_EXPORT_URL;
  const paths = downloadedDbPaths(cacheDir);
  const r = await updateDatabase({ url, zipPath: paths.zip, indexPath: paths.index, timeoutMs: DB_DOWNLOAD_TIMEOUT_MS });
  const mb = (r.bytes / 1e6).toFixed(1);
  const skipped = r.problems.length > 0 ? `; ${r.problems.length} unreadable entries skipped (first: ${r.problems[0].entry}: ${r.problems[0].message})` : '';
  process.stdout.write(
    `Downloaded ${mb} MB from ${url}\nIndexed ${r.records} advisories (${r.withdrawn} withdrawn) for ${r.packages} packages in ${(r.indexMs / 1000).toFixed(2)} s${skipped}\nDatabase: ${paths.zip}\n`,
  );
  return 0;
}
