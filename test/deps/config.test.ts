import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { ruleCatalog } from '../../src/rules/catalog.js';

describe('[tool.krait.deps]', () => {
  it('reads every setting, resolving paths against the config file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-deps-config-'));
    const file = path.join(dir, 'pyproject.toml');
    fs.writeFileSync(
      file,
      [
        '[tool.krait.deps]',
        'enabled = true',
        'online = true',
        'osv-db = "data/all.zip"',
        'cache-dir = ".krait-cache"',
        'cache-ttl = 3600',
        'timeout = 5',
        'ignore = [',
        '  { id = "GHSA-8q59-q68h-6hv4", reason = "only safe_load", expires = 2030-01-31 },',
        '  { id = "PYSEC-2021-142", reason = "same" },',
        ']',
      ].join('\n'),
    );
    expect(loadConfigFile(file, ruleCatalog()).deps).toEqual({
      enabled: true,
      online: true,
      osvDb: path.join(dir, 'data/all.zip'),
      cacheDir: path.join(dir, '.krait-cache'),
      cacheTtl: 3600,
      timeout: 5,
      ignore: [
        { id: 'GHSA-8q59-q68h-6hv4', reason: 'only safe_load', expires: '2030-01-31' },
        { id: 'PYSEC-2021-142', reason: 'same' },
      ],
    });
  });
});
