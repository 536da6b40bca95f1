import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../../findings/types.js';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { stringPrefix } from '../../semantics/constants.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, excerpt } from '../helpers.js';
import { importsTestFramework, isTestPath } from '../../semantics/test-code.js';
import type { Rule } from '../types.js';
import { checkPattern } from './recheck.js';
import { type MatchMode, PY_FLAGS, translatePattern, Untranslatable } from './translate.js';

/** Functions taking a pattern first, with the position of their `flags` argument and how they match. */
const FUNCTIONS: ReadonlyMap<string, { flags: number; mode: MatchMode }> = new Map([
  ['compile', { flags: 1, mode: 'search' }],
  ['search', { flags: 2, mode: 'search' }],
  ['match', { flags: 2, mode: 'match' }],
  ['fullmatch', { flags: 2, mode: 'fullmatch' }],
  ['findall', { flags: 2, mode: 'search' }],
  ['finditer', { flags: 2, mode: 'search' }],
  ['split', { flags: 3, mode: 'search' }],
  ['sub', { flags: 4, mode: 'search' }],
  ['subn', { flags: 4, mode: 'search' }],
]);
const MODULES = ['re', 'regex'];
/**
 * Patterns with look-arounds or back-references go to recheck's fuzzer, which is slow and rarely conclusive on
 * long patterns: beyond this many characters and classes they are not analysed.
 */
const MAX_FUZZED_SIZE = 24;

/**
 * Syntax the third-party `regex` module gives a meaning that `re` does not (POSIX and nested sets, fuzzy
 * matching, recursion, branch reset, `\p{…}`, `\X`, `\m`, `\G`, `\K`, version and other extra flags): such
 * patterns are not translated for it.
 */
