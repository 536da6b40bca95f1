/**
 * Translation of Python `re` patterns to JavaScript `RegExp` source with the same matching behaviour, so that a
 * JavaScript ReDoS checker can judge them. Anything without a faithful equivalent is refused (`Untranslatable`),
 * never approximated: a refused pattern produces no finding.
 *
 * What is translated, and how:
 * - character categories follow Python's definitions, not JavaScript's: in Unicode mode (the default for str
 *   patterns) `\w` is `[\p{L}\p{N}_]`, `\d` is `\p{Nd}`, `\s` is the exact set of `str.isspace()`; in ASCII
 *   mode (`re.ASCII`, bytes patterns) they are the ASCII sets;
 * - word boundaries `\b`/`\B` in Unicode mode are JavaScript's ASCII ones, which agree with Python's on ASCII
 *   text: the result says so (`asciiWitness`) and a finding needs an ASCII attack string;
 * - `.` is `[^\n]` (Python excludes only the newline) or any character with DOTALL;
 * - `^`/`$` follow Python: `$` also matches before a final newline, MULTILINE anchors see only `\n`; `\A` and
 *   `\Z` are the input anchors;
 * - `(?P<name>…)` → `(?<name>…)`, `(?P=name)` → `\k<name>`, `(?#…)` comments dropped, verbose mode (`(?x)`,
 *   `re.X`) whitespace and comments stripped, `{,n}` → `{0,n}`, a `{` that is not a quantifier is a literal;
 * - global inline flags at the start (`(?i)`), scoped flags (`(?s:…)`, `(?-m:…)`) except a scoped change of
 *   IGNORECASE, which JavaScript cannot scope.
 *
 * Refused: conditionals `(?(1)…)`, atomic groups and possessive quantifiers (Python 3.11+), `\N{…}`, LOCALE,
 * a negated category inside a class in Unicode mode (`[\W\d]`), backreferences to a group that may not have
 * taken part in the match or sits in a repetition (JavaScript and Python differ there), IGNORECASE in ASCII
 * mode with non-ASCII characters in the pattern, astral characters in ASCII mode, and invalid patterns.
 */

export class Untranslatable extends Error {}

/** Python `re` flag bits. */
export const PY_FLAGS = { TEMPLATE: 1, IGNORECASE: 2, LOCALE: 4, MULTILINE: 8, DOTALL: 16, UNICODE: 32, VERBOSE: 64, DEBUG: 128, ASCII: 256 } as const;

export type MatchMode = 'search' | 'match' | 'fullmatch';

export interface Translation {
  source: string;
  flags: string;
  /** A repetition (max ≥ 2) of something that is more than one character: the shape exponential backtracking needs. */
  nestedRepetition: boolean;
  /** Number of unbounded repetitions: polynomial backtracking needs at least one. */
  unbounded: number;
  /**
   * True when the translation agrees with Python only on ASCII subjects (word boundaries in Unicode mode): a
   * verdict of "vulnerable" then holds only if the attack string is ASCII.
   */
  asciiWitness: boolean;
  /** True when the pattern has look-arounds or back-references, which only the slower fuzzing checker handles. */
  needsFuzzing: boolean;
  /** Characters, classes and assertions in the pattern: a measure of how costly it is to analyse. */
  size: number;
}

interface Scope {
  dotall: boolean;
  multiline: boolean;
  verbose: boolean;
  ascii: boolean;
}

type Re =
  | { t: 'seq'; items: Re[] }
  | { t: 'alt'; alts: Re[] }
  | { t: 'group'; kind: 'cap' | 'noncap'; name?: string; index?: number; body: Re }
  | { t: 'look'; kind: '=' | '!' | '<=' | '<!'; body: Re }
  | { t: 'quant'; min: number; max: number; lazy: boolean; body: Re }
  /** A single character or character class (`js` is its JavaScript spelling). */
  | { t: 'char'; js: string }
  /** A zero-width assertion whose spelling does not depend on its position. */
  | { t: 'assert'; js: string }
  /** Python's `$` without MULTILINE: its spelling depends on what may follow it. */
  | { t: 'dollar' }
  | { t: 'backref'; index: number; name?: string };

const WHITESPACE_VERBOSE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);
/** Python's `str.isspace()` set, as the content of a JavaScript class. */
const UNICODE_SPACE = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const ASCII_SPACE = '\\t-\\r ';
const UNICODE_WORD = '\\p{L}\\p{N}_';
const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);
const CLASS_SYNTAX = new Set(['\\', ']', '[', '^', '-']);

