/** The flow-sensitive statement walk: assignment, branches, loops, exceptions, `with` and `match`. */
import type { Node } from 'web-tree-sitter';
import { unparen } from '../syntax/nodes.js';
import { isRealpathCall, named, stringish, tupleLike } from './expressions.js';
import { annotationVerdict, parameterDetails, parameterNames } from './route-detection.js';
import type { FunctionFacts, Taint } from './types.js';
import { CONST, CONST_MUT, EMPTY, MAX_INLINE, joinStates, mayBeRandom, union, withStep, type State } from './taint-values.js';
import { harmlessContext, secretWord } from '../secrets/names.js';
import type { LocalDef } from './analysis-state.js';
import { MAY_GUARD } from './guards.js';
import { ALL_KEYS, entryBase, entryKey, literalEntries, subscriptKey } from './fields.js';
import { caseCaptures, caseGuard, caseIrrefutable, caseMatches } from './match-patterns.js';
import { CallAnalysis, containerRoot } from './calls.js';
import { MAX_LITERAL_ITEMS } from './constness.js';

const RESPONSE_TYPE = /^(django\.http\.(response\.)?\w*Response\w*|flask\.Response|werkzeug\.wrappers\.Response)$/;

/** A cheap test before `secretWord`: most assigned names have none of these pieces. */
const SECRET_NAME_HINT = /token|pass|pwd|secret|key|nonce|otp|salt|pin|code|cred|auth/i;

const TERMINATING_CALLS = new Set(['flask.abort', 'werkzeug.exceptions.abort', 'sys.exit', 'exit', 'quit', 'os._exit', 'abort']);

/** Flow-sensitive walk of one function body, producing its facts with symbolic parameters. */
export class FunctionAnalysis extends CallAnalysis {
  run(): FunctionFacts {
    const details = this.plan.info ? parameterDetails(this.plan.info.node) : undefined;
    this.plan.params.forEach((p, i) => {
      const name = p.replace(/^\*+/, '');
      // A parameter declared as a number, boolean or UUID is taken at its word (FastAPI and pydantic enforce it).
      const ann = details?.get(name)?.annotation;
      if (ann && annotationVerdict(this.model, ann) === 'safe') {
        this.state.set(name, EMPTY);
        return;
      }
      this.state.set(name, [{ k: 'param', i, steps: [], san: 0 }]);
    });
    if (this.isModule) this.block(this.plan.body, true);
    else this.block(this.plan.body, false);
    return this.facts();
  }

  protected block(node: Node, moduleLevel: boolean): void {
    for (const stmt of named(node)) {
      if (this.terminated) return;
      this.statement(stmt, moduleLevel);
    }
  }

  protected statement(node: Node, moduleLevel = false): void {
    this.tick();
    switch (node.type) {
      case 'expression_statement':
        for (const c of named(node)) this.expressionStatement(c);
        return;
      case 'return_statement': {
        const value = named(node)[0];
        if (value) {
          const v = unparen(value);
          // A Flask view's `(body, status, headers)` / `(body, headers)`: the body is the page, the headers are
          // headers (header injection, not XSS).
          const parts = this.plan.flaskRoute && (v.type === 'tuple' || v.type === 'expression_list') ? named(v) : [];
          let t: Taint = EMPTY;
          let body = value;
          let bodyTaint: Taint;
          if (parts.length > 1) {
            const taints = parts.map((p) => this.expr(p));
            for (const x of taints) t = union(t, x);
            body = parts[0];
            bodyTaint = taints[0];
            const headers = parts.length === 3 ? 2 : ['dictionary', 'list'].includes(unparen(parts[1]).type) ? 1 : -1;
            if (headers > 0 && taints[headers].length > 0) this.addSink({ rule: 'K716' }, 'response headers returned by the view', parts[headers], taints[headers]);
          } else {
            t = this.expr(value);
            bodyTaint = t;
          }
          this.ret = union(this.ret, t);
          this.returnedClosure(value);
          if (this.plan.flaskRoute && bodyTaint.length > 0 && stringish(this.model, body, 0)) {
            this.addSink({ rule: 'K707' }, 'response body returned by the view', node, bodyTaint);
          }
        }
        this.terminated = true;
        return;
      }
      case 'raise_statement':
        for (const c of named(node)) this.expr(c);
        this.terminated = true;
        return;
      case 'continue_statement':
      case 'break_statement':
        this.terminated = true;
        return;
      case 'if_statement':
        this.ifStatement(node);
        return;
      case 'for_statement':
        this.forStatement(node);
        return;
      case 'while_statement':
        this.whileStatement(node);
        return;
      case 'try_statement':
        this.tryStatement(node);
        return;
      case 'with_statement':
        this.withStatement(node);
        return;
      case 'match_statement':
        this.matchStatement(node);
        return;
      case 'function_definition':
        // Module-level functions have their own summaries; nested ones are closures run where they are called.
        if (!this.isModule) this.localDef(node);
        return;
      case 'decorated_definition': {
        const def = node.childForFieldName('definition');
        if (def?.type === 'function_definition' && !this.isModule) this.localDef(def);
        return;
      }
      case 'class_definition':
        return;
      case 'block':
        this.block(node, moduleLevel);
        return;
      case 'assert_statement':
      case 'delete_statement':
      case 'print_statement':
      case 'exec_statement':
        for (const c of named(node)) this.expr(c);
        return;
      default:
        return;
    }
  }

