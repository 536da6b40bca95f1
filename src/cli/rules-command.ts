import { FRAMEWORK_TABLE } from '../dataflow/models/frameworks.js';
import { UsageError } from '../errors.js';
import { ruleMarkdown } from '../rules/docs.js';
import { ALL_RULES, findRule } from '../rules/registry.js';

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
  if (!rule) throw new UsageError(`unknown rule "${id}" (see \`krait rules\`)`);
  process.stdout.write(ruleMarkdown(rule));
  return 0;
}
