import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../../findings/types.js';
import type { ModuleModel } from '../../semantics/module.js';
import type { RuleContext } from '../types.js';
import { missingInProduction } from './cookies.js';
import { debugLiterallyOn, isBaseSettingsModule, isDeployableSettings, moduleSettings } from './shared.js';

/**
 * Shared check of the Django HTTPS settings rules: a setting assigned an "off" value at the top level of a
 * deployable settings module, or never set in a production-looking one (DEBUG literally False).
 */
export function checkHttpsSetting(
  ctx: RuleContext,
  name: string,
  isOff: (value: Node, model: ModuleModel) => boolean,
  offMessage: (value: Node) => string,
  missingMessage: string,
): void {
  const model = ctx.model;
  if (!isDeployableSettings(model)) return;
  const debug = debugLiterallyOn(model);
  for (const a of moduleSettings(model).get(name) ?? []) {
    if (!a.value || !isOff(a.value, model)) continue;
    const confidence: Confidence = debug || isBaseSettingsModule(model) ? 'low' : 'medium';
    ctx.report({ node: a.node, message: offMessage(a.value), confidence });
  }
  const missing = missingInProduction(model, [name]);
  if (missing) ctx.report({ node: missing.anchor, message: missingMessage, confidence: 'medium' });
}
