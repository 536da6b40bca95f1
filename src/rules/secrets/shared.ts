import { type ConfigFormat, configSecrets } from '../../secrets/config.js';
import type { SecretHit, SecretKind } from '../../secrets/detect.js';
import { pythonSecrets } from '../../secrets/python.js';
import { describeSecret } from '../../secrets/redact.js';
import type { ConfigFileContext, ReportInput, Rule, RuleContext } from '../types.js';

/** The last configuration file's hits: the secret rules run one after another on the same file. */
let lastConfig: { relPath: string; text: string; format: ConfigFormat; hits: SecretHit[] } | undefined;

function configHits(ctx: ConfigFileContext): SecretHit[] {
  if (!lastConfig || lastConfig.text !== ctx.text || lastConfig.relPath !== ctx.relPath || lastConfig.format !== ctx.format) {
    lastConfig = { relPath: ctx.relPath, text: ctx.text, format: ctx.format, hits: configSecrets(ctx.text, ctx.relPath, ctx.format) };
  }
  return lastConfig.hits;
}

/** Where a secret was written, as messages say it. */
export type Place = 'in the source' | 'in a configuration file';

type Message = (hit: SecretHit, shown: string, place: Place) => string;

function input(hit: SecretHit, text: string, place: Place, message: Message): ReportInput {
  const shown = describeSecret(text.slice(hit.secret.start, hit.secret.end));
  return { span: hit.span, secrets: [hit.secret], message: message(hit, shown, place), confidence: hit.confidence };
}

/**
 * The check hooks of a secret rule: the module's (or configuration file's) hits of one kind, reported with the
 * secret described by its first characters and length only.
 */
export function secretHooks(kind: SecretKind, message: Message): Pick<Rule, 'module' | 'configFile'> {
  return {
    module(ctx: RuleContext) {
      for (const hit of pythonSecrets(ctx.model)) if (hit.kind === kind) ctx.report(input(hit, ctx.model.text, 'in the source', message));
    },
    configFile(ctx: ConfigFileContext) {
      for (const hit of configHits(ctx)) if (hit.kind === kind) ctx.report(input(hit, ctx.text, 'in a configuration file', message));
    },
  };
}

export const REVOKE = 'revoke it (it is in the history now) and load the new one from the environment or a secret manager';