  protected expressionStatement(node: Node): void {
    switch (node.type) {
      case 'assignment':
        this.assignment(node);
        return;
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (!left || !right) return;
        const t = this.expr(right);
        const old = this.read(left);
        // `cmd += " -l"` of a constant stays one; `args += [user]` does not.
        const l = unparen(left);
        const was = l.type === 'identifier' || l.type === 'attribute' ? this.constLookup(l.text) : undefined;
        const more = was === 'imm' || was === 'mut' ? this.constKind(right) : undefined;
        this.assign(left, union(old, t), null, node, false, more ? (was === 'mut' ? CONST_MUT : CONST) : undefined);
        return;
      }
      default: {
        this.expr(node);
        if (node.type === 'call') {
          const fn = node.childForFieldName('function');
          const q = fn ? this.model.qualifiedName(fn) : undefined;
          if ((q && TERMINATING_CALLS.has(q)) || (fn?.type === 'identifier' && fn.text === 'abort')) this.terminated = true;
        }
      }
    }
  }

  protected assignment(node: Node): void {
    const lefts: Node[] = [];
    let cur: Node | null = node;
    let value: Node | null = null;
    while (cur) {
      const left = cur.childForFieldName('left');
      if (left) lefts.push(left);
      const right: Node | null = cur.childForFieldName('right');
      if (right?.type === 'assignment') cur = right;
      else {
        value = right;
        cur = null;
      }
    }
    if (!value) return;
    const t = this.expr(value);
    for (const left of lefts) this.assign(left, t, value, node);
  }

  /** Binds a target to a value's taint: a plain name is replaced (a constant kills taint), containers gain. */
  /** `konst`: the constant the target holds when `value` cannot tell (an augmented assignment). */
  protected assign(target: Node, t: Taint, value: Node | null, at: Node, keepEntries = false, konst?: Taint): void {
    const n = unparen(target);
    if (!keepEntries && (n.type === 'identifier' || n.type === 'attribute')) this.wholeContainer(n.text, value, at);
    switch (n.type) {
      case 'identifier': {
        const name = n.text;
        this.realpathVars.delete(name);
        this.guardVars.delete(name);
        if (value && isRealpathCall(this.model, value)) this.realpathVars.add(name);
        if (value && (value.type === 'call' || value.type === 'comparison_operator') && MAY_GUARD.test(value.text)) {
          // `ok = url_has_allowed_host_and_scheme(url, …)` then `if ok:` guards like the call itself.
          const g = this.guards(value);
          if (g.whenTrue.length > 0 || g.whenFalse.length > 0) this.guardVars.set(name, g);
        }
        if (value && (value.type === 'lambda' || (value.type === 'identifier' && this.localDefs.has(value.text)))) {
          const def = value.type === 'lambda' ? this.lambdaDef(value) : this.localDefs.get(value.text);
          if (def) this.localDefs.set(name, def);
        } else this.localDefs.delete(name);
        this.state.set(name, t.length > 0 ? withStep(t, { loc: this.loc(at), msg: `assigned to ${name}` }) : (konst ?? this.constValue(name, value)));
        this.secretNamed(name, t, at);
        return;
      }
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list': {
        const targets = named(n);
        const values = value ? tupleLike(value) : undefined;
        if (values && values.length === targets.length && !targets.some((x) => x.type === 'list_splat_pattern')) {
          targets.forEach((x, i) => {
            this.assign(x, this.expr(values[i]), values[i], at);
          });
        } else for (const x of targets) this.assign(x, t, null, at);
        return;
      }
      case 'list_splat_pattern':
      case 'list_splat': {
        const inner = named(n)[0];
        if (inner) this.assign(inner, t, null, at);
        return;
      }
      case 'attribute': {
        const key = n.text;
        this.state.set(key, t.length > 0 ? withStep(t, { loc: this.loc(at), msg: `stored in ${key}` }) : keepEntries ? EMPTY : (konst ?? this.constValue(key, value)));
        this.secretNamed(n.childForFieldName('attribute')?.text ?? '', t, at);
        const obj = n.childForFieldName('object');
        const attr = n.childForFieldName('attribute')?.text;
        if (obj && attr && value?.type === 'call') {
          const cls = this.classOf(obj);
          const type = this.model.instanceType(value);
          if (cls && type && this.ctx.isProject(type)) this.instances[`${cls}.${attr}`] = type;
        }
        if (obj && attr && t.length > 0) {
          const cls = this.classOf(obj);
          if (cls) this.storeField(`${cls}.${attr}`, key, withStep(t, { loc: this.loc(at), msg: `stored in ${key}` }), value, at);
        }
        return;
      }
      case 'subscript': {
        const base = n.childForFieldName('value');
        if (!base) return;
        const index = n.childForFieldName('subscript');
        const indexTaint = index ? this.expr(index) : EMPTY;
        this.subscriptSinks(base, n, union(t, indexTaint), at);
        const key = subscriptKey(this.model, n);
        const path = key === undefined ? undefined : entryBase(key);
        // A constant container stays one while constants go under constant keys.
        const kind = key !== undefined && path !== undefined && t.length === 0 && value && this.constLookup(path) === 'mut' ? this.constKind(value) : undefined;
        if (!kind) this.unfix(containerRoot(base)?.text ?? base.text);
        if (key !== undefined && path !== undefined) {
          this.storeEntry(base, path, key, t, at);
          if (kind) this.state.set(key, this.constTaint(key, kind));
        } else if (t.length > 0 && (base.type === 'identifier' || base.type === 'attribute')) {
          const old = this.read(base);
          this.assign(base, union(old, withStep(t, { loc: this.loc(at), msg: `stored in ${base.text}[…]` })), null, at, true);
        }
        return;
      }
      default:
        return;
    }
  }

  /**
   * An attribute store, with the constant-key entries it gives the container held there: a dict literal of
   * constant keys (all of its entries), or one entry stored by key (`self.meta["label"] = v`).
   */
  private storeField(f: string, path: string, t: Taint, value: Node | null, at: Node): void {
    const byKey = this.entryStore?.key.startsWith(`${path}[`) ? this.entryStore : undefined;
    if (byKey) {
      const end = byKey.key.indexOf(']', path.length);
      this.fields.push({ f, taint: t, keyed: true });
      this.fields.push({ f, key: byKey.key.slice(path.length, end + 1), taint: byKey.t });
      return;
    }
    const literal = value && unparen(value).type === 'dictionary' ? this.literalEntries.get(unparen(value).startIndex) : undefined;
    const entries = literal?.map(([k, x]) => [entryKey('', k), x] as const);
    if (!entries || entries.some(([k]) => k === undefined)) {
      this.fields.push({ f, taint: t });
      return;
    }
    this.fields.push({ f, taint: t, keyed: true });
    for (const [k, x] of entries) if (k !== undefined && x.length > 0) this.fields.push({ f, key: k, taint: withStep(x, { loc: this.loc(at), msg: `stored in ${path}${k}` }) });
  }

  /**
   * A name or attribute assigned as a whole: its entries go, and a dict literal of constant keys gives it one
   * entry per key, with all its keys known.
   */
  private wholeContainer(path: string, value: Node | null, at: Node): void {
    this.dropEntries(path);
    // A dataclass of this module built here: each field holds its own argument (or its constant default).
    const built = value && unparen(value).type === 'call' ? this.builtFields.get(unparen(value).startIndex) : undefined;
    for (const [f, taint] of built ?? []) this.state.set(`${path}.${f}`, taint.length > 0 ? withStep(taint, { loc: this.loc(at), msg: `stored in ${path}.${f}` }) : EMPTY);
    const entries = value ? this.literalEntries.get(unparen(value).startIndex) : undefined;
    if (!entries || unparen(value as Node).type !== 'dictionary') return;
    this.containers.add(path);
    const nodes = entries.length <= MAX_LITERAL_ITEMS ? literalEntries(this.model, value as Node) : undefined;
    for (let i = 0; i < entries.length; i++) {
      const [k, taint] = entries[i];
      const key = entryKey(path, k);
      if (key === undefined) return;
      const node = entries.length <= MAX_LITERAL_ITEMS ? nodes?.[i]?.[1] : undefined;
      this.state.set(key, taint.length > 0 ? withStep(taint, { loc: this.loc(at), msg: `stored in ${key}` }) : this.constTaint(key, node ? this.constKind(node) : undefined));
    }
    this.state.set(`${path}${ALL_KEYS}`, EMPTY);
  }

  /** A value stored under a name that says it is a secret (`reset_token`, `user.api_key`, `nonce`): K720's sink. */
  private secretNamed(name: string, t: Taint, at: Node): void {
    // `token = random.randrange(…)` in `_make_boundary` or `test_login`: the function's name says it protects nothing.
    if (t.length === 0 || !mayBeRandom(t) || !SECRET_NAME_HINT.test(name) || !secretWord(name) || harmlessContext(at)) return;
    this.addSink({ rule: 'K720' }, `assigned to ${name}`, at, t);
  }

  /** `session[k] = v` (trust boundary) and `response.headers[k] = v` / `response[k] = v` (header injection). */
  protected subscriptSinks(base: Node, target: Node, t: Taint, at: Node): void {
    if (t.length === 0) return;
    const b = unparen(base);
    const q = b.type === 'identifier' || b.type === 'attribute' ? this.model.qualifiedName(b) : undefined;
    if (q === 'flask.session' || q === 'quart.session' || (b.type === 'attribute' && b.childForFieldName('attribute')?.text === 'session' && this.isRequest(b.childForFieldName('object')))) {
      this.addSink({ rule: 'K719' }, `${b.text}[…] =`, at, t);
      if (mayBeRandom(t)) this.addSink({ rule: 'K720' }, `${b.text}[…] =`, at, t);
      return;
    }
    if (b.type === 'attribute' && b.childForFieldName('attribute')?.text === 'headers' && !this.isRequest(b.childForFieldName('object'))) {
      if (!this.checkedHeaderWriter(b.childForFieldName('object'))?.headers) this.addSink({ rule: 'K716' }, `${b.text}[…] =`, at, t);
      if (mayBeRandom(t)) this.addSink({ rule: 'K720' }, `${b.text}[…] =`, at, t);
      return;
    }
    if (b.type === 'identifier') {
      const type = this.model.instanceType(b);
      // Only responses: a `QueryDict` or a request is also a `django.http` object, and neither is a header.
      if (type && RESPONSE_TYPE.test(type) && !this.checkedHeaderWriter(b)?.subscript) {
        this.addSink({ rule: 'K716' }, `${b.text}[…] =`, at, t);
      }
    }
    void target;
  }

  /**
   * `for k, v in kwargs.items()` over the function's `**kwargs`: the keys are keyword names written at the call
   * sites, only the values carry the callers' data (`format_html` escaping every value is enough).
   */
  protected assignItems(left: Node, right: Node | null, t: Taint, at: Node): void {
    const l = unparen(left);
    const r = right ? unparen(right) : null;
    const fn = r?.type === 'call' ? r.childForFieldName('function') : null;
    const obj = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'items' ? fn.childForFieldName('object') : null;
    const targets = ['pattern_list', 'tuple_pattern', 'tuple', 'list_pattern'].includes(l.type) ? named(l) : [];
    if (obj?.type === 'identifier' && targets.length === 2 && this.plan.params.includes(`**${obj.text}`)) {
      this.assign(targets[0], EMPTY, null, at);
      this.assign(targets[1], t, null, at);
      return;
    }
    this.assign(left, t, null, at);
  }

  protected ifStatement(node: Node): void {
    const clauses: { cond: Node | null; body: Node | null }[] = [
      { cond: node.childForFieldName('condition'), body: node.childForFieldName('consequence') },
    ];
    for (const alt of node.childrenForFieldName('alternative')) {
      if (!alt) continue;
      if (alt.type === 'elif_clause') clauses.push({ cond: alt.childForFieldName('condition'), body: alt.childForFieldName('consequence') });
      else if (alt.type === 'else_clause') clauses.push({ cond: null, body: alt.childForFieldName('body') });
    }
    const ends: State[] = [];
    let incoming = this.state;
    let fallsThrough = true;
    for (const clause of clauses) {
      this.state = incoming;
      if (!clause.cond) {
        this.runBranch(clause.body, ends);
        fallsThrough = false;
        break;
      }
      this.expr(clause.cond);
      const afterCond = this.state;
      const constant = this.foldedTruth(clause.cond);
      const guards = this.guards(clause.cond);
      if (constant !== false) {
        this.state = this.applyGuards(afterCond, guards.whenTrue);
        this.runBranch(clause.body, ends);
      }
      if (constant === true) {
        fallsThrough = false;
        break;
      }
      incoming = this.applyGuards(afterCond, guards.whenFalse);
    }
    if (fallsThrough) ends.push(incoming);
    this.terminated = ends.length === 0;
    this.state = ends.length === 0 ? incoming : joinStates(ends);
  }

  protected runBranch(body: Node | null, ends: State[]): void {
    this.state = new Map(this.state);
    this.terminated = false;
    if (body) this.block(body, false);
    if (!this.terminated) ends.push(this.state);
    this.terminated = false;
  }

  protected forStatement(node: Node): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const body = node.childForFieldName('body');
    const iter = right ? this.expr(right) : EMPTY;
    const before = this.state;
    const ends: State[] = [before];
    // A second pass carries values assigned late in the body back to its start; nested loops get one pass
    // each, so the cost stays linear in their depth.
    const rounds = this.loopDepth > 0 ? 1 : 2;
    this.loopDepth++;
    for (let round = 0; round < rounds; round++) {
      this.state = new Map(this.state);
      if (left) this.assignItems(left, right, iter, node);
      this.terminated = false;
      if (body) this.block(body, false);
      ends.push(this.state);
    }
    this.loopDepth--;
    this.terminated = false;
    this.state = joinStates(ends);
    const alt = node.childForFieldName('alternative');
    if (alt) this.block(alt.childForFieldName('body') ?? alt, false);
  }

  protected whileStatement(node: Node): void {
    const cond = node.childForFieldName('condition');
    if (cond) this.expr(cond);
    if (cond && this.foldedTruth(cond) === false) return;
    const body = node.childForFieldName('body');
    const before = this.state;
    const ends: State[] = [before];
    // A second pass carries values assigned late in the body back to its start; nested loops get one pass
    // each, so the cost stays linear in their depth.
    const rounds = this.loopDepth > 0 ? 1 : 2;
    this.loopDepth++;
    for (let round = 0; round < rounds; round++) {
      this.state = new Map(this.state);
      this.terminated = false;
      if (body) this.block(body, false);
      ends.push(this.state);
    }
    this.loopDepth--;
    this.terminated = false;
    this.state = joinStates(ends);
  }

  protected tryStatement(node: Node): void {
    const before = this.state;
    const body = node.childForFieldName('body');
    this.state = new Map(before);
    this.terminated = false;
    if (body) this.block(body, false);
    const ends: State[] = [];
    if (!this.terminated) ends.push(this.state);
    const afterBody = joinStates([before, this.state]);
    let finallyClause: Node | null = null;
    for (const c of named(node)) {
      if (c.type === 'except_clause' || c.type === 'except_group_clause') {
        this.state = new Map(afterBody);
        this.terminated = false;
        const alias = c.namedChildren.find((x) => x?.type === 'as_pattern');
        const target = alias?.childForFieldName('alias');
        if (target) this.state.set(target.text.trim(), EMPTY);
        const block = c.namedChildren.find((x) => x?.type === 'block');
        if (block) this.block(block, false);
        if (!this.terminated) ends.push(this.state);
      } else if (c.type === 'else_clause') {
        if (ends.length > 0) {
          this.state = new Map(ends[0]);
          this.terminated = false;
          const b = c.childForFieldName('body');
          if (b) this.block(b, false);
          ends[0] = this.state;
        }
      } else if (c.type === 'finally_clause') finallyClause = c;
    }
    this.terminated = ends.length === 0;
    this.state = ends.length === 0 ? afterBody : joinStates(ends);
    if (finallyClause) {
      const wasTerminated = this.terminated;
      this.terminated = false;
      const b = finallyClause.namedChildren.find((x) => x?.type === 'block');
      if (b) this.block(b, false);
      this.terminated ||= wasTerminated;
    }
  }

  protected withStatement(node: Node): void {
    for (const c of named(node)) {
      if (c.type !== 'with_clause') continue;
      for (const item of named(c)) {
        const value = item.childForFieldName('value');
        if (!value) continue;
        if (value.type === 'as_pattern') {
          const expr = value.namedChildren[0];
          const alias = value.childForFieldName('alias');
          const t = expr ? this.expr(expr) : EMPTY;
          const target = alias?.namedChildren[0];
          if (target) this.assign(target, t, expr ?? null, item);
        } else this.expr(value);
      }
    }
    const body = node.childForFieldName('body');
    if (body) this.block(body, false);
  }

  /**
   * Each `case` is a branch whose captures carry the subject's taint. A subject that folds to a constant selects
   * its case before the run: the cases it cannot match are dead.
   */
  protected matchStatement(node: Node): void {
    const subject = node.childForFieldName('subject');
    const t = subject ? this.expr(subject) : EMPTY;
    const known = subject ? this.foldedValue(subject) : undefined;
    const body = node.childForFieldName('body');
    const before = this.state;
    const ends: State[] = [];
    let fallsThrough = true;
    for (const clause of body ? named(body) : []) {
      if (clause.type !== 'case_clause') continue;
      const matches = known === undefined ? undefined : caseMatches(this.model, clause, known);
      if (matches === false) continue;
      this.state = new Map(before);
      for (const id of caseCaptures(clause)) this.assign(id, t, null, clause);
      const guard = caseGuard(clause);
      if (guard) {
        this.expr(guard);
        this.state = this.applyGuards(this.state, this.guards(guard).whenTrue);
      }
      this.terminated = false;
      const cons = clause.childForFieldName('consequence');
      if (cons) this.block(cons, false);
      if (!this.terminated) ends.push(this.state);
      if (matches === true || (!guard && caseIrrefutable(clause))) {
        fallsThrough = false;
        break;
      }
    }
    if (fallsThrough) ends.push(before);
    this.terminated = ends.length === 0;
    this.state = ends.length === 0 ? before : joinStates(ends);
  }

  /**
   * A function returning one of its nested functions (a factory, a decorator): the closure runs later with
   * this function's variables, so its sinks are followed here, where those variables are known.
   */
  protected returnedClosure(value: Node): void {
    const v = unparen(value);
    const def = v.type === 'identifier' ? this.localDefs.get(v.text) : v.type === 'lambda' ? this.lambdaDef(v) : undefined;
    if (!def || this.inline >= MAX_INLINE) return;
    const savedTerm = this.terminated;
    this.inlineCall(def, [], {});
    this.terminated = savedTerm;
  }

  protected localDef(node: Node): void {
    const name = node.childForFieldName('name')?.text;
    const body = node.childForFieldName('body');
    if (!name || !body) return;
    // A nested function reads the enclosing variables when it runs: keep a reference to this state.
    this.localDefs.set(name, { params: parameterNames(node), body, isLambda: false, env: this.state });
    this.state.set(name, EMPTY);
  }

  protected lambdaDef(node: Node): LocalDef | undefined {
    const body = node.childForFieldName('body');
    if (!body) return undefined;
    return { params: parameterNames(node), body, isLambda: true, env: this.state };
  }
}
