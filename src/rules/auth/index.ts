import type { Rule } from '../types.js';

export const AUTH_RULES: readonly Rule[] = [];