function hex(cp: number, width: number): string {
  return cp.toString(16).padStart(width, '0');
}

class Translator {
  private readonly cps: string[];
  private pos = 0;
  private groupCount = 0;
  private readonly groupNames = new Map<string, number>();
  private readonly unicode: boolean;
  private readonly ignoreCase: boolean;
  private backrefCount = 0;
  private asciiWitness = false;
  /** True once a literal character or range has upper/lower case forms: only then does IGNORECASE matter. */
  private cased = false;

  constructor(
    pattern: string,
    private readonly bytes: boolean,
    private scope: Scope,
    ignoreCase: boolean,
  ) {
    this.cps = Array.from(pattern);
    this.unicode = !bytes && !scope.ascii;
    this.ignoreCase = ignoreCase;
  }

  static run(pattern: string, bytes: boolean, pyFlags: number, mode: MatchMode): Translation {
    if (pyFlags & (PY_FLAGS.LOCALE | PY_FLAGS.TEMPLATE | PY_FLAGS.DEBUG)) throw new Untranslatable('LOCALE, TEMPLATE or DEBUG flag');
    if (bytes && pyFlags & PY_FLAGS.UNICODE) throw new Untranslatable('UNICODE flag on a bytes pattern');
    if (pyFlags & PY_FLAGS.UNICODE && pyFlags & PY_FLAGS.ASCII) throw new Untranslatable('ASCII and UNICODE together');
    let flags = pyFlags;
    // Global inline flags must lead the pattern (Python 3.11+ refuses them anywhere else).
    const lead = /^(?:\(\?([aiLmsux]+)\))+/.exec(pattern);
    let body = pattern;
    if (lead) {
      for (const m of lead[0].matchAll(/\(\?([aiLmsux]+)\)/g)) {
        for (const c of m[1]) flags |= { a: PY_FLAGS.ASCII, i: PY_FLAGS.IGNORECASE, L: PY_FLAGS.LOCALE, m: PY_FLAGS.MULTILINE, s: PY_FLAGS.DOTALL, u: PY_FLAGS.UNICODE, x: PY_FLAGS.VERBOSE }[c] ?? 0;
      }
      if (flags & PY_FLAGS.LOCALE || (bytes && flags & PY_FLAGS.UNICODE) || (flags & PY_FLAGS.UNICODE && flags & PY_FLAGS.ASCII)) throw new Untranslatable('inline flags');
      body = pattern.slice(lead[0].length);
    }
    const scope: Scope = {
      dotall: (flags & PY_FLAGS.DOTALL) !== 0,
      multiline: (flags & PY_FLAGS.MULTILINE) !== 0,
      verbose: (flags & PY_FLAGS.VERBOSE) !== 0,
      ascii: (flags & PY_FLAGS.ASCII) !== 0,
    };
    const t = new Translator(body, bytes, scope, (flags & PY_FLAGS.IGNORECASE) !== 0);
    const tree = t.parseAlternation();
    if (t.pos < t.cps.length) throw new Untranslatable('unbalanced parenthesis');
    if (t.backrefCount > 0) checkBackrefs(tree);
    let source = t.emit(tree, mode === 'fullmatch' ? 'end' : 'tail');
    if (mode === 'match') source = `^(?:${source})`;
    else if (mode === 'fullmatch') source = `^(?:${source})$`;
    // Categories and letter classes are closed under case folding: IGNORECASE changes nothing without a cased
    // literal, and leaving it out spares the checker from folding large Unicode classes.
    const jsFlags = `${t.ignoreCase && t.cased ? 'i' : ''}${t.unicode ? 'u' : ''}`;
    return {
      source,
      flags: jsFlags,
      nestedRepetition: nestedRepetition(tree, jsFlags),
      unbounded: countUnbounded(tree),
      asciiWitness: t.asciiWitness,
      needsFuzzing: /\(\?<?[=!]/.test(source) || t.backrefCount > 0,
      size: atomCount(tree),
    };
  }

  // ---- reading --------------------------------------------------------------------------------------------

  private peek(offset = 0): string | undefined {
    return this.cps[this.pos + offset];
  }

  private next(): string {
    const c = this.cps[this.pos++];
    if (c === undefined) throw new Untranslatable('unexpected end of pattern');
    return c;
  }

  private eat(s: string): boolean {
    const chars = Array.from(s);
    for (let i = 0; i < chars.length; i++) if (this.cps[this.pos + i] !== chars[i]) return false;
    this.pos += chars.length;
    return true;
  }

  /** Verbose mode: whitespace and `#` comments between tokens are not part of the pattern. */
  private skipVerbose(): void {
    if (!this.scope.verbose) return;
    for (;;) {
      const c = this.peek();
      if (c !== undefined && WHITESPACE_VERBOSE.has(c)) {
        this.pos++;
      } else if (c === '#') {
        while (this.peek() !== undefined && this.peek() !== '\n') this.pos++;
      } else {
        return;
      }
    }
  }

  // ---- parsing --------------------------------------------------------------------------------------------

  private parseAlternation(): Re {
    const alts: Re[] = [this.parseSequence()];
    while (this.peek() === '|') {
      this.pos++;
      alts.push(this.parseSequence());
    }
    return alts.length === 1 ? alts[0] : { t: 'alt', alts };
  }

  private parseSequence(): Re {
    const items: Re[] = [];
    for (;;) {
      this.skipVerbose();
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') break;
      if (c === '*' || c === '+' || c === '?' || (c === '{' && this.quantifierAhead())) {
        const last = items.pop();
        if (!last || last.t === 'assert' || last.t === 'dollar' || last.t === 'look' || last.t === 'quant') throw new Untranslatable('nothing to repeat');
        items.push(this.parseQuantifier(last));
        continue;
      }
      const atom = this.parseAtom();
      if (atom) items.push(atom);
    }
    return items.length === 1 ? items[0] : { t: 'seq', items };
  }

  /** True when `{` starts `{m}`, `{m,}`, `{,n}` or `{m,n}` (otherwise Python reads a literal brace). */
  private quantifierAhead(): boolean {
    let i = this.pos + 1;
    let digits = 0;
    while (/\d/.test(this.cps[i] ?? '')) {
      i++;
      digits++;
    }
    if (this.cps[i] === '}') return digits > 0;
    if (this.cps[i] !== ',') return false;
    i++;
    while (/\d/.test(this.cps[i] ?? '')) i++;
    return this.cps[i] === '}';
  }

  private parseQuantifier(body: Re): Re {
    const c = this.next();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (c === '+') [min, max] = [1, Number.POSITIVE_INFINITY];
    else if (c === '?') [min, max] = [0, 1];
    else {
      let lo = '';
      let hi = '';
      while (/\d/.test(this.peek() ?? '')) lo += this.next();
      let comma = false;
      if (this.peek() === ',') {
        this.pos++;
        comma = true;
        while (/\d/.test(this.peek() ?? '')) hi += this.next();
      }
      this.next(); // '}'
      min = lo === '' ? 0 : Number(lo);
      max = comma ? (hi === '' ? Number.POSITIVE_INFINITY : Number(hi)) : min;
      if (max < min) throw new Untranslatable('min repeat greater than max repeat');
      if (min > 65535 || (Number.isFinite(max) && max > 65535)) throw new Untranslatable('repeat count too large');
    }
    let lazy = false;
    if (this.peek() === '?') {
      this.pos++;
      lazy = true;
    } else if (this.peek() === '+') {
      throw new Untranslatable('possessive quantifier');
    }
    const q: Re = { t: 'quant', min, max, lazy, body };
    this.skipVerbose();
    const after = this.peek();
    if (after === '*' || after === '+' || after === '?' || (after === '{' && this.quantifierAhead())) throw new Untranslatable('multiple repeat');
    return q;
  }

  private parseAtom(): Re | undefined {
    const c = this.next();
    switch (c) {
      case '(':
        return this.parseGroup();
      case '[':
        return { t: 'char', js: this.parseClass() };
      case '.':
        return { t: 'char', js: this.scope.dotall ? '[\\s\\S]' : '[^\\n]' };
      case '^':
        return { t: 'assert', js: this.scope.multiline ? '(?<![^\\n])' : '^' };
      case '$':
        return this.scope.multiline ? { t: 'assert', js: '(?![^\\n])' } : { t: 'dollar' };
      case '\\':
        return this.parseEscape();
      default:
        return { t: 'char', js: this.literal(c, false) };
    }
  }

  private parseGroup(): Re | undefined {
    if (this.peek() !== '?') {
      const index = ++this.groupCount;
      const body = this.parseGroupBody();
      return { t: 'group', kind: 'cap', index, body };
    }
    this.pos++;
    if (this.eat('P<')) {
      let name = '';
      while (this.peek() !== undefined && this.peek() !== '>') name += this.next();
      this.next();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || this.groupNames.has(name)) throw new Untranslatable('group name');
      const index = ++this.groupCount;
      this.groupNames.set(name, index);
      const body = this.parseGroupBody();
      return { t: 'group', kind: 'cap', name, index, body };
    }
    if (this.eat('P=')) {
      let name = '';
      while (this.peek() !== undefined && this.peek() !== ')') name += this.next();
      this.next();
      const index = this.groupNames.get(name);
      if (index === undefined) throw new Untranslatable('unknown group name');
      this.backrefCount++;
      return { t: 'backref', index, name };
    }
    if (this.eat('#')) {
      while (this.peek() !== undefined && this.peek() !== ')') this.pos++;
      this.next();
      return undefined;
    }
    if (this.eat(':')) return { t: 'group', kind: 'noncap', body: this.parseGroupBody() };
    for (const kind of ['=', '!', '<=', '<!'] as const) {
      if (!this.eat(kind)) continue;
      const body = this.parseGroupBody();
      // Python accepts only fixed-width look-behinds; JavaScript accepts any, so check here.
      if ((kind === '<=' || kind === '<!') && fixedWidth(body) === undefined) throw new Untranslatable('look-behind requires fixed-width pattern');
      return { t: 'look', kind, body };
    }
    // Scoped flags: (?flags:...), (?flags-flags:...), (?-flags:...).
    const m = /^([aimsux]*)(?:-([imsx]+))?:/.exec(this.cps.slice(this.pos, this.pos + 16).join(''));
    if (m && (m[1] || m[2])) {
      this.pos += m[0].length;
      const on = m[1];
      const off = m[2] ?? '';
      if ((on.includes('i') && !this.ignoreCase) || (off.includes('i') && this.ignoreCase)) throw new Untranslatable('scoped IGNORECASE');
      if (on.includes('u') && this.bytes) throw new Untranslatable('UNICODE flag on bytes');
      if ((on.includes('a') && this.unicode) || (on.includes('u') && !this.unicode)) throw new Untranslatable('scoped ASCII/UNICODE');
      const saved = this.scope;
      this.scope = {
        dotall: on.includes('s') ? true : off.includes('s') ? false : saved.dotall,
        multiline: on.includes('m') ? true : off.includes('m') ? false : saved.multiline,
        verbose: on.includes('x') ? true : off.includes('x') ? false : saved.verbose,
        ascii: saved.ascii,
      };
      try {
        return { t: 'group', kind: 'noncap', body: this.parseGroupBody() };
      } finally {
        this.scope = saved;
      }
    }
    throw new Untranslatable(`unsupported group (?${this.peek() ?? ''}`);
  }

