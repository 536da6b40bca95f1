/**
 * Machine-readable report. The shape is a public contract, documented in docs/json-report.md and described by
 * docs/json-report.schema.json; bump JSON_SCHEMA_VERSION on any change that is not a pure addition.
 *
 * Every object is copied field by field rather than spread, so an internal field added to a type later cannot
 * leak into the output unnoticed: the key lists below are checked against the types at compile time.
 */
import type { RuleDescriptor, ScanResult, ScanStats } from '../engine/types.js';
import type { DependencyAdvisory, DependencyInfo, Finding, Fix, FixEdit, Location, Notice, Suppression, TraceStep } from '../findings/types.js';
import type { RuleMeta, RuleSources } from '../rules/types.js';

export const JSON_SCHEMA_VERSION = 1;
export const TOOL_NAME = 'krait';

/** Fails to compile when `T` gains a key the list does not name (or the list names one `T` lacks). */
type KeysOf<T> = readonly (keyof T)[];
type Exhaustive<T, K extends KeysOf<T>> = Exclude<keyof T, K[number]> extends never ? K : never;

function keys<T>() {
  return <const K extends KeysOf<T>>(k: K & Exhaustive<T, K>): K => k;
}

const FINDING_KEYS = keys<Finding>()([
  'ruleId',
  'ruleName',
  'message',
  'severity',
  'confidence',
  'cwe',
  'location',
  'snippet',
  'snippetColumn',
  'trace',
  'fix',
  'fingerprint',
  'suppression',
  'dependency',
  'baselined',
]);
const DEPENDENCY_KEYS = keys<DependencyInfo>()([
  'ecosystem',
  'package',
  'name',
  'version',
  'specifier',
  'marker',
  'advisories',
  'fixVersion',
  'suggestedSpecifier',
]);
const ADVISORY_KEYS = keys<DependencyAdvisory>()(['id', 'aliases', 'summary', 'cvss', 'affected', 'fixed', 'url']);
const LOCATION_KEYS = keys<Location>()(['path', 'startLine', 'startColumn', 'endLine', 'endColumn']);
const TRACE_STEP_KEYS = keys<TraceStep>()(['location', 'message']);
const FIX_KEYS = keys<Fix>()(['description', 'applicability', 'edits']);
const FIX_EDIT_KEYS = keys<FixEdit>()(['startLine', 'startColumn', 'endLine', 'endColumn', 'text']);
const SUPPRESSION_KEYS = keys<Suppression>()(['kind', 'line', 'ids']);
const NOTICE_KEYS = keys<Notice>()(['kind', 'path', 'line', 'column', 'message', 'skipped']);
const STATS_KEYS = keys<ScanStats>()([
  'filesScanned',
  'filesSkipped',
  'filesIncomplete',
  'configFilesScanned',
  'skippedByReason',
  'lines',
  'findingsBySeverity',
  'suppressed',
  'baselined',
  'durationMs',
  'jobs',
  'dependencies',
]);
const RULE_KEYS = keys<RuleMeta>()([
  'id',
  'name',
  'summary',
  'severity',
  'confidence',
  'cwe',
  'owasp',
  'sources',
  'defaultEnabled',
]);
const SOURCES_KEYS = keys<RuleSources>()(['bandit', 'ruff', 'semgrep']);

export function renderJson(result: ScanResult): string {
  const report = {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: result.toolVersion },
    root: result.root,
    findings: result.findings.map(finding),
    notices: result.notices.map((n) => pick(n, NOTICE_KEYS)),
    stats: stats(result.stats),
    rules: result.rules.map(rule),
    ...(result.baseline
      ? {
          baseline: {
            file: result.baseline.file,
            matched: result.baseline.matched,
            fixed: result.baseline.fixed.map((e) => ({ fingerprint: e.fingerprint, ruleId: e.ruleId, path: e.path, line: e.line, code: e.code })),
          },
        }
      : {}),
    ...(result.diffBase ? { diffBase: { ref: result.diffBase.ref, mergeBase: result.diffBase.mergeBase, outside: result.diffBase.outside } } : {}),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Copies the listed keys in order, leaving out absent optional ones (never writes `undefined` or `null`). */
function pick<T extends object, K extends keyof T>(obj: T, ks: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of ks) {
    if (obj[k] !== undefined) out[k] = obj[k];
  }
  return out;
}

function location(loc: Location): Location {
  return pick(loc, LOCATION_KEYS);
}

function finding(f: Finding): Finding {
  const out = pick(f, FINDING_KEYS);
  out.cwe = [...f.cwe];
  out.location = location(f.location);
  if (f.trace) out.trace = f.trace.map((s) => ({ ...pick(s, TRACE_STEP_KEYS), location: location(s.location) }));
  if (f.fix) {
    out.fix = pick(f.fix, FIX_KEYS);
    if (f.fix.edits) out.fix.edits = f.fix.edits.map((e) => pick(e, FIX_EDIT_KEYS));
  }
  if (f.suppression) out.suppression = { ...pick(f.suppression, SUPPRESSION_KEYS), ids: [...f.suppression.ids] };
  if (f.dependency) {
    out.dependency = {
      ...pick(f.dependency, DEPENDENCY_KEYS),
      advisories: f.dependency.advisories.map((a) => ({
        ...pick(a, ADVISORY_KEYS),
        aliases: [...a.aliases],
        affected: [...a.affected],
        fixed: [...a.fixed],
        ...(a.cvss ? { cvss: { version: a.cvss.version, vector: a.cvss.vector, score: a.cvss.score } } : {}),
      })),
    };
  }
  return out;
}

function stats(s: ScanStats): ScanStats {
  const out = pick(s, STATS_KEYS);
  out.skippedByReason = { ...s.skippedByReason };
  if (s.dependencies) out.dependencies = { ...s.dependencies };
  out.findingsBySeverity = {
    critical: s.findingsBySeverity.critical,
    high: s.findingsBySeverity.high,
    medium: s.findingsBySeverity.medium,
    low: s.findingsBySeverity.low,
  };
  return out;
}

function rule(r: RuleDescriptor): RuleMeta {
  const out = pick(r.meta, RULE_KEYS);
  out.cwe = [...r.meta.cwe];
  out.sources = {};
  for (const tool of SOURCES_KEYS) {
    const ids = r.meta.sources[tool];
    if (ids) out.sources[tool] = [...ids];
  }
  return out;
}
