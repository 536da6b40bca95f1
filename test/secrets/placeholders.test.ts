import { describe, expect, it } from 'vitest';
import { isChecksum, isPasswordHash, isPlaceholder, isRepeatedOrSequential, isUuid } from '../../src/secrets/placeholders.js';

describe('placeholder filters', () => {
  it.each([
    ['changeme'],
    ['CHANGE_ME'],
    ['change-this-secret'],
    ['xxx'],
    ['XXXXXXXXXXXX'],
    ['<your-token>'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell substitution is the value under test
    ['${DB_PASSWORD}'],
    ['$DB_PASSWORD'],
    ['%(password)s'],
    ['{{ vault_db_password }}'],
    ['{password}'],
    ['your-api-key'],
    ['YOUR_API_KEY_HERE'],
    ['example-secret'],
    ['dummy'],
    ['sample_token_value'],
    ['fake-key-123'],
    ['redacted'],
    ['********'],
    ['password'],
    ['vault:secret/data/app#token'],
    ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:app'],
    ['ENC[AES256_GCM,data:abc]'],
  ])('%s is a placeholder', (value) => {
    expect(isPlaceholder(value)).toBe(true);
  });

  it.each([['Tr0ub4dor-k3'], ['kraitFixture-Pw-12'], ['q8Vw2LmZ4xR7tK1pN6sD9fH3jB5cG0yA'], ['s3cr3t-but-real'], ['exemplary9Q']])(
    '%s is not a placeholder',
    (value) => {
      expect(isPlaceholder(value)).toBe(false);
    },
  );

  it('recognises runs of one character, of neighbours and of keyboard rows, but not a random value', () => {
    for (const v of ['aaaaaaaa', '00000000', '12345678', '87654321', 'abcdefgh', 'ababababab', 'qwerty123']) expect(isRepeatedOrSequential(v)).toBe(true);
    for (const v of ['a1b2c3d9', 'kraitFixture', '13572468']) expect(isRepeatedOrSequential(v)).toBe(false);
  });

  it('tells UUIDs from other hex values', () => {
    expect(isUuid('8c2f1a7e-3b9d-4e6f-a1c5-d7e9b0f3a2c4')).toBe(true);
    expect(isUuid('8c2f1a7e3b9d4e6fa1c5d7e9b0f3a2c4')).toBe(false);
  });

  it('recognises manifest checksums but leaves bare hex to the name it is bound to', () => {
    expect(isChecksum('sha256:86e504278e06911fc3ba490848a2b3079662d0ba86e504278e06911fc3ba4908')).toBe(true);
    expect(isChecksum('sha512-kFSzQcCnmtoVBxWdP6uxUwzBwHA1sYjM==')).toBe(true);
    expect(isChecksum('--hash=sha256:86e504278e06911fc3ba490848a2b307')).toBe(true);
    expect(isChecksum('86e504278e06911fc3ba490848a2b3079662d0ba')).toBe(false);
  });

  it('recognises hashed passwords', () => {
    expect(isPasswordHash('pbkdf2_sha256$600000$salt$Zm9vYmFy')).toBe(true);
    expect(isPasswordHash('$2b$12$kraitfixturekraitfixtureu8Zm9vYmFy')).toBe(true);
    expect(isPasswordHash('$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA')).toBe(true);
    expect(isPasswordHash('Tr0ub4dor-k3')).toBe(false);
  });
});
