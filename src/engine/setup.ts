import type { AnalyzerSetup } from './analyze.js';
import { ALL_RULES } from '../rules/registry.js';
import type { RuleOptions } from '../rules/types.js';
import type { TaintSetup } from '../dataflow/engine.js';

/** What a worker needs to rebuild its AnalyzerSetup: plain data that crosses the thread boundary. */
export interface WorkerSetup {
  ruleIds: string[];
  ruleOptions: [string, RuleOptions][];
  maxFileSize: number;
  fileTimeoutMs?: number;
  taint?: TaintSetup;
  /** The taint settings follow in a message (the pool starts the workers before the taint pre-pass ends). */
  taintPending?: boolean;
  /** A project scan: the access rules' application facts are merged on the main thread. */
  project?: boolean;
}

export function toAnalyzerSetup(setup: WorkerSetup): AnalyzerSetup {
  const ids = new Set(setup.ruleIds);
  return {
    rules: ALL_RULES.filter((r) => ids.has(r.meta.id)),
    ruleOptions: new Map(setup.ruleOptions),
    maxFileSize: setup.maxFileSize,
    ...(setup.fileTimeoutMs !== undefined ? { fileTimeoutMs: setup.fileTimeoutMs } : {}),
    ...(setup.taint ? { taint: setup.taint } : {}),
    ...(setup.project ? { project: true } : {}),
  };
}
