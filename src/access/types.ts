/**
 * Facts about the whole application that access-control findings depend on: whether other routes use an
 * authentication mechanism, whether a rate limiter is installed, which fields a model has. A worker sees one
 * module; it records the module's share of these facts, and findings that depend on them carry a requirement
 * the main thread checks once every module is in (see merge.ts).
 */

import type { Finding } from '../findings/types.js';

/** Frameworks whose routes krait recognises for the access rules. */
export type Framework = 'flask' | 'fastapi' | 'django' | 'drf';

/** What a finding needs to be true of the whole application to stand. */
export type AppRequirement =
  /** Other routes of the framework use authentication, and no application-wide guard covers this one. */
  | { kind: 'auth-elsewhere'; framework: Framework }
  /** No rate limiter or lockout anywhere in the application; one such finding per application. */
  | { kind: 'no-limiter' }
  /** The named model class has fields of this kind (apart from `except`). */
  | { kind: 'model-fields'; model: string; fields: 'privilege' | 'secret'; except?: string[] };

/** Placeholders in messages, filled in from the application facts when the requirement holds. */
export const AUTH_PLACEHOLDER = '{auth}';
export const FIELDS_PLACEHOLDER = '{fields}';

/** One module's share of the application facts: plain data, it crosses the worker boundary. */
export interface ModuleAppFacts {
  /** Authentication mechanisms on this module's routes, by framework: label → number of routes. */
  auth: Partial<Record<Framework, Record<string, number>>>;
  /** Application-wide guards defined here (a `before_request` check, DRF default permissions): framework → label. */
  guards: Partial<Record<Framework, string>>;
  /** Rate limiters or lockouts set up or imported here. */
  limiters: string[];
  /** Model classes defined here (by class name): their privilege and secret fields. */
  models: Record<string, { privilege: string[]; secret: string[] }>;
}

/**
 * A finding still waiting for the application's facts. The requirement rides on the finding object between the
 * worker and the merge (structured clone keeps it) and is removed before any reporter sees the finding; it is
 * not part of the public Finding shape.
 */
export interface PendingFinding extends Finding {
  requires?: AppRequirement;
  /** See ReportInput.sinkLines: read and removed by the taint merge. */
  sinkLines?: number[];
}
