import { normalizeName } from '../names.js';
import type { Advisory, OsvRecord, OsvSeverity } from './types.js';

const ADVISORY_URL = 'https://osv.dev/vulnerability/';

/**
 * The advisories a record holds, one per PyPI package it names (several `affected` entries for one package are
 * merged). A withdrawn record holds none: it was retracted.
 */
export function advisoriesOf(record: OsvRecord): Map<string, Advisory> {
  const out = new Map<string, Advisory>();
  if (record.withdrawn || typeof record.id !== 'string') return out;
  const label = typeof record.database_specific?.severity === 'string' ? record.database_specific.severity : undefined;
  for (const affected of record.affected ?? []) {
    const pkg = affected.package;
    if (pkg?.ecosystem !== 'PyPI' || typeof pkg.name !== 'string') continue;
    const name = normalizeName(pkg.name);
    let adv = out.get(name);
    if (!adv) {
      adv = {
        id: record.id,
        modified: record.modified ?? '',
        aliases: (record.aliases ?? []).filter((a) => typeof a === 'string' && a !== record.id),
        summary: summaryOf(record),
        severity: vectorsOf(record.severity),
        severityLabel: label,
        ranges: [],
        versions: [],
        url: `${ADVISORY_URL}${record.id}`,
      };
      out.set(name, adv);
    }
    if (adv.severity.length === 0) adv.severity = vectorsOf(affected.severity);
    for (const range of affected.ranges ?? []) {
      if (range.type === 'ECOSYSTEM' && Array.isArray(range.events)) adv.ranges.push(range.events);
    }
    for (const v of affected.versions ?? []) if (typeof v === 'string') adv.versions.push(v);
  }
  return out;
}

function vectorsOf(list: OsvSeverity[] | undefined): OsvSeverity[] {
  return (list ?? []).filter((s) => typeof s?.type === 'string' && typeof s.score === 'string');
}

/** The summary, or the first sentence of the details when a record has no summary (most PYSEC records). */
function summaryOf(record: OsvRecord): string {
  if (record.summary?.trim()) return record.summary.trim();
  const details = (record.details ?? '').replace(/\s+/g, ' ').trim();
  if (details === '') return '';
  const sentence = /^(.{20,}?[.!?])(?:\s|$)/.exec(details)?.[1] ?? details;
  return sentence.length > 200 ? `${sentence.slice(0, 197)}...` : sentence;
}