  private parseGroupBody(): Re {
    const body = this.parseAlternation();
    if (this.peek() !== ')') throw new Untranslatable('missing )');
    this.pos++;
    return body;
  }

  /** Category escapes outside a class. */
  private category(c: string): string | undefined {
    const u = this.unicode;
    switch (c) {
      case 'd':
        return u ? '\\p{Nd}' : '\\d';
      case 'D':
        return u ? '\\P{Nd}' : '\\D';
      case 'w':
        return u ? `[${UNICODE_WORD}]` : '\\w';
      case 'W':
        return u ? `[^${UNICODE_WORD}]` : '\\W';
      case 's':
        return `[${u ? UNICODE_SPACE : ASCII_SPACE}]`;
      case 'S':
        return `[^${u ? UNICODE_SPACE : ASCII_SPACE}]`;
      default:
        return undefined;
    }
  }

  /** Category escapes inside a class, as class content. */
  private classCategory(c: string): string | undefined {
    const u = this.unicode;
    switch (c) {
      case 'd':
        return u ? '\\p{Nd}' : '\\d';
      case 'D':
        return u ? '\\P{Nd}' : '\\D';
      case 'w':
        return u ? UNICODE_WORD : '\\w';
      case 'W':
        if (u) throw new Untranslatable('\\W inside a class in Unicode mode');
        return '\\W';
      case 's':
        return u ? UNICODE_SPACE : ASCII_SPACE;
      case 'S':
        throw new Untranslatable('\\S inside a class');
      default:
        return undefined;
    }
  }

