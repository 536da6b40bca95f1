import type { Rule } from '../types.js';

export const FILE_RULES: readonly Rule[] = [];
