/**
 * Human-readable report, shaped like rustc/ruff diagnostics so terminals and editors can jump to
 * `path:line:col`:
 *
 *     app/views.py:12:14  K101  eval() of request data [severity: high, confidence: medium] CWE-95, CWE-94
 *        |
 *     12 |     résumé = eval(request.args["q"])
 *        |              ^^^^^^^^^^^^^^^^^^^^^^^
 *        |
 *        = trace:
 *            app/views.py:11:9  source: request.args
 *            app/views.py:12:14  sink: eval
 *        = help: Use ast.literal_eval() for literals
 *
 * The source printed here is untrusted (it comes from the scanned project), so control characters and
 * bidirectional overrides are made visible instead of being sent to the terminal.
 */
import pc from 'picocolors';
import type { ScanResult } from '../engine/types.js';
import type { Finding, Location, Notice, Severity, Suppression } from '../findings/types.js';

export interface TextOptions {
  color: boolean;
  /** Also print suppressed findings (marked as such); they are always counted in the summary. */
  showSuppressed?: boolean;
  /** Also print findings the baseline accepts (marked as such); they are always counted in the summary. */
  showBaselined?: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

/** Tab stops every 4 columns: what most Python editors show, and what ruff and rustc use. */
const TAB_WIDTH = 4;
/** A minified or generated line can be thousands of columns wide; past this we show a window around the span. */
const MAX_LINE_WIDTH = 200;
/** How much of the line to keep before the span when a long line is windowed. */
const LEFT_CONTEXT = 40;

/** Printed from highest to lowest, the order people read risk in. */
const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export function renderText(result: ScanResult, opts: TextOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];

  const shown = result.findings.filter((f) => (opts.showSuppressed || !f.suppression) && (opts.showBaselined || !f.baselined));
  const reported = result.findings.filter((f) => !f.suppression && !f.baselined);
  for (const finding of shown) {
    out.push(...renderFinding(finding, c), '');
  }
  if (reported.length === 0) {
    out.push(c.green('No findings.'), '');
  }

  if (result.notices.length > 0) {
    out.push(c.bold('Notices'));
    for (const notice of result.notices) out.push(`  ${renderNotice(notice, c)}`);
    out.push('');
  }

  out.push(...renderSummary(result, c));
  return `${out.join('\n')}\n`;
}

function renderFinding(f: Finding, c: Colors): string[] {
  const sev = severityColor(f.severity, c);
  const cwe = f.cwe.length > 0 ? ` ${f.cwe.map((n) => `CWE-${n}`).join(', ')}` : '';
  const lines = [
    `${position(f.location)}  ${c.bold(clean(f.ruleId))}  ${clean(f.message)} ` +
      `[severity: ${sev(f.severity)}, confidence: ${f.confidence}]${cwe}`,
  ];

  const frame = codeFrame(f, c);
  // The gutter width is shared by the frame and the `=` notes below it so they line up.
  const gutter = frame.gutter;
  lines.push(...frame.lines);

  const note = (label: string, text: string) => `${' '.repeat(gutter)} ${c.dim('=')} ${c.bold(label)}${text}`;
  if (f.trace && f.trace.length > 0) {
    lines.push(note('trace:', ''));
    const indent = ' '.repeat(gutter + 5);
    for (const step of f.trace) lines.push(`${indent}${position(step.location)}  ${clean(step.message)}`);
  }
  if (f.dependency) {
    // A range can admit dozens of advisories; the first few say enough, the JSON report lists them all.
    const MAX_SHOWN = 5;
    const more = f.dependency.advisories.length - MAX_SHOWN;
    for (const adv of f.dependency.advisories.slice(0, MAX_SHOWN)) {
      const cvss = adv.cvss ? `, CVSS ${adv.cvss.version} ${adv.cvss.score}` : '';
      const fixed = adv.fixed.length > 0 ? `; fixed in ${adv.fixed.join(', ')}` : '; no fixed version';
      const affected = adv.affected.length > 0 ? `affected ${adv.affected.join(' | ')}` : 'affected versions listed';
      lines.push(note('advisory:', ` ${clean(adv.id)}${cvss}: ${clean(affected)}${clean(fixed)}${adv.url ? ` (${clean(adv.url)})` : ''}`));
    }
    if (more > 0) lines.push(note('advisory:', ` ... and ${more} more (--format json lists every one)`));
  }
  if (f.fix) lines.push(note('help:', ` ${clean(f.fix.description)}`));
  if (f.suppression) lines.push(note('suppressed:', ` ${describeSuppression(f.suppression)}`));
  if (f.baselined) lines.push(note('baselined:', ' accepted by the baseline; not counted'));
  return lines;
}

