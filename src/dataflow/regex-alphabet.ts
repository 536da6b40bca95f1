/**
 * What a validating regular expression lets through: the characters a full match of a simple pattern can
 * contain, and from them the taint rules whose sinks need none of those characters to be attacked.
 */

const WORD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
const DIGITS = '0123456789';
const SPACE = ' \t\n\r\f\v';

/**
 * The characters a match can contain, or undefined when the pattern can match characters it does not list
 * (`.`, negated classes, `\S`…) or uses syntax this reader does not follow (back-references, lookarounds, flags).
 * `$` also matches before a trailing newline, so a pattern ending in `$` admits `\n`.
 */
export function regexAlphabet(pattern: string): Set<string> | undefined {
  const out = new Set<string>();
  const add = (chars: string) => {
    for (const c of chars) out.add(c);
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) return undefined;
      if (e === 'w') add(WORD);
      else if (e === 'd') add(DIGITS);
      else if (e === 's') add(SPACE);
      else if (e === 'A' || e === 'Z' || e === 'z') {
        // anchors
      } else if (/[A-Za-z0-9]/.test(e)) return undefined;
      else add(e);
      i += 2;
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end === undefined) return undefined;
      const chars = classChars(pattern.slice(i + 1, end));
      if (chars === undefined) return undefined;
      add(chars);
      i = end + 1;
    } else if (c === '(') {
      // Plain and non-capturing groups only (`(?:`, `(?P<name>`); lookarounds and inline flags change the meaning.
      if (pattern[i + 1] === '?') {
        if (pattern[i + 2] === ':') i += 3;
        else if (pattern[i + 2] === 'P' && pattern[i + 3] === '<') {
          const close = pattern.indexOf('>', i);
          if (close < 0) return undefined;
          i = close + 1;
        } else return undefined;
      } else i++;
    } else if (c === '$') {
      add('\n');
      i++;
    } else if (c === '.') return undefined;
    else if (c === '{') {
      const close = pattern.indexOf('}', i);
      if (close < 0 || !/^\{\d*(,\d*)?\}$/.test(pattern.slice(i, close + 1))) return undefined;
      i = close + 1;
    } else {
      if (!'^)|+*?'.includes(c)) add(c);
      i++;
    }
  }
  return out;
}

function classEnd(p: string, start: number): number | undefined {
  let i = start + 1;
  if (p[i] === ']') i++;
  while (i < p.length) {
    if (p[i] === '\\') i += 2;
    else if (p[i] === ']') return i;
    else i++;
  }
  return undefined;
}

function classChars(body: string): string | undefined {
  if (body.startsWith('^')) return undefined;
  let out = '';
  let i = 0;
  const one = (): string | undefined => {
    const c = body[i];
    if (c === '\\') {
      const e = body[i + 1];
      i += 2;
      if (e === 'w') return WORD;
      if (e === 'd') return DIGITS;
      if (e === 's') return SPACE;
      if (e === undefined || /[A-Za-z0-9]/.test(e)) return undefined;
      return e;
    }
    i++;
    return c;
  };
  while (i < body.length) {
    const a = one();
    if (a === undefined) return undefined;
    if (a.length === 1 && body[i] === '-' && i + 1 < body.length) {
      i++;
      const b = one();
      if (b === undefined || b.length !== 1 || b < a) return undefined;
      for (let code = a.charCodeAt(0); code <= b.charCodeAt(0); code++) out += String.fromCharCode(code);
    } else out += a;
  }
  return out;
}

/** Per taint rule, the characters an attack on its sink needs (rules absent here are never cleaned by a pattern). */
const DANGEROUS: Readonly<Record<string, string>> = {
  // Shell: separators, substitution, quoting, redirection, globbing, spaces (a new argument) and newlines.
  K702: ';&|`$()<>\'"\\ \t\n\r*?[]{}~!#',
  // Paths: separators and the dots of `..`.
  K705: '/\\.\0',
  K701: '\'";-\\ \t\n\r/*#',
  K706: '/\\:@.?#%',
  K707: '<>&"\'`',
  K709: '/\\:@.?#%',
  K710: '*()\\\0|&=!<>~',
  K711: '\'"[]()/@=<>*|',
  K712: '$.{}[]\'"\\',
  // XML: entities are declared in markup (`<!DOCTYPE`, `<!ENTITY`) and used as references (`&name;`).
  K713: '<&',
  K714: '<&',
  K716: '\r\n',
  K717: '\r\n',
  K718: '.^$*+?{}[]\\|()',
  // A session value is validated when a full match admits no markup, quoting, escapes or line structure.
  K719: '<>&"\'`\\\r\n\0;{}$%',
};

/** The taint rules a value is safe for once it fully matched a pattern with this alphabet. */
export function rulesSafeFor(alphabet: Set<string>): string[] {
  const out: string[] = [];
  for (const [rule, bad] of Object.entries(DANGEROUS)) {
    let safe = true;
    for (const c of bad) {
      if (alphabet.has(c)) {
        safe = false;
        break;
      }
    }
    if (safe) out.push(rule);
  }
  return out;
}
