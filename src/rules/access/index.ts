import { loginWithoutRateLimit } from './login-without-rate-limit.js';
import { massAssignment } from './mass-assignment.js';
import { objectAccessWithoutOwnership } from './object-access-without-ownership.js';
import { sensitiveDataExposure } from './sensitive-data-exposure.js';
import { unauthenticatedStateChange } from './unauthenticated-state-change.js';
import type { Rule } from '../types.js';

/** Access control and data exposure (K96x): routes, objects and fields as the whole application uses them. */
export const ACCESS_RULES: readonly Rule[] = [
  unauthenticatedStateChange,
  objectAccessWithoutOwnership,
  loginWithoutRateLimit,
  massAssignment,
  sensitiveDataExposure,
];
