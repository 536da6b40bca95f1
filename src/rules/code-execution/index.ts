import { evalDynamic } from './eval-dynamic.js';
import { execDynamic } from './exec-dynamic.js';
import { huggingfaceUnpinnedDownload } from './huggingface-unpinned-download.js';
import { loggingConfigListen } from './logging-config-listen.js';
import type { Rule } from '../types.js';

export const CODE_EXECUTION_RULES: readonly Rule[] = [
  evalDynamic,
  execDynamic,
  loggingConfigListen,
  huggingfaceUnpinnedDownload,
];
