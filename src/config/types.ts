import type { Confidence, Severity } from '../findings/types.js';
import type { RuleOptions } from '../rules/types.js';
import type { TaintConfig } from '../dataflow/spec.js';

/** Settings from a config file, validated; every key optional. Flags override these. */
export interface KraitConfig {
  /** The file these settings came from (absolute), when one was found. */
  file?: string;
  /** Directory relative globs in the config are resolved against (the config file's folder). */
  baseDir?: string;
  select?: string[];
  ignore?: string[];
  include?: string[];
  exclude?: string[];
  severity?: Severity;
  confidence?: Confidence;
  /** glob (relative to baseDir) → rule ids or prefixes ignored in matching files. */
  perFileIgnores?: Record<string, string[]>;
  /** rule id → options. */
  rules?: Record<string, RuleOptions>;
  /** Files larger than this many bytes are skipped with a notice. */
  maxFileSize?: number;
  respectGitignore?: boolean;
  jobs?: number;
  /** `[tool.krait.taint]`: sources, sinks, sanitizers and propagators added by qualified name. */
  taint?: TaintConfig;
}
