import { evalDynamic } from './eval-dynamic.js';
import { execDynamic } from './exec-dynamic.js';
import type { Rule } from '../types.js';

export const CODE_EXECUTION_RULES: readonly Rule[] = [
  evalDynamic,
  execDynamic,
];