function codeFrame(f: Finding, c: Colors): { gutter: number; lines: string[] } {
  const source = f.snippet.replace(/(\r\n|\r|\n)$/, '');
  const start = f.location.startLine;
  if (source === '') return { gutter: String(start).length, lines: [] };

  const srcLines = source.split(/\r\n|\r|\n/);
  const gutter = String(start + srcLines.length - 1).length;
  const blank = c.dim(`${' '.repeat(gutter)} |`);
  const sev = severityColor(f.severity, c);
  const out = [blank];

  srcLines.forEach((text, i) => {
    const cells = toCells(text);
    const num = c.dim(`${String(start + i).padStart(gutter)} |`);
    if (i > 0) {
      out.push(withCode(num, renderWindow(cells, windowAround(cells, 0))));
      return;
    }
    const loc = f.location;
    // A long line's snippet is a window of it that starts at `snippetColumn`.
    const shift = (f.snippetColumn ?? 1) - 1;
    const from = clamp(loc.startColumn - 1 - shift, 0, cells.length);
    // Columns are 1-based and the end is exclusive (as in SARIF); a span over several lines is underlined to
    // the end of its first line.
    const to = loc.endLine === loc.startLine ? clamp(loc.endColumn - 1 - shift, from, cells.length) : cells.length;
    const win = windowAround(cells, from);
    out.push(withCode(num, renderWindow(cells, win)));

    const lead = (win.from > 0 ? 1 : 0) + widthOf(cells, win.from, Math.max(from, win.from));
    const caretWidth = Math.max(1, widthOf(cells, Math.max(from, win.from), Math.min(to, win.to)));
    out.push(`${blank} ${' '.repeat(lead)}${sev('^'.repeat(caretWidth))}`);
  });
  out.push(blank);
  return { gutter, lines: out };
}

function withCode(gutter: string, code: string): string {
  // No trailing blank after the bar on an empty source line.
  return code === '' ? gutter : `${gutter} ${code}`;
}

/** One rendered cell per code point, so 1-based code-point columns index straight into the array. */
interface Cell {
  text: string;
  width: number;
}

function toCells(line: string): Cell[] {
  const cells: Cell[] = [];
  let column = 0;
  for (const ch of line) {
    const cell = toCell(ch, column);
    cells.push(cell);
    column += cell.width;
  }
  return cells;
}

/** C0 and C1 controls and DEL: they move the cursor, clear the screen or recolour the terminal. */
function isControl(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/** Characters that reorder the display of a line (Trojan Source, CVE-2021-42574). */
function isBidiControl(cp: number): boolean {
  return (
    cp === 0x61c ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069)
  );
}

const COMBINING = /^[\p{Mn}\p{Me}]$/u;

