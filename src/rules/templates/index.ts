import type { Rule } from '../types.js';

export const TEMPLATE_RULES: readonly Rule[] = [];
