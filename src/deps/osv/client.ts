import { type JsonCache, safeName } from '../cache.js';
import { advisoriesOf } from './advisory.js';
import type { Advisory, OsvRecord } from './types.js';

/**
 * The OSV API, used as the spec asks: `POST /v1/querybatch` for the ids of the advisories naming each package
 * (1,000 queries per request at most, paging a query that has more), then `GET /v1/vulns/{id}` for each
 * record not already cached at its `modified` time. Queries name the package only, not a version: the
 * matching is done here, with the same code as for the offline database, and one answer serves every version
 * and range of that package until the cache entry's time to live runs out.
 */
export const DEFAULT_API_URL = 'https://api.osv.dev';
export const BATCH_LIMIT = 1000;

export interface ClientOptions {
  apiUrl: string;
  cache: JsonCache;
  /** Seconds a package's list of advisory ids stays fresh. Records themselves are keyed by `modified`. */
  ttlSeconds: number;
  /** Per request. */
  timeoutMs: number;
  /** Extra attempts after a failure that may pass (network error, timeout, HTTP 429/5xx, a garbled body). */
  retries: number;
  /** First backoff delay; doubles each retry. */
  backoffMs: number;
  /** Only the cache: nothing is fetched. */
  offline: boolean;
  now?: () => number;
  /** Parallel GETs for records. */
  concurrency?: number;
}

/** The network or the service failed in a way retries did not mend; the message is one line. */
export class OsvUnavailable extends Error {}

interface CachedPackage {
  fetchedAt: number;
  vulns: { id: string; modified?: string }[];
}

interface BatchAnswer {
  results?: { vulns?: { id?: unknown; modified?: unknown }[]; next_page_token?: unknown }[];
}

export interface ClientLookup {
  advisories: Map<string, Advisory[]>;
  /** Packages with no usable answer (offline and not cached, or the service failed). */
  missing: string[];
  /** Set when the service could not be reached; the one line to show the user. */
  failure?: string;
  fromCache: number;
  fetched: number;
}

export class OsvClient {
  private readonly now: () => number;
  constructor(private readonly opts: ClientOptions) {
    this.now = opts.now ?? Date.now;
  }

  async lookup(names: string[]): Promise<ClientLookup> {
    const result: ClientLookup = { advisories: new Map(), missing: [], fromCache: 0, fetched: 0 };
    const ids = new Map<string, { id: string; modified?: string }[]>();
    const stale: string[] = [];
    for (const name of names) {
      const cached = this.opts.cache.read<CachedPackage>(`api/packages/${safeName(name)}.json`);
      const fresh = cached && Array.isArray(cached.vulns) && this.now() - cached.fetchedAt < this.opts.ttlSeconds * 1000;
      if (cached && (fresh || this.opts.offline)) {
        ids.set(name, cached.vulns);
        result.fromCache++;
      } else if (this.opts.offline) {
        result.missing.push(name);
      } else stale.push(name);
    }
    if (stale.length > 0) {
      try {
        const answers = await this.queryBatch(stale);
        for (const [name, vulns] of answers) {
          ids.set(name, vulns);
          this.opts.cache.write(`api/packages/${safeName(name)}.json`, { fetchedAt: this.now(), vulns } satisfies CachedPackage);
          result.fetched++;
        }
      } catch (err) {
        if (!(err instanceof OsvUnavailable)) throw err;
        result.failure = err.message;
        // An expired cache entry is better than nothing when the service is down.
        for (const name of stale) {
          const cached = this.opts.cache.read<CachedPackage>(`api/packages/${safeName(name)}.json`);
          if (cached && Array.isArray(cached.vulns)) ids.set(name, cached.vulns);
          else result.missing.push(name);
        }
      }
    }
    const records = await this.records([...ids.values()].flat(), result);
    for (const [name, list] of ids) {
      const out: Advisory[] = [];
      let complete = true;
      for (const v of list) {
        const record = records.get(v.id);
        if (!record) {
          complete = false;
          continue;
        }
        const adv = advisoriesOf(record).get(name);
        if (adv) out.push(adv);
      }
      if (!complete && !result.missing.includes(name)) result.missing.push(name);
      result.advisories.set(name, out);
    }
    return result;
  }