  private parseEscape(): Re {
    const c = this.next();
    const cat = this.category(c);
    if (cat) return { t: 'char', js: cat };
    switch (c) {
      case 'A':
        return { t: 'assert', js: '^' };
      case 'Z':
        return { t: 'assert', js: '$' };
      case 'b':
      case 'B':
        // JavaScript's boundaries know only ASCII word characters. In Unicode mode they agree with Python's on
        // ASCII text, so the checker's verdict stands only if its attack string is ASCII (see `asciiWitness`).
        if (this.unicode) this.asciiWitness = true;
        return { t: 'assert', js: `\\${c}` };
      default:
        break;
    }
    if (/[1-9]/.test(c)) {
      // Octal escape when three octal digits follow the backslash, else a group reference.
      const d1 = this.peek();
      const d2 = this.peek(1);
      if (c <= '3' && d1 !== undefined && d2 !== undefined && /[0-7]/.test(c) && /[0-7]/.test(d1) && /[0-7]/.test(d2)) {
        this.pos += 2;
        return { t: 'char', js: this.literal(String.fromCodePoint(Number.parseInt(c + d1 + d2, 8)), false) };
      }
      let digits = c;
      if (d1 !== undefined && /\d/.test(d1)) {
        digits += d1;
        this.pos++;
      }
      const index = Number(digits);
      if (index > this.groupCount) throw new Untranslatable('invalid group reference');
      this.backrefCount++;
      return { t: 'backref', index };
    }
    return { t: 'char', js: this.literal(this.escapedChar(c, false), false) };
  }

