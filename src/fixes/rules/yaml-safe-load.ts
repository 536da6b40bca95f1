import { argument } from '../../semantics/model.js';
import { ensureModule, keywordArgument, removeArgument, replaceNode } from '../edits.js';
import type { FixProvider, TextChange } from '../types.js';

/** Each loading function and its safe twin. */
const SAFE: Readonly<Record<string, string>> = {
  'yaml.load': 'safe_load',
  'yaml.unsafe_load': 'safe_load',
  'yaml.full_load': 'safe_load',
  'yaml.load_all': 'safe_load_all',
  'yaml.unsafe_load_all': 'safe_load_all',
  'yaml.full_load_all': 'safe_load_all',
};

export const yamlSafeLoad: FixProvider = {
  ruleId: 'K201',
  name: 'use-yaml-safe-load',
  applicability: 'safe',
  summary: 'Replaces the call with `yaml.safe_load()` (or `yaml.safe_load_all()`) and drops the `Loader` argument.',
  create({ model, call }) {
    const safe = call?.callee ? SAFE[call.callee] : undefined;
    if (!call || !safe || call.hasStarKwargs || call.hasStarArgs) return undefined;
    const yaml = ensureModule(model, 'yaml');
    if (!yaml) return undefined;
    const changes: TextChange[] = [...yaml.changes, replaceNode(call.calleeNode, `${yaml.name}.${safe}`)];
    const loader = argument(call, 1, 'Loader');
    if (loader) {
      const removal = removeArgument(keywordArgument(loader) ?? loader);
      if (!removal) return undefined;
      changes.push(removal);
    }
    if (call.args.length > 2 || [...call.keywords.keys()].some((k) => k !== 'Loader' && k !== 'stream')) return undefined;
    return { description: `use ${yaml.name}.${safe}(), which builds only plain data`, changes };
  },
};
