import type { Node } from 'web-tree-sitter';
import type { Fix } from '../findings/types.js';
import type { CallSite } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';
import { toFixEdits } from './positions.js';
import { defusedXml } from './rules/defusedxml.js';
import { flaskDebugEnv } from './rules/flask-debug-env.js';
import { hashlibNotForSecurity } from './rules/hashlib-not-for-security.js';
import { jinja2Autoescape } from './rules/jinja2-autoescape.js';
import { jwtAlgorithms } from './rules/jwt-algorithms.js';
import { randomToSecrets } from './rules/random-to-secrets.js';
import { requestsTimeout } from './rules/requests-timeout.js';
import { shellToArgumentList } from './rules/shell-to-argument-list.js';
import { tempfileMkstemp } from './rules/tempfile-mkstemp.js';
import { tlsVerify } from './rules/tls-verify.js';
import { yamlSafeLoad } from './rules/yaml-safe-load.js';
import type { FixProvider } from './types.js';

/** Every automatic fix; at most one per rule. */
export const ALL_FIXES: readonly FixProvider[] = [
  shellToArgumentList,
  jinja2Autoescape,
  yamlSafeLoad,
  defusedXml,
  hashlibNotForSecurity,
  randomToSecrets,
  tlsVerify,
  requestsTimeout,
  flaskDebugEnv,
  jwtAlgorithms,
  tempfileMkstemp,
];

const callIndexes = new WeakMap<ModuleModel, Map<number, CallSite>>();

/** The model's call sites by node id, built once per module the first time a fix needs one. */
function callIndex(model: ModuleModel): Map<number, CallSite> {
  let index = callIndexes.get(model);
  if (!index) {
    index = new Map(model.calls.map((c) => [c.node.id, c]));
    callIndexes.set(model, index);
  }
  return index;
}

const BY_RULE: ReadonlyMap<string, FixProvider> = new Map(ALL_FIXES.map((f) => [f.ruleId, f]));

export function fixProviderFor(ruleId: string): FixProvider | undefined {
  return BY_RULE.get(ruleId);
}

/**
 * The fix for a finding at `node`, when the rule has one and the finding's shape is one it can rewrite. A fix
 * that throws is a bug of ours; it must not cost the file its findings, so it is dropped.
 */
export function fixFor(ruleId: string, node: Node, model: ModuleModel): Fix | undefined {
  const provider = BY_RULE.get(ruleId);
  if (!provider) return undefined;
  try {
    const call = node.type === 'call' ? callIndex(model).get(node.id) : undefined;
    const made = provider.create({ model, node, ...(call ? { call } : {}) });
    if (!made || made.changes.length === 0) return undefined;
    return { description: made.description, applicability: provider.applicability, edits: toFixEdits(model.text, made.changes) };
  } catch {
    return undefined;
  }
}
