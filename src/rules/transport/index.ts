import { tlsVerifyDisabled } from './tls-verify-disabled.js';
import type { Rule } from '../types.js';

export const TRANSPORT_RULES: readonly Rule[] = [
  tlsVerifyDisabled,
];
