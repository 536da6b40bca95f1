/** The taint of calls: inlined closures, sinks and their conditions, sanitizers, sources, project calls. */
import { COMMAND_LOOKUPS, CRLF_CHECKED_HEADER_WRITERS, type CheckedHeaderWriter } from './models/sinks.js';
import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../semantics/module.js';
import { snippetOf } from '../findings/snippet.js';
import { maskedLines } from '../secrets/python.js';
import { unparen } from '../syntax/nodes.js';
import { constantTruth, dictShaped, jinjaWithoutEscaping, named } from './expressions.js';
import { PATTERN_OVERLAP, ruleBits } from './models/rules.js';
import { ARGUMENT_METHODS, DECODERS, NON_PROPAGATING, SANITIZER_METHODS, PREDICATE_METHODS, PROPAGATORS, RECEIVER_ONLY_METHODS, STORE_METHODS } from './models/sanitizers.js';
import type { ArgSpec, SinkRow } from './models/sinks.js';
import { pinnedFormatArgs } from './url-shape.js';
import type { CallFacts, SinkFacts, SourceDesc, Taint } from './types.js';
import { EMPTY, MAX_INLINE, mayBeRandom, sanitize, union, unsanitize, withStep } from './taint-values.js';
import type { LocalDef } from './analysis-state.js';
import { provenConstant } from './constness.js';
import { constantKey, containerPath, dataclassFields, entryBase, entryKey } from './fields.js';
import { ExpressionAnalysis, HOST_DERIVED, HOST_WEAK, OWN_PATH, OWN_PATH_SAFE, PINNED_SAFE, qualifiedSource, suffixSanitizers } from './expression-walk.js';

/** Taint rules whose sinks pattern rules also report. */
const PATTERN_COVERED: ReadonlySet<string> = new Set(Object.values(PATTERN_OVERLAP));

