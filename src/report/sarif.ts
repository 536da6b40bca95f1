/**
 * SARIF 2.1.0, as read by GitHub code scanning, the VS Code SARIF viewer and other aggregators.
 *
 * Mappings chosen here (GitHub reads `security-severity` as a CVSS-like score: >= 9.0 critical, >= 7.0 high,
 * >= 4.0 medium, otherwise low; each value sits inside its band so rounding never moves a rule across one):
 *
 * | krait    | level   | security-severity |
 * | -------- | ------- | ----------------- |
 * | critical | error   | 9.5               |
 * | high     | error   | 8.0               |
 * | medium   | warning | 5.5               |
 * | low      | note    | 3.0               |
 *
 * Columns are Unicode code points with an exclusive end, so the run declares `columnKind: unicodeCodePoints`
 * (SARIF otherwise assumes UTF-16 code units, which differ for characters outside the BMP).
 */
import { pathToFileURL } from 'node:url';
import type { RuleDescriptor, ScanResult } from '../engine/types.js';
import type { Confidence, Finding, Location, Notice, Severity, Suppression } from '../findings/types.js';
import { TOOL_NAME } from './json.js';
import { ruleDocUri } from './rule-docs.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};
const PRECISION: Record<Confidence, string> = { high: 'high', medium: 'medium', low: 'low' };

// Loose JSON shapes: the SARIF schema itself is the contract, checked by the tests.
type Json = Record<string, unknown>;

export function renderSarif(result: ScanResult): string {
  const ruleIndex = new Map<string, number>();
  result.rules.forEach((r, i) => {
    if (!ruleIndex.has(r.meta.id)) ruleIndex.set(r.meta.id, i);
  });

  // The full help of ~150 rules is most of the log (690 KB for a 12-line file); a rule with no result gets its
  // summary and a link, which is all a viewer shows for it.
  const withResults = new Set(result.findings.map((f) => f.ruleId));
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: result.toolVersion,
            rules: result.rules.map((r) => rule(r, result.toolVersion, withResults.has(r.meta.id))),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: rootUri(result.root) } },
        columnKind: 'unicodeCodePoints',
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.notices.map(notification),
            // Python files skipped or only partly analysed: a gate reading the log can refuse an incomplete scan.
            ...(result.stats.filesIncomplete !== undefined ? { properties: { filesIncomplete: result.stats.filesIncomplete } } : {}),
          },
        ],
        results: result.findings.map((f) => {
          const out = sarifResult(f, ruleIndex.get(f.ruleId));
          // With a baseline, every result says whether it is new; without one, SARIF wants the property absent.
          if (result.baseline) out.baselineState = f.baselined ? 'unchanged' : 'new';
          return out;
        }),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function rule(r: RuleDescriptor, version: string, full: boolean): Json {
  const { meta, docs } = r;
  return {
    id: meta.id,
    name: meta.name,
    shortDescription: { text: meta.summary },
    // `what` is Markdown, which also reads fine as plain text.
    ...(full ? { fullDescription: { text: docs.what, markdown: docs.what }, help: { text: helpText(r), markdown: helpMarkdown(r) } } : {}),
    helpUri: ruleDocUri(meta, version),
    defaultConfiguration: { level: LEVEL[meta.severity], enabled: meta.defaultEnabled },
    properties: {
      tags: ['security', ...meta.cwe.map((n) => `external/cwe/cwe-${n}`), meta.owasp],
      'security-severity': SECURITY_SEVERITY[meta.severity],
      precision: PRECISION[meta.confidence],
      sources: meta.sources,
    },
  };
}

function helpMarkdown({ docs }: RuleDescriptor): string {
  // Dependency rules' examples are manifest text, not Python.
  const lang = docs.exampleFile ? 'text' : 'python';
  const parts = [
    docs.what.trim(),
    `## Why is this bad?\n\n${docs.why.trim()}`,
    `## Example\n\n${codeBlock(docs.bad, lang)}`,
    `## Use instead\n\n${codeBlock(docs.good, lang)}`,
  ];
  if (docs.references.length > 0) {
    parts.push(`## References\n\n${docs.references.map((ref) => `- <${ref}>`).join('\n')}`);
  }
  return parts.join('\n\n');
}

