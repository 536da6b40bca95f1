/**
 * Configuration files go to the rules that read them (the secret rules) as text: no parser, no model. A
 * finding points at a span of the text; suppression comments (`# krait: ignore[K604]`, `# nosec`) work in the
 * formats that have `#` comments.
 */
import { collectSuppressions, mayHaveSuppressions, type SuppressionMap } from '../findings/suppressions.js';
import type { ReportInput } from '../rules/types.js';
import type { ConfigFormat } from '../secrets/config.js';
import { isMinified } from '../secrets/config.js';
import { lineOf, lineStartsOf } from '../secrets/detect.js';
import { type AnalyzerSetup, type FileResult, type RawFinding, spanLocation, toFindings } from './analyze.js';

export function analyzeConfigText(text: string, relPath: string, format: ConfigFormat, setup: AnalyzerSetup): FileResult {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  if (isMinified(name, text)) {
    return {
      relPath,
      analysed: false,
      lines: 0,
      findings: [],
      notices: [{ kind: 'minified', path: relPath, message: 'minified or generated file; not scanned for secrets', skipped: true }],
      config: true,
    };
  }
  const lines = text.split(/\r\n|\r|\n/);
  const lineStarts = lineStartsOf(text);
  const raw: RawFinding[] = [];
  const seen = new Set<string>();
  for (const rule of setup.rules) {
    if (!rule.configFile) continue;
    rule.configFile({
      relPath,
      text,
      format,
      options: setup.ruleOptions.get(rule.meta.id) ?? {},
      report(input: ReportInput) {
        const key = `${rule.meta.id}:${input.span?.start}:${input.span?.end}`;
        if (seen.has(key)) return;
        seen.add(key);
        raw.push({ rule, input });
      },
    });
  }
  // JSON has no comments; in the other formats a `#` at the start of a line or after a blank starts one.
  const suppressions: SuppressionMap =
    format === 'json' || !mayHaveSuppressions(text)
      ? new Map()
      : collectSuppressions(lines, (line, column) => column === 0 || /\s/.test(lines[line - 1]?.[column - 1] ?? ''));
  const findings = toFindings(raw, {
    relPath,
    text,
    lines: () => lines,
    locate: (input) => spanLocation(input.span ?? { start: 0, end: 0 }, relPath, lineStarts, lines),
    rows: (input) => {
      const span = input.span ?? { start: 0, end: 0 };
      return [lineOf(lineStarts, span.start), lineOf(lineStarts, span.end)];
    },
    suppressions,
  });
  return { relPath, analysed: true, lines: lines.length, findings, notices: [], config: true };
}