  /** The character an escape (other than categories and references) stands for. */
  private escapedChar(c: string, inClass: boolean): string {
    switch (c) {
      case 'a':
        return '\x07';
      case 'b':
        if (inClass) return '\b';
        break;
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case 'x':
        return this.hexEscape(2);
      case 'u':
        if (this.bytes) throw new Untranslatable('\\u in a bytes pattern');
        return this.hexEscape(4);
      case 'U':
        if (this.bytes) throw new Untranslatable('\\U in a bytes pattern');
        return this.hexEscape(8);
      case 'N':
        throw new Untranslatable('\\N{...}');
      case '0': {
        let digits = '';
        while (digits.length < 2 && /[0-7]/.test(this.peek() ?? '')) digits += this.next();
        return String.fromCodePoint(Number.parseInt(`0${digits}`, 8));
      }
      default:
        break;
    }
    if (inClass && /[1-7]/.test(c)) {
      let digits = c;
      while (digits.length < 3 && /[0-7]/.test(this.peek() ?? '')) digits += this.next();
      const v = Number.parseInt(digits, 8);
      if (v > 0o377) throw new Untranslatable('octal escape out of range');
      return String.fromCodePoint(v);
    }
    if (/[A-Za-z0-9]/.test(c)) throw new Untranslatable(`bad escape \\${c}`);
    return c;
  }

  private hexEscape(width: number): string {
    let digits = '';
    for (let i = 0; i < width; i++) {
      const d = this.next();
      if (!/[0-9a-fA-F]/.test(d)) throw new Untranslatable('bad hex escape');
      digits += d;
    }
    const v = Number.parseInt(digits, 16);
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new Untranslatable('code point out of range or surrogate');
    return String.fromCodePoint(v);
  }

