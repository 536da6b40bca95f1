/**
 * Text hints, answered for every rule with one pass over the file.
 *
 * Rules declare a hint as a regular expression, and most are alternations of plain words
 * (`/pickle|dill|shelve/i`). Tested one by one, each hint that misses reads the whole file again: on the
 * standard library that was about 5% of the scan. Here every word of every literal hint goes into one
 * Aho–Corasick automaton, so a file is read once whatever the number of rules; a hint that is not a plain
 * alternation (character classes, `\b`, quantifiers) stays a regular expression.
 */
import type { Rule } from '../rules/types.js';

const SPECIAL = new Set([...'^$.*+?()[]{}|\\']);
/** Escapes that stand for the character itself. */
const LITERAL_ESCAPES = new Set([...'.*+?()[]{}|\\/^$-']);

/** The literal alternatives of a pattern, or undefined when any part is not a plain ASCII literal. */
export function literalAlternatives(source: string): string[] | undefined {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined || !LITERAL_ESCAPES.has(next)) return undefined;
      current += next;
      i++;
    } else if (c === '|') {
      if (current === '') return undefined;
      out.push(current);
      current = '';
    } else if (SPECIAL.has(c) || c.charCodeAt(0) >= 128) {
      return undefined;
    } else {
      current += c;
    }
  }
  if (current === '') return undefined;
  out.push(current);
  return out;
}

interface Word {
  text: string;
  caseSensitive: boolean;
}

/** How one rule's hint is answered: by words of the automaton, or by its own regular expression. */
type RuleHint = { words: number[] } | { regex: RegExp };

const ALPHABET = 128;

/**
 * The automaton runs over ASCII folded to lower case (any other character resets it, and no word contains
 * one); a case-sensitive word found that way is confirmed against the original text.
 */
export class HintScanner {
  private readonly words: Word[] = [];
  private readonly byRule = new Map<Rule, RuleHint>();
  private readonly goto: Int32Array;
  /** Per state, the words that end there (its own and those of its failure chain). */
  private readonly outputs: (number[] | undefined)[];

  constructor(rules: readonly Rule[]) {
    const index = new Map<string, number>();
    for (const rule of rules) {
      const hint = rule.textHint;
      if (!hint) continue;
      const flags = hint.flags.replace(/[gyd]/g, '');
      const literals = flags === '' || flags === 'i' ? literalAlternatives(hint.source) : undefined;
      if (!literals) {
        this.byRule.set(rule, { regex: new RegExp(hint.source, flags) });
        continue;
      }
      const ids = literals.map((text) => {
        const caseSensitive = flags !== 'i';
        const key = `${caseSensitive ? 's' : 'i'}:${text}`;
        let id = index.get(key);
        if (id === undefined) {
          id = this.words.length;
          this.words.push({ text, caseSensitive });
          index.set(key, id);
        }
        return id;
      });
      this.byRule.set(rule, { words: ids });
    }
    const built = buildAutomaton(this.words.map((w) => w.text.toLowerCase()));
    this.goto = built.goto;
    this.outputs = built.outputs;
  }

  /** Scans the text once; the returned function answers each rule's hint. */
  scan(text: string): (rule: Rule) => boolean {
    const found = this.words.length > 0 ? this.findWords(text) : new Uint8Array(0);
    return (rule) => {
      const hint = this.byRule.get(rule);
      if (!hint) return true;
      if ('regex' in hint) return hint.regex.test(text);
      return hint.words.some((w) => found[w] === 1);
    };
  }

  private findWords(text: string): Uint8Array {
    const found = new Uint8Array(this.words.length);
    const goto = this.goto;
    const outputs = this.outputs;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= ALPHABET) {
        state = 0;
        continue;
      }
      if (c >= 65 && c <= 90) c += 32;
      state = goto[state * ALPHABET + c];
      const out = outputs[state];
      if (out === undefined) continue;
      for (const w of out) {
        if (found[w] === 1) continue;
        const word = this.words[w];
        if (!word.caseSensitive || text.startsWith(word.text, i - word.text.length + 1)) found[w] = 1;
      }
    }
    return found;
  }
}

/** A dense Aho–Corasick automaton over lower-case ASCII: goto already follows failure links. */
function buildAutomaton(words: readonly string[]): { goto: Int32Array; outputs: (number[] | undefined)[] } {
  const trie: number[][] = [new Array(ALPHABET).fill(-1)];
  const ends: number[][] = [[]];
  words.forEach((word, id) => {
    let s = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (trie[s][c] === -1) {
        trie[s][c] = trie.length;
        trie.push(new Array(ALPHABET).fill(-1));
        ends.push([]);
      }
      s = trie[s][c];
    }
    ends[s].push(id);
  });
  const goto = new Int32Array(trie.length * ALPHABET);
  const fail = new Int32Array(trie.length);
  const outputs: (number[] | undefined)[] = new Array(trie.length).fill(undefined);
  const queue: number[] = [];
  for (let c = 0; c < ALPHABET; c++) {
    const next = trie[0][c];
    goto[c] = next === -1 ? 0 : next;
    if (next !== -1) queue.push(next);
  }
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head];
    const own = ends[s].concat(outputs[fail[s]] ?? []);
    outputs[s] = own.length > 0 ? own : undefined;
    for (let c = 0; c < ALPHABET; c++) {
      const next = trie[s][c];
      if (next === -1) {
        goto[s * ALPHABET + c] = goto[fail[s] * ALPHABET + c];
      } else {
        fail[next] = goto[fail[s] * ALPHABET + c];
        goto[s * ALPHABET + c] = next;
        queue.push(next);
      }
    }
  }
  return { goto, outputs };
}
