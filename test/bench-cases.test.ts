import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM scripts without type declarations
import { CASES_DIR, KNOWN_WRONG_FILE, readCases, readClassCwes, scanCases, score } from '../bench/score.mjs';
// @ts-expect-error: plain ESM scripts without type declarations
import { allCases } from './fixtures/bench-cases/generate.mjs';

interface Case {
  file: string;
  cls: string;
  vulnerable: boolean;
  text?: string;
}

describe('scored benchmark suite (test/fixtures/bench-cases)', () => {
  it('holds the files its generator writes', () => {
    const generated = (allCases() as Case[]).map((c) => [c.file, c.text]);
    const onDisk = (readCases() as Case[]).map((c) => [c.file, fs.readFileSync(path.join(CASES_DIR, c.file), 'utf8')]);
    expect(onDisk).toEqual(generated.sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
  });

  it('has at least twenty cases per class, half of them vulnerable', () => {
    const byClass = new Map<string, { vulnerable: number; safe: number }>();
    for (const c of readCases() as Case[]) {
      const row = byClass.get(c.cls) ?? { vulnerable: 0, safe: 0 };
      c.vulnerable ? row.vulnerable++ : row.safe++;
      byClass.set(c.cls, row);
    }
    expect(byClass.size).toBeGreaterThanOrEqual(12);
    for (const [cls, row] of byClass) {
      expect(row.vulnerable + row.safe, cls).toBeGreaterThanOrEqual(20);
      expect(row.vulnerable, cls).toBe(row.safe);
    }
  });

  // Each case is a fixture: the cases krait scores wrongly today are recorded, and any other outcome (a new miss,
  // a new false positive, or a fix) fails until `npm run score -- --write-known` records it.
  it('scores every case as recorded in known-wrong.json', () => {
    const result = score(readCases(), scanCases(), readClassCwes());
    const wrong = (result.wrong as Case[]).map((w) => w.file).sort();
    const known = (JSON.parse(fs.readFileSync(KNOWN_WRONG_FILE, 'utf8')) as string[]).sort();
    expect(wrong).toEqual(known);
  });
});
