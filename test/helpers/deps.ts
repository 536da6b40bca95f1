import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type AuditRequest, type AuditResult, audit } from '../../src/deps/audit.js';
import { repoRoot } from './cli.js';

/** The small OSV export kept in the repository for tests and the rule documentation examples. */
export const advisoryFixtures = path.join(repoRoot, 'test/fixtures/deps/advisories');

/**
 * An offline audit request against the repository's advisory set, with a fresh cache folder and an API address
 * nothing listens on; `extra` overrides any field.
 */
export function fixtureAuditRequest(root: string, manifests: string[], extra: Partial<AuditRequest> = {}): AuditRequest {
  return {
    root,
    manifests,
    online: false,
    osvDb: advisoryFixtures,
    cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'krait-deps-cache-')),
    ttlSeconds: 3600,
    apiUrl: 'http://127.0.0.1:47',
    timeoutMs: 1000,
    retries: 0,
    backoffMs: 0,
    ignore: [],
    today: new Date(),
    enabled: () => true,
    ...extra,
  };
}

export function auditFixture(root: string, manifests: string[], extra: Partial<AuditRequest> = {}): Promise<AuditResult> {
  return audit(fixtureAuditRequest(root, manifests, extra));
}
