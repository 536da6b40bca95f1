import type { Finding } from '../findings/types.js';

/**
 * The one place findings pass through before an interactive display (the HTML report, the language server).
 * Secrets are masked today by the engine (src/secrets/redact.ts, applied as findings are made); when masking moves
 * to a single report-layer pass, that pass goes here and both displays get it.
 */
export function displayFindings(findings: readonly Finding[]): Finding[] {
  return [...findings];
}
