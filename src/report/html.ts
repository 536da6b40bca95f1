/**
 * One self-contained HTML file: styles and the filter script inline, no network, no fonts, no external anything.
 *
 * Everything that comes from the scanned project (paths, snippets, messages, trace steps, advisory text) is
 * escaped, and only `http:`/`https:` advisory URLs become links. As a second wall, a Content-Security-Policy
 * allows exactly the report's own style and script, by their SHA-256 hashes: script injected into the page, had
 * escaping failed, would not run. The script only toggles `hidden` and reads `data-*` attributes; it never parses
 * HTML.
 */
import { createHash } from 'node:crypto';
import type { RuleDescriptor, ScanResult } from '../engine/types.js';
import type { DependencyInfo, Finding, Notice, Severity } from '../findings/types.js';
import { displayFindings } from './display.js';

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root { color-scheme: light; --critical: #8b0000; --high: #c0392b; --medium: #b9770e; --low: #2e6da4; --muted: #666; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d1d1d; background: #f6f6f4; }
header, main { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }
header h1 { font-size: 20px; margin: 0 0 4px; }
.muted { color: var(--muted); }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; min-width: 120px; }
.card .n { font-size: 24px; font-weight: 600; display: block; }
.sev-critical .n, .badge.sev-critical { color: #fff; background: var(--critical); }
.sev-high .n { color: var(--high); } .sev-medium .n { color: var(--medium); } .sev-low .n { color: var(--low); }
.card.sev-critical .n { background: none; color: var(--critical); }
.tables { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; align-items: start; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #efefec; }
td.num { text-align: right; }
.filters { position: sticky; top: 0; background: #f6f6f4; padding: 10px 0; border-bottom: 1px solid var(--line); display: flex; gap: 14px; flex-wrap: wrap; align-items: center; z-index: 1; }
.filters input[type=search] { min-width: 220px; }
.finding { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--low); border-radius: 6px; margin: 12px 0; padding: 10px 14px; }
.finding.sev-critical { border-left-color: var(--critical); } .finding.sev-high { border-left-color: var(--high); }
.finding.sev-medium { border-left-color: var(--medium); }
.finding h3 { font-size: 15px; margin: 0 0 4px; }
.badge { display: inline-block; border-radius: 3px; padding: 0 6px; font-size: 12px; font-weight: 600; color: #fff; background: var(--low); }
.badge.sev-high { background: var(--high); } .badge.sev-medium { background: var(--medium); }
.badge.suppressed { background: #777; }
.frame { background: #1f2430; color: #e6e6e6; border-radius: 4px; padding: 8px 0; overflow-x: auto; margin: 8px 0; }
.frame .ln { display: inline-block; width: 4.5em; padding-right: 1em; text-align: right; color: #8a8f98; user-select: none; }
.frame div { white-space: pre; padding: 0 10px 0 0; }
ol.trace { margin: 4px 0 8px; padding-left: 22px; }
details.docs { margin-top: 6px; }
details.docs pre { background: #f1f1ee; padding: 8px; overflow-x: auto; }
.fix { color: #1e6b32; }
[hidden] { display: none !important; }
`;

const SCRIPT = `
(function () {
  var items = Array.prototype.slice.call(document.querySelectorAll('.finding'));
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=severity]'));
  var rule = document.getElementById('f-rule');
  var file = document.getElementById('f-file');
  var text = document.getElementById('f-text');
  var suppressed = document.getElementById('f-suppressed');
  var shown = document.getElementById('shown');
  function apply() {
    var severities = {};
    boxes.forEach(function (b) { if (b.checked) severities[b.value] = true; });
    var q = text.value.trim().toLowerCase();
    var n = 0;
    items.forEach(function (el) {
      var ok = severities[el.dataset.severity] === true &&
        (!rule.value || el.dataset.rule === rule.value) &&
        (!file.value || el.dataset.file === file.value) &&
        (suppressed.checked || el.dataset.suppressed !== 'true') &&
        (!q || el.textContent.toLowerCase().indexOf(q) >= 0);
      el.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = String(n);
  }
  [rule, file, suppressed].concat(boxes).forEach(function (el) { el.addEventListener('change', apply); });
  text.addEventListener('input', apply);
  apply();
})();
`;

function hash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The policy: nothing from anywhere, except this file's own style and script. */
export const HTML_CSP = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src 'none'; base-uri 'none'; form-action 'none'`;

function countBy<T>(items: readonly T[], key: (t: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** Rule documentation is Markdown; shown as paragraphs with `code` spans, after escaping. */
function markdown(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((para) => `<p>${escapeHtml(para).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\n/g, '<br>')}</p>`)
    .join('');
}

function link(url: string): string {
  return /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}" rel="noreferrer noopener">${escapeHtml(url)}</a>` : escapeHtml(url);
}

function loc(path: string, line: number, column: number): string {
  return `<span class="mono">${escapeHtml(path)}:${line}:${column}</span>`;
}

function codeFrame(f: Finding): string {
  if (!f.snippet) return '';
  const rows = f.snippet.split(/\r\n|\r|\n/).map((line, i) => `<div><span class="ln">${f.location.startLine + i}</span>${escapeHtml(line)}</div>`);
  return `<div class="frame mono">${rows.join('')}</div>`;
}

function trace(f: Finding): string {
  if (!f.trace || f.trace.length === 0) return '';
  const steps = f.trace.map((s) => `<li>${loc(s.location.path, s.location.startLine, s.location.startColumn)} ${escapeHtml(s.message)}</li>`);
  return `<div><strong>Trace</strong><ol class="trace">${steps.join('')}</ol></div>`;
}

function dependency(dep: DependencyInfo): string {
  const upgrade = dep.fixVersion
    ? `upgrade to <strong class="mono">${escapeHtml(dep.fixVersion)}</strong>`
    : dep.suggestedSpecifier
      ? `change the requirement to <strong class="mono">${escapeHtml(dep.suggestedSpecifier)}</strong>`
      : 'no fixed version is known';
  const advisories = dep.advisories.map(
    (a) =>
      `<li><span class="mono">${escapeHtml(a.id)}</span>${a.aliases.length ? ` (${a.aliases.map(escapeHtml).join(', ')})` : ''}: ${escapeHtml(a.summary)}` +
      `${a.cvss ? ` — CVSS ${a.cvss.score}` : ''}${a.affected.length ? `; affected ${escapeHtml(a.affected.join('; '))}` : ''}${a.url ? ` — ${link(a.url)}` : ''}</li>`,
  );
  const version = dep.version ? ` ${escapeHtml(dep.version)}` : dep.specifier ? ` ${escapeHtml(dep.specifier)}` : '';
  return `<div class="dep"><strong>Package</strong> <span class="mono">${escapeHtml(dep.package)}${version}</span>: <span class="fix">${upgrade}</span><ul>${advisories.join('')}</ul></div>`;
}

function ruleDocs(rule: RuleDescriptor | undefined): string {
  if (!rule) return '';
  const { meta, docs } = rule;
  return (
    `<details class="docs"><summary>Rule ${escapeHtml(meta.id)} ${escapeHtml(meta.name)}: documentation</summary>` +
    `<h4>What it does</h4>${markdown(docs.what)}<h4>Why is this bad?</h4>${markdown(docs.why)}` +
    `<h4>Example</h4><pre>${escapeHtml(docs.bad)}</pre><h4>Use instead</h4><pre>${escapeHtml(docs.good)}</pre>` +
    `<h4>References</h4><ul>${docs.references.map((r) => `<li>${link(r)}</li>`).join('')}</ul></details>`
  );
}

function finding(f: Finding, index: number, rules: ReadonlyMap<string, RuleDescriptor>): string {
  const suppressed = f.suppression ? ` <span class="badge suppressed">suppressed (${escapeHtml(f.suppression.kind)})</span>` : '';
  const cwe = f.cwe.map((c) => `CWE-${c}`).join(', ');
  const fix = f.fix ? `<div class="fix"><strong>Fix:</strong> ${escapeHtml(f.fix.description)}${f.fix.edits ? ` (${f.fix.applicability === 'unsafe' ? 'krait scan --fix --unsafe-fixes' : 'krait scan --fix'})` : ''}</div>` : '';
  return (
    `<article class="finding sev-${f.severity}" id="f${index}" data-severity="${f.severity}" data-rule="${escapeHtml(f.ruleId)}" ` +
    `data-file="${escapeHtml(f.location.path)}" data-suppressed="${f.suppression ? 'true' : 'false'}">` +
    `<h3><span class="badge sev-${f.severity}">${f.severity}</span> ${escapeHtml(f.ruleId)} ${escapeHtml(f.ruleName)}${suppressed}</h3>` +
    `<div>${loc(f.location.path, f.location.startLine, f.location.startColumn)} <span class="muted">confidence ${f.confidence}${cwe ? ` · ${cwe}` : ''}</span></div>` +
    `<p class="message">${escapeHtml(f.message)}</p>${codeFrame(f)}${trace(f)}${f.dependency ? dependency(f.dependency) : ''}${fix}${ruleDocs(rules.get(f.ruleId))}</article>`
  );
}

function table(title: string, rows: [string, number][], label: (key: string) => string): string {
  const body = rows.map(([k, n]) => `<tr><td>${label(k)}</td><td class="num">${n}</td></tr>`).join('');
  return `<table><thead><tr><th>${title}</th><th class="num">findings</th></tr></thead><tbody>${body}</tbody></table>`;
}

function notices(list: readonly Notice[]): string {
  if (list.length === 0) return '';
  const rows = list.map((n) => `<tr><td class="mono">${escapeHtml(n.path)}${n.line ? `:${n.line}` : ''}</td><td>${escapeHtml(n.kind)}</td><td>${escapeHtml(n.message)}</td></tr>`);
  return `<section><h2>Notices (${list.length})</h2><table><thead><tr><th>file</th><th>kind</th><th>message</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

export function renderHtml(result: ScanResult): string {
  const all = displayFindings(result.findings);
  const rules = new Map(result.rules.map((r) => [r.meta.id, r]));
  const reported = all.filter((f) => !f.suppression);
  const names = new Map(all.map((f) => [f.ruleId, f.ruleName]));
  const bySeverity = SEVERITY_ORDER.map((s) => `<div class="card sev-${s}"><span class="n" id="count-${s}">${reported.filter((f) => f.severity === s).length}</span>${s}</div>`).join('');
  const byRule = countBy(reported, (f) => f.ruleId);
  const byFile = countBy(reported, (f) => f.location.path);
  const options = (pairs: [string, number][], label: (k: string) => string) => pairs.map(([k]) => `<option value="${escapeHtml(k)}">${escapeHtml(label(k))}</option>`).join('');
  const ruleChoices = countBy(all, (f) => f.ruleId);
  const fileChoices = countBy(all, (f) => f.location.path).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const s = result.stats;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>krait report</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>krait security report</h1>
<div class="muted">krait ${escapeHtml(result.toolVersion)} · <span class="mono">${escapeHtml(result.root)}</span> · ${s.filesScanned} files scanned, ${s.filesSkipped} skipped, ${s.lines} lines · ${s.suppressed} suppressed</div>
<div class="cards">${bySeverity}<div class="card"><span class="n" id="count-total">${reported.length}</span>findings</div></div>
<div class="tables">
${table('rule', byRule, (k) => `<span class="mono">${escapeHtml(k)}</span> ${escapeHtml(names.get(k) ?? '')}`)}
${table('file', byFile, (k) => `<span class="mono">${escapeHtml(k)}</span>`)}
</div>
</header>
<main>
<div class="filters">
<span>Severity:</span>${SEVERITY_ORDER.map((sv) => `<label><input type="checkbox" name="severity" value="${sv}" checked> ${sv}</label>`).join(' ')}
<label>Rule <select id="f-rule"><option value="">all</option>${options(ruleChoices, (k) => `${k} ${names.get(k) ?? ''}`)}</select></label>
<label>File <select id="f-file"><option value="">all</option>${options(fileChoices, (k) => k)}</select></label>
<label><input type="search" id="f-text" placeholder="search messages and code"></label>
<label><input type="checkbox" id="f-suppressed"> suppressed</label>
<span class="muted"><span id="shown">${reported.length}</span> shown</span>
</div>
<section id="findings">
${all.length === 0 ? '<p>No findings.</p>' : all.map((f, i) => finding(f, i, rules)).join('\n')}
</section>
${notices(result.notices)}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
