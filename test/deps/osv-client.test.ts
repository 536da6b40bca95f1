import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonCache } from '../../src/deps/cache.js';
import { type ClientOptions, OsvClient } from '../../src/deps/osv/client.js';
import type { OsvRecord } from '../../src/deps/osv/types.js';
import { closedPort, type FakeOsv, startFakeOsv } from './osv-server.js';

function record(id: string, pkg: string, fixed: string, modified = '2024-01-01T00:00:00Z'): OsvRecord {
  return {
    id,
    modified,
    summary: `${id} in ${pkg}`,
    affected: [{ package: { ecosystem: 'PyPI', name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  };
}

const servers: FakeOsv[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()?.close();
});

async function server(opts: Parameters<typeof startFakeOsv>[0]): Promise<FakeOsv> {
  const s = await startFakeOsv(opts);
  servers.push(s);
  return s;
}

function client(apiUrl: string, extra: Partial<ClientOptions> = {}): OsvClient {
  return new OsvClient({
    apiUrl,
    cache: new JsonCache(fs.mkdtempSync(path.join(os.tmpdir(), 'krait-osv-cache-'))),
    ttlSeconds: 3600,
    timeoutMs: 2000,
    retries: 2,
    backoffMs: 0,
    offline: false,
    ...extra,
  });
}

describe('OSV API client against a local server', () => {
  it('asks querybatch for ids, then fetches each record once', async () => {
    const s = await server({ records: [record('GHSA-a', 'django', '3.2.13'), record('PYSEC-b', 'django', '3.2.14'), record('GHSA-c', 'pyyaml', '5.4')] });
    const r = await client(s.url).lookup(['django', 'pyyaml', 'flask']);
    expect([...r.advisories.entries()].map(([n, l]) => `${n}: ${l.map((a) => a.id).join(',')}`)).toEqual(['django: GHSA-a,PYSEC-b', 'pyyaml: GHSA-c', 'flask: ']);
    expect(r.missing).toEqual([]);
    expect(`${s.log[0].method} ${s.log[0].url}`).toBe('POST /v1/querybatch');
    // Records are fetched in parallel, so their order varies; each is fetched exactly once.
    expect(s.log.slice(1).map((q) => `${q.method} ${q.url}`).sort()).toEqual(['GET /v1/vulns/GHSA-a', 'GET /v1/vulns/GHSA-c', 'GET /v1/vulns/PYSEC-b']);
    // PEP 503 names and the PyPI ecosystem, no version: one answer serves every version of the package.
    expect(s.log[0].body?.queries).toEqual([
      { package: { name: 'django', ecosystem: 'PyPI' } },
      { package: { name: 'pyyaml', ecosystem: 'PyPI' } },
      { package: { name: 'flask', ecosystem: 'PyPI' } },
    ]);
  });

  it('splits more than 1,000 queries into batches the API accepts', async () => {
    const names = Array.from({ length: 2345 }, (_, i) => `pkg-${i}`);
    const s = await server({ records: [record('GHSA-last', 'pkg-2344', '1.0'), record('GHSA-first', 'pkg-0', '1.0')] });
    const r = await client(s.url).lookup(names);
    const batches = s.log.filter((q) => q.url === '/v1/querybatch').map((q) => q.body?.queries?.length);
    expect(batches).toEqual([1000, 1000, 345]);
    expect(r.advisories.get('pkg-2344')?.map((a) => a.id)).toEqual(['GHSA-last']);
    expect(r.advisories.get('pkg-0')?.map((a) => a.id)).toEqual(['GHSA-first']);
    expect(r.advisories.get('pkg-1')).toEqual([]);
  });

  it('follows page tokens for a package with many advisories', async () => {
    const records = Array.from({ length: 7 }, (_, i) => record(`GHSA-${i}`, 'django', `1.${i}`));
    const s = await server({ records, pageSize: 3 });
    const r = await client(s.url).lookup(['django', 'flask']);
    expect(r.advisories.get('django')?.map((a) => a.id)).toEqual(['GHSA-0', 'GHSA-1', 'GHSA-2', 'GHSA-3', 'GHSA-4', 'GHSA-5', 'GHSA-6']);
    const batches = s.log.filter((q) => q.url === '/v1/querybatch').map((q) => q.body?.queries);
    expect(batches).toEqual([
      [{ package: { name: 'django', ecosystem: 'PyPI' } }, { package: { name: 'flask', ecosystem: 'PyPI' } }],
      [{ package: { name: 'django', ecosystem: 'PyPI' }, page_token: '3' }],
      [{ package: { name: 'django', ecosystem: 'PyPI' }, page_token: '6' }],
    ]);
  });

  it('serves a second lookup from the cache, and refetches a record only when its modified time changes', async () => {
    const s = await server({ records: [record('GHSA-a', 'django', '3.2.13')] });
    let now = 1_000_000;
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-osv-cache-'));
    const c = () => client(s.url, { cache: new JsonCache(cacheDir), now: () => now, ttlSeconds: 60 });
    await c().lookup(['django']);
    expect(s.log).toHaveLength(2);
    const again = await c().lookup(['django']);
    expect(s.log).toHaveLength(2);
    expect(again.fromCache).toBe(1);
    now += 61_000;
    await c().lookup(['django']);
    // Past the time to live the id list is asked again; the record, unchanged, comes from the cache.
    expect(s.log.map((q) => q.url)).toEqual(['/v1/querybatch', '/v1/vulns/GHSA-a', '/v1/querybatch']);
    const offline = await client('http://127.0.0.1:1', { cache: new JsonCache(cacheDir), offline: true, now: () => now + 1e9 }).lookup(['django', 'flask']);
    expect(offline.advisories.get('django')?.map((a) => a.id)).toEqual(['GHSA-a']);
    expect(offline.missing).toEqual(['flask']);
  });

  it('retries HTTP 500 with backoff and succeeds when the service recovers', async () => {
    const s = await server({ records: [record('GHSA-a', 'django', '3.2.13')], failFirst: { count: 2, status: 500 } });
    const r = await client(s.url).lookup(['django']);
    expect(r.failure).toBeUndefined();
    expect(r.advisories.get('django')?.map((a) => a.id)).toEqual(['GHSA-a']);
    expect(s.log.map((q) => q.url)).toEqual(['/v1/querybatch', '/v1/querybatch', '/v1/querybatch', '/v1/vulns/GHSA-a']);
  });

  it('gives up after the retries on a persistent HTTP 500, in one line', async () => {
    const s = await server({ records: [], failFirst: { count: 100, status: 500 } });
    const r = await client(s.url).lookup(['django']);
    expect(r.failure).toBe(`OSV API failed (${s.url}: HTTP 500 after 3 attempts)`);
    expect(r.missing).toEqual(['django']);
    expect(s.log).toHaveLength(3);
  });

  it('treats malformed JSON as a failure worth a retry', async () => {
    const s = await server({ records: [record('GHSA-a', 'django', '3.2.13')], malformedFirst: 1 });
    const r = await client(s.url).lookup(['django']);
    expect(r.failure).toBeUndefined();
    expect(r.advisories.get('django')?.map((a) => a.id)).toEqual(['GHSA-a']);
    const bad = await server({ records: [], malformedFirst: 100 });
    const r2 = await client(bad.url, { retries: 1 }).lookup(['django']);
    expect(r2.failure).toBe(`OSV API failed (${bad.url}: a malformed JSON answer after 2 attempts)`);
  });

  it('times out a request that hangs', async () => {
    const s = await server({ records: [], delayMs: 5000 });
    const r = await client(s.url, { timeoutMs: 100, retries: 1 }).lookup(['django']);
    expect(r.failure).toBe(`OSV API unreachable (${s.url}: no answer within 0.1 s after 2 attempts)`);
    expect(s.log).toHaveLength(2);
  });

  it('reports a refused connection in one line', async () => {
    const port = await closedPort();
    const r = await client(`http://127.0.0.1:${port}`, { retries: 0 }).lookup(['django']);
    expect(r.failure).toBe(`OSV API unreachable (http://127.0.0.1:${port}: ECONNREFUSED after 1 attempts)`);
  });

  it('rejects a querybatch answer whose results do not match the queries', async () => {
    const s = await server({ records: [], dropResults: true });
    const r = await client(s.url).lookup(['a', 'b']);
    expect(r.failure).toBe(`OSV API (${s.url}) answered querybatch with 0 results for 2 queries`);
    expect(r.missing).toEqual(['a', 'b']);
  });
});
