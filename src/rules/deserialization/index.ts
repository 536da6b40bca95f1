import { yamlUnsafeLoad } from './yaml-unsafe-load.js';
import type { Rule } from '../types.js';

export const DESERIALIZATION_RULES: readonly Rule[] = [
  yamlUnsafeLoad,
];
