/**
 * Findings as LSP data. Finding columns count code points; LSP positions count UTF-16 code units (the protocol's
 * default encoding), so every column is converted through the line's text.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import {
  type CodeAction,
  CodeActionKind,
  type Diagnostic,
  DiagnosticSeverity,
  type Position,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/node';
import type { Finding, FixEdit, Location, Severity } from '../findings/types.js';
import type { TextChange } from '../fixes/types.js';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  critical: DiagnosticSeverity.Error,
  high: DiagnosticSeverity.Error,
  medium: DiagnosticSeverity.Warning,
  low: DiagnosticSeverity.Information,
};

/** The rule reference shipped in the package (docs/rules.md), so the link works offline. */
const RULES_DOC = pathToFileURL(path.resolve(import.meta.dirname, '../../docs/rules.md')).href;

export function docsLink(ruleId: string, ruleName: string): string {
  return `${RULES_DOC}#${`${ruleId}-${ruleName}`.toLowerCase()}`;
}

function utf16Column(line: string, codePointColumn: number): number {
  let units = 0;
  let cp = 1;
  for (const ch of line) {
    if (cp >= codePointColumn) break;
    units += ch.length;
    cp++;
  }
  return units + Math.max(0, codePointColumn - cp);
}

function position(lines: readonly string[], line: number, column: number): Position {
  return { line: line - 1, character: utf16Column(lines[line - 1] ?? '', column) };
}

export function range(lines: readonly string[], loc: Pick<Location, 'startLine' | 'startColumn' | 'endLine' | 'endColumn'>): Range {
  return { start: position(lines, loc.startLine, loc.startColumn), end: position(lines, loc.endLine, loc.endColumn) };
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export interface DiagnosticData {
  ruleId: string;
  fingerprint: string;
}

/**
 * One diagnostic per finding: rule id as the code with a link to its documentation, severity, CWE in the message,
 * and the taint trace as related information (one entry per step, in its own file).
 */
export function toDiagnostic(f: Finding, lines: readonly string[], uriOf: (relPath: string) => string, linesOf: (relPath: string) => readonly string[]): Diagnostic {
  const cwe = f.cwe.map((c) => `CWE-${c}`).join(', ');
  const d: Diagnostic = {
    range: range(lines, f.location),
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    codeDescription: { href: docsLink(f.ruleId, f.ruleName) },
    source: 'krait',
    message: `${f.message} [${f.severity}, ${f.confidence} confidence${cwe ? `, ${cwe}` : ''}]`,
    data: { ruleId: f.ruleId, fingerprint: f.fingerprint } satisfies DiagnosticData,
  };
  if (f.trace && f.trace.length > 0) {
    d.relatedInformation = f.trace.map((step) => ({
      location: { uri: uriOf(step.location.path), range: range(step.location.path === f.location.path ? lines : linesOf(step.location.path), step.location) },
      message: step.message,
    }));
  }
  return d;
}

export function fixEditsToTextEdits(lines: readonly string[], edits: readonly FixEdit[]): TextEdit[] {
  return edits.map((e) => ({ range: range(lines, e), newText: e.text }));
}

/** A change in UTF-16 offsets (what the fixes compute) as a TextEdit. */
export function changeToTextEdit(text: string, change: TextChange): TextEdit {
  const at = (offset: number): Position => {
    const before = text.slice(0, offset);
    const line = (before.match(/\r\n|\r|\n/g) ?? []).length;
    const lastBreak = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
    return { line, character: offset - (lastBreak + 1) };
  };
  return { range: { start: at(change.start), end: at(change.end) }, newText: change.text };
}

export function quickFix(title: string, uri: string, edits: TextEdit[], diagnostic: Diagnostic, preferred = false): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: { changes: { [uri]: edits } }, ...(preferred ? { isPreferred: true } : {}) };
}
