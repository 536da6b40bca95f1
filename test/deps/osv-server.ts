import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OsvRecord } from '../../src/deps/osv/types.js';

/**
 * A real HTTP server on 127.0.0.1 that answers like the OSV API (`POST /v1/querybatch`, `GET /v1/vulns/{id}`),
 * from a set of records, with knobs for the failures a client must survive. Every request is logged.
 */
export interface FakeOsvOptions {
  records: OsvRecord[];
  /** Ids per page in querybatch answers; a query with more gets a `next_page_token`. */
  pageSize?: number;
  /** Answer the first N requests (of any kind) with this status. */
  failFirst?: { count: number; status: number };
  /** Answer the first N requests with a body that is not JSON. */
  malformedFirst?: number;
  /** Hold every answer this long (ms). */
  delayMs?: number;
  /** Largest batch the server accepts, as the real API (1,000). */
  batchLimit?: number;
  /** Answer querybatch with an empty results list (a broken or incompatible server). */
  dropResults?: boolean;
}

export interface LoggedRequest {
  method: string;
  url: string;
  body?: { queries?: { package: { name: string; ecosystem: string }; page_token?: string; version?: string }[] };
}

export interface FakeOsv {
  url: string;
  log: LoggedRequest[];
  close(): Promise<void>;
}

export async function startFakeOsv(opts: FakeOsvOptions): Promise<FakeOsv> {
  const log: LoggedRequest[] = [];
  const byPackage = new Map<string, OsvRecord[]>();
  const byId = new Map<string, OsvRecord>();
  for (const r of opts.records) {
    byId.set(r.id, r);
    for (const a of r.affected ?? []) {
      const name = a.package?.name?.toLowerCase().replace(/[-_.]+/g, '-');
      if (!name || a.package?.ecosystem !== 'PyPI') continue;
      const list = byPackage.get(name) ?? [];
      if (!list.includes(r)) list.push(r);
      byPackage.set(name, list);
    }
  }
  let served = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const entry: LoggedRequest = { method: req.method ?? '', url: req.url ?? '' };
      if (raw) entry.body = JSON.parse(raw);
      log.push(entry);
      const n = served++;
      const send = (status: number, body: string) => {
        const go = () => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(body);
        };
        if (opts.delayMs) setTimeout(go, opts.delayMs);
        else go();
      };
      if (opts.failFirst && n < opts.failFirst.count) return send(opts.failFirst.status, '{"code":13,"message":"internal"}');
      if (opts.malformedFirst && n < opts.malformedFirst) return send(200, '{"results": [ oops');
      if (req.method === 'POST' && req.url === '/v1/querybatch') {
        const queries = entry.body?.queries ?? [];
        if (queries.length > (opts.batchLimit ?? 1000)) return send(400, '{"code":3,"message":"too many queries"}');
        if (opts.dropResults) return send(200, '{"results": []}');
        const size = opts.pageSize ?? 1000;
        const results = queries.map((q) => {
          // The client asks by package only; a versioned query would need matching this stand-in does not do.
          const all = q.version ? [] : (byPackage.get(q.package.name) ?? []);
          const start = q.page_token ? Number(q.page_token) : 0;
          const page = all.slice(start, start + size);
          const out: { vulns?: { id: string; modified?: string }[]; next_page_token?: string } = {};
          if (page.length) out.vulns = page.map((r) => ({ id: r.id, modified: r.modified }));
          if (start + size < all.length) out.next_page_token = String(start + size);
          return out;
        });
        return send(200, JSON.stringify({ results }));
      }
      const m = /^\/v1\/vulns\/(.+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && m) {
        const record = byId.get(decodeURIComponent(m[1]));
        return record ? send(200, JSON.stringify(record)) : send(404, '{"code":5,"message":"Bug not found."}');
      }
      send(404, '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
