import type { Rule } from '../types.js';
import { accountPassword } from './account-password.js';
import { credentialInUrl } from './credential-in-url.js';
import { hardcodedJwt } from './hardcoded-jwt.js';
import { hardcodedPassword } from './hardcoded-password.js';
import { highEntropySecret } from './high-entropy-secret.js';
import { jwtLiteralKey } from './jwt-literal-key.js';
import { privateKey } from './private-key.js';
import { providerToken } from './provider-token.js';

/**
 * Hardcoded secrets. The detectors live in src/secrets (token formats, placeholders, entropy, names); these
 * rules only pick their kind of hit and word the message. One secret is reported once: see src/secrets/redact.ts.
 * Their confidence in test code is the detectors' own call (a live key in a test is still a leak), so the engine's
 * test-code step leaves them alone.
 */
export const SECRET_RULES: readonly Rule[] = [providerToken, privateKey, credentialInUrl, hardcodedPassword, highEntropySecret, hardcodedJwt, jwtLiteralKey, accountPassword].map(
  (rule) => ({ ...rule, testCode: 'kept' as const }),
);