const REGEX_MODULE_ONLY = /\[\[|\[:|\{[eisd]\s*[<=]|\\[pPXmMGKLNQEhH]|\(\?(?:\||V\d|R\)|\d|[+-]\d|&|P>|\(DEFINE|[rfwbep])/;

const FLAG_NAMES: Record<string, number> = {
  I: PY_FLAGS.IGNORECASE,
  IGNORECASE: PY_FLAGS.IGNORECASE,
  L: PY_FLAGS.LOCALE,
  LOCALE: PY_FLAGS.LOCALE,
  M: PY_FLAGS.MULTILINE,
  MULTILINE: PY_FLAGS.MULTILINE,
  S: PY_FLAGS.DOTALL,
  DOTALL: PY_FLAGS.DOTALL,
  U: PY_FLAGS.UNICODE,
  UNICODE: PY_FLAGS.UNICODE,
  X: PY_FLAGS.VERBOSE,
  VERBOSE: PY_FLAGS.VERBOSE,
  A: PY_FLAGS.ASCII,
  ASCII: PY_FLAGS.ASCII,
  NOFLAG: 0,
  DEBUG: PY_FLAGS.DEBUG,
  T: PY_FLAGS.TEMPLATE,
  TEMPLATE: PY_FLAGS.TEMPLATE,
};

/** The value of a constant flags expression (`re.I | re.M`, `re.RegexFlag.VERBOSE`, `0`); undefined otherwise. */
function flagValue(node: Node, model: ModuleModel, depth = 0): number | undefined {
  if (depth > 12) return undefined;
  const n = unparen(node);
  if (n.type === 'integer') return /^\d+$/.test(n.text) ? Number(n.text) : undefined;
  if (n.type === 'binary_operator') {
    const op = n.childForFieldName('operator')?.type;
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    const a = l ? flagValue(l, model, depth + 1) : undefined;
    const b = r ? flagValue(r, model, depth + 1) : undefined;
    if (a === undefined || b === undefined) return undefined;
    return op === '|' || op === '+' ? a | b : undefined;
  }
  if (n.type === 'identifier' || n.type === 'attribute') {
    const q = model.qualifiedName(n);
    const m = q ? /^(?:re|regex)(?:\.RegexFlag)?\.([A-Z]+)$/.exec(q) : null;
    if (m) return FLAG_NAMES[m[1]];
    if (n.type === 'identifier') {
      const v = boundValue(n, model);
      return v.id !== n.id ? flagValue(v, model, depth + 1) : undefined;
    }
  }
  return undefined;
}

/** Whether a pattern expression is bytes (`rb"..."`), str, or cannot be told. */
function bytesPattern(node: Node, model: ModuleModel, depth = 0): boolean | undefined {
  if (depth > 12) return undefined;
  const n = boundValue(node, model);
  if (n.type === 'string') return stringPrefix(n).includes('b');
  if (n.type === 'concatenated_string') {
    const first = n.namedChildren.find((c) => c?.type === 'string');
    return first ? stringPrefix(first).includes('b') : undefined;
  }
  if (n.type === 'binary_operator') {
    const l = n.childForFieldName('left');
    return l ? bytesPattern(l, model, depth + 1) : undefined;
  }
  return undefined;
}

function shorten(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function numberOption(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

export const redos: Rule = {
  meta: {
    id: 'K950',
    name: 'regex-catastrophic-backtracking',
    summary: 'A literal regular expression whose matching time can explode on crafted input (ReDoS)',
    severity: 'medium',
    confidence: 'high',
    cwe: [1333],
    owasp: 'A04:2021-Insecure Design',
    sources: {},
    // Opt-in: recheck's pure-JS checker costs ~35 MB and ~1.8 s of CPU per thread before its first verdict
    // (loading and compiling its Scala.js code), and patterns with large Unicode classes often run into the
    // timeout. Since the pre-filter proves most nested repetitions unambiguous, only 4 patterns of the CPython
    // standard library reach it (20 before), but the start-up alone is ~15% of a default scan.
    defaultEnabled: false,
  },
  docs: {
    what:
      'Reports constant patterns given to `re.compile`, `search`, `match`, `fullmatch`, `findall`, ' +
      '`finditer`, `split`, `sub` and `subn` (and the same functions of the third-party `regex` module) when ' +
      'a backtracking matcher can take exponential time on some input. Each pattern is translated from ' +
      'Python\'s syntax to JavaScript\'s with the same meaning (Python\'s `\\w`, `\\d`, `\\s`, `.` and `$`, named ' +
      'groups and references, inline and scoped flags, verbose mode) and judged by `recheck`\'s automaton ' +
      'analysis, or by its fuzzer for look-arounds; the message shows the shape of an attack string. `match` and ' +
      '`fullmatch` are checked anchored, the others as searches.\n\n' +
      'Patterns that cannot be translated faithfully are skipped rather than guessed at: conditionals, atomic ' +
      'groups and possessive quantifiers, `\\N{...}`, LOCALE, some back-references (see the translator), ' +
      'non-constant flags; patterns with look-arounds or back-references longer than 24 characters and ' +
      'classes (the fuzzer rarely concludes on those). Only patterns with a repetition of something longer ' +
      'than one character are analysed, as only those can backtrack exponentially; each distinct pattern is analysed once per run, ' +
      'within the `timeout` option (a timeout gives no finding). Test code is not checked: its patterns see ' +
      'test data.\n\n' +
      'Polynomial backtracking (`\\s+$` searched over a long run of spaces is quadratic) is far more common and ' +
      'usually needs large inputs; it is reported, at low severity, only when the `polynomial-degree` option is ' +
      'set (to 2 for quadratic and worse, 3 for cubic and worse). Findings on the `regex` module have low ' +
      'confidence: it avoids some backtracking that `re` does.',
    why:
      'Python\'s `re` is a backtracking matcher. When a pattern lets the same characters be matched in many ' +
      'ways — `(a+)+`, `(\\w|\\d)*`, `(\\s*,?)*` — a string that almost matches forces it to try every way ' +
      'before failing: each extra character doubles the work, and thirty characters take minutes. Matching ' +
      'holds the GIL, so one request with such a string freezes the worker for everyone (CWE-1333). Rewrite ' +
      'the pattern so that each character can be consumed in only one way, or bound the input length before ' +
      'matching.',
    bad: 'import re\n\nSLUG = re.compile(r"^([a-z0-9]+-?)+$")\n',
    good: 'import re\n\nSLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")\n',
    references: [
      'https://cwe.mitre.org/data/definitions/1333.html',
      'https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS',
      'https://makenowjust-labs.github.io/recheck/',
      'https://docs.python.org/3/library/re.html',
    ],
  },
  options: {
    timeout: {
      type: 'number',
      default: 250,
      description: 'Milliseconds of analysis allowed per distinct pattern; a pattern that takes longer is not reported.',
    },
    'polynomial-degree': {
      type: 'number',
      default: 0,
      description: 'Also report polynomial backtracking of at least this degree (2 = quadratic); 0 reports only exponential backtracking.',
    },
  },
  textHint: /\bre\b|\bregex\b/,
  callees: MODULES.flatMap((m) => [...FUNCTIONS.keys()].map((f) => `${m}.${f}`)),
  call(call, ctx) {
    const model = ctx.model;
    if (isTestPath(model.relPath) || importsTestFramework(model)) return;
    const callee = call.callee ?? '';
    const dot = callee.lastIndexOf('.');
    const spec = FUNCTIONS.get(callee.slice(dot + 1));
    if (!spec) return;
    const patternNode = argument(call, 0, 'pattern');
    if (!patternNode) return;
    const pattern = model.constantString(patternNode);
    if (pattern === undefined) return;
    const bytes = bytesPattern(patternNode, model);
    if (bytes === undefined) return;
    if (callee.startsWith('regex.') && REGEX_MODULE_ONLY.test(pattern)) return;
    const flagsNode = argument(call, spec.flags, 'flags');
    const flags = flagsNode ? flagValue(flagsNode, model) : 0;
    if (flags === undefined) return;
    const degree = numberOption(ctx.options['polynomial-degree'], 0);
    let translation: ReturnType<typeof translatePattern>;
    try {
      translation = translatePattern(pattern, { bytes, flags, mode: spec.mode });
    } catch (err) {
      if (err instanceof Untranslatable) return;
      throw err;
    }
    const candidate = translation.nestedRepetition || (degree > 0 && translation.unbounded > 0);
    if (!candidate) return;
    if (translation.needsFuzzing && translation.size > MAX_FUZZED_SIZE) return;
    const verdict = checkPattern(translation.source, translation.flags, numberOption(ctx.options.timeout, 250));
    if (verdict.status !== 'vulnerable') return;
    // A bytes subject holds only \x00-\xff: an attack that needs other characters does not apply.
    const attackChars = [...(verdict.attackString ?? '')].map((c) => c.codePointAt(0) ?? 0);
    if (bytes && attackChars.some((c) => c > 0xff)) return;
    // Word boundaries were checked with ASCII semantics: the attack must be ASCII for the verdict to carry over.
    if (translation.asciiWitness && attackChars.some((c) => c > 0x7f)) return;
    const exponential = verdict.complexity === 'exponential';
    if (!exponential && (degree === 0 || (verdict.degree ?? 0) < degree)) return;
    const regexModule = callee.startsWith('regex.');
    const confidence: Confidence = regexModule ? 'low' : verdict.checker === 'fuzz' ? 'medium' : 'high';
    const shown = excerpt(patternNode, 50);
    const attack = shorten(verdict.attack ?? '', 70);
    const growth = exponential ? 'exponential' : `polynomial (degree ${verdict.degree})`;
    ctx.report({
      node: patternNode,
      message: `the pattern ${shown} can take ${growth} time to fail on input shaped like ${attack}: ${
        exponential ? 'a string of a few dozen characters' : 'a long enough string'
      } keeps the matcher busy for minutes; rewrite it so each character can be matched only one way (e.g. (a+)+ → a+), or bound the input length first`,
      severity: exponential ? 'medium' : 'low',
      confidence,
    });
  },
};
