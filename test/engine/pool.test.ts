import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { startPool as StartPool } from '../../src/engine/pool.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { repoRoot } from '../helpers/cli.js';

// Workers run the built code (dist/engine/worker.js); `npm test` builds first.
const { startPool } = (await import(path.join(repoRoot, 'dist/engine/pool.js'))) as { startPool: typeof StartPool };

describe('worker pool', () => {
  it('skips, with a notice, a file whose analysis exhausts a worker heap, and analyses the rest on a fresh worker', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-pool-'));
    // A generated module of ~1 MB: one function with thousands of statements, far beyond a 24 MB heap.
    const lines = ['import os', 'def handler(request):'];
    for (let i = 0; lines.length < 14_000; i++) lines.push(`    v${i} = os.path.join(request.args.get("k${i}"), helper(a${i}, b.c(d${i})))`);
    fs.writeFileSync(path.join(dir, 'generated.py'), `${lines.join('\n')}\n`);
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(dir, `small${i}.py`), 'import os\n\ndef run(x):\n    os.system(x)\n\neval(input())\n');
    const names = fs.readdirSync(dir).sort();
    const tasks = names.map((n) => ({ absPath: path.join(dir, n), relPath: n }));
    const sizes = names.map((n) => fs.statSync(path.join(dir, n)).size);
    const rules = ALL_RULES.filter((r) => r.meta.defaultEnabled && !r.taint);
    const pool = startPool({ ruleIds: rules.map((r) => r.meta.id), ruleOptions: [], maxFileSize: 10_000_000 }, 2, 24);
    const results = await pool.run(tasks, sizes);

    expect(results.map((r) => r.relPath)).toEqual(names);
    const [generated, ...small] = results;
    expect(generated.analysed).toBe(false);
    expect(generated.notices).toEqual([
      { kind: 'too-large', path: 'generated.py', message: 'analysing this file needs more than the 24 MB heap a worker has; skipped', skipped: true },
    ]);
    for (const r of small) {
      expect(r.analysed).toBe(true);
      expect(r.findings.map((f) => `${f.location.startLine}:${f.ruleId}`).sort()).toEqual(['4:K111', '6:K101']);
    }
  }, 60_000);
});
