import { secretInLog } from './secret-in-log.js';
import type { Rule } from '../types.js';

export const LOGGING_RULES: readonly Rule[] = [
  secretInLog,
];
