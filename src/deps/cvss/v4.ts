import { MACROVECTOR_SCORES } from './v4-macrovectors.js';

/**
 * CVSS v4.0 score from a vector string, as the specification defines it (section 8): the vector falls in a
 * MacroVector (six equivalence classes EQ1..EQ6) whose highest-severity vector has a published score; the
 * vector's score is that score lowered by how far the vector sits below the MacroVector's highest-severity
 * vectors, in proportion to the gap to the next lower MacroVector. Threat and environmental metrics, when the
 * vector carries them, take part as the specification says (E defaults to Attacked, CR/IR/AR to High, and a
 * modified base metric replaces its base metric). Returns null for a vector that is not valid v4.0.
 */

const ALLOWED: Record<string, string[]> = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  AT: ['N', 'P'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'P', 'A'],
  VC: ['H', 'L', 'N'],
  VI: ['H', 'L', 'N'],
  VA: ['H', 'L', 'N'],
  SC: ['H', 'L', 'N'],
  SI: ['H', 'L', 'N'],
  SA: ['H', 'L', 'N'],
  E: ['X', 'A', 'P', 'U'],
  CR: ['X', 'H', 'M', 'L'],
  IR: ['X', 'H', 'M', 'L'],
  AR: ['X', 'H', 'M', 'L'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MAT: ['X', 'N', 'P'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'P', 'A'],
  MVC: ['X', 'H', 'L', 'N'],
  MVI: ['X', 'H', 'L', 'N'],
  MVA: ['X', 'H', 'L', 'N'],
  MSC: ['X', 'H', 'L', 'N'],
  MSI: ['X', 'S', 'H', 'L', 'N'],
  MSA: ['X', 'S', 'H', 'L', 'N'],
  S: ['X', 'N', 'P'],
  AU: ['X', 'N', 'Y'],
  R: ['X', 'A', 'U', 'I'],
  V: ['X', 'D', 'C'],
  RE: ['X', 'L', 'M', 'H'],
  U: ['X', 'Clear', 'Green', 'Amber', 'Red'],
};
const BASE = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'];

/**
 * Severity level of each value, in tenths, highest severity first (0). Distances between a vector and a
 * MacroVector's highest-severity vector are sums of these differences.
 */
const LEVEL: Record<string, Record<string, number>> = {
  AV: { N: 0, A: 0.1, L: 0.2, P: 0.3 },
  PR: { N: 0, L: 0.1, H: 0.2 },
  UI: { N: 0, P: 0.1, A: 0.2 },
  AC: { L: 0, H: 0.1 },
  AT: { N: 0, P: 0.1 },
  VC: { H: 0, L: 0.1, N: 0.2 },
  VI: { H: 0, L: 0.1, N: 0.2 },
  VA: { H: 0, L: 0.1, N: 0.2 },
  SC: { H: 0.1, L: 0.2, N: 0.3 },
  SI: { S: 0, H: 0.1, L: 0.2, N: 0.3 },
  SA: { S: 0, H: 0.1, L: 0.2, N: 0.3 },
  CR: { H: 0, M: 0.1, L: 0.2 },
  IR: { H: 0, M: 0.1, L: 0.2 },
  AR: { H: 0, M: 0.1, L: 0.2 },
};

/** The highest-severity vectors of each MacroVector level (specification tables 24-30). */
const HIGHEST: {
  eq1: string[][];
  eq2: string[][];
  eq3eq6: Record<string, string[]>;
  eq4: string[][];
} = {
  eq1: [['AV:N/PR:N/UI:N'], ['AV:A/PR:N/UI:N', 'AV:N/PR:L/UI:N', 'AV:N/PR:N/UI:P'], ['AV:P/PR:N/UI:N', 'AV:A/PR:L/UI:P']],
  eq2: [['AC:L/AT:N'], ['AC:H/AT:N', 'AC:L/AT:P']],
  eq3eq6: {
    '00': ['VC:H/VI:H/VA:H/CR:H/IR:H/AR:H'],
    '01': ['VC:H/VI:H/VA:L/CR:M/IR:M/AR:H', 'VC:H/VI:H/VA:H/CR:M/IR:M/AR:M'],
    '10': ['VC:L/VI:H/VA:H/CR:H/IR:H/AR:H', 'VC:H/VI:L/VA:H/CR:H/IR:H/AR:H'],
    '11': [
      'VC:L/VI:H/VA:L/CR:H/IR:M/AR:H',
      'VC:L/VI:H/VA:H/CR:H/IR:M/AR:M',
      'VC:H/VI:L/VA:H/CR:M/IR:H/AR:M',
      'VC:H/VI:L/VA:L/CR:M/IR:H/AR:H',
      'VC:L/VI:L/VA:H/CR:H/IR:H/AR:M',
    ],
    '21': ['VC:L/VI:L/VA:L/CR:H/IR:H/AR:H'],
  },
  eq4: [['SC:H/SI:S/SA:S'], ['SC:H/SI:H/SA:H'], ['SC:L/SI:L/SA:L']],
};

/** How many tenths of severity each MacroVector level spans (specification section 8.2, "max_severity"). */
const MAX_SEVERITY = {
  eq1: [1, 4, 5],
  eq2: [1, 2],
  eq3eq6: { '00': 7, '01': 6, '10': 8, '11': 8, '21': 10 } as Record<string, number>,
  eq4: [6, 5, 4],
};

export function parseV4(vector: string): Map<string, string> | null {
  const m = /^CVSS:4\.0\/(.+)$/.exec(vector.trim());
  if (!m) return null;
  const metrics = new Map<string, string>();
  for (const part of m[1].split('/')) {
    const [key, value, extra] = part.split(':');
    if (!key || value === undefined || extra !== undefined || metrics.has(key)) return null;
    if (!ALLOWED[key]?.includes(value)) return null;
    metrics.set(key, value);
  }
  for (const key of BASE) if (!metrics.has(key)) return null;
  return metrics;
}

