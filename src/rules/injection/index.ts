import type { Rule } from '../types.js';

export const INJECTION_RULES: readonly Rule[] = [];