  /** JavaScript spelling of one literal character, escaped as its position requires. */
  private literal(ch: string, inClass: boolean): string {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch.toLowerCase() !== ch || ch.toUpperCase() !== ch) this.cased = true;
    if (cp > 0xffff) {
      if (!this.unicode) throw new Untranslatable('astral character in ASCII mode');
      return `\\u{${cp.toString(16)}}`;
    }
    if (cp > 0x7f && this.ignoreCase && !this.unicode) throw new Untranslatable('IGNORECASE with non-ASCII characters in ASCII mode');
    if (cp > 0x7f && this.bytes && cp > 0xff) throw new Untranslatable('non-byte character in a bytes pattern');
    if ((inClass ? CLASS_SYNTAX : SYNTAX).has(ch)) return `\\${ch}`;
    if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
    if (cp > 0x7e) return cp <= 0xff ? `\\x${hex(cp, 2)}` : `\\u${hex(cp, 4)}`;
    return ch;
  }

  /** A character class, after its `[`. */
  private parseClass(): string {
    let negate = false;
    if (this.peek() === '^') {
      this.pos++;
      negate = true;
    }
    let out = '';
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new Untranslatable('unterminated character set');
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      const start = this.classItem();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.pos++;
        const end = this.classItem();
        if (start.set || end.set) throw new Untranslatable('bad character range');
        const a = start.ch?.codePointAt(0) ?? 0;
        const b = end.ch?.codePointAt(0) ?? 0;
        if (b < a) throw new Untranslatable('bad character range');
        // A range is cased if it reaches letters: ASCII ones, or anything from Latin-1 on.
        if ((a <= 0x7a && b >= 0x41) || b >= 0xb5) this.cased = true;
        out += `${this.literal(start.ch as string, true)}-${this.literal(end.ch as string, true)}`;
      } else {
        out += start.set ?? this.literal(start.ch as string, true);
      }
    }
    return `[${negate ? '^' : ''}${out}]`;
  }

  private classItem(): { ch?: string; set?: string } {
    const c = this.next();
    if (c !== '\\') return { ch: c };
    const e = this.next();
    const set = this.classCategory(e);
    if (set !== undefined) return { set };
    if (e === 'A' || e === 'Z' || e === 'B') throw new Untranslatable('bad escape in a class');
    return { ch: this.escapedChar(e, true) };
  }

  // ---- checks and emission -------------------------------------------------------------------------------

  emit(re: Re, position: 'tail' | 'end' | 'inner'): string {
    switch (re.t) {
      case 'seq':
        return re.items.map((item, i) => this.emit(item, i === re.items.length - 1 ? position : 'inner')).join('');
      case 'alt':
        return re.alts.map((a) => this.emit(a, position)).join('|');
      case 'group': {
        const body = this.emit(re.body, position);
        if (re.kind === 'noncap') return `(?:${body})`;
        return re.name ? `(?<${re.name}>${body})` : `(${body})`;
      }
      case 'look':
        // Inside a lookahead only success matters, so a tail `$` may consume the final newline there too.
        return `(?${re.kind}${this.emit(re.body, re.kind === '=' || re.kind === '!' ? 'tail' : 'inner')})`;
      case 'quant': {
        const body = this.emit(re.body, 'inner');
        const wrapped = re.body.t === 'char' || re.body.t === 'group' || re.body.t === 'backref' ? body : `(?:${body})`;
        const q =
          re.min === 0 && re.max === Number.POSITIVE_INFINITY
            ? '*'
            : re.min === 1 && re.max === Number.POSITIVE_INFINITY
              ? '+'
              : re.min === 0 && re.max === 1
                ? '?'
                : re.max === Number.POSITIVE_INFINITY
                  ? `{${re.min},}`
                  : re.min === re.max
                    ? `{${re.min}}`
                    : `{${re.min},${re.max}}`;
        return `${wrapped}${q}${re.lazy ? '?' : ''}`;
      }
      case 'char':
      case 'assert':
        return re.js;
      case 'dollar':
        // Python's `$` also matches before a newline that ends the string. At the very end of a search or match
        // pattern, consuming that newline is equivalent; under fullmatch the string must end there anyway;
        // elsewhere it is a lookahead.
        return position === 'tail' ? '(?:\\n?$)' : position === 'end' ? '$' : '(?=\\n?$)';
      case 'backref':
        // Grouped, so that a digit after it is not read as part of the group number.
        return re.name ? `\\k<${re.name}>` : `(?:\\${re.index})`;
    }
  }
}

/** The number of characters a pattern always matches, or undefined when it varies (or contains a reference). */
function fixedWidth(re: Re): number | undefined {
  switch (re.t) {
    case 'seq': {
      let n = 0;
      for (const i of re.items) {
        const w = fixedWidth(i);
        if (w === undefined) return undefined;
        n += w;
      }
      return n;
    }
    case 'alt': {
      const widths = re.alts.map(fixedWidth);
      return widths.every((w) => w !== undefined && w === widths[0]) ? widths[0] : undefined;
    }
    case 'group':
      return fixedWidth(re.body);
    case 'quant': {
      const w = fixedWidth(re.body);
      return w !== undefined && re.min === re.max ? w * re.min : undefined;
    }
    case 'char':
      return 1;
    case 'assert':
    case 'dollar':
    case 'look':
      return 0;
    case 'backref':
      return undefined;
  }
}

