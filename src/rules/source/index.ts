import { bidiControlCharacters } from './bidi-control-characters.js';
import type { Rule } from '../types.js';

export const SOURCE_RULES: readonly Rule[] = [
  bidiControlCharacters,
];
