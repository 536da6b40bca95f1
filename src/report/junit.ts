/**
 * JUnit XML, the test-report format CI systems (GitLab, Jenkins, Azure Pipelines, CircleCI) show in their test
 * tabs: one test case per rule that ran, one `<failure>` per finding it reported. A rule with no finding is a
 * passed test. Suppressed and baselined findings are accepted, so they are not failures. Notices go to the
 * suite's `<system-out>`. No timing is written: the report of an unchanged project is the same on every run.
 */
import type { ScanResult } from '../engine/types.js';
import type { Finding } from '../findings/types.js';
import { TOOL_NAME } from './json.js';

/** Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD. */
function xmlSafe(s: string): string {
  return s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

function xmlText(s: string): string {
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Attribute values also keep their line breaks (a parser would otherwise fold them into spaces). */
function attr(s: string): string {
  return xmlText(s).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function where(f: Finding): string {
  return `${f.location.path}:${f.location.startLine}:${f.location.startColumn}`;
}

function failureBody(f: Finding): string {
  const lines = [`${where(f)}  [severity: ${f.severity}, confidence: ${f.confidence}]${f.cwe.length ? ` ${f.cwe.map((n) => `CWE-${n}`).join(', ')}` : ''}`, '', f.snippet];
  if (f.trace && f.trace.length > 0) {
    lines.push('', 'trace:');
    for (const s of f.trace) lines.push(`  ${s.location.path}:${s.location.startLine}:${s.location.startColumn}  ${s.message}`);
  }
  if (f.fix) lines.push('', `fix: ${f.fix.description}`);
  return lines.join('\n');
}

export function renderJunit(result: ScanResult): string {
  const byRule = new Map<string, Finding[]>();
  for (const f of result.findings) {
    if (f.suppression || f.baselined) continue;
    byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  }
  // A finding from a rule not in the list (none today) still gets a test case rather than vanishing.
  const ids = [...new Set([...result.rules.map((r) => r.meta.id), ...byRule.keys()])];
  const names = new Map(result.rules.map((r) => [r.meta.id, r.meta.name]));
  const failing = ids.filter((id) => byRule.has(id)).length;
  const counts = `tests="${ids.length}" failures="${failing}" errors="0" skipped="0"`;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${TOOL_NAME}" ${counts}>`, `  <testsuite name="${TOOL_NAME}" ${counts}>`];
  for (const id of ids) {
    const name = names.get(id);
    const head = `    <testcase classname="${TOOL_NAME}.${attr(id)}" name="${attr(name ? `${id} ${name}` : id)}"`;
    const findings = byRule.get(id);
    if (!findings) {
      out.push(`${head}/>`);
      continue;
    }
    out.push(`${head}>`);
    for (const f of findings) {
      out.push(`      <failure type="${attr(f.severity)}" message="${attr(`${where(f)} ${f.message}`)}">${xmlText(failureBody(f))}</failure>`);
    }
    out.push('    </testcase>');
  }
  if (result.notices.length > 0) {
    const text = result.notices.map((n) => `${n.path}${n.line ? `:${n.line}` : ''}  ${n.kind}  ${n.message}`).join('\n');
    out.push(`    <system-out>${xmlText(text)}</system-out>`);
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}
