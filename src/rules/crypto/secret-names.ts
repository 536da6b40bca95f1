import { nameWords } from './shared.js';

/** Words that name a secret on their own. Plurals are left out: `tokens`, `passwords` usually hold data sets. */
const SECRET_WORDS = new Set([
  'token',
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'pw',
  'passcode',
  'secret',
  'salt',
  'nonce',
  'otp',
  'totp',
  'hotp',
  'pincode',
  'csrf',
  'xsrf',
  'iv',
  'apikey',
  'sessionid',
  'sessid',
  'sessionkey',
  'privkey',
  'seckey',
  'credential',
  'credentials',
  'mfa',
  'twofa',
]);

/** Two-word names that name a secret (`api_key`, `session_id`, `reset_code`); `key` and `code` alone do not. */
const SECRET_PAIRS = new Set([
  'api key',
  'secret key',
  'private key',
  'priv key',
  'signing key',
  'encryption key',
  'enc key',
  'crypto key',
  'aes key',
  'hmac key',
  'master key',
  'session key',
  'session id',
  'access key',
  'auth key',
  'license key',
  'activation key',
  'activation code',
  'reset code',
  'reset key',
  'verification code',
  'verify code',
  'confirmation code',
  'confirm code',
  'auth code',
  'access code',
  'security code',
  'sms code',
  'otp code',
  'login code',
  'mfa code',
  'invite code',
  'invitation code',
  'recovery code',
  'backup code',
  'unlock code',
  'one time',
  'pin code',
  'pin number',
  'user pin',
  'card pin',
]);

/**
 * Words that make the name describe something about a secret rather than the secret itself: `token_count`,
 * `password_length`, `max_tokens`, `token_id` (a vocabulary index), `pin_memory` (PyTorch).
 */
const QUALIFIERS = new Set([
  'count',
  'len',
  'length',
  'size',
  'num',
  'max',
  'min',
  'limit',
  'index',
  'idx',
  'id',
  'ids',
  'type',
  'kind',
  'ttl',
  'expiry',
  'expires',
  'expire',
  'expiration',
  'timeout',
  'delay',
  'interval',
  'retries',
  'retry',
  'attempts',
  'memory',
  'field',
  'label',
  'prompt',
  'policy',
  'column',
  'name',
  'pos',
  'position',
  'offset',
  'width',
  'prob',
  'probability',
  'rate',
  'ratio',
  'chance',
  'threshold',
  'score',
  'bucket',
  'shard',
  'mask',
  'weight',
  'dropout',
  'strength',
  'hint',
  'hash',
  'hashed',
  'digest',
]);

/** `secret_number`, `secret_word`: the hidden value of a guessing game, not a credential. */
const GAME_NOUNS = new Set(['number', 'num', 'word', 'guess', 'card', 'letter', 'item', 'color', 'colour', 'animal', 'city', 'move', 'choice']);

export interface SecretNameOptions {
  /** Leave out `token` (language-model code names vocabulary items "tokens"). */
  ignoreToken?: boolean;
}

/**
 * The secret a name stands for (`csrf_token` → "token", `api_key` → "api key"), or undefined when the name
 * does not name a secret or describes a property of one (`token_length`, `max_tokens`, `secret_number`).
 */
export function secretWord(name: string, options: SecretNameOptions = {}): string | undefined {
  const words = nameWords(name);
  if (words.length === 0) return undefined;
  for (let i = 0; i + 1 < words.length; i++) {
    const pair = `${words[i]} ${words[i + 1]}`;
    if (SECRET_PAIRS.has(pair)) {
      const rest = [...words.slice(0, i), ...words.slice(i + 2)];
      return rest.some((w) => QUALIFIERS.has(w)) ? undefined : pair;
    }
  }
  if (words.some((w) => QUALIFIERS.has(w))) return undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!SECRET_WORDS.has(w)) continue;
    if (w === 'token' && options.ignoreToken) continue;
    if (w === 'secret' && (GAME_NOUNS.has(words[i + 1] ?? '') || GAME_NOUNS.has(words[i - 1] ?? ''))) continue;
    return w;
  }
  return undefined;
}

const PASSWORD_WORDS = new Set(['password', 'passwd', 'passphrase', 'pwd', 'pw', 'passcode', 'pword']);
const NOT_PASSWORD = new Set(['salt', 'policy', 'reset', 'token', 'expired', 'changed']);

/** True when a name stands for a password (`password`, `new_pwd`, `userPassword`), not a property of one. */
export function isPasswordName(name: string): boolean {
  const words = nameWords(name);
  if (words.some((w) => QUALIFIERS.has(w) || NOT_PASSWORD.has(w))) return false;
  if (words.some((w) => PASSWORD_WORDS.has(w))) return true;
  // `pass` alone is a keyword; as the last word of a longer name it is a password (`db_pass`, `smtp_pass`),
  // elsewhere it is not (`pass_through`).
  return words.length > 1 && words[words.length - 1] === 'pass';
}
