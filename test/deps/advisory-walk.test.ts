import { describe, expect } from 'vitest';
import { readExport } from '../../src/deps/db/export.js';
import { advisoriesOf } from '../../src/deps/osv/advisory.js';
import { verdict } from '../../src/deps/osv/match.js';
import type { OsvEvent } from '../../src/deps/osv/types.js';
import { isValidVersion } from '../../src/deps/pep440.js';
import { itWithShared, pypaZip } from './shared-data.js';

/**
 * Every advisory of the real PyPA snapshot: each version its `versions` list names is affected, each version at a
 * `fixed` event is not. The one exception is data that contradicts itself (a fixed version that the record's own
 * `versions` list also names); those are counted and must stay few, and are checked to be affected.
 */
describe('the PyPA advisory database, walked', () => {
  itWithShared(
    pypaZip,
    'every listed version is affected and every fixed version is not',
    () => {
      const { records, problems } = readExport(pypaZip);
      expect(problems).toEqual([]);
      expect(records.length).toBe(2661);
      const counts = { records: 0, withdrawn: 0, listed: 0, listedInvalid: 0, fixed: 0, fixedInvalid: 0, contradictions: 0, rangeChecked: 0, rangeAgrees: 0 };
      const failures: string[] = [];
      for (const record of records) {
        counts.records++;
        if (record.withdrawn) {
          counts.withdrawn++;
          expect(advisoriesOf(record).size).toBe(0);
          continue;
        }
        for (const [name, adv] of advisoriesOf(record)) {
          for (const v of adv.versions) {
            counts.listed++;
            if (!isValidVersion(v)) counts.listedInvalid++;
            if (verdict(adv, v) !== 'affected') failures.push(`${adv.id} ${name} ${v}: listed but not reported affected`);
            // The ranges alone must agree with the list (the list only backs them up), so the walk through
            // event order is tested too, not just list membership.
            if (isValidVersion(v) && adv.ranges.length > 0) {
              counts.rangeChecked++;
              if (verdict({ ...adv, versions: [] }, v) === 'affected') counts.rangeAgrees++;
            }
          }
          for (const events of adv.ranges) {
            for (const e of events as OsvEvent[]) {
              if (!('fixed' in e)) continue;
              counts.fixed++;
              if (!isValidVersion(e.fixed)) counts.fixedInvalid++;
              const got = verdict(adv, e.fixed);
              if (adv.versions.includes(e.fixed)) {
                counts.contradictions++;
                if (got !== 'affected') failures.push(`${adv.id} ${name} ${e.fixed}: listed and fixed, not affected`);
              } else if (got !== 'not-affected') {
                failures.push(`${adv.id} ${name} ${e.fixed}: fixed but reported ${got}`);
              }
            }
          }
        }
      }
      console.log(`advisory walk: ${JSON.stringify(counts)}`);
      expect(failures).toEqual([]);
      expect(counts.withdrawn).toBeGreaterThan(0);
      expect(counts.listedInvalid).toBeGreaterThan(0);
      expect(counts.contradictions).toBeLessThan(counts.fixed / 100);
      expect(counts.rangeChecked).toBeGreaterThan(100_000);
      expect(counts.rangeAgrees / counts.rangeChecked).toBeGreaterThan(0.99);
    },
    120_000,
  );
});
