import type { RuleCatalog } from '../config/load.js';
import { ALL_RULES } from './registry.js';

let catalog: RuleCatalog | undefined;

/** What configuration validation needs to know about the registered rules. */
export function ruleCatalog(): RuleCatalog {
  catalog ??= {
    metas: ALL_RULES.map((r) => r.meta),
    options: new Map(ALL_RULES.filter((r) => r.options).map((r) => [r.meta.id, r.options ?? {}])),
  };
  return catalog;
}
