import type { Rule } from '../types.js';

export const ERROR_HANDLING_RULES: readonly Rule[] = [];