  /** Advisory ids per package, batching 1,000 queries a request and following page tokens. */
  private async queryBatch(names: string[]): Promise<Map<string, { id: string; modified?: string }[]>> {
    const out = new Map<string, { id: string; modified?: string }[]>();
    let pending: { name: string; token?: string }[] = names.map((name) => ({ name }));
    while (pending.length > 0) {
      const next: { name: string; token?: string }[] = [];
      for (let i = 0; i < pending.length; i += BATCH_LIMIT) {
        const chunk = pending.slice(i, i + BATCH_LIMIT);
        const body = {
          queries: chunk.map((q) => ({ package: { name: q.name, ecosystem: 'PyPI' }, ...(q.token ? { page_token: q.token } : {}) })),
        };
        const answer = (await this.request('POST', '/v1/querybatch', body)) as BatchAnswer;
        if (!answer || !Array.isArray(answer.results) || answer.results.length !== chunk.length) {
          throw new OsvUnavailable(`OSV API (${this.opts.apiUrl}) answered querybatch with ${answer && Array.isArray(answer.results) ? `${answer.results.length} results for ${chunk.length} queries` : 'no results list'}`);
        }
        answer.results.forEach((r, j) => {
          const name = chunk[j].name;
          const list = out.get(name) ?? [];
          for (const v of r?.vulns ?? []) {
            if (typeof v?.id === 'string') list.push({ id: v.id, modified: typeof v.modified === 'string' ? v.modified : undefined });
          }
          out.set(name, list);
          if (typeof r?.next_page_token === 'string' && r.next_page_token !== '') next.push({ name, token: r.next_page_token });
        });
      }
      pending = next;
    }
    return out;
  }

  /** Full records by id, from the cache when it holds the same `modified`, else fetched. */
  private async records(list: { id: string; modified?: string }[], result: ClientLookup): Promise<Map<string, OsvRecord>> {
    const out = new Map<string, OsvRecord>();
    const toFetch: string[] = [];
    for (const { id, modified } of list) {
      if (out.has(id) || toFetch.includes(id)) continue;
      const cached = this.opts.cache.read<OsvRecord>(`api/vulns/${safeName(id)}.json`);
      if (cached && (modified === undefined || cached.modified === modified || this.opts.offline)) out.set(id, cached);
      else if (!this.opts.offline && !result.failure) toFetch.push(id);
      else if (cached) out.set(id, cached);
    }
    let next = 0;
    const worker = async () => {
      while (next < toFetch.length && !result.failure) {
        const id = toFetch[next++];
        try {
          const record = (await this.request('GET', `/v1/vulns/${encodeURIComponent(id)}`)) as OsvRecord;
          if (!record || record.id !== id) throw new OsvUnavailable(`OSV API (${this.opts.apiUrl}) returned a record that is not ${id}`);
          this.opts.cache.write(`api/vulns/${safeName(id)}.json`, record);
          out.set(id, record);
        } catch (err) {
          if (!(err instanceof OsvUnavailable)) throw err;
          result.failure ??= err.message;
          const cached = this.opts.cache.read<OsvRecord>(`api/vulns/${safeName(id)}.json`);
          if (cached) out.set(id, cached);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 8, toFetch.length) }, worker));
    return out;
  }

  private async request(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<unknown> {
    const url = `${this.opts.apiUrl.replace(/\/+$/, '')}${pathname}`;
    let lastProblem = '';
    let reached = false;
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      if (attempt > 0) await sleep(this.opts.backoffMs * 2 ** (attempt - 1));
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
      } catch (err) {
        lastProblem = networkReason(err, this.opts.timeoutMs);
        continue;
      }
      reached = true;
      const text = await response.text().catch(() => '');
      if (response.status === 429 || response.status >= 500) {
        lastProblem = `HTTP ${response.status}`;
        continue;
      }
      if (!response.ok) throw new OsvUnavailable(`OSV API (${this.opts.apiUrl}) answered ${method} ${pathname} with HTTP ${response.status}`);
      try {
        return JSON.parse(text);
      } catch {
        lastProblem = 'a malformed JSON answer';
      }
    }
    const what = reached ? 'failed' : 'unreachable';
    throw new OsvUnavailable(`OSV API ${what} (${this.opts.apiUrl}: ${lastProblem} after ${this.opts.retries + 1} attempts)`);
  }
}

function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
