/**
 * The report's secret guard. Every output format renders a result only after it passed through `maskResult`
 * (`render` in ./index.ts does it), so whatever rules ran (`--select K702`, `--ignore K6`) and whatever a rule
 * put in a message or a trace step, a credential that a token format recognises is shown masked.
 *
 * The engine masks first, with the whole file in view (names, bound values, AWS key pairs over several lines:
 * see `toFindings` in src/engine/analyze.ts), which also keeps secrets out of the fingerprint's input. This pass
 * sees only the strings a reporter will print, one at a time, and catches what is recognisable from the text
 * alone: provider tokens, private keys, JWTs, credential URLs, an AWS secret key beside its key id.
 *
 * A new output format gets this for free by going through `render`; one that renders findings some other way
 * (an editor server, a baseline writer) must call `maskResult` or `maskFinding` itself before formatting.
 */
import type { ScanResult } from '../engine/types.js';
import type { Finding, Notice } from '../findings/types.js';
import { maskSecrets } from '../secrets/redact.js';

export { maskSecrets };

/** A copy of the finding in which every string an output can show is masked. */
export function maskFinding(f: Finding): Finding {
  const out: Finding = { ...f, message: maskSecrets(f.message), snippet: maskSecrets(f.snippet) };
  if (f.trace) out.trace = f.trace.map((s) => ({ ...s, message: maskSecrets(s.message) }));
  if (f.fix) out.fix = { ...f.fix, description: maskSecrets(f.fix.description) };
  return out;
}

function maskNotice(n: Notice): Notice {
  return { ...n, message: maskSecrets(n.message) };
}

/** The result as every reporter must see it: findings and notices masked; the input is left as it was. */
export function maskResult(result: ScanResult): ScanResult {
  return { ...result, findings: result.findings.map(maskFinding), notices: result.notices.map(maskNotice) };
}
