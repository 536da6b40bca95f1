/**
 * Where a rule's documentation lives on the web, for reports that link to it (SARIF `helpUri`, Code Climate).
 * docs/rules.md ships in the npm package, so the published copy of the scanning version is the stable address;
 * this is the one place to change when the project gets a documentation site.
 */
import type { RuleMeta } from '../rules/types.js';

export const RULE_DOCS_BASE = 'https://unpkg.com/krait@{version}/docs/rules.md';

/** The heading anchor of the rule's section (`## K101 eval-dynamic` → `#k101-eval-dynamic`). */
export function ruleDocUri(meta: Pick<RuleMeta, 'id' | 'name'>, version: string): string {
  const anchor = `${meta.id} ${meta.name}`.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
  return `${RULE_DOCS_BASE.replace('{version}', encodeURIComponent(version))}#${anchor}`;
}
