import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DependencyStats } from '../engine/types.js';
import { KraitError } from '../errors.js';
import { collectSuppressions, suppresses } from '../findings/suppressions.js';
import type { Finding, Notice, Suppression } from '../findings/types.js';
import { JsonCache } from './cache.js';
import { buildIndex, OsvIndex, sourceOf } from './db/index-file.js';
import { mergeAliases, findingsFor, type MatchProblem } from './findings.js';
import { type IgnoreEntry, ignoreMatcher } from './ignore.js';
import { collectRequirements, fileSource } from './manifests/index.js';
import type { Requirement } from './manifests/types.js';
import { OsvClient } from './osv/client.js';
import type { Advisory } from './osv/types.js';

export interface AuditRequest {
  /** Absolute scan root; manifest paths are relative to it. */
  root: string;
  manifests: string[];
  /** May the OSV API be asked (for packages no local database covers)? */
  online: boolean;
  /** An OSV export (zip or folder) given with --osv-db or in the config; absolute. */
  osvDb?: string;
  cacheDir: string;
  ttlSeconds: number;
  apiUrl: string;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  ignore: readonly IgnoreEntry[];
  /** Where ignore entries were configured, for the expiry notice (relative to the root when inside it). */
  configPath?: string;
  today: Date;
  enabled: (ruleId: string) => boolean;
}

export interface AuditResult {
  findings: Finding[];
  notices: Notice[];
  stats: DependencyStats;
  /** The service could not answer and some packages went unchecked: the one line `krait deps` fails with. */
  unavailable?: string;
}

/** Where `krait db update` keeps PyPI's export and its index. */
export function downloadedDbPaths(cacheDir: string): { zip: string; index: string } {
  const dir = path.join(cacheDir, 'osv', 'db', 'PyPI');
  return { zip: path.join(dir, 'all.zip'), index: path.join(dir, 'all.index') };
}

/** The index of an export: reused when built from the same file (size and mtime), else built and cached. */
export function openExportIndex(exportPath: string, indexPath: string): OsvIndex {
  let expect: ReturnType<typeof sourceOf>;
  try {
    expect = sourceOf(exportPath);
  } catch {
    throw new KraitError(`--osv-db ${exportPath}: no such file or folder`);
  }
  // A folder's mtime does not change when a record inside is edited, so a folder is indexed on every run.
  const isFolder = statSync(exportPath).isDirectory();
  if (!isFolder) {
    const existing = OsvIndex.open(indexPath, expect);
    if (existing) return existing;
  }
  const built = buildIndex(exportPath, isFolder ? undefined : indexPath);
  return (isFolder ? undefined : OsvIndex.open(indexPath, expect)) ?? (OsvIndex.fromBuffer(built.data) as OsvIndex);
}

export function indexPathFor(cacheDir: string, exportPath: string): string {
  const key = createHash('sha256').update(path.resolve(exportPath)).digest('hex').slice(0, 16);
  return path.join(cacheDir, 'osv', 'index', `${key}.index`);
}

const DB_STALE_DAYS = 7;

