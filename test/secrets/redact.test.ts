import { describe, expect, it } from 'vitest';
import { describeSecret, dropShadowedSecrets, maskSpans, previewLength, redactMessage } from '../../src/secrets/redact.js';

describe('redaction', () => {
  it('shows at most four characters, and never more than a quarter of the secret', () => {
    expect(previewLength(40)).toBe(4);
    expect(previewLength(16)).toBe(4);
    expect(previewLength(8)).toBe(2);
    expect(previewLength(3)).toBe(0);
  });

  it('masks a span character for character, so columns stay where they were', () => {
    const text = 'token = "ghp_abcdefghijklmnop1234567890ABCDEFGH"  # x';
    const start = text.indexOf('ghp_');
    const end = text.indexOf('"', start);
    const masked = maskSpans(text, [{ start, end }]);
    expect(masked).toBe(`token = "ghp_${'*'.repeat(end - start - 4)}"  # x`);
    expect(masked.length).toBe(text.length);
  });

  it('keeps line breaks inside a masked block, so a multi-line key keeps its line numbers', () => {
    const text = 'K = """-----BEGIN\nABCDEFGH\nIJKL\n"""';
    const start = text.indexOf('-----');
    const end = text.indexOf('\n"""');
    const masked = maskSpans(text, [{ start, end }]);
    expect(masked.split('\n')).toHaveLength(text.split('\n').length);
    expect(masked).not.toContain('ABCDEFGH');
    expect(masked).toContain('K = """----');
  });

  it('masks overlapping spans once', () => {
    const masked = maskSpans('abcdefghijklmnop', [
      { start: 0, end: 16 },
      { start: 4, end: 8 },
    ]);
    expect(masked).toBe(`abcd${'*'.repeat(12)}`);
  });

  it('describes a secret by its preview and length only', () => {
    expect(describeSecret('sk_live_KRAITFIXTUREeEogxx9jROpM')).toBe('`sk_l…` (32 characters)');
    expect(describeSecret('hunter22')).toBe('`hu…` (8 characters)');
  });

  it('masks a full secret that a message would repeat', () => {
    expect(redactMessage('value kraitFixture-Pw-12 is bad', ['kraitFixture-Pw-12'])).toBe(`value krai${'*'.repeat(14)} is bad`);
  });

  it('keeps the most specific finding of one secret, and never drops rules outside the secret ranking', () => {
    const span = [{ start: 10, end: 50 }];
    const items = [
      { id: 'K605', s: span },
      { id: 'K502', s: span },
      { id: 'K601', s: [{ start: 12, end: 40 }] },
      { id: 'K930', s: span },
      { id: 'K604', s: [{ start: 60, end: 70 }] },
    ];
    const kept = dropShadowedSecrets(items, (i) => i.id, (i) => i.s).map((i) => i.id);
    expect(kept).toEqual(['K601', 'K930', 'K604']);
  });
});