/** The environ key a WSGI server sets to the request body stream. */
const WSGI_ENVIRON_KEY = /["']wsgi\.input["']/;

/** Methods that read or write a container's constant key. */
const KEYED_METHODS = new Set(['get', 'pop', 'setdefault', 'set', 'getint', 'getfloat', 'getboolean']);

/** Methods that read a container or shrink it: what stays in a constant container is constant. */
const CONST_KEEPING_METHODS = new Set(['get', 'copy', 'items', 'values', 'keys', 'count', 'index', 'pop', 'popitem', 'remove', 'discard', 'clear', 'sort', 'reverse', '__getitem__', '__contains__']);
/** String methods: strings are immutable, and these read their arguments. */
const STRING_METHODS_PURE = new Set(['encode', 'decode', 'lower', 'upper', 'strip', 'lstrip', 'rstrip', 'format', 'replace', 'split', 'rsplit', 'splitlines', 'startswith', 'endswith', 'join', 'title', 'find', 'rfind', 'partition', 'rpartition']);
/** Functions that read their arguments without changing them. */
const PURE_CALLEES = new Set(['len', 'str', 'repr', 'list', 'tuple', 'sorted', 'set', 'frozenset', 'dict', 'isinstance', 'print', 'any', 'all', 'min', 'max', 'sum', 'enumerate', 'zip', 'iter', 'bool', 'int', 'float', 'hash', 'id', 'type', 'reversed', 'shlex.join', 'shlex.quote', 'os.path.join']);

const CONFIG_PARSER = /^configparser\.(Raw|Safe)?ConfigParser$/;

/** The name or attribute a chain of subscripts starts from (`a` for `a["x"]["y"]`). */
export function containerRoot(node: Node): Node | undefined {
  let n = unparen(node);
  for (let i = 0; i < 10 && n.type === 'subscript'; i++) {
    const v = n.childForFieldName('value');
    if (!v) return undefined;
    n = unparen(v);
  }
  return n.type === 'identifier' || n.type === 'attribute' ? n : undefined;
}

/** The container part of a path before its first constant key. */
function containerPathRoot(path: string): string {
  const i = path.indexOf('[');
  return i > 0 ? path.slice(0, i) : path;
}

/** Calls: closures run inline, sinks, sanitizers, sources and calls into the project. */
/** A `%` placeholder of a logging format: mapping key, `*` width or precision, and conversion. */
const PLACEHOLDER = /%(\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

/**
 * Positions of the logging call's arguments that its constant format prints with `%r` or `%a`
 * (`log.warning("bad cookie %r", value)`): repr escapes CR and LF, so they cannot start a forged line.
 * `offset` is the format's position (1 for `logger.log(level, fmt, ...)`).
 */
function reprArguments(model: ModuleModel, args: readonly Node[], offset: number): Set<number> | undefined {
  const format = args[offset] ? model.constantString(args[offset]) : undefined;
  if (format === undefined) return undefined;
  const out = new Set<number>();
  let k = 0;
  for (const m of format.matchAll(PLACEHOLDER)) {
    if (m[4] === '%') continue;
    // Named placeholders take one mapping and `*` consumes an argument: the positions no longer line up.
    if (m[1] || m[2] === '*' || m[3] === '*') return undefined;
    if (m[4] === 'r' || m[4] === 'a') out.add(offset + 1 + k);
    k++;
  }
  return out;
}

export abstract class CallAnalysis extends ExpressionAnalysis {
  protected abstract block(node: Node, moduleLevel: boolean): void;

  protected call(node: Node): Taint {
    const fn = node.childForFieldName('function');
    const argsNode = node.childForFieldName('arguments');
    if (!fn) return EMPTY;
    const positional: Taint[] = [];
    const positionalNodes: Node[] = [];
    const keywords: Record<string, Taint> = {};
    const keywordNodes = new Map<string, Node>();
    let star: Taint = EMPTY;
    let all: Taint = EMPTY;
    if (argsNode?.type === 'generator_expression') {
      const t = this.expr(argsNode);
      positional.push(t);
      positionalNodes.push(argsNode);
      all = t;
    } else if (argsNode) {
      for (const a of named(argsNode)) {
        if (a.type === 'keyword_argument') {
          const name = a.childForFieldName('name')?.text ?? '';
          const v = a.childForFieldName('value');
          const t = v ? this.expr(v) : EMPTY;
          keywords[name] = t;
          if (v) keywordNodes.set(name, v);
          all = union(all, t);
        } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
          const t = this.expr(a);
          star = union(star, t);
          all = union(all, t);
        } else {
          const t = this.expr(a);
          positional.push(t);
          positionalNodes.push(a);
          all = union(all, t);
        }
      }
    }
    // `etree.XPath(expr)(doc)`, `handlers[name](x)`: the callee is itself an expression to follow.
    const calleeTaint = fn.type === 'identifier' || fn.type === 'attribute' ? EMPTY : this.expr(fn);
    all = union(all, calleeTaint);
    // `local[program]()` (plumbum): the key names the program that runs.
    if (fn.type === 'subscript' && COMMAND_LOOKUPS.has(this.model.qualifiedName(fn.childForFieldName('value') ?? fn) ?? '')) {
      const key = fn.childrenForFieldName('subscript')[0];
      const kt = key ? this.expr(key) : EMPTY;
      if (kt.length > 0) this.addSink({ rule: 'K702' }, fn.text, node, kt);
    }
    const receiver = fn.type === 'attribute' ? fn.childForFieldName('object') : null;
    const method = fn.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : fn.type === 'identifier' ? fn.text : '';
    const spec = this.ctx.spec;

    // Closures and lambdas defined in this function: run their body with these arguments.
    if (fn.type === 'identifier' && !this.state.get(fn.text)?.length) {
      const def = this.localDefs.get(fn.text);
      if (def && this.inline < MAX_INLINE) {
        this.settleConstants(null, '', undefined, positionalNodes, keywordNodes, argsNode);
        return this.inlineCall(def, positional, keywords);
      }
    }

    const callee = this.model.qualifiedName(fn);
    const recvTaint = receiver ? this.expr(receiver) : EMPTY;

    // Sinks.
    if (spec.sinkLastNames.has(method) || (fn.type === 'attribute' && (method === 'write' || method === 'add' || method === 'set' || method === 'update' || method === 'redirect'))) {
      this.callSinks(node, fn, callee, method, receiver, recvTaint, positional, positionalNodes, keywords, keywordNodes, star);
    }

    this.settleConstants(receiver, method, callee, positionalNodes, keywordNodes, argsNode);

    // Sanitizers.
    if (callee) {
      const bits = this.sanitizerBits(callee);
      if (bits !== undefined) {
        // Switched off, the call hands its text back as it came (with markup added), so the input flows through.
        return this.switchedOn(callee, positionalNodes, keywordNodes, argsNode) ? sanitize(union(all, recvTaint), bits) : union(all, recvTaint);
      }
      // `map(conditional_escape, args)`: every item went through the sanitizer.
      const mapped = callee === 'map' && positionalNodes.length === 2 ? this.model.qualifiedName(positionalNodes[0]) : undefined;
      const mappedBits = mapped ? this.sanitizerBits(mapped) : undefined;
      if (mappedBits !== undefined) return sanitize(positional[1], mappedBits);
    }
    if (receiver && Object.hasOwn(SANITIZER_METHODS, method)) return sanitize(recvTaint, ruleBits(SANITIZER_METHODS[method]));
    if (method === 'replace' && receiver && positionalNodes[0]) {
      const removed = this.model.constantString(positionalNodes[0]);
      if (removed !== undefined && /[\r\n]/.test(removed)) return sanitize(union(recvTaint, positional[1] ?? EMPTY), ruleBits(['K716', 'K717']));
    }

    // `request.META.get("CSRF_COOKIE")`: a value the server or a middleware put there, not the client.
    if (receiver && method === 'get' && positionalNodes[0] && this.serverEnvironKey(receiver, positionalNodes[0])) return EMPTY;

    // Constant keys of containers this walk knows: `row.get("table")`, `cfg.get("export", "label")`, `cfg.set(…)`.
    if (receiver && KEYED_METHODS.has(method) && positionalNodes.length > 0) {
      const keyed = this.keyedCall(receiver, method, positionalNodes, positional, node);
      if (keyed) return keyed;
    }

    // Sources.
    if (callee) {
      const kind = spec.sourceCalls.get(callee);
      if (kind) return [{ k: 'src', src: qualifiedSource(kind, callee, `${callee}()`, this.loc(node)), steps: [], san: 0 }];
    }
    if (receiver && spec.requestMethods.has(method) && this.isRequest(receiver)) {
      const src: SourceDesc = { kind: 'web', label: `${receiver.text}.${method}()`, loc: this.loc(node) };
      if (HOST_DERIVED.has(method)) src.weak = HOST_WEAK;
      return [{ k: 'src', src, steps: [], san: OWN_PATH.has(method) ? OWN_PATH_SAFE : 0 }];
    }
    if (receiver && spec.sourceMethods.has(method) && (!callee || !this.ctx.isProject(callee) || callee.includes('.'))) {
      const kind = spec.sourceMethods.get(method) ?? 'process';
      return [{ k: 'src', src: { kind, label: `${receiver.text}.${method}()`, loc: this.loc(node) }, steps: [], san: 0 }];
    }
    if (receiver && this.selfName && receiver.type === 'identifier' && receiver.text === this.selfName) {
      for (const s of this.handlerSources) {
        if (s.methods.has(method)) return [{ k: 'src', src: { kind: 'web', label: `self.${method}()`, loc: this.loc(node) }, steps: [], san: 0 }];
      }
    }

    // Calls into the project: summaries decide on the main thread. A library API the sink table models
    // (`subprocess.Popen` when the standard library itself is scanned) is judged by its row, not re-derived
    // from its implementation, where a list of arguments would reach `os.posix_spawn` as the program.
    if (callee && this.ctx.isProject(callee) && !spec.sinksByCallee.has(callee)) {
      const bound = receiver !== null && this.model.resolve(receiver)?.kind === 'instance';
      const c = this.calls.length;
      const facts: CallFacts = { callee, loc: this.loc(node), args: positional, kw: keywords, star };
      if (bound) facts.bound = true;
      if (/^_?[A-Z]\w*[a-z]\w*$/.test(callee.slice(callee.lastIndexOf('.') + 1))) facts.through = true;
      const onSelf = receiver?.type === 'identifier' && receiver.text === this.selfName;
      if (onSelf) facts.onSelf = true;
      else if (receiver && recvTaint.length > 0) facts.recv = recvTaint;
      // `self.items.append(x)` may be a list held in an attribute rather than a project method: store as well.
      if (receiver && STORE_METHODS.has(method) && all.length > 0 && receiver.type === 'attribute') {
        this.assign(receiver, union(recvTaint, withStep(all, { loc: this.loc(node), msg: `added to ${receiver.text}` })), null, node);
      }
      this.calls.push(facts);
      const fields = dataclassFields(this.model, callee);
      if (fields && star.length === 0) this.builtFields.set(node.startIndex, fields.map((f, i) => [f, positional[i] ?? keywords[f] ?? EMPTY]));
      return [{ k: 'call', c, steps: [], san: 0 }];
    }

    // `"{}?next={}".format(url, target)`: placeholders after a fixed host or a `?` cannot redirect off-site.
    if (method === 'format' && receiver?.type === 'string') {
      const format = this.model.constantString(receiver);
      const pins = format === undefined ? undefined : pinnedFormatArgs(format);
      if (pins && (pins.positions.size > 0 || pins.names.size > 0)) {
        let t: Taint = union(recvTaint, star);
        positional.forEach((x, i) => {
          t = union(t, pins.positions.has(i) ? sanitize(x, PINNED_SAFE) : x);
        });
        for (const [k, x] of Object.entries(keywords)) t = union(t, pins.names.has(k) ? sanitize(x, PINNED_SAFE) : x);
        return t;
      }
    }

    // Everything else: the result carries what went in, unless it only answers a question.
    if (PREDICATE_METHODS.has(method) || (callee && NON_PROPAGATING.has(callee))) return EMPTY;
    if (receiver && STORE_METHODS.has(method) && all.length > 0 && (receiver.type === 'identifier' || receiver.type === 'attribute')) {
      this.assign(receiver, union(recvTaint, withStep(all, { loc: this.loc(node), msg: `added to ${receiver.text}` })), null, node);
      return EMPTY;
    }
    // Library functions carry their arguments only when modelled (or a class is built from them); methods
    // carry their receiver, and their arguments only when they build strings or merge containers.
    if (callee && (PROPAGATORS.has(callee) || this.ctx.spec.propagators.has(callee) || /^_?[A-Z]\w*[a-z]\w*$/.test(callee.slice(callee.lastIndexOf('.') + 1)))) {
      const t = union(recvTaint, all);
      return Object.hasOwn(DECODERS, callee) ? unsanitize(t, ruleBits(DECODERS[callee])) : t;
    }
    if (receiver) {
      if (RECEIVER_ONLY_METHODS.has(method)) return recvTaint;
      return ARGUMENT_METHODS.has(method) ? union(recvTaint, all) : recvTaint;
    }
    return callee ? EMPTY : all;
  }

  protected inlineCall(def: LocalDef, positional: Taint[], keywords: Record<string, Taint>): Taint {
    const saved = this.state;
    const savedRet = this.ret;
    const savedTerm = this.terminated;
    this.inline++;
    this.state = new Map(def.env);
    for (const [k, v] of saved) if (!this.state.has(k)) this.state.set(k, v);
    def.params.forEach((p, i) => {
      const name = p.replace(/^\*+/, '');
      this.state.set(name, positional[i] ?? keywords[name] ?? EMPTY);
    });
    this.ret = EMPTY;
    this.terminated = false;
    let result: Taint;
    try {
      if (def.isLambda) result = this.expr(def.body);
      else {
        this.block(def.body, false);
        result = this.ret;
      }
    } finally {
      this.inline--;
      this.state = saved;
      this.ret = savedRet;
      this.terminated = savedTerm;
    }
    return result;
  }

  /**
   * The response class of CRLF_CHECKED_HEADER_WRITERS that `obj` is an instance of: `self` in a subclass, or a
   * value whose type the model knows. Its header writers refuse CR and LF, so they are no K716 sink.
   */
  protected checkedHeaderWriter(obj: Node | null): CheckedHeaderWriter | undefined {
    if (!obj) return undefined;
    const o = unparen(obj);
    const types = o.type === 'identifier' && o.text === this.selfName ? [this.plan.cls ?? '', ...(this.plan.clsBases ?? [])] : [this.model.instanceType(o) ?? ''];
    return CRLF_CHECKED_HEADER_WRITERS.find((w) =>
      types.some((t) => w.classes.includes(t) || w.modules?.some((m) => t.startsWith(`${m}.`) && !t.slice(m.length + 1).includes('.'))),
    );
  }

  protected callSinks(
    node: Node,
    fn: Node,
    callee: string | undefined,
    method: string,
    receiver: Node | null,
    recvTaint: Taint,
    positional: Taint[],
    positionalNodes: Node[],
    keywords: Record<string, Taint>,
    keywordNodes: Map<string, Node>,
    star: Taint,
  ): void {
    const spec = this.ctx.spec;
    const rows: SinkRow[] = [];
    if (callee) for (const r of spec.sinksByCallee.get(callee) ?? []) rows.push(r);
    if (receiver) {
      for (const r of spec.sinksByMethod.get(method) ?? []) {
        if (callee && r.callees?.includes(callee)) continue;
        if (callee && r.notUnder?.some((p) => callee === p || callee.startsWith(`${p}.`))) continue;
        if (r.receiverName && !r.receiverName.test(receiver.text)) continue;
        if (r.rule === 'K716' && this.checkedHeaderWriter(receiver)?.methods?.includes(method)) continue;
        rows.push(r);
      }
    }
    const written = fn.text.length > 60 ? `${fn.text.slice(0, 57)}...` : fn.text;
    for (const row of rows) {
      const label = callee && row.callees?.includes(callee) ? callee : written;
      if (row.when && !this.condition(row.when, node, callee, positionalNodes, keywordNodes, receiver)) continue;
      let t: Taint = row.receiver ? recvTaint : EMPTY;
      if (row.args === 'all') {
        const repr = row.rule === 'K717' ? reprArguments(this.model, positionalNodes, method === 'log' ? 1 : 0) : undefined;
        for (const [i, x] of positional.entries()) t = union(t, repr?.has(i) ? sanitize(x, ruleBits(['K717'])) : x);
        for (const x of Object.values(keywords)) t = union(t, x);
        t = union(t, star);
      } else {
        for (const spec of row.args) t = union(t, argTaint(spec, positional, keywords));
        if (row.args.length > 0 && star.length > 0) t = union(t, star);
      }
      if (t.length > 0) this.addSink(row, label, node, t);
      const constant = PATTERN_COVERED.has(row.rule) && this.sinkArgsConstant(row, positionalNodes, keywordNodes);
      if (PATTERN_COVERED.has(row.rule) && !constant) this.mark(this.notConstant, node, row.rule);
      if (constant) this.mark(this.constantSinks, node, row.rule);
      else if (this.ctx.mode === 'full' && PATTERN_COVERED.has(row.rule) && t.every((a) => a.k === 'src')) this.mark(this.checked, node, row.rule);
    }
    // Response writers and header setters that are methods of framework objects.
    if (receiver) {
      const rtext = receiver.text;
      if ((method === 'add' || method === 'set' || method === '__setitem__') && /(^|\.)headers$/.test(rtext) && !this.isRequest(receiver.childForFieldName?.('object') ?? null)) {
        const t = union(positional[0] ?? EMPTY, positional[1] ?? EMPTY);
        if (t.length > 0 && !this.checkedHeaderWriter(receiver.childForFieldName?.('object') ?? null)?.headers) this.addSink({ rule: 'K716' }, fn.text, node, t);
        if (mayBeRandom(t)) this.addSink({ rule: 'K720' }, fn.text, node, t);
      }
      if (method === 'update' && (this.model.qualifiedName(receiver) === 'flask.session' || (receiver.type === 'attribute' && receiver.childForFieldName('attribute')?.text === 'session' && this.isRequest(receiver.childForFieldName('object'))))) {
        const t = union(positional[0] ?? EMPTY, union(star, Object.values(keywords).reduce(union, EMPTY)));
        if (t.length > 0) this.addSink({ rule: 'K719' }, fn.text, node, t);
        if (mayBeRandom(t)) this.addSink({ rule: 'K720' }, fn.text, node, t);
      }
      if (this.handlerSources.length > 0 && this.selfName) {
        const isTornado = this.plan.clsBases?.some((b) => b.startsWith('tornado.'));
        if (isTornado && rtext === this.selfName && (method === 'write' || method === 'finish') && (positional[0]?.length ?? 0) > 0) {
          this.addSink({ rule: 'K707' }, fn.text, node, positional[0]);
        }
        if (isTornado && rtext === this.selfName && method === 'redirect' && (positional[0]?.length ?? 0) > 0) {
          this.addSink({ rule: 'K709' }, fn.text, node, positional[0]);
        }
        // Inside the framework's own base class (`BaseHTTPRequestHandler.flush_headers` writing the status line and
        // headers) the stream is not a page a handler renders.
        const frameworkItself = this.plan.cls !== undefined && this.handlerSources.some((s) => s.bases.has(this.plan.cls as string));
        // A WSGI server's handler (it hands the request to an application as `wsgi.input`) writes the bytes that
        // application returned: the application is the view and escapes its pages; the server only relays them.
        const wsgiServer = WSGI_ENVIRON_KEY.test(this.model.text);
        if (!isTornado && !frameworkItself && !wsgiServer && rtext === `${this.selfName}.wfile` && method === 'write' && (positional[0]?.length ?? 0) > 0) {
          this.addSink({ rule: 'K707' }, fn.text, node, positional[0]);
        }
      }
    }
  }

  protected condition(when: string, node: Node, callee: string | undefined, args: Node[], kw: Map<string, Node>, receiver: Node | null): boolean {
    const model = this.model;
    const truthy = (n: Node | undefined) => n !== undefined && constantTruth(model, n) !== false;
    switch (when) {
      case 'shell-or-string': {
        if (callee === 'subprocess.getoutput') return true;
        if (truthy(kw.get('shell'))) return true;
        const first = args[0] ?? kw.get('args');
        if (!first) return false;
        const f = unparen(first);
        if (f.type === 'list' || f.type === 'tuple') return false;
        if (f.type === 'identifier') {
          const b = model.lookup(f.text, f.startIndex);
          if (b?.kind === 'assign' && b.value && ['list', 'tuple', 'list_comprehension'].includes(unparen(b.value).type)) return false;
          if (b?.kind === 'assign' && b.value && unparen(b.value).type === 'call' && /\.split$|^shlex\.split$/.test(unparen(b.value).childForFieldName('function')?.text ?? '')) return false;
          if (b?.kind === 'param' || b?.kind === 'unknown') return false;
        }
        if (f.type === 'call' && /(^|\.)split$/.test(f.childForFieldName('function')?.text ?? '')) return false;
        return true;
      }
      case 'unsafe-yaml-loader': {
        const loader = kw.get('Loader') ?? args[1];
        if (!loader) return false;
        return !/(Safe|CSafe|Base)Loader$/.test(loader.text);
      }
      case 'torch-no-weights-only': {
        const w = kw.get('weights_only');
        return !w || constantTruth(model, w) !== true;
      }
      case 'numpy-allow-pickle': {
        const a = kw.get('allow_pickle');
        return a !== undefined && constantTruth(model, a) !== false;
      }
      case 'lxml-unsafe-parser': {
        const parser = kw.get('parser') ?? args[1];
        if (!parser) return false;
        let p = unparen(parser);
        if (p.type === 'identifier') {
          const b = model.lookup(p.text, p.startIndex);
          if (b?.kind !== 'assign' || !b.value) return false;
          p = unparen(b.value);
        }
        if (p.type !== 'call') return false;
        const pargs = p.childForFieldName('arguments');
        for (const a of pargs ? named(pargs) : []) {
          if (a.type !== 'keyword_argument') continue;
          const name = a.childForFieldName('name')?.text;
          const v = a.childForFieldName('value');
          if (!v) continue;
          if (name === 'resolve_entities' && constantTruth(model, v) === true) return true;
          if (name === 'no_network' && constantTruth(model, v) === false) return true;
          if (name === 'load_dtd' && constantTruth(model, v) === true) return true;
        }
        return false;
      }
      case 'sax-external-entities':
        return /feature_external_(ges|pes)\s*,\s*(True|1)\b/.test(model.text);
      case 'no-extraction-filter': {
        const f = kw.get('filter');
        if (f && /^['"](data|tar)['"]$/.test(f.text)) return false;
        if (f && /data_filter|tar_filter/.test(f.text)) return false;
        return true;
      }
      case 'compiles-code': {
        // `compile(src, name, mode, ast.PyCF_ONLY_AST)` (what ast.parse does) builds a tree, not code.
        const flags = kw.get('flags') ?? args[3];
        if (!flags) return true;
        const AST_ONLY = /PyCF_ONLY_AST/;
        if (AST_ONLY.test(flags.text)) return false;
        if (flags.type === 'identifier') {
          // `flags = PyCF_ONLY_AST` then `flags |= PyCF_TYPE_COMMENTS`: any assignment of the flag decides.
          const bindings = model.scopeAt(flags.startIndex).bindings.get(flags.text) ?? [];
          if (bindings.some((b) => b.kind === 'assign' && b.value && AST_ONLY.test(b.value.text))) return false;
        }
        return true;
      }
      case 'shell-dash-c': {
        // A shell given `-c` runs its next argument as a command line.
        const consts = args.map((a) => model.constantString(a));
        if (!consts.includes('-c') && !consts.includes('/c')) return false;
        if (callee?.startsWith('sh.')) return true;
        return /(^|\/)(ba|z|da|k)?sh$|(^|\\)cmd(\.exe)?$/.test(consts[0] ?? '');
      }
      case 'entities-enabled': {
        const d = kw.get('disable_entities');
        return d !== undefined && constantTruth(model, d) === false;
      }
      case 'string-command': {
        const cmd = kw.get('command') ?? kw.get('cmd') ?? args[1];
        if (!cmd) return false;
        const c = unparen(cmd);
        return c.type !== 'list' && c.type !== 'tuple' && c.type !== 'list_comprehension';
      }
      case 'jinja-autoescape-off':
        return receiver !== null && jinjaWithoutEscaping(model, receiver, 0);
      case 'mongo-collection': {
        if (!receiver) return false;
        const mongoish = /(db|coll|collection|mongo|database|client)\b|\[['"]|Mongo/i;
        if (mongoish.test(receiver.text)) return true;
        // `find` of a string takes a string; a Mongo filter is a document.
        const first = args[0] ?? kw.get('filter');
        if (first && dictShaped(model, first, 0)) return true;
        if (receiver.type === 'identifier') {
          const b = model.lookup(receiver.text, receiver.startIndex);
          if (b?.kind === 'assign' && b.value) return mongoish.test(b.value.text) && b.value.type !== 'string';
          if (b?.kind === 'import' && b.qualified) return mongoish.test(b.qualified);
        }
        return false;
      }
      case 'pathlib-receiver': {
        if (!receiver) return false;
        const type = model.instanceType(receiver);
        if (type === 'pathlib.Path' || type === 'pathlib.PurePath') return true;
        const name = node.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '';
        return ['read_text', 'read_bytes', 'write_text', 'write_bytes'].includes(name);
      }
      default:
        return true;
    }
  }

  protected addSink(row: Pick<SinkRow, 'rule'>, label: string, node: Node, t: Taint): void {
    const key = `${row.rule}:${node.startIndex}`;
    const loc = this.loc(node);
    const existing = this.sinks.find((s) => s.rule === row.rule && s.loc.startLine === loc.startLine && s.loc.startColumn === loc.startColumn);
    if (existing) {
      existing.taint = union(existing.taint, t);
      return;
    }
    this.sinkSeen.add(key);
    // Secrets on the sink's lines never reach the snippet or the fingerprint, whether or not K6xx runs.
    const { snippet, snippetColumn, fingerprintLine } = snippetOf(maskedLines(this.model), loc, 5);
    const sink: SinkFacts = { rule: row.rule, label, loc, taint: t, snippet, lineText: fingerprintLine };
    if (snippetColumn !== undefined) sink.snippetColumn = snippetColumn;
    const suppression = this.ctx.suppression(node, row.rule);
    if (suppression) sink.suppression = suppression;
    this.sinks.push(sink);
  }

  private mark(set: Set<string>, node: Node, rule: string): void {
    const first = node.startPosition.row + 1;
    const last = Math.min(node.endPosition.row + 1, first + 20);
    for (let line = first; line <= last; line++) set.add(`${line}:${rule}`);
  }

  /** Whether every argument a sink row reads is present and proven constant (see constness.ts). */
  private sinkArgsConstant(row: SinkRow, positional: Node[], keywords: Map<string, Node>): boolean {
    if (row.receiver) return false;
    const nodes: Node[] = [];
    if (row.args === 'all') nodes.push(...positional, ...keywords.values());
    else {
      for (const spec of row.args) {
        const n = (spec.kw !== undefined ? keywords.get(spec.kw) : undefined) ?? (spec.pos !== undefined ? positional[spec.pos] : undefined);
        if (n) nodes.push(n);
      }
    }
    // Inner loops get one pass (see forStatement): a value a later iteration changes is not seen there.
    const proved = (n: Node) => (this.loopDepth > 1 ? provenConstant(this.model, n) : this.constKind(n, true) !== undefined);
    return nodes.length > 0 && nodes.every((n) => n.type !== 'list_splat' && n.type !== 'dictionary_splat' && proved(n));
  }

  /**
   * Constants a call may change: a constant container filled with anything but constants, an object whose
   * method runs, a container or object passed to a function (which may fill it).
   */
  private settleConstants(receiver: Node | null, method: string, callee: string | undefined, positional: Node[], keywords: Map<string, Node>, args: Node | null): void {
    // Most walks prove nothing constant: nothing to settle.
    if (this.constRoots.size === 0) return;
    if (receiver && (receiver.type === 'identifier' || receiver.type === 'attribute')) {
      const kind = this.constLookup(receiver.text);
      if (kind === 'mut') {
        const argNodes = args ? named(args) : [];
        const fills = STORE_METHODS.has(method) || method === '__setitem__';
        const keeps = CONST_KEEPING_METHODS.has(method) || (fills && argNodes.every((a) => a.type !== 'list_splat' && a.type !== 'dictionary_splat' && this.constKind(a.type === 'keyword_argument' ? (a.childForFieldName('value') ?? a) : a) !== undefined));
        if (!keeps) this.unfix(receiver.text);
      } else if (!CONST_KEEPING_METHODS.has(method) && !STRING_METHODS_PURE.has(method)) this.unfix(receiver.text);
    }
    if (callee && PURE_CALLEES.has(callee)) return;
    if (receiver && (method === 'join' || method === 'format' || CONST_KEEPING_METHODS.has(method))) return;
    const passed = [...positional, ...keywords.values()];
    for (const a of args ? named(args) : []) if (a.type === 'list_splat' || a.type === 'dictionary_splat') passed.push(named(a)[0] ?? a);
    for (const a of passed) {
      const n = unparen(a);
      if (n.type === 'identifier' || n.type === 'attribute') this.unfix(n.text);
    }
  }

  /**
   * `d.get(K, default)`, `d.pop(K)`, `d.setdefault(K, v)` on a container with entries, and configparser's
   * `get*(section, option)` / `set(section, option, value)`. Undefined when the keys are not constants.
   */
  protected keyedCall(receiver: Node, method: string, args: Node[], taints: Taint[], at: Node): Taint | undefined {
    const path = containerPath(this.model, receiver);
    if (!path) return undefined;
    const config = CONFIG_PARSER.test(this.model.instanceType(receiver) ?? '');
    const depth = config ? 2 : 1;
    if (method === 'set' && (!config || args.length !== 3)) return undefined;
    let key: string | undefined = path;
    for (let i = 0; i < depth && key !== undefined; i++) {
      const k = args[i] ? constantKey(this.model, args[i]) : undefined;
      key = k === undefined ? undefined : entryKey(key, k);
    }
    if (key === undefined) return undefined;
    if (method === 'set') {
      this.storeEntry(receiver, path, key, taints[2] ?? EMPTY, at);
      return EMPTY;
    }
    if (method === 'setdefault' && !this.state.has(key)) this.storeEntry(receiver, path, key, taints[1] ?? EMPTY, at);
    const entry = this.containers.has(path) ? this.entryTaint(key) : undefined;
    if (!entry) return undefined;
    // The default is the value when the key is absent.
    return config ? entry : union(entry, taints[1] ?? EMPTY);
  }

  /** Stores a value under a constant key: the entry is replaced, the whole container gains it. */
  protected storeEntry(container: Node, path: string, key: string, t: Taint, at: Node): void {
    const step = { loc: this.loc(at), msg: `stored in ${key.length > 60 ? `${key.slice(0, 57)}...` : key}` };
    if (t.length > 0) {
      const root = containerRoot(container);
      if (root) {
        this.entryStore = { key, t: withStep(t, step) };
        try {
          this.assign(root, union(this.expr(root), withStep(t, step)), null, at, true);
        } finally {
          this.entryStore = undefined;
        }
      }
      // Entries between the root and this key that this walk holds (`a["x"]` for `a["x"]["y"] = t`) gain it too.
      for (let k = entryBase(key); k !== undefined && k !== path && k.length > (root?.text.length ?? 0); k = entryBase(k)) {
        const own = this.state.get(k);
        if (own) this.state.set(k, union(own, t));
      }
      const own = this.state.get(path);
      if (path !== root?.text && own) this.state.set(path, union(own, t));
    }
    this.containers.add(containerPathRoot(path));
    this.containers.add(path);
    this.state.set(key, t.length > 0 ? withStep(t, step) : EMPTY);
  }

  /** Whether a sanitizer with an off switch (`autoescape=False`) cleans at this call: left out or constant true. */
  private switchedOn(callee: string, positionalNodes: Node[], keywordNodes: Map<string, Node>, argsNode: Node | null): boolean {
    const switches = this.ctx.spec.sanitizerSwitches;
    let sw = switches.get(callee);
    if (!sw && switches.size > 0) for (const [q, s] of switches) if (q.endsWith(`.${callee}`)) sw = s;
    if (!sw) return true;
    // `f(text, **options)` may carry the switch: only what the call spells out counts.
    if (argsNode && named(argsNode).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return false;
    const given = keywordNodes.get(sw.kw) ?? positionalNodes[sw.pos];
    return given === undefined || constantTruth(this.model, given) === true;
  }

  /**
   * The rules a call sanitizes for. When the scanned folder is a library itself (`django/`), its own sanitizers
   * are named from that folder (`utils.html.escape` for `django.utils.html.escape`): a suffix match finds them.
   */
  protected sanitizerBits(callee: string): number | undefined {
    const bits = this.ctx.spec.sanitizers.get(callee);
    if (bits !== undefined || !callee.includes('.') || !this.ctx.isProject(callee)) return bits;
    let bySuffix = suffixSanitizers.get(this.ctx.spec);
    if (!bySuffix) {
      bySuffix = new Map();
      suffixSanitizers.set(this.ctx.spec, bySuffix);
    }
    if (bySuffix.has(callee)) return bySuffix.get(callee);
    let found: number | undefined;
    for (const [q, b] of this.ctx.spec.sanitizers) if (q.endsWith(`.${callee}`)) found = (found ?? 0) | b;
    bySuffix.set(callee, found);
    return found;
  }
}

export function argTaint(spec: ArgSpec, positional: Taint[], keywords: Record<string, Taint>): Taint {
  if (spec.kw !== undefined && keywords[spec.kw]) return keywords[spec.kw];
  if (spec.pos !== undefined && spec.pos < positional.length) return positional[spec.pos];
  return EMPTY;
}
