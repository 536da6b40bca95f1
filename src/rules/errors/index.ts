import { tryExceptContinue } from './try-except-continue.js';
import { tryExceptPass } from './try-except-pass.js';
import type { Rule } from '../types.js';

export const ERROR_HANDLING_RULES: readonly Rule[] = [
  tryExceptPass,
  tryExceptContinue,
];