export async function audit(req: AuditRequest): Promise<AuditResult> {
  const source = fileSource(req.root);
  const collected = collectRequirements(req.manifests, source);
  const notices: Notice[] = collected.notices.map((n) => ({
    kind: n.kind,
    path: n.file,
    ...(n.line !== undefined ? { line: n.line } : {}),
    message: n.message,
    skipped: false,
  }));
  const names = [...new Set(collected.requirements.map((r) => r.name))].sort();
  const stats: DependencyStats = { manifests: collected.manifests.length, requirements: collected.requirements.length, packages: names.length, source: 'none' };
  const result: AuditResult = { findings: [], notices, stats };
  if (names.length === 0) return result;

  const advisories = new Map<string, Advisory[]>();
  let unchecked: string[] = [];
  const dataNotice = (message: string) => notices.push({ kind: 'advisory-data', path: '.', message, skipped: false });

  const downloaded = downloadedDbPaths(req.cacheDir);
  const dbPath = req.osvDb ?? (existsSync(downloaded.zip) ? downloaded.zip : undefined);
  if (dbPath) {
    const index = openExportIndex(dbPath, req.osvDb ? indexPathFor(req.cacheDir, dbPath) : downloaded.index);
    try {
      for (const name of names) advisories.set(name, index.lookup(name));
    } finally {
      index.close();
    }
    stats.source = req.osvDb ? `osv-db ${req.osvDb}` : `OSV database (${downloaded.zip})`;
    if (!req.osvDb) {
      const age = (req.today.getTime() - statSync(downloaded.zip).mtimeMs) / 86_400_000;
      if (age > DB_STALE_DAYS) dataNotice(`the OSV database is ${Math.floor(age)} days old; \`krait db update\` refreshes it`);
    }
  } else {
    const client = new OsvClient({
      apiUrl: req.apiUrl,
      cache: new JsonCache(path.join(req.cacheDir, 'osv')),
      ttlSeconds: req.ttlSeconds,
      timeoutMs: req.timeoutMs,
      retries: req.retries,
      backoffMs: req.backoffMs,
      offline: !req.online,
    });
    const answer = await client.lookup(names);
    for (const [name, list] of answer.advisories) advisories.set(name, list);
    unchecked = answer.missing;
    const answered = names.length - unchecked.length;
    stats.source = answer.fetched > 0 ? 'OSV API' : answered > 0 && (answer.fromCache > 0 || answer.failure) ? 'OSV API cache' : 'none';
    if (answer.failure) {
      dataNotice(`${answer.failure}; ${unchecked.length} of ${names.length} packages not checked`);
      if (unchecked.length > 0) result.unavailable = `${answer.failure}: ${unchecked.length} of ${names.length} packages not checked (use --offline with --osv-db PATH, or \`krait db update\`)`;
    } else if (!req.online && unchecked.length === names.length) {
      dataNotice(
        `dependencies not checked: no advisory data offline (run \`krait db update\`, pass --osv-db PATH, or allow the OSV API with --online)`,
      );
    } else if (unchecked.length > 0) {
      dataNotice(`${unchecked.length} of ${names.length} packages not in the OSV cache and not checked: ${listNames(unchecked)}`);
    }
  }

  const ignore = ignoreMatcher(req.ignore, req.today);
  const problems: MatchProblem[] = [];
  const merged = new Map<string, Advisory[]>();
  for (const [name, list] of advisories) merged.set(name, mergeAliases(list));
  for (const r of collected.requirements) {
    if (unchecked.includes(r.name)) continue;
    const comments = manifestSuppressions(r);
    const suppress = (a: Advisory): Suppression | undefined => {
      const named = comments.find((s) => s.kind === 'krait' && s.ids.some((id) => [a.id, ...a.aliases].some((x) => x.toUpperCase() === id.toUpperCase())));
      if (named) return { kind: 'krait', line: r.line, ids: named.ids };
      const entry = ignore.match(a);
      return entry ? { kind: 'config', line: 0, ids: [entry.id] } : undefined;
    };
    for (const f of findingsFor(r, merged.get(r.name) ?? [], { suppress, enabled: req.enabled }, problems)) {
      // `# krait: ignore[K801]`, a blanket `# krait: ignore` or `# nosec` on the line silence the rule itself.
      f.suppression ??= comments.find((s) => suppresses(s, f.ruleId, f.ruleName, []));
      result.findings.push(f);
    }
  }
  for (const p of problems) {
    notices.push({
      kind: 'advisory-data',
      path: p.requirement.file,
      line: p.requirement.line,
      message: `${p.advisory.id}: its ranges for ${p.requirement.name} are not PEP 440 and it lists no versions; ${p.requirement.version} not checked against it`,
      skipped: false,
    });
  }
  for (const e of ignore.expiredHits()) {
    notices.push({
      kind: 'expired-ignore',
      path: req.configPath ?? '.',
      message: `ignore entry for ${e.id} expired on ${e.expires} and no longer suppresses it (reason was: ${e.reason})`,
      skipped: false,
    });
  }
  return result;
}

/**
 * Suppression comments on a requirement's line (requirements files and TOML both comment with `#`). A `#` counts
 * when it starts the line or follows whitespace and is not inside a quoted string, so `#egg=` in a URL and `#` in
 * a TOML string are not comments.
 */
function manifestSuppressions(r: Requirement): Suppression[] {
  const isComment = (_line: number, column: number): boolean => {
    const before = r.text.slice(0, column);
    if (column > 0 && !/\s$/.test(before)) return false;
    return (before.match(/"/g)?.length ?? 0) % 2 === 0 && (before.match(/'/g)?.length ?? 0) % 2 === 0;
  };
  return (collectSuppressions([r.text], isComment).get(1) ?? []).map((s) => ({ ...s, line: r.line }));
}

function listNames(names: string[]): string {
  return names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')} and ${names.length - 8} more`;
}
