/**
 * Code Climate issues, the JSON GitLab's code quality widget reads (an array of issues with `description`,
 * `check_name`, `fingerprint`, `severity` and `location.path` / `location.lines.begin`). Only findings that
 * count are listed: GitLab compares the fingerprints of a merge request's report with its target branch's, so a
 * suppressed or baselined finding listed here would show up as a problem the change carries.
 */
import type { ScanResult } from '../engine/types.js';
import type { Finding, Severity } from '../findings/types.js';
import { TOOL_NAME } from './json.js';

/** Code Climate's five levels: krait's critical is a blocker, low is minor; `info` is not used. */
export const CODE_CLIMATE_SEVERITY: Record<Severity, 'minor' | 'major' | 'critical' | 'blocker'> = {
  critical: 'blocker',
  high: 'critical',
  medium: 'major',
  low: 'minor',
};

function issue(f: Finding): Record<string, unknown> {
  const body = [`${f.ruleName} [confidence: ${f.confidence}]${f.cwe.length ? ` ${f.cwe.map((n) => `CWE-${n}`).join(', ')}` : ''}`];
  if (f.trace && f.trace.length > 0) body.push('', ...f.trace.map((s) => `- ${s.location.path}:${s.location.startLine}: ${s.message}`));
  return {
    type: 'issue',
    check_name: f.ruleId,
    description: f.message,
    content: { body: body.join('\n') },
    categories: ['Security'],
    severity: CODE_CLIMATE_SEVERITY[f.severity],
    fingerprint: f.fingerprint,
    engine_name: TOOL_NAME,
    location: {
      path: f.location.path,
      // A whole-file finding (a manifest without a line) points at line 1, the least a consumer accepts.
      lines: { begin: Math.max(1, f.location.startLine), end: Math.max(1, f.location.startLine, f.location.endLine) },
    },
  };
}

export function renderCodeClimate(result: ScanResult): string {
  return `${JSON.stringify(result.findings.filter((f) => !f.suppression && !f.baselined).map(issue), null, 2)}\n`;
}
