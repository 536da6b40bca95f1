import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCliAsync } from './helpers/cli.js';

describe('npm run fuzz, a short fixed-seed run', () => {
  it('finds no internal error, stack trace, timeout or --jobs difference on 80 mutated fixtures', async () => {
    const r = await runCliAsync(['--seed', '20261207', '--count', '80', '--time-limit', '20'], { script: path.join(repoRoot, 'scripts/fuzz.mjs') });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^fuzz: seed 20261207: \d+ mutated files in \d+ batches, [\d.]+ s, no problem\n$/);
  }, 200_000);
});
