import { FRAMEWORK_TABLE } from '../dataflow/models/frameworks.js';
import { UsageError } from '../errors.js';
import { ruleMarkdown } from '../rules/docs.js';
import { ALL_RULES, findRule } from '../rules/registry.js';
import type { Rule } from '../rules/types.js';

export function runRulesCommand(format: 'text' | 'json'): number {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(ALL_RULES.map((r) => r.meta), null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...ALL_RULES.map((r) => r.meta.name.length));
  const lines = ALL_RULES.map((r) => {
    const m = r.meta;
    const cwe = m.cwe.map((c) => `CWE-${c}`).join(',');
    const flag = m.defaultEnabled ? ' ' : '*';
    return `${m.id}${flag} ${m.name.padEnd(width)}  ${m.severity.padEnd(8)} ${cwe.padEnd(16)} ${m.summary}`;
  });
  const footer = ALL_RULES.some((r) => !r.meta.defaultEnabled) ? ['', '* off by default: enable with --select ID or --select ALL'] : [];
  process.stdout.write(`${[...lines, ...footer, '', ...frameworkLines()].join('\n')}\n`);
  return 0;
}

/** `krait rule B307` / `krait rule S307`: the krait rules that cover a Bandit or Ruff id, as `--select` reads it. */
function rulesFromOtherTool(id: string): Rule[] {
  if (!/^[A-Za-z]+\d+$/.test(id) || /^K\d+$/i.test(id)) return [];
  const upper = id.toUpperCase();
  return ALL_RULES.filter((r) => [...(r.meta.sources.bandit ?? []), ...(r.meta.sources.ruff ?? [])].some((s) => s.toUpperCase() === upper));
}

/** The frameworks and libraries the taint rules (K7xx) model, and users extend in `[tool.krait.taint]`. */
function frameworkLines(): string[] {
  const width = Math.max(...FRAMEWORK_TABLE.map((f) => f.name.length));
  const section = (kind: 'input' | 'library', title: string) => [title, ...FRAMEWORK_TABLE.filter((f) => f.kind === kind).map((f) => `  ${f.name.padEnd(width)}  ${f.covers}`)];
  return [
    ...section('input', 'Frameworks whose requests the taint rules (K7xx) follow:'),
    '',
    ...section('library', 'Libraries whose calls are sinks and sanitizers:'),
    '',
    'Add your own sources, sinks and sanitizers under [tool.krait.taint] in pyproject.toml.',
  ];
}

export function runRuleCommand(id: string): number {
  const rule = findRule(id);
  if (rule) {
    process.stdout.write(ruleMarkdown(rule));
    return 0;
  }
  const covering = rulesFromOtherTool(id);
  if (covering.length === 0) throw new UsageError(`unknown rule "${id}" (see \`krait rules\`)`);
  const tool = /^B/i.test(id) ? 'Bandit' : 'Ruff';
  const ids = covering.map((r) => r.meta.id).join(', ');
  const intro = `${tool} ${id.toUpperCase()} is covered by ${ids} (\`--select ${id.toUpperCase()}\` selects ${covering.length === 1 ? 'it' : 'them'}).\n\n`;
  process.stdout.write(intro + covering.map((r) => ruleMarkdown(r)).join('\n---\n\n'));
  return 0;
}
