import { weakHash } from './weak-hash.js';
import type { Rule } from '../types.js';

export const CRYPTO_RULES: readonly Rule[] = [
  weakHash,
];
