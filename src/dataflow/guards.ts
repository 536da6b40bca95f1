/** What a condition proves about the values it checks: membership, equality, validators, containment checks. */
import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../semantics/module.js';
import { unparen } from '../syntax/nodes.js';
import { constantTruth, identifiersIn, isRealpathCall, keyOf, literalValue, named } from './expressions.js';
import { ALL_RULE_BITS, ruleBit, ruleBits } from './models/rules.js';
import { GUARD_CALLS, GUARD_METHODS, NUMERIC_TYPES } from './models/sanitizers.js';
import { parameterNames } from './route-detection.js';
import type { Taint } from './types.js';
import { EMPTY, sanitize, type State } from './taint-values.js';
import { AnalysisState } from './analysis-state.js';
import { regexAlphabet, rulesSafeFor } from './regex-alphabet.js';

/** Conditions that can be guards at all (membership, equality, prefix checks, validators): others skip the work. */
export const MAY_GUARD = /\bin\b|==|!=|startswith|commonpath|match|search|is_relative_to|\.is\w+\(|url_has_allowed_host_and_scheme|is_safe_url|check_for_language|isinstance/;

/** Facts a condition proves: keys clean (for rule bits) when it holds, and when it does not. Never mutated. */
export interface Guards {
  whenTrue: [string, number][];
  whenFalse: [string, number][];
}

export const NO_GUARDS: Guards = { whenTrue: [], whenFalse: [] };

/** Conditions and what they prove: guards, allow-lists, validators of this module. */
export abstract class GuardAnalysis extends AnalysisState {
  protected guards(cond: Node): Guards {
    const c = unparen(cond);
    if (c.type === 'identifier') return this.guardVars.get(c.text) ?? NO_GUARDS;
    if (this.guardVars.size === 0 && !MAY_GUARD.test(c.text) && !this.mentionsValidator(c.text)) return NO_GUARDS;
    if (c.type === 'not_operator') {
      const inner = c.childForFieldName('argument');
      if (!inner) return { whenTrue: [], whenFalse: [] };
      const g = this.guards(inner);
      return { whenTrue: g.whenFalse, whenFalse: g.whenTrue };
    }
    if (c.type === 'boolean_operator') {
      const op = c.childForFieldName('operator')?.text;
      const l = c.childForFieldName('left');
      const r = c.childForFieldName('right');
      const gl = l ? this.guards(l) : { whenTrue: [], whenFalse: [] };
      const gr = r ? this.guards(r) : { whenTrue: [], whenFalse: [] };
      // `a and b` is false when either is: a key is clean then only if it is clean both ways. A false `a`
      // that is (or contains, through `or`) the key itself leaves the key empty, which is clean too.
      if (op === 'and') return { whenTrue: [...gl.whenTrue, ...gr.whenTrue], whenFalse: bothFacts(withFalsy(l, gl.whenFalse), gr.whenFalse) };
      return { whenTrue: bothFacts(gl.whenTrue, gr.whenTrue), whenFalse: [...gl.whenFalse, ...gr.whenFalse] };
    }
    if (c.type === 'comparison_operator') {
      const parts = named(c);
      const ops = c.children.filter((x) => x && !x.isNamed).map((x) => x?.type);
      if (parts.length === 2 && (ops[0] === 'in' || ops[0] === 'not in' || (ops[0] === 'not' && ops[1] === 'in'))) {
        const key = keyOf(parts[0]);
        if (key && this.isConstantCollection(parts[1])) {
          const fact: [string, number][] = [[key, ALL_RULE_BITS]];
          return ops[0] === 'in' && ops.length === 1 ? { whenTrue: fact, whenFalse: [] } : { whenTrue: [], whenFalse: fact };
        }
      }
      // `re.fullmatch(P, x) is None` is the negation of the match.
      if (parts.length === 2 && unparen(parts[1]).type === 'none' && (ops[0] === 'is' || ops[0] === 'is not')) {
        const g = this.guards(parts[0]);
        return ops[0] === 'is' && ops.length === 1 ? { whenTrue: g.whenFalse, whenFalse: g.whenTrue } : g;
      }
      if (parts.length === 2 && (ops[0] === '==' || ops[0] === '!=')) {
        // `os.path.commonpath([base, resolved]) == base`: the resolved path lies under base.
        const contained = this.commonpathFacts(parts[0]) ?? this.commonpathFacts(parts[1]);
        if (contained) return ops[0] === '==' ? { whenTrue: contained, whenFalse: [] } : { whenTrue: [], whenFalse: contained };
      }
      if (parts.length === 2 && ops[0] === '==' ) {
        const key = keyOf(parts[0]);
        if (key && this.model.isConstant(parts[1])) return { whenTrue: [[key, ALL_RULE_BITS]], whenFalse: [] };
      }
      return { whenTrue: [], whenFalse: [] };
    }
    if (c.type === 'call') {
      const fn = c.childForFieldName('function');
      const args = c.childForFieldName('arguments');
      const argList = args ? named(args) : [];
      if (!fn) return { whenTrue: [], whenFalse: [] };
      if (fn.type === 'attribute') {
        const method = fn.childForFieldName('attribute')?.text ?? '';
        const obj = fn.childForFieldName('object');
        if (obj && GUARD_METHODS.has(method)) {
          const key = keyOf(obj);
          return { whenTrue: key ? [[key, ALL_RULE_BITS]] : [], whenFalse: [] };
        }
        if (obj && (method === 'startswith' || method === 'is_relative_to')) {
          const bit = ruleBit('K705');
          const o = unparen(obj);
          if (o.type === 'identifier' && this.realpathVars.has(o.text)) return { whenTrue: [[o.text, bit]], whenFalse: [] };
          if (o.type === 'call' && isRealpathCall(this.model, o)) {
            const keys = identifiersIn(o).map((k): [string, number] => [k, bit]);
            return { whenTrue: keys, whenFalse: [] };
          }
        }
      }
      const q = this.model.qualifiedName(fn);
      const matched = this.regexGuard(fn, q, argList);
      if (matched) return matched;
      const row = q ? GUARD_CALLS[q] : undefined;
      if (row) {
        const checked = argList.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === row.arg)?.childForFieldName('value') ?? (argList[0]?.type !== 'keyword_argument' ? argList[0] : undefined);
        const key = checked ? keyOf(checked) : undefined;
        if (key) return { whenTrue: [[key, row.rules ? ruleBits(row.rules) : ALL_RULE_BITS]], whenFalse: [] };
      }
      // A validator defined in this module (`def is_safe(url): return url_has_allowed_host_and_scheme(url, …)`).
      const proved = q ? this.validator(q) : undefined;
      if (proved) {
        const whenTrue: [string, number][] = [];
        for (const [i, bits] of proved) {
          const params = this.validatorParams.get(q as string) ?? [];
          const arg = argList.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === params[i])?.childForFieldName('value') ?? (argList[i]?.type !== 'keyword_argument' ? argList[i] : undefined);
          const key = arg ? keyOf(arg) : undefined;
          if (key) whenTrue.push([key, bits]);
        }
        if (whenTrue.length > 0) return { whenTrue, whenFalse: [] };
      }
      // `isinstance(n, (int, float))`: a number carries no attacker-chosen text.
      if (q === 'isinstance' && argList.length === 2) {
        const key = keyOf(argList[0]);
        const t = unparen(argList[1]);
        const types = t.type === 'tuple' ? named(t) : [t];
        if (key && types.length > 0 && types.every((x) => NUMERIC_TYPES.has(this.model.qualifiedName(x) ?? x.text))) return { whenTrue: [[key, ALL_RULE_BITS]], whenFalse: [] };
      }
    }
    return { whenTrue: [], whenFalse: [] };
  }

  /**
   * `re.fullmatch(P, x)` (or `match`/`search` anchored at both ends, or the same methods of `re.compile(P)`): a
   * true result proves `x` holds only the characters `P` admits, which cleans it for the sinks none of those
   * characters can attack (`[A-Za-z0-9_]+` for a shell argument or a path segment; never `.*`).
   */
  private regexGuard(fn: Node, q: string | undefined, args: Node[]): Guards | undefined {
    let kind: string | undefined;
    let pattern: Node | undefined;
    let subject: Node | undefined;
    let flags: Node | undefined;
    const positional = args.filter((a) => a.type !== 'keyword_argument');
    const keyword = (name: string) => args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)?.childForFieldName('value') ?? undefined;
    if (q === 're.fullmatch' || q === 're.match' || q === 're.search') {
      kind = q.slice(3);
      pattern = positional[0] ?? keyword('pattern');
      subject = positional[1] ?? keyword('string');
      flags = positional[2] ?? keyword('flags');
    } else if (fn.type === 'attribute') {
      const method = fn.childForFieldName('attribute')?.text ?? '';
      if (method !== 'fullmatch' && method !== 'match' && method !== 'search') return undefined;
      let compiled = fn.childForFieldName('object');
      if (compiled?.type === 'identifier') {
        const b = this.model.lookup(compiled.text, compiled.startIndex);
        compiled = b?.kind === 'assign' && b.value ? unparen(b.value) : null;
      }
      if (compiled?.type !== 'call' || this.model.qualifiedName(compiled.childForFieldName('function') ?? compiled) !== 're.compile') return undefined;
      const cargs = compiled.childForFieldName('arguments');
      const cpos = cargs ? named(cargs) : [];
      kind = method;
      pattern = cpos[0];
      flags = cpos[1];
      subject = positional[0] ?? keyword('string');
    }
    if (!kind || !pattern || !subject) return undefined;
    const text = this.model.constantString(pattern);
    const key = keyOf(subject);
    if (text === undefined || !key) return undefined;
    // Multi-line, dot-all and verbose modes change what the anchors and the pattern mean.
    if (flags && /M|S|X|MULTILINE|DOTALL|VERBOSE/.test(flags.text.replace(/re\.(I|IGNORECASE|A|ASCII|U|UNICODE)\b/g, ''))) return undefined;
    const endAnchored = /(\\Z|\\z|\$)$/.test(text);
    const startAnchored = /^(\^|\\A)/.test(text);
    if (kind === 'match' && !endAnchored) return undefined;
    if (kind === 'search' && !(startAnchored && endAnchored)) return undefined;
    const alphabet = regexAlphabet(text);
    if (!alphabet) return undefined;
    if (flags && /\bI\b|IGNORECASE/.test(flags.text)) for (const c of [...alphabet]) alphabet.add(c.toLowerCase()).add(c.toUpperCase());
    const rules = rulesSafeFor(alphabet);
    return rules.length > 0 ? { whenTrue: [[key, ruleBits(rules)]], whenFalse: [] } : undefined;
  }

  /** The resolved paths a `commonpath([...])` call compares (names bound to a realpath, or realpath calls). */
  private commonpathFacts(node: Node): [string, number][] | undefined {
    const c = unparen(node);
    if (c.type !== 'call') return undefined;
    const fn = c.childForFieldName('function');
    const q = fn ? this.model.qualifiedName(fn) : undefined;
    if (q !== 'os.path.commonpath' && q !== 'posixpath.commonpath') return undefined;
    const args = c.childForFieldName('arguments');
    const list = args ? named(args)[0] : undefined;
    const items = list && (unparen(list).type === 'list' || unparen(list).type === 'tuple') ? named(unparen(list)) : [];
    const bit = ruleBit('K705');
    const out: [string, number][] = [];
    for (const item of items) {
      const i = unparen(item);
      if (i.type === 'identifier' && this.realpathVars.has(i.text)) out.push([i.text, bit]);
      else if (i.type === 'call' && isRealpathCall(this.model, i)) for (const k of identifiersIn(i)) out.push([k, bit]);
    }
    return out.length > 0 ? out : undefined;
  }

  protected readonly validatorParams = new Map<string, string[]>();

  /** Whether a condition calls one of this module's validators (a cheap text test before the guard work). */
  protected mentionsValidator(text: string): boolean {
    for (const m of text.matchAll(CALLED_NAME)) if (this.isValidatorName(m[1])) return true;
    return false;
  }

  /**
   * Whether a module-level function of this name looks like a validator: every `return` is a condition or a
   * constant. Asked per name a condition calls, so the bodies of the module's other functions are never walked.
   */
  protected isValidatorName(name: string): boolean {
    let verdicts = validatorNamesByModel.get(this.model);
    if (!verdicts) {
      verdicts = new Map();
      validatorNamesByModel.set(this.model, verdicts);
    }
    let verdict = verdicts.get(name);
    if (verdict === undefined) {
      verdict = false;
      for (const fn of this.model.functions) {
        if (verdict || fn.name !== name || fn.scope.parent?.kind !== 'module') continue;
        const returns = ownReturns(fn.node);
        verdict =
          returns.length > 0 &&
          returns.every((r) => {
            const v = named(r)[0];
            return v !== undefined && VALIDATOR_RETURNS.has(unparen(v).type);
          });
      }
      verdicts.set(name, verdict);
    }
    return verdict;
  }

  /**
   * For a validator of this module: parameter index → rules its truthy result proves the argument clean for
   * (every return that can be truthy is a guard on that parameter; checks spread over several statements are
   * not followed).
   */
  protected validator(q: string): Map<number, number> | undefined {
    let cache = validatorsByModel.get(this.model);
    if (!cache) {
      cache = new Map();
      validatorsByModel.set(this.model, cache);
    }
    if (cache.has(q)) return cache.get(q) ?? undefined;
    cache.set(q, null);
    const fn = this.model.functions.find((f) => f.qualname === q && f.scope.parent?.kind === 'module');
    if (!fn || !this.isValidatorName(fn.name)) return undefined;
    const params = parameterNames(fn.node);
    this.validatorParams.set(q, params);
    let proved: [string, number][] | undefined;
    const savedVars = new Map(this.guardVars);
    this.guardVars.clear();
    try {
      for (const r of ownReturns(fn.node)) {
        const v = named(r)[0];
        if (!v || constantTruth(this.model, v) === false) continue;
        const facts = constantTruth(this.model, v) === true ? [] : this.guards(v).whenTrue.filter(([k]) => params.includes(k));
        proved = proved === undefined ? facts : bothFacts(proved, facts);
        if (proved.length === 0) break;
      }
    } finally {
      for (const [k, g] of savedVars) this.guardVars.set(k, g);
    }
    if (!proved || proved.length === 0) return undefined;
    const out = new Map<number, number>();
    for (const [k, bits] of proved) out.set(params.indexOf(k), (out.get(params.indexOf(k)) ?? 0) | bits);
    cache.set(q, out);
    return out;
  }

  /**
   * A condition's value when it folds to a constant (literals, and names bound only to constants where they are
   * read) and no name it reads carries data in this walk (a loop may bring a later value back).
   */
  protected foldedTruth(cond: Node): boolean | undefined {
    const v = constantTruth(this.model, cond);
    return v === undefined || this.readsTaint(cond) ? undefined : v;
  }

  /** The value an expression folds to, under the same proviso as `foldedTruth`. */
  protected foldedValue(node: Node): string | number | undefined {
    const v = literalValue(this.model, node);
    return v === undefined || this.readsTaint(node) ? undefined : v;
  }

  private readsTaint(node: Node): boolean {
    if (node.type === 'identifier') return (this.state.get(node.text)?.length ?? 0) > 0;
    return node.descendantsOfType('identifier').some((id) => id !== null && (this.state.get(id.text)?.length ?? 0) > 0);
  }

  protected applyGuards(state: State, facts: [string, number][]): State {
    if (facts.length === 0) return state;
    const out = new Map(state);
    for (const [key, bits] of facts) {
      const t = out.get(key) ?? this.readKey(key);
      out.set(key, sanitize(t, bits));
    }
    return out;
  }

  protected readKey(key: string): Taint {
    const t = this.state.get(key);
    if (t) return t;
    return EMPTY;
  }

  protected isConstantCollection(node: Node): boolean {
    const n = unparen(node);
    if (['list', 'tuple', 'set', 'dictionary'].includes(n.type)) return named(n).every((e) => this.model.isConstant(e.type === 'pair' ? (e.childForFieldName('key') ?? e) : e));
    if (n.type === 'call') {
      const fn = n.childForFieldName('function')?.text;
      const args = n.childForFieldName('arguments');
      const inner = args ? named(args)[0] : undefined;
      return (fn === 'frozenset' || fn === 'set' || fn === 'tuple') && inner !== undefined && this.isConstantCollection(inner);
    }
    if (n.type === 'identifier' || n.type === 'attribute') {
      if (this.state.has(n.text) && (this.state.get(n.text)?.length ?? 0) > 0) return false;
      const b = n.type === 'identifier' ? this.model.lookup(n.text, n.startIndex) : undefined;
      if (b?.kind === 'assign' && b.value) return this.isConstantCollection(b.value);
      // An upper-case name imported or defined elsewhere is a settings constant (ALLOWED_HOSTS).
      return /^[A-Z][A-Z0-9_]*$/.test(n.text.split('.').pop() ?? '');
    }
    return false;
  }
}

