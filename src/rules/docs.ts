import type { Rule } from './types.js';


/** A rule's documentation as Markdown, the shape `krait rule ID` prints and docs/rules.md collects. */
export function ruleMarkdown(rule: Rule): string {
  const m = rule.meta;
  const sources = [...(m.sources.bandit ?? []), ...(m.sources.ruff ?? []), ...(m.sources.semgrep ?? [])];
  const options = Object.entries(rule.options ?? {});
  const parts = [
    `# ${m.id} ${m.name}`,
    '',
    m.summary.endsWith('.') ? m.summary : `${m.summary}.`,
    '',
    `- Severity: ${m.severity}; confidence: ${m.confidence}`,
    `- CWE: ${m.cwe.map((c) => `CWE-${c}`).join(', ')}`,
    `- OWASP Top 10: ${m.owasp}`,
    `- Equivalent ids: ${sources.length > 0 ? sources.join(', ') : 'none'}`,
    `- Enabled by default: ${m.defaultEnabled ? 'yes' : 'no (select it explicitly or use --select ALL)'}`,
    '',
    '## What it does',
    '',
    rule.docs.what,
    '',
    '## Why is this bad?',
    '',
    rule.docs.why,
    '',
    '## Example',
    '',
    '```python',
    rule.docs.bad.trimEnd(),
    '```',
    '',
    '## Use instead',
    '',
    '```python',
    rule.docs.good.trimEnd(),
    '```',
  ];
  if (options.length > 0) {
    parts.push('', '## Options', '');
    for (const [name, spec] of options) parts.push(`- \`${name}\` (${spec.type}, default \`${JSON.stringify(spec.default)}\`): ${spec.description}`);
    parts.push('', `Set them under \`[tool.krait.rules.${m.id}]\`.`);
  }
  parts.push('', '## References', '', ...rule.docs.references.map((r) => `- ${r}`), '');
  return parts.join('\n');
}

