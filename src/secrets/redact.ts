/**
 * Secrets never leave krait in full. A finding carries the spans of the secrets it is about; before any reporter
 * sees a finding, the engine masks those spans in every snippet of the file (so another rule's code frame of
 * the same line cannot show the secret either), in the line the fingerprint hashes, and in messages. Masking
 * keeps the first few characters and the length, one `*` per character, so columns and carets stay right.
 */
import { awsSecretKeys, findTokens, type TextSpan } from './detect.js';

/** Characters shown: at most four, and never more than a quarter of the secret (a short password stays hidden). */
export function previewLength(length: number): number {
  return Math.min(4, Math.floor(length / 4));
}

/** The text with every span masked: the preview kept, other characters (line breaks excepted) replaced by `*`. */
export function maskSpans(text: string, spans: readonly TextSpan[]): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of sorted) {
    const start = Math.max(s.start, at);
    if (s.end <= start) continue;
    out += text.slice(at, start);
    const secret = Array.from(text.slice(s.start, s.end));
    const keep = start === s.start ? previewLength(secret.length) : 0;
    let i = 0;
    for (const ch of Array.from(text.slice(start, s.end))) {
      out += i < keep || ch === '\n' || ch === '\r' ? ch : '*';
      i++;
    }
    at = s.end;
  }
  return out + text.slice(at);
}

/** How a message names a secret: its preview and length, e.g. "`ghp_…` (40 characters)". */
export function describeSecret(secret: string): string {
  const chars = Array.from(secret);
  const shown = chars.slice(0, previewLength(chars.length)).join('');
  return `\`${shown}…\` (${chars.length} characters)`;
}

/** A message with any full secret it happens to contain masked (a guard: rules build messages from previews). */
export function redactMessage(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of secrets) {
    if (s.length < 4 || !out.includes(s)) continue;
    out = out.split(s).join(maskSpans(s, [{ start: 0, end: s.length }]));
  }
  return out;
}

/**
 * When several rules report the same secret (a GitHub token assigned to `SECRET_KEY` is a provider token, a
 * framework key and a random value bound to a secret name), the most specific finding stands: the provider
 * format, then the framework key (K502), then an account's password (K608), then the name-based rules. Rules not listed are never dropped.
 */
const PRECEDENCE = ['K601', 'K602', 'K606', 'K603', 'K502', 'K608', 'K604', 'K605'];

function overlaps(a: readonly TextSpan[], b: readonly TextSpan[]): boolean {
  return a.some((x) => b.some((y) => x.start < y.end && y.start < x.end));
}

/** Drops the findings whose secret another, more specific rule already reports. */
export function dropShadowedSecrets<T>(items: readonly T[], ruleOf: (item: T) => string, secretsOf: (item: T) => readonly TextSpan[] | undefined): T[] {
  const ranked = items.filter((i) => (secretsOf(i)?.length ?? 0) > 0 && PRECEDENCE.includes(ruleOf(i)));
  if (ranked.length < 2) return [...items];
  const dropped = new Set<T>();
  for (const item of ranked) {
    const rank = PRECEDENCE.indexOf(ruleOf(item));
    const spans = secretsOf(item) ?? [];
    if (ranked.some((other) => other !== item && PRECEDENCE.indexOf(ruleOf(other)) < rank && overlaps(spans, secretsOf(other) ?? []))) dropped.add(item);
  }
  return items.filter((i) => !dropped.has(i));
}

/**
 * `text` with every secret recognisable from the text alone masked (preview and length kept): provider tokens,
 * private keys, JWTs, credential URLs, an AWS secret key beside its key id. Every output passes its strings
 * through this (src/report/mask.ts), and so does anything else written to disk, such as a baseline.
 */
export function maskSecrets(text: string): string {
  if (text.length < 8) return text;
  const tokens = findTokens(text);
  const spans = [...tokens, ...awsSecretKeys(text, tokens, [])].map((h) => h.secret);
  return spans.length === 0 ? text : maskSpans(text, spans);
}
