import { djangoWeakPasswordHasher } from './django-weak-password-hasher.js';
import { ecbMode } from './ecb-mode.js';
import { fastPasswordHash } from './fast-password-hash.js';
import { insecureRandom } from './insecure-random.js';
import { staticIv } from './static-iv.js';
import { staticNonce } from './static-nonce.js';
import { weakCipher } from './weak-cipher.js';
import { weakCryptScheme } from './weak-crypt-scheme.js';
import { weakHash } from './weak-hash.js';
import { weakKeySize } from './weak-key-size.js';
import type { Rule } from '../types.js';

export const CRYPTO_RULES: readonly Rule[] = [
  weakHash,
  weakCipher,
  ecbMode,
  staticIv,
  staticNonce,
  weakKeySize,
  insecureRandom,
  fastPasswordHash,
  djangoWeakPasswordHasher,
  weakCryptScheme,
];
