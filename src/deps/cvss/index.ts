import type { Severity } from '../../findings/types.js';
import { cvss3BaseScore } from './v3.js';
import { cvss4Score } from './v4.js';

export interface CvssScore {
  version: '3.0' | '3.1' | '4.0';
  vector: string;
  score: number;
}

/** Scores the first v4 vector, else the first v3 one (v4 is the newer judgement when a record has both). */
export function scoreVectors(list: readonly { type: string; score: string }[]): CvssScore | undefined {
  for (const type of ['CVSS_V4', 'CVSS_V3']) {
    for (const s of list) {
      if (s.type !== type) continue;
      const score = type === 'CVSS_V4' ? cvss4Score(s.score) : cvss3BaseScore(s.score);
      if (score === null) continue;
      const version = type === 'CVSS_V4' ? '4.0' : s.score.startsWith('CVSS:3.0') ? '3.0' : '3.1';
      return { version, vector: s.score, score };
    }
  }
  return undefined;
}

/** The qualitative rating both v3.1 and v4.0 define; "None" (0.0) is reported as low. */
export function severityOfScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}
