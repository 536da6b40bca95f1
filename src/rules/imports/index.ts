import type { Rule } from '../types.js';

export const IMPORT_RULES: readonly Rule[] = [];