/**
 * JavaScript clears a group's capture at each iteration of a repetition around it and lets a reference to a group
 * that did not take part (or is still open) match the empty string; Python keeps the last capture and fails the
 * reference. References are translated only to closed groups outside any repetition or alternative.
 */
function checkBackrefs(tree: Re): void {
  const unstable = new Set<number>();
  const open: number[] = [];
  const walk = (re: Re, shaky: boolean): void => {
    switch (re.t) {
      case 'seq':
        for (const i of re.items) walk(i, shaky);
        return;
      case 'alt':
        for (const a of re.alts) walk(a, true);
        return;
      case 'group':
        if (re.index !== undefined && shaky) unstable.add(re.index);
        if (re.index !== undefined) open.push(re.index);
        walk(re.body, shaky);
        if (re.index !== undefined) open.pop();
        return;
      case 'look':
        walk(re.body, true);
        return;
      case 'quant':
        walk(re.body, true);
        return;
      case 'backref':
        if (unstable.has(re.index) || open.includes(re.index)) throw new Untranslatable('backreference to a group that may not match once');
        return;
      default:
        return;
    }
  };
  walk(tree, false);
}

/**
 * True when some repetition (max ≥ 2) applies to something that could be matched, or split into iterations, in
 * more than one way: the shape exponential backtracking needs. Not for a single character or class (`a+`), a
 * fixed run of them (`(\\\\)*`, `(\.\d\d)+`), or alternatives of such runs that start with distinct literal
 * characters (`(a|bc|d\d)*`): each of these consumes a given string in exactly one way.
 */
function nestedRepetition(re: Re, flags: string): boolean {
  switch (re.t) {
    case 'seq':
      return re.items.some((i) => nestedRepetition(i, flags));
    case 'alt':
      return re.alts.some((a) => nestedRepetition(a, flags));
    case 'group':
    case 'look':
      return nestedRepetition(re.body, flags);
    case 'quant':
      if (re.max >= 2 && !uniquelyIterable(re.body, flags)) return true;
      return nestedRepetition(re.body, flags);
    default:
      return false;
  }
}

function stripGroups(re: Re): Re {
  let n = re;
  while (n.t === 'group') n = n.body;
  return n;
}

/** The atoms of a run of single characters (assertions aside), or undefined if it has anything else. */
function charRun(re: Re): Re[] | undefined {
  const n = stripGroups(re);
  const items = n.t === 'seq' ? n.items.map(stripGroups) : [n];
  const atoms: Re[] = [];
  for (const i of items) {
    if (i.t === 'char') atoms.push(i);
    else if (i.t === 'quant' && i.min === i.max && stripGroups(i.body).t === 'char') for (let k = 0; k < i.min; k++) atoms.push(stripGroups(i.body));
    else if (i.t !== 'assert' && i.t !== 'dollar') return undefined;
  }
  return atoms.length > 0 ? atoms : undefined;
}

const CONTROL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', '0': '\0' };

/** The character a literal atom stands for, undefined for classes and anything unusual. */
function literalChar(re: Re): string | undefined {
  if (re.t !== 'char') return undefined;
  const js = re.js;
  if (js.length === 1) return js === '.' || js === '^' || js === '$' ? undefined : js;
  const hex = /^\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4}))$/.exec(js);
  if (hex) return String.fromCharCode(Number.parseInt(hex[1] ?? hex[2], 16));
  if (js.length !== 2 || js[0] !== '\\') return undefined;
  const c = js[1];
  if (c in CONTROL_ESCAPES) return CONTROL_ESCAPES[c];
  return /[A-Za-z1-9]/.test(c) ? undefined : c;
}

const atomPatterns = new Map<string, RegExp>();

/** Whether a single-character atom matches the character `c`, asked of JavaScript's own engine. */
function atomMatches(atom: Re, c: string, flags: string): boolean {
  if (atom.t !== 'char') return true;
  const key = `${flags}/${atom.js}`;
  let re = atomPatterns.get(key);
  if (!re) {
    re = new RegExp(`^(?:${atom.js})$`, flags);
    atomPatterns.set(key, re);
  }
  return re.test(c);
}