function helpText({ docs }: RuleDescriptor): string {
  const indent = (code: string) =>
    code
      .trimEnd()
      .split('\n')
      .map((l) => (l === '' ? '' : `    ${l}`))
      .join('\n');
  const parts = [
    docs.what.trim(),
    `Why is this bad?\n${docs.why.trim()}`,
    `Example:\n${indent(docs.bad)}`,
    `Use instead:\n${indent(docs.good)}`,
  ];
  if (docs.references.length > 0) parts.push(`References:\n${docs.references.map((r) => `- ${r}`).join('\n')}`);
  return parts.join('\n\n');
}

/** A fence longer than any backtick run in the code, so an example containing ``` cannot close it early. */
function codeBlock(code: string, lang = 'python'): string {
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${code.trimEnd()}\n${fence}`;
}

function sarifResult(f: Finding, index: number | undefined): Json {
  const out: Json = {
    ruleId: f.ruleId,
    // A finding from a rule missing in `rules` gets no index rather than a wrong one.
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ physicalLocation: findingLocation(f) }],
    partialFingerprints: { primaryLocationLineHash: f.fingerprint, 'krait/v1': f.fingerprint },
  };
  if (f.trace && f.trace.length > 0) {
    out.codeFlows = [
      {
        threadFlows: [
          {
            locations: f.trace.map((step) => ({
              location: { physicalLocation: physicalLocation(step.location), message: { text: step.message } },
            })),
          },
        ],
      },
    ];
  }
  if (f.suppression) out.suppressions = [suppression(f.suppression, f.location.path)];
  out.properties = { severity: f.severity, confidence: f.confidence, cwe: f.cwe };
  if (f.dependency) {
    (out.properties as Json).dependency = f.dependency;
    const fix = dependencyFix(f);
    if (fix) out.fixes = [fix];
  }
  const code = codeFix(f);
  if (code) out.fixes = [code];
  return out;
}

/** A code fix of src/fixes as SARIF: one replacement per edit, in the finding's file. */
function codeFix(f: Finding): Json | undefined {
  if (!f.fix?.edits || f.fix.edits.length === 0) return undefined;
  return {
    description: { text: f.fix.description },
    artifactChanges: [
      {
        artifactLocation: artifact(f.location.path),
        replacements: f.fix.edits.map((e) => ({
          deletedRegion: { startLine: e.startLine, startColumn: e.startColumn, endLine: e.endLine, endColumn: e.endColumn },
          insertedContent: { text: e.text },
        })),
      },
    ],
    properties: { applicability: f.fix.applicability },
  };
}

/**
 * A dependency finding's fix as a SARIF replacement on the manifest line: the pinned version becomes the fixed
 * one, or a range's specifier the suggested one, when the text to replace appears on the line as written.
 */
function dependencyFix(f: Finding): Json | undefined {
  const dep = f.dependency;
  if (!dep || !f.fix) return undefined;
  const line = f.snippet.split(/\r\n|\r|\n/)[0] ?? '';
  const nameAt = line.indexOf(dep.package);
  if (nameAt < 0) return undefined;
  let from: string | undefined;
  let to: string | undefined;
  if (dep.version !== undefined && dep.fixVersion !== undefined) {
    from = dep.version;
    to = dep.fixVersion;
  } else if (dep.specifier && dep.suggestedSpecifier !== undefined) {
    from = dep.specifier;
    to = dep.suggestedSpecifier;
  }
  if (from === undefined || to === undefined) return undefined;
  const at = line.indexOf(from, nameAt + dep.package.length);
  if (at < 0) return undefined;
  const startColumn = [...line.slice(0, at)].length + 1;
  return {
    description: { text: f.fix.description },
    artifactChanges: [
      {
        artifactLocation: artifact(f.location.path),
        replacements: [
          {
            deletedRegion: { startLine: f.location.startLine, startColumn, endLine: f.location.startLine, endColumn: startColumn + [...from].length },
            insertedContent: { text: to },
          },
        ],
      },
    ],
  };
}

/**
 * `region.snippet` must be exactly the text of the region (SARIF 3.30.13), while `finding.snippet` is whole
 * source lines; so the lines go to `contextRegion`, and the region gets the slice of them it covers.
 */
function findingLocation(f: Finding): Json {
  const loc = f.location;
  const out = physicalLocation(loc);
  const source = f.snippet.replace(/(\r\n|\r|\n)$/, '');
  if (source === '' || out.region === undefined) return out;

  const lines = source.split(/\r\n|\r|\n/);
  if (f.snippetColumn !== undefined) {
    // A window of one long line: the context region is exactly that window, the region its part of it.
    const shift = f.snippetColumn - 1;
    const width = Array.from(lines[0]).length;
    const shifted = { ...loc, startColumn: loc.startColumn - shift, endColumn: loc.endColumn - shift };
    const regionText = loc.endLine === loc.startLine ? sliceRegion(lines.slice(0, 1), shifted) : undefined;
    if (regionText !== undefined) (out.region as Json).snippet = { text: regionText };
    out.contextRegion = {
      startLine: loc.startLine,
      startColumn: f.snippetColumn,
      endLine: loc.startLine,
      endColumn: f.snippetColumn + width,
      snippet: { text: lines[0] },
    };
    return out;
  }
  const regionText = sliceRegion(lines, loc);
  if (regionText !== undefined) (out.region as Json).snippet = { text: regionText };
  out.contextRegion = {
    startLine: loc.startLine,
    endLine: loc.startLine + lines.length - 1,
    snippet: { text: lines.join('\n') },
  };
  return out;
}

/** The region's text, when the snippet holds all of it; columns index code points. */
function sliceRegion(lines: string[], loc: Location): string | undefined {
  const last = loc.endLine - loc.startLine;
  if (last < 0 || last >= lines.length) return undefined;
  const picked: string[] = [];
  for (let i = 0; i <= last; i++) {
    const cps = Array.from(lines[i]);
    const from = i === 0 ? loc.startColumn - 1 : 0;
    const to = i === last ? loc.endColumn - 1 : cps.length;
    if (from < 0 || to > cps.length || from > to) return undefined;
    picked.push(cps.slice(from, to).join(''));
  }
  return picked.join('\n');
}

function physicalLocation(loc: Location): Json {
  // SARIF lines and columns start at 1; a whole-file location (line 0, say for a manifest) gets no region.
  if (loc.startLine < 1) return { artifactLocation: artifact(loc.path) };
  const region: Json = { startLine: loc.startLine };
  if (loc.startColumn >= 1) region.startColumn = loc.startColumn;
  if (loc.endLine >= loc.startLine) region.endLine = loc.endLine;
  if (loc.endColumn >= 1) region.endColumn = loc.endColumn;
  return { artifactLocation: artifact(loc.path), region };
}

function artifact(path: string): Json {
  return { uri: relativeUri(path), uriBaseId: SRCROOT };
}

/**
 * Each segment is percent-encoded on its own, so spaces, `#`, `?` and non-ASCII are safe and a `:` in the
 * first segment cannot be read as a URI scheme.
 */
export function relativeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function rootUri(root: string): string {
  const href = pathToFileURL(root).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function suppression(s: Suppression, path: string): Json {
  // krait has no justification text to offer; where the comment is and which ids it names is what we know.
  const properties = { suppressionKind: s.kind, ids: s.ids };
  if (s.kind === 'config') return { kind: 'external', properties };
  const out: Json = { kind: 'inSource', properties };
  if (s.line >= 1) {
    out.location = { physicalLocation: { artifactLocation: artifact(path), region: { startLine: s.line } } };
  }
  return out;
}

function notification(n: Notice): Json {
  let region: Json | undefined;
  if (n.line !== undefined && n.line >= 1) {
    region = { startLine: n.line };
    if (n.column !== undefined && n.column >= 1) region.startColumn = n.column;
  }
  return {
    level: n.skipped ? 'warning' : 'note',
    message: { text: n.message },
    descriptor: { id: n.kind },
    locations: [{ physicalLocation: { artifactLocation: artifact(n.path), ...(region ? { region } : {}) } }],
    properties: { kind: n.kind, skipped: n.skipped },
  };
}
