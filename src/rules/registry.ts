import { evalDynamic } from './code-execution/eval-dynamic.js';
import { execDynamic } from './code-execution/exec-dynamic.js';
import { weakHash } from './crypto/weak-hash.js';
import { yamlUnsafeLoad } from './deserialization/yaml-unsafe-load.js';
import { osShellCommand } from './processes/os-shell-command.js';
import { subprocessShell } from './processes/subprocess-shell.js';
import { tlsVerifyDisabled } from './transport/tls-verify-disabled.js';
import { flaskDebug } from './web/flask-debug.js';
import { hardcodedSecretKey } from './web/hardcoded-secret-key.js';
import type { Rule } from './types.js';

/** Every rule krait has, sorted by id. Adding a rule is one import and one entry here. */
export const ALL_RULES: readonly Rule[] = [
  evalDynamic,
  execDynamic,
  subprocessShell,
  osShellCommand,
  yamlUnsafeLoad,
  weakHash,
  tlsVerifyDisabled,
  flaskDebug,
  hardcodedSecretKey,
].sort((a, b) => a.meta.id.localeCompare(b.meta.id));

const byKey = new Map<string, Rule>();
for (const r of ALL_RULES) {
  byKey.set(r.meta.id.toUpperCase(), r);
  byKey.set(r.meta.name, r);
}

/** A rule by id (case-insensitive) or name. */
export function findRule(idOrName: string): Rule | undefined {
  return byKey.get(idOrName.toUpperCase()) ?? byKey.get(idOrName);
}