export function cvss4Score(vector: string): number | null {
  const metrics = parseV4(vector);
  if (!metrics) return null;
  /** The value that counts: a modified metric over its base metric, and the specification's defaults for X. */
  const effective = (key: string): string => {
    const modified = metrics.get(`M${key}`);
    if (modified !== undefined && modified !== 'X') return modified;
    const v = metrics.get(key) ?? 'X';
    if (v !== 'X') return v;
    if (key === 'E') return 'A';
    if (key === 'CR' || key === 'IR' || key === 'AR') return 'H';
    return v;
  };
  if (['VC', 'VI', 'VA', 'SC', 'SI', 'SA'].every((k) => effective(k) === 'N')) return 0;

  const av = effective('AV');
  const pr = effective('PR');
  const ui = effective('UI');
  const eq1 = av === 'N' && pr === 'N' && ui === 'N' ? 0 : (av === 'N' || pr === 'N' || ui === 'N') && av !== 'P' ? 1 : 2;
  const eq2 = effective('AC') === 'L' && effective('AT') === 'N' ? 0 : 1;
  const [vc, vi, va] = [effective('VC'), effective('VI'), effective('VA')];
  const eq3 = vc === 'H' && vi === 'H' ? 0 : vc === 'H' || vi === 'H' || va === 'H' ? 1 : 2;
  const [msi, msa] = [metrics.get('MSI'), metrics.get('MSA')];
  const safety = msi === 'S' || msa === 'S';
  const eq4 = safety ? 0 : effective('SC') === 'H' || effective('SI') === 'H' || effective('SA') === 'H' ? 1 : 2;
  const e = effective('E');
  const eq5 = e === 'A' ? 0 : e === 'P' ? 1 : 2;
  const [cr, ir, ar] = [effective('CR'), effective('IR'), effective('AR')];
  const eq6 = (cr === 'H' && vc === 'H') || (ir === 'H' && vi === 'H') || (ar === 'H' && va === 'H') ? 0 : 1;

  const key = (l: number[]) => l.join('');
  const levels = [eq1, eq2, eq3, eq4, eq5, eq6];
  const top = MACROVECTOR_SCORES[key(levels)];
  if (top === undefined) return null;

  // The next lower MacroVector along each equivalence class (EQ3 and EQ6 move together: 00 may step to 01 or 10).
  const lowerScore = (index: number): number | undefined => {
    const next = [...levels];
    next[index]++;
    return MACROVECTOR_SCORES[key(next)];
  };
  const eq3eq6Lower = (): number | undefined => {
    const at = (a: number, b: number) => MACROVECTOR_SCORES[key([eq1, eq2, a, eq4, eq5, b])];
    if (eq3 === 0 && eq6 === 0) {
      const options = [at(1, 0), at(0, 1)].filter((s): s is number => s !== undefined);
      return options.length ? Math.max(...options) : undefined;
    }
    if (eq3 === 1 && eq6 === 0) return at(1, 1);
    if (eq6 === 1 && eq3 < 2) return at(eq3 + 1, 1);
    return undefined;
  };

  // The first highest-severity vector of the MacroVector that the vector does not exceed anywhere.
  const value = (key: string): string => (key === 'SI' || key === 'SA' ? (metrics.get(`M${key}`) === 'S' ? 'S' : effective(key)) : effective(key));
  const eq36 = `${eq3}${eq6}`;
  let distances: { eq1: number; eq2: number; eq3eq6: number; eq4: number } | undefined;
  outer: for (const a of HIGHEST.eq1[eq1]) {
    for (const b of HIGHEST.eq2[eq2]) {
      for (const c of HIGHEST.eq3eq6[eq36]) {
        for (const d of HIGHEST.eq4[eq4]) {
          const max = new Map([a, b, c, d].join('/').split('/').map((p) => p.split(':') as [string, string]));
          const dist = (k: string) => LEVEL[k][value(k)] - LEVEL[k][max.get(k) as string];
          const all = Object.keys(LEVEL).map(dist);
          if (all.some((x) => x < 0)) continue;
          distances = {
            eq1: dist('AV') + dist('PR') + dist('UI'),
            eq2: dist('AC') + dist('AT'),
            eq3eq6: dist('VC') + dist('VI') + dist('VA') + dist('CR') + dist('IR') + dist('AR'),
            eq4: dist('SC') + dist('SI') + dist('SA'),
          };
          break outer;
        }
      }
    }
  }
  if (!distances) return null;

  const step = 0.1;
  const parts: number[] = [];
  const add = (lower: number | undefined, distance: number, maxSeverity: number) => {
    if (lower === undefined) return;
    const available = top - lower;
    parts.push(available * (distance / (maxSeverity * step)));
  };
  add(lowerScore(0), distances.eq1, MAX_SEVERITY.eq1[eq1]);
  add(lowerScore(1), distances.eq2, MAX_SEVERITY.eq2[eq2]);
  add(eq3eq6Lower(), distances.eq3eq6, MAX_SEVERITY.eq3eq6[eq36]);
  add(lowerScore(3), distances.eq4, MAX_SEVERITY.eq4[eq4]);
  // EQ5 has one value per level, so its distance is always 0; it still counts in the mean when a lower level exists.
  if (lowerScore(4) !== undefined) parts.push(0);
  const mean = parts.length ? parts.reduce((s, x) => s + x, 0) / parts.length : 0;
  const score = Math.min(10, Math.max(0, top - mean));
  return Math.round(score * 10 + 1e-9) / 10;
}