function isZeroWidth(ch: string, cp: number): boolean {
  const invisible = (cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || cp === 0xfeff;
  const variationSelector = cp >= 0xfe00 && cp <= 0xfe0f;
  return invisible || variationSelector || COMBINING.test(ch);
}

function toCell(ch: string, column: number): Cell {
  const cp = ch.codePointAt(0) ?? 0;
  if (ch === '\t') {
    const width = TAB_WIDTH - (column % TAB_WIDTH);
    return { text: ' '.repeat(width), width };
  }
  // C0 controls show as their Unicode "control pictures" (one column each), so ESC never reaches the terminal.
  if (isControl(cp)) {
    const picture = cp < 0x20 ? String.fromCodePoint(0x2400 + cp) : cp === 0x7f ? '\u2421' : '\ufffd';
    return { text: picture, width: 1 };
  }
  // The reader must see a bidi override, not have the line reordered by it.
  if (isBidiControl(cp)) {
    const text = `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;
    return { text, width: text.length };
  }
  if (isZeroWidth(ch, cp)) return { text: ch, width: 0 };
  return { text: ch, width: isWide(cp) ? 2 : 1 };
}

const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;

/** East Asian Wide and Fullwidth blocks (the main ones; exact tables are not worth a dependency here). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd) ||
    EMOJI_PRESENTATION.test(String.fromCodePoint(cp))
  );
}

interface Window {
  from: number;
  to: number;
}

/** The cells to print: all of them, or for an overlong line a slice that keeps `focus` near the left. */
function windowAround(cells: Cell[], focus: number): Window {
  if (widthOf(cells, 0, cells.length) <= MAX_LINE_WIDTH) return { from: 0, to: cells.length };
  let from = Math.min(focus, cells.length);
  let before = 0;
  while (from > 0 && before + cells[from - 1].width <= LEFT_CONTEXT) before += cells[--from].width;
  // Room for the two ellipses that mark the cuts.
  const budget = MAX_LINE_WIDTH - 2;
  let to = from;
  let used = 0;
  while (to < cells.length && used + cells[to].width <= budget) used += cells[to++].width;
  return { from, to };
}

function renderWindow(cells: Cell[], win: Window): string {
  let text = '';
  for (let i = win.from; i < win.to; i++) text += cells[i].text;
  const left = win.from > 0 ? '…' : '';
  const right = win.to < cells.length ? '…' : '';
  return `${left}${text}${right}`.trimEnd();
}

function widthOf(cells: Cell[], from: number, to: number): number {
  let width = 0;
  for (let i = from; i < to; i++) width += cells[i].width;
  return width;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), hi);
}

/**
 * Escapes control and bidi characters in one-line text (paths, messages) taken from the scanned project, so
 * it can neither drive the terminal nor break the one-line-per-item layout.
 */
function clean(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!isControl(cp) && !isBidiControl(cp)) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  }
  return out;
}

function position(loc: Location): string {
  return `${clean(loc.path)}:${loc.startLine}:${loc.startColumn}`;
}

function severityColor(s: Severity, c: Colors): (text: string) => string {
  switch (s) {
    case 'critical':
      return (t) => c.bold(c.red(t));
    case 'high':
      return c.red;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.blue;
  }
}

function describeSuppression(s: Suppression): string {
  const ids = s.ids.length > 0 ? s.ids.map(clean).join(', ') : 'all rules';
  if (s.kind === 'config') return `by configuration (${ids})`;
  return `by a ${s.kind} comment on line ${s.line} (${ids})`;
}

function renderNotice(n: Notice, c: Colors): string {
  let where = clean(n.path);
  if (n.line !== undefined) {
    where += `:${n.line}`;
    if (n.column !== undefined) where += `:${n.column}`;
  }
  const kind = n.skipped ? c.yellow(n.kind) : c.cyan(n.kind);
  return `${where}  ${kind}  ${clean(n.message)}`;
}

/** Every notice, skipped file or not, counted by kind: nothing the scan met is silently dropped. */
function noticeSummary(result: ScanResult): string {
  const byKind = new Map<string, number>();
  for (const n of result.notices) byKind.set(n.kind, (byKind.get(n.kind) ?? 0) + 1);
  const parts = [...byKind.entries()].map(([kind, n]) => `${kind}: ${n}`);
  return `${result.notices.length}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

function renderSummary(result: ScanResult, c: Colors): string[] {
  const s = result.stats;
  const reasons = Object.entries(s.skippedByReason)
    .filter(([, n]) => n !== undefined && n > 0)
    .map(([kind, n]) => `${kind}: ${n}`);
  const total = SEVERITY_ORDER.reduce((sum, sev) => sum + s.findingsBySeverity[sev], 0);
  const bySeverity = SEVERITY_ORDER.map((sev) => {
    const n = s.findingsBySeverity[sev];
    return `${sev}: ${n > 0 ? severityColor(sev, c)(String(n)) : n}`;
  }).join(', ');

  const rows: [string, string][] = [
    ['files scanned', String(s.filesScanned) + (s.configFilesScanned ? ` (${s.configFilesScanned} configuration, for secrets)` : '')],
    ['files skipped', s.filesSkipped + (reasons.length > 0 ? ` (${reasons.join(', ')})` : '')],
    ['notices', noticeSummary(result)],
    ['lines', String(s.lines)],
    ['findings', `${total > 0 ? c.bold(String(total)) : total} (${bySeverity})`],
    ['suppressed', String(s.suppressed)],
    ...baselineRows(result),
    ...(s.dependencies
      ? [['dependencies', `${s.dependencies.requirements} in ${s.dependencies.manifests} manifest${s.dependencies.manifests === 1 ? '' : 's'} (${s.dependencies.packages} packages), advisories from ${clean(s.dependencies.source)}`] as [string, string]]
      : []),
    ['time', `${(s.durationMs / 1000).toFixed(2)}s (${s.jobs} ${s.jobs === 1 ? 'job' : 'jobs'})`],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const incomplete = s.filesIncomplete ?? 0;
  // First, where a reader (or a grep in CI) cannot miss it: the findings below do not cover the whole project.
  const warning = incomplete > 0 ? [c.yellow(`incomplete: ${incomplete} ${incomplete === 1 ? 'file' : 'files'} not analysed (see the notices; --strict fails on this)`)] : [];
  return [...warning, c.bold('Summary'), ...rows.map(([label, value]) => `  ${label.padEnd(labelWidth)}  ${value}`)];
}

/** The baseline's part of the summary: what it accepts, and each of its findings that is gone (fixed). */
function baselineRows(result: ScanResult): [string, string][] {
  const rows: [string, string][] = [];
  if (result.diffBase) {
    const d = result.diffBase;
    rows.push(['changed since', `${clean(d.ref)} (merge base ${d.mergeBase.slice(0, 12)}; ${d.outside} finding${d.outside === 1 ? '' : 's'} on unchanged lines left out)`]);
  }
  const b = result.baseline;
  if (!b) return rows;
  rows.push(['baselined', `${result.stats.baselined ?? b.matched} (in ${clean(b.file)})`]);
  rows.push(['fixed', String(b.fixed.length)]);
  for (const e of b.fixed) rows.push(['', `${clean(e.path)}:${e.line}  ${clean(e.ruleId)}  ${clean(e.code)}`]);
  return rows;
}
