import { ACCESS_RULES } from './access/index.js';
import { DEPENDENCY_RULES } from './dependencies/index.js';
import { AUTH_RULES } from './auth/index.js';
import { CODE_EXECUTION_RULES } from './code-execution/index.js';
import { CRYPTO_RULES } from './crypto/index.js';
import { DESERIALIZATION_RULES } from './deserialization/index.js';
import { ERROR_HANDLING_RULES } from './errors/index.js';
import { FILE_RULES } from './files/index.js';
import { IMPORT_RULES } from './imports/index.js';
import { INJECTION_RULES } from './injection/index.js';
import { LOGGING_RULES } from './logging/index.js';
import { PROCESS_RULES } from './processes/index.js';
import { REGEX_RULES } from './regex/index.js';
import { SECRET_RULES } from './secrets/index.js';
import { SOURCE_RULES } from './source/index.js';
import { TAINT_RULES } from './taint/index.js';
import { TEMPLATE_RULES } from './templates/index.js';
import { TRANSPORT_RULES } from './transport/index.js';
import type { Rule } from './types.js';
import { WEB_RULES } from './web/index.js';
import { XML_RULES } from './xml/index.js';

/** Every rule krait has, sorted by id. Each family folder lists its rules in its index.ts. */
export const ALL_RULES: readonly Rule[] = [
  ...ACCESS_RULES,
  ...AUTH_RULES,
  ...CODE_EXECUTION_RULES,
  ...CRYPTO_RULES,
  ...DEPENDENCY_RULES,
  ...DESERIALIZATION_RULES,
  ...ERROR_HANDLING_RULES,
  ...FILE_RULES,
  ...IMPORT_RULES,
  ...INJECTION_RULES,
  ...LOGGING_RULES,
  ...PROCESS_RULES,
  ...REGEX_RULES,
  ...SECRET_RULES,
  ...SOURCE_RULES,
  ...TAINT_RULES,
  ...TEMPLATE_RULES,
  ...TRANSPORT_RULES,
  ...WEB_RULES,
  ...XML_RULES,
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
