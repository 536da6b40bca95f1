import type { ScanResult } from '../engine/types.js';
import type { Finding, Notice, Severity } from '../findings/types.js';
import { VERSION } from '../version.js';
import type { AuditResult } from './audit.js';
import { DEPENDENCY_RULES } from '../rules/dependencies/index.js';

function compareFindings(a: Finding, b: Finding): number {
  const pa = a.location.path;
  const pb = b.location.path;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.location.startLine - b.location.startLine || a.location.startColumn - b.location.startColumn || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

function compareNotices(a: Notice, b: Notice): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : (a.line ?? 0) - (b.line ?? 0);
}

/** Adds the audit's findings, notices and counts to a scan's result, keeping the scan's ordering rules. */
export function mergeAudit(result: ScanResult, audit: AuditResult): void {
  result.findings = [...result.findings, ...audit.findings].sort(compareFindings);
  result.notices = [...result.notices, ...audit.notices].sort(compareNotices);
  for (const f of audit.findings) {
    if (f.suppression) result.stats.suppressed++;
    else result.stats.findingsBySeverity[f.severity]++;
  }
  // A project without manifests gets no dependency line in its summary.
  if (audit.stats.manifests > 0) result.stats.dependencies = audit.stats;
}

/** A result holding only the audit, for `krait deps`. */
export function auditResult(root: string, audit: AuditResult, enabled: Set<string>, startedAt: number): ScanResult {
  const findingsBySeverity: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  let suppressed = 0;
  for (const f of audit.findings) {
    if (f.suppression) suppressed++;
    else findingsBySeverity[f.severity]++;
  }
  return {
    root,
    toolVersion: VERSION,
    findings: [...audit.findings].sort(compareFindings),
    notices: [...audit.notices].sort(compareNotices),
    stats: {
      filesScanned: audit.stats.manifests,
      filesSkipped: 0,
      skippedByReason: {},
      lines: 0,
      findingsBySeverity,
      suppressed,
      durationMs: performance.now() - startedAt,
      jobs: 1,
      dependencies: audit.stats,
    },
    rules: DEPENDENCY_RULES.filter((r) => enabled.has(r.meta.id)).map((r) => ({ meta: r.meta, docs: r.docs })),
  };
}
