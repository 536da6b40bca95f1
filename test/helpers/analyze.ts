import { analyzeText, type FileResult } from '../../src/engine/analyze.js';
import { analyzeConfigText } from '../../src/engine/analyze-config.js';
import type { ConfigFormat } from '../../src/secrets/config.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import type { Rule, RuleOptions } from '../../src/rules/types.js';

/**
 * The ReDoS rule's verdicts have a time limit (250 ms by default); tests check verdicts, not speed, and run on
 * busy machines, so they give the checker room.
 */
const TEST_RULE_OPTIONS: ReadonlyMap<string, RuleOptions> = new Map([['K950', { timeout: 10_000 }]]);

/** Analyses Python source in-process with the given rules (all rules by default, opt-in ones included). */
export function analyze(
  source: string,
  opts: { relPath?: string; rules?: readonly Rule[]; ruleOptions?: Map<string, RuleOptions> } = {},
): Promise<FileResult> {
  return analyzeText(source, opts.relPath ?? 'sample.py', {
    rules: opts.rules ?? ALL_RULES,
    ruleOptions: opts.ruleOptions ?? new Map(TEST_RULE_OPTIONS),
    maxFileSize: 1 << 24,
  });
}

/** Analyses a configuration file's text the way a scan does (the secret rules, by default all rules). */
export function analyzeConfig(
  text: string,
  relPath: string,
  format: ConfigFormat,
  opts: { rules?: readonly Rule[]; ruleOptions?: Map<string, RuleOptions> } = {},
): FileResult {
  return analyzeConfigText(text, relPath, format, { rules: opts.rules ?? ALL_RULES, ruleOptions: opts.ruleOptions ?? new Map(), maxFileSize: 1 << 24 });
}

/** Unsuppressed findings as sorted "line:ID" keys. */
export function findingKeys(result: FileResult): string[] {
  return result.findings
    .filter((f) => !f.suppression)
    .map((f) => `${f.location.startLine}:${f.ruleId}`)
    .sort();
}

/** Scans a folder as one project in-process (one thread, no config file), as `krait scan DIR` would. */
export async function scanProject(dir: string, opts: { select?: string[]; ignore?: string[]; cacheDir?: string } = {}) {
  const { scan, DEFAULT_MAX_FILE_SIZE } = await import('../../src/engine/scan.js');
  return scan({
    paths: [dir],
    cwd: dir,
    ...(opts.select ? { select: opts.select } : {}),
    ...(opts.ignore ? { ignore: opts.ignore } : {}),
    include: [],
    exclude: [],
    severity: 'low',
    confidence: 'low',
    perFileIgnores: {},
    perFileBase: dir,
    ruleOptions: {},
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    respectGitignore: true,
    jobs: 1,
    ignoreSuppressions: false,
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
  });
}
