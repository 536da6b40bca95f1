import type { Rule } from '../types.js';

export const LOGGING_RULES: readonly Rule[] = [];
