import { flaskDebug } from './flask-debug.js';
import { hardcodedSecretKey } from './hardcoded-secret-key.js';
import type { Rule } from '../types.js';

export const WEB_RULES: readonly Rule[] = [
  flaskDebug,
  hardcodedSecretKey,
];
