import path from 'node:path';
import picomatch from 'picomatch';
import type { DepsConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import type { Confidence, Finding, Severity } from '../findings/types.js';
import { confidenceRank, severityRank } from '../findings/types.js';
import { resolveEnabledRules, selectorMatches } from '../rules/selectors.js';
import { discover } from '../workspace/discover.js';
import { type AuditResult, audit } from './audit.js';
import { defaultCacheDir } from './cache.js';
import { MANIFEST_GLOBS, manifestKind } from './manifests/index.js';
import { DEFAULT_API_URL } from './osv/client.js';
import { DEPENDENCY_RULES } from '../rules/dependencies/index.js';

/** What the CLI hands the audit: the flags that concern it and the `[tool.krait.deps]` settings. */
export interface DepsRun {
  paths: string[];
  cwd: string;
  /** Default for this command when neither --online nor --offline is given (deps: true, scan: config or false). */
  online: boolean;
  osvDb?: string;
  cacheDir?: string;
  config: DepsConfig;
  configPath?: string;
  select?: string[];
  ignore?: string[];
  include: string[];
  exclude: string[];
  respectGitignore: boolean;
  maxFileSize: number;
  severity: Severity;
  confidence: Confidence;
  perFileIgnores: Record<string, string[]>;
  perFileBase: string;
  ignoreSuppressions: boolean;
  today?: Date;
}

export const DEFAULT_TTL_SECONDS = 24 * 60 * 60;
export const DEFAULT_TIMEOUT_SECONDS = 10;

/** The network switch as the two flags set it; both at once is a usage error. */
export function onlineFrom(flags: { online?: boolean; offline?: boolean }, fallback: boolean): boolean {
  if (flags.online && flags.offline) throw new UsageError('--online and --offline exclude each other');
  if (flags.offline) return false;
  if (flags.online) return true;
  return fallback;
}

export async function runAudit(run: DepsRun): Promise<AuditResult & { root: string }> {
  const discovered = discover(run.paths, { include: MANIFEST_GLOBS, exclude: run.exclude, respectGitignore: run.respectGitignore, maxFileSize: run.maxFileSize }, run.cwd);
  const manifests = discovered.files.map((f) => f.relPath).filter((rel) => manifestKind(rel) !== undefined);
  const enabled = resolveEnabledRules(
    DEPENDENCY_RULES.map((r) => r.meta),
    run.select,
    run.ignore,
  );
  const configDir = run.configPath ? path.dirname(run.configPath) : undefined;
  const shownConfig = run.configPath ? relOrAbs(discovered.root, run.configPath) : undefined;
  const result = await audit({
    root: discovered.root,
    manifests,
    online: run.online,
    osvDb: run.osvDb ? path.resolve(run.cwd, run.osvDb) : run.config.osvDb,
    cacheDir: run.cacheDir ? path.resolve(run.cwd, run.cacheDir) : (run.config.cacheDir ?? defaultCacheDir()),
    ttlSeconds: run.config.cacheTtl ?? DEFAULT_TTL_SECONDS,
    apiUrl: process.env.KRAIT_OSV_API_URL || DEFAULT_API_URL,
    timeoutMs: (run.config.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    retries: 2,
    backoffMs: 500,
    ignore: run.config.ignore ?? [],
    configPath: shownConfig ?? configDir,
    today: run.today ?? new Date(),
    enabled: (id) => enabled.has(id),
  });
  result.findings = filterFindings(result.findings, run, discovered.root);
  return { ...result, root: discovered.root };
}

function relOrAbs(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

/** The scan's thresholds and per-file ignores, applied to dependency findings as to any other. */
function filterFindings(findings: Finding[], run: DepsRun, root: string): Finding[] {
  const minSeverity = severityRank(run.severity);
  const minConfidence = confidenceRank(run.confidence);
  const perFile = Object.entries(run.perFileIgnores).map(([glob, selectors]) => ({ isMatch: picomatch(glob, { dot: true }), selectors }));
  const metas = new Map(DEPENDENCY_RULES.map((r) => [r.meta.id, r.meta]));
  const out: Finding[] = [];
  for (const f of findings) {
    if (severityRank(f.severity) < minSeverity || confidenceRank(f.confidence) < minConfidence) continue;
    if (run.ignoreSuppressions) delete f.suppression;
    const meta = metas.get(f.ruleId);
    const rel = path.relative(run.perFileBase, path.join(root, f.location.path)).split(path.sep).join('/');
    const selectors = rel.startsWith('..') ? [] : perFile.filter((p) => p.isMatch(rel) || p.isMatch(path.posix.basename(rel))).flatMap((p) => p.selectors);
    if (!f.suppression && meta && selectors.some((s) => selectorMatches(s, meta))) {
      f.suppression = { kind: 'config', line: 0, ids: selectors.filter((s) => selectorMatches(s, meta)) };
    }
    out.push(f);
  }
  return out;
}
