import { redos } from './redos.js';
import type { Rule } from '../types.js';

export const REGEX_RULES: readonly Rule[] = [
  redos,
];
