import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.js';

/** The machine's CPython standard library: real code, and a test suite full of deliberately broken files. */
function stdlibPath(): string | undefined {
  const r = spawnSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' });
  const p = r.status === 0 ? r.stdout.trim() : '';
  return p && fs.existsSync(path.join(p, 'test')) ? p : undefined;
}

const stdlib = stdlibPath();

describe('the CPython test suite (broken files on purpose)', () => {
  it.skipIf(!stdlib)('is scanned without a crash, and every notice is reported and counted', async () => {
    const target = path.join(stdlib as string, 'test');
    const r = await runCliAsync(['scan', target, '--format', 'json', '--select', 'ALL']);
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.status);
    const report = JSON.parse(r.stdout) as {
      notices: { kind: string; skipped: boolean }[];
      stats: { filesScanned: number; filesSkipped: number; skippedByReason: Record<string, number> };
    };
    expect(report.notices.filter((n) => n.kind === 'internal-error')).toEqual([]);
    // The suite ships files with syntax errors and bad encodings; they are noticed, and still analysed.
    expect(report.notices.some((n) => n.kind === 'syntax-error')).toBe(true);
    expect(report.notices.some((n) => n.kind === 'decode-error')).toBe(true);
    const skipped = report.notices.filter((n) => n.skipped).length;
    expect(report.stats.filesSkipped).toBe(skipped);
    expect(Object.values(report.stats.skippedByReason).reduce((a, b) => a + b, 0)).toBe(skipped);
    expect(report.stats.filesScanned).toBeGreaterThan(500);
    // One full scan of ~2,000 files with every rule: 20 s on a quiet machine, over 60 s on a loaded one.
  }, 240_000);
});
