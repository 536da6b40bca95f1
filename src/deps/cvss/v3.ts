/**
 * CVSS v3.0 / v3.1 base score from a vector string, following the specification's equations (section 7.1 of
 * v3.1). Returns null for a vector that is not a complete, valid v3 base vector.
 */

const WEIGHTS: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};
/** Privileges Required weighs more when the scope changes. */
const PR_UNCHANGED: Record<string, number> = { N: 0.85, L: 0.62, H: 0.27 };
const PR_CHANGED: Record<string, number> = { N: 0.85, L: 0.68, H: 0.5 };

const BASE_METRICS = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'];

export function parseV3(vector: string): { version: '3.0' | '3.1'; metrics: Map<string, string> } | null {
  const m = /^CVSS:3\.([01])\/(.+)$/.exec(vector.trim());
  if (!m) return null;
  const metrics = new Map<string, string>();
  for (const part of m[2].split('/')) {
    const [key, value, extra] = part.split(':');
    if (!key || !value || extra !== undefined || metrics.has(key)) return null;
    metrics.set(key, value);
  }
  for (const key of BASE_METRICS) if (!metrics.has(key)) return null;
  return { version: m[1] === '1' ? '3.1' : '3.0', metrics };
}

/**
 * v3.1 rounds up to one decimal on an integer so that 4.000000001-style float noise does not become 4.1
 * (Appendix A); v3.0 used a plain ceiling.
 */
function roundUp(x: number, version: '3.0' | '3.1'): number {
  if (version === '3.0') return Math.ceil(x * 10) / 10;
  const scaled = Math.round(x * 100000);
  return scaled % 10000 === 0 ? scaled / 100000 : (Math.floor(scaled / 10000) + 1) / 10;
}

export function cvss3BaseScore(vector: string): number | null {
  const parsed = parseV3(vector);
  if (!parsed) return null;
  const get = (k: string) => parsed.metrics.get(k) as string;
  const scope = get('S');
  if (scope !== 'U' && scope !== 'C') return null;
  const changed = scope === 'C';
  const av = WEIGHTS.AV[get('AV')];
  const ac = WEIGHTS.AC[get('AC')];
  const pr = (changed ? PR_CHANGED : PR_UNCHANGED)[get('PR')];
  const ui = WEIGHTS.UI[get('UI')];
  const c = WEIGHTS.C[get('C')];
  const i = WEIGHTS.I[get('I')];
  const a = WEIGHTS.A[get('A')];
  if ([av, ac, pr, ui, c, i, a].some((w) => w === undefined)) return null;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  if (impact <= 0) return 0;
  const exploitability = 8.22 * av * ac * pr * ui;
  const raw = changed ? Math.min(1.08 * (impact + exploitability), 10) : Math.min(impact + exploitability, 10);
  return roundUp(raw, parsed.version);
}
