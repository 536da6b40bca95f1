/** Shannon entropy of a string in bits per character: how unpredictable each character is given the others. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...value].length;
  let bits = 0;
  for (const c of counts.values()) {
    const p = c / n;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Character classes present: lower-case, upper-case, digits, other printable. */
export function characterClasses(value: string): number {
  return (/[a-z]/.test(value) ? 1 : 0) + (/[A-Z]/.test(value) ? 1 : 0) + (/[0-9]/.test(value) ? 1 : 0) + (/[^A-Za-z0-9]/.test(value) ? 1 : 0);
}

/**
 * True when a value looks machine-generated: long enough, no whitespace, several character classes, and
 * entropy close to what random text of its alphabet would have. Random hex of 32 characters scores about 3.7
 * bits per character and random base64 of 40 about 4.8; English words and identifiers score far lower.
 */
export function looksRandom(value: string): boolean {
  if (value.length < 16 || /\s/.test(value)) return false;
  const entropy = shannonEntropy(value);
  if (/^[0-9a-f]+$/i.test(value)) return value.length >= 20 && entropy >= 3.2 && /[0-9]/.test(value) && /[a-f]/i.test(value);
  if (characterClasses(value) < 2 || !/[0-9]/.test(value)) return false;
  return entropy >= (value.length >= 24 ? 3.8 : 3.4);
}
