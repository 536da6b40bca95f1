import type { Rule } from '../types.js';

export const XML_RULES: readonly Rule[] = [];
