import { assertGuard } from './assert-guard.js';
import { jwtUnverified } from './jwt-unverified.js';
import { secretComparison } from './secret-comparison.js';
import type { Rule } from '../types.js';

export const AUTH_RULES: readonly Rule[] = [
  assertGuard,
  jwtUnverified,
  secretComparison,
];