/** Facts that hold on both sides of a disjunction: the keys in both, for the rules cleaned in both. */
export function bothFacts(a: [string, number][], b: [string, number][]): [string, number][] {
  const out: [string, number][] = [];
  for (const [k, bits] of a) {
    let other = 0;
    for (const [k2, b2] of b) if (k2 === k) other |= b2;
    if (bits & other) out.push([k, bits & other]);
  }
  return out;
}

/** `facts` plus the keys a false condition leaves empty: `x` and each operand of `x or y` are then falsy. */
export function withFalsy(cond: Node | null, facts: [string, number][]): [string, number][] {
  const out = [...facts];
  const walk = (n: Node, depth: number) => {
    const c = unparen(n);
    if (depth > 8) return;
    if (c.type === 'identifier' || c.type === 'attribute') out.push([c.text, ALL_RULE_BITS]);
    else if (c.type === 'boolean_operator' && c.childForFieldName('operator')?.text === 'or') {
      for (const side of [c.childForFieldName('left'), c.childForFieldName('right')]) if (side) walk(side, depth + 1);
    }
  };
  if (cond) walk(cond, 0);
  return out;
}

const validatorNamesByModel = new WeakMap<ModuleModel, Map<string, boolean>>();

const CALLED_NAME = /\b([A-Za-z_]\w*)\s*\(/g;

const VALIDATOR_RETURNS = new Set(['call', 'comparison_operator', 'boolean_operator', 'not_operator', 'true', 'false', 'none']);
const validatorsByModel = new WeakMap<ModuleModel, Map<string, Map<number, number> | null>>();

/** The `return` statements of a function, not of the functions and lambdas nested in it. */
export function ownReturns(fn: Node): Node[] {
  const out: Node[] = [];
  const walk = (n: Node, depth: number) => {
    if (depth > 60 || out.length > 20) return;
    for (const c of named(n)) {
      if (c.type === 'function_definition' || c.type === 'class_definition' || c.type === 'lambda') continue;
      if (c.type === 'return_statement') out.push(c);
      else walk(c, depth + 1);
    }
  };
  const body = fn.childForFieldName('body');
  if (body) walk(body, 0);
  return out;
}