/**
 * True when a repetition's body splits a string into iterations in exactly one way, so repeating it cannot
 * backtrack exponentially: a fixed run of characters (`(\.\d\d)+` in JavaScript spelling); a run led by a
 * literal that nothing after it in the body can match, with at most one variable part (`(\.[a-z_]\w*)*`:
 * every iteration starts at a dot and the rest cannot cross one); or alternatives of fixed runs whose first
 * characters exclude each other (`(a|bc|d\d)*`, `(?:[^"\\]|\\.)*`).
 */
function uniquelyIterable(body: Re, flags: string): boolean {
  if (charRun(body)) return true;
  const n = stripGroups(body);
  const alts = n.t === 'alt' ? n.alts : [n];
  // Each alternative: a fixed run, or a run led by a literal (then its variable part must not reach any lead).
  const leads: { atom: Re; char: string }[] = [];
  let open: Re | undefined;
  const delimited: Re[][] = [];
  for (const a of alts) {
    const run = charRun(a);
    if (run) {
      const char = literalChar(run[0]);
      if (char === undefined) {
        // One alternative may start with a class, as long as it matches none of the others' first characters.
        if (open || alts.length === 1) return false;
        open = run[0];
        continue;
      }
      if (leads.some((l) => atomMatches(l.atom, char, flags) || atomMatches(run[0], l.char, flags))) return false;
      leads.push({ atom: run[0], char });
      continue;
    }
    const tail = delimitedTail(a);
    if (!tail) return false;
    if (leads.some((l) => atomMatches(l.atom, tail.char, flags) || atomMatches(tail.lead, l.char, flags))) return false;
    leads.push({ atom: tail.lead, char: tail.char });
    delimited.push(tail.after);
  }
  const cls = open;
  if (cls && leads.some((l) => atomMatches(cls, l.char, flags))) return false;
  // A variable part that can match a lead could end an iteration in more than one place.
  return delimited.every((after) => after.every((atom) => leads.every((l) => !atomMatches(atom, l.char, flags))));
}

/**
 * A run led by a literal character, with single-character atoms and at most one variable repetition after it
 * (`\.[a-z_]\w*`); look-arounds only restrict, so they are skipped. Returns the lead and the atoms from the
 * variable one on: the ones that decide where an iteration ends.
 */
function delimitedTail(re: Re): { lead: Re; char: string; after: Re[] } | undefined {
  const n = stripGroups(re);
  if (n.t !== 'seq') return undefined;
  const items = n.items.map(stripGroups).filter((i) => i.t !== 'look' && i.t !== 'assert' && i.t !== 'dollar');
  const lead = items[0];
  const char = lead ? literalChar(lead) : undefined;
  if (!lead || char === undefined) return undefined;
  const after: Re[] = [];
  let variable = false;
  for (const i of items.slice(1)) {
    let atom: Re;
    if (i.t === 'char') atom = i;
    else if (i.t === 'quant' && stripGroups(i.body).t === 'char') {
      atom = stripGroups(i.body);
      if (i.min !== i.max) {
        if (variable) return undefined;
        variable = true;
      }
    } else return undefined;
    if (variable) after.push(atom);
  }
  return { lead, char, after };
}

function atomCount(re: Re): number {
  switch (re.t) {
    case 'seq':
      return re.items.reduce((n, i) => n + atomCount(i), 0);
    case 'alt':
      return re.alts.reduce((n, a) => n + atomCount(a), 0);
    case 'group':
    case 'look':
    case 'quant':
      return atomCount(re.body);
    default:
      return 1;
  }
}

function countUnbounded(re: Re): number {
  switch (re.t) {
    case 'seq':
      return re.items.reduce((n, i) => n + countUnbounded(i), 0);
    case 'alt':
      return re.alts.reduce((n, a) => n + countUnbounded(a), 0);
    case 'group':
    case 'look':
      return countUnbounded(re.body);
    case 'quant':
      return (re.max === Number.POSITIVE_INFINITY ? 1 : 0) + countUnbounded(re.body);
    default:
      return 0;
  }
}

/** Translates a Python pattern (the string value, escapes already decoded by the string literal). */
export function translatePattern(pattern: string, options: { bytes: boolean; flags: number; mode: MatchMode }): Translation {
  return Translator.run(pattern, options.bytes, options.flags, options.mode);
}
