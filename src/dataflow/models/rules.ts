/**
 * The taint rules as the engine sees them: bit positions for sanitizer masks, which ones accept process
 * inputs (argv, environment, stdin, files) as sources, and which pattern rules report the same sinks (the
 * taint finding replaces theirs when both fire on one line).
 */
export const TAINT_RULE_IDS = [
  'K701', 'K702', 'K703', 'K704', 'K705', 'K706', 'K707', 'K708', 'K709', 'K710',
  'K711', 'K712', 'K713', 'K714', 'K715', 'K716', 'K717', 'K718', 'K719', 'K720',
] as const;

export type TaintRuleId = (typeof TAINT_RULE_IDS)[number];

export function ruleBit(id: string): number {
  const i = (TAINT_RULE_IDS as readonly string[]).indexOf(id);
  return i < 0 ? 0 : 1 << i;
}

export const ALL_RULE_BITS = (1 << TAINT_RULE_IDS.length) - 1;

export function ruleBits(ids: readonly string[]): number {
  let bits = 0;
  for (const id of ids) bits |= ruleBit(id);
  return bits;
}

/**
 * Process inputs count for sinks where a local user choosing the value is still a vulnerability (running a
 * command, evaluating code, building SQL, unpickling); a CLI opening the path it was given is normal.
 */
export const PROCESS_INPUT_RULES: ReadonlySet<string> = new Set(['K701', 'K702', 'K703', 'K704', 'K708', 'K715']);

/** Insecure randomness as data flow: its only sources are predictable values (kind `random`). */
export const RANDOMNESS_RULE = 'K720';

/** Pattern rule → the taint rule that covers the same sink. */
export const PATTERN_OVERLAP: Readonly<Record<string, string>> = {
  K120: 'K701',
  K121: 'K701',
  K122: 'K701',
  K110: 'K702',
  K111: 'K702',
  K112: 'K702',
  K113: 'K702',
  K114: 'K702',
  K102: 'K703',
  K101: 'K704',
  K913: 'K705',
  K516: 'K705',
  K413: 'K706',
  K132: 'K707',
  K133: 'K707',
  K134: 'K708',
  K211: 'K713',
  K212: 'K713',
  K210: 'K714',
  K201: 'K715',
  K202: 'K715',
  K203: 'K715',
  K204: 'K715',
  K307: 'K720',
};
