import type { RuleMeta } from '../../src/rules/types.js';

/** A rule's metadata for tests that need a catalog of made-up rules. */
export function fakeMeta(id: string, name: string, sources: RuleMeta['sources'], defaultEnabled = true): RuleMeta {
  return {
    id,
    name,
    summary: `${name}.`,
    severity: 'high',
    confidence: 'high',
    cwe: [95],
    owasp: 'A03:2021-Injection',
    sources,
    defaultEnabled,
  };
}
