/** The taint of expressions: names, attributes, request sources, strings, comprehensions. */
import type { Node } from 'web-tree-sitter';
import type { Location } from '../findings/types.js';
import type { Binding, Scope } from '../semantics/model.js';
import { unparen } from '../syntax/nodes.js';
import type { TaintSpec } from './spec.js';
import { named } from './expressions.js';
import { constantKey, entryKey, literalEntries, subscriptKey } from './fields.js';
import { ALL_RULE_BITS, ruleBit } from './models/rules.js';
import { FIELD_CONTAINERS } from './models/forms.js';
import { CLIENT_ENVIRON_KEY, CLIENT_REQUEST_TYPES, CONFIG_SOURCES, ENVIRON_ATTRS, LOCAL_PROCESS_SOURCES, REQUEST_PARAM_NAMES, REQUEST_TYPES } from './models/sources.js';
import { pinnedOperands } from './url-shape.js';
import type { SourceDesc, SourceKind, Taint } from './types.js';
import { EMPTY, MAX_DEPTH, sanitize, union } from './taint-values.js';
import { GuardAnalysis } from './guards.js';

/**
 * The request's own path: redirecting to it (adding a slash, a login round trip) stays on the site, so it is
 * not an open redirect source; it is still input everywhere else.
 */
export const OWN_PATH = new Set(['path', 'path_info', 'get_full_path', 'get_full_path_info', 'full_path']);

export const OWN_PATH_SAFE = ruleBit('K709');

/** Text placed after a fixed host or a `?` (see url-shape.ts) cannot choose a redirect's destination. */
export const PINNED_SAFE = ruleBit('K709');

/**
 * The request's own host (Django checks it against ALLOWED_HOSTS): a redirect built from it only leaves the site
 * when the settings allow any host or a cache stores a forged one, so it is medium evidence of an open redirect.
 */
export const HOST_DERIVED = new Set(['get_host', 'build_absolute_uri']);

export const HOST_WEAK = { bits: ruleBit('K709'), confidence: 'medium' as const };

export const suffixSanitizers = new WeakMap<TaintSpec, Map<string, number | undefined>>();

export const CONFIG_WEAK = { bits: ALL_RULE_BITS, confidence: 'low' as const };

export function qualifiedSource(kind: SourceKind, q: string, label: string, loc: Location): SourceDesc {
  const src: SourceDesc = { kind, label, loc };
  if (CONFIG_SOURCES.has(q) || LOCAL_PROCESS_SOURCES.has(q)) src.weak = CONFIG_WEAK;
  return src;
}

const STRING_PREFIX = /^[rRbBuU]{0,2}[fF]/;

const LEAF_TYPES = new Set(['integer', 'float', 'true', 'false', 'none', 'ellipsis', 'comparison_operator', 'not_operator', 'lambda', 'type', 'keyword_separator', 'positional_separator']);

/** Expressions: names, attributes, sources, comprehensions (calls are the next layer). */
/** A function that validates a form or serializer (`validate_on_submit()`, `is_valid()`) before reading it. */
const VALIDATES = /\b(?:validate_on_submit|validate|is_valid)\s*\(/;

export abstract class ExpressionAnalysis extends GuardAnalysis {
  private validates: boolean | undefined;

  protected abstract call(node: Node): Taint;

  protected abstract assign(target: Node, t: Taint, value: Node | null, at: Node, keepEntries?: boolean): void;

  protected abstract assignItems(left: Node, right: Node | null, t: Taint, at: Node): void;

  protected read(node: Node): Taint {
    return this.expr(node);
  }

  /**
   * `self.url % kwargs` (Django's RedirectView): a URL template the class is configured with, so the request
   * only fills the placeholders its author placed; the template picks the destination. The template keeps its own
   * taint (a field the solve resolves): set from the request anywhere, it is reported.
   */
  protected isClassTemplate(left: Node | null): boolean {
    const t = left ? unparen(left) : null;
    if (t?.type !== 'attribute' || !this.selfName || t.childForFieldName('object')?.text !== this.selfName) return false;
    return this.model.constantString(t) === undefined;
  }

  expr(node: Node): Taint {
    this.tick();
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      return EMPTY;
    }
    try {
      return this.exprInner(node);
    } finally {
      this.depth--;
    }
  }

  protected exprInner(node: Node): Taint {
    switch (node.type) {
      case 'identifier':
        return this.identifier(node);
      case 'attribute':
        return this.attribute(node);
      case 'subscript': {
        const value = node.childForFieldName('value');
        const subs = node.childrenForFieldName('subscript');
        for (const s of subs) if (s) this.expr(s);
        if (value && subs.length === 1 && subs[0] && this.serverEnvironKey(value, subs[0])) return EMPTY;
        const key = this.containers.size > 0 ? subscriptKey(this.model, node) : undefined;
        const entry = key ? this.entryTaint(key) : undefined;
        if (entry) return entry;
        if (!value) return EMPTY;
        const t = subs.length === 1 && subs[0] ? this.fieldEntry(value, subs[0], this.expr(value)) : this.expr(value);
        return subs.length === 1 && subs[0] && t.length > 0 ? this.fieldByKey(subs[0], t) : t;
      }
      case 'dictionary': {
        const entries = literalEntries(this.model, node);
        if (!entries) break;
        const taints: [string | number, Taint][] = [];
        let all: Taint = EMPTY;
        for (const [k, v] of entries) {
          const x = this.expr(v);
          taints.push([k, x]);
          all = union(all, x);
        }
        this.literalEntries.set(node.startIndex, taints);
        return all;
      }
      case 'call':
        return this.call(node);
      case 'string': {
        const head = this.model.text.slice(node.startIndex, node.startIndex + 3);
        if (!STRING_PREFIX.test(head)) return EMPTY;
        let t: Taint = EMPTY;
        const pinned = pinnedOperands(this.model, node);
        for (const c of named(node)) if (c.type === 'interpolation') t = union(t, pinned.has(c.startIndex) ? sanitize(this.expr(c), PINNED_SAFE) : this.expr(c));
        return t;
      }
      case 'interpolation': {
        const e = node.childForFieldName('expression') ?? named(node)[0];
        return e ? this.expr(e) : EMPTY;
      }
      case 'keyword_argument': {
        const v = node.childForFieldName('value');
        return v ? this.expr(v) : EMPTY;
      }
      case 'named_expression': {
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        const t = value ? this.expr(value) : EMPTY;
        if (name) this.assign(name, t, value, node);
        return t;
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
      case 'dictionary_comprehension':
        return this.comprehension(node);
      case 'conditional_expression': {
        const parts = named(node);
        // `a if cond else b`: the value is a or b; the condition only decides which.
        if (parts.length === 3) {
          this.expr(parts[1]);
          const c = this.foldedTruth(parts[1]);
          if (c === true) return this.expr(parts[0]);
          if (c === false) return this.expr(parts[2]);
          // `x if x in ALLOWED else "default"`: the guard holds in the branch it selects.
          const guards = this.guards(parts[1]);
          const saved = this.state;
          this.state = this.applyGuards(saved, guards.whenTrue);
          const yes = this.expr(parts[0]);
          this.state = this.applyGuards(saved, guards.whenFalse);
          const no = this.expr(parts[2]);
          this.state = saved;
          return union(yes, no);
        }
        break;
      }
      case 'binary_operator': {
        // `url + "?" + query`, `"%s?%s" % (url, query)`: what follows a fixed host or a `?` cannot redirect off-site.
        const op = node.childForFieldName('operator')?.text;
        if (op !== '+' && op !== '%') break;
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (op === '%' && left && right && this.isClassTemplate(left)) return union(this.expr(left), sanitize(this.expr(right), PINNED_SAFE));
        const pinned = pinnedOperands(this.model, node);
        if (pinned.size === 0) break;
        let t: Taint = EMPTY;
        const visit = (x: Node) => {
          const u = unparen(x);
          if (op === '+' && u.type === 'binary_operator' && u.childForFieldName('operator')?.text === '+' && !pinned.has(x.startIndex)) {
            for (const c of named(u)) visit(c);
            return;
          }
          if (op === '%' && (u.type === 'tuple' || u.type === 'parenthesized_expression') && x.startIndex === node.childForFieldName('right')?.startIndex) {
            for (const c of named(u)) visit(c);
            return;
          }
          const v = this.expr(x);
          t = union(t, pinned.has(x.startIndex) ? sanitize(v, PINNED_SAFE) : v);
        };
        for (const c of named(node)) visit(c);
        return t;
      }
      case 'lambda':
      case 'comparison_operator':
      case 'not_operator':
        for (const c of named(node)) if (c.type === 'call' || c.type === 'named_expression') this.expr(c);
        return EMPTY;
      default:
        if (LEAF_TYPES.has(node.type)) return EMPTY;
    }
    let t: Taint = EMPTY;
    for (const c of named(node)) t = union(t, this.expr(c));
    return t;
  }

  protected comprehension(node: Node): Taint {
    const saved = this.state;
    this.state = new Map(saved);
    let body: Node | null = null;
    for (const c of named(node)) {
      if (c.type === 'for_in_clause') {
        const left = c.childForFieldName('left');
        const right = c.childForFieldName('right');
        const t = right ? this.expr(right) : EMPTY;
        if (left) this.assignItems(left, right, t, c);
      } else if (c.type === 'if_clause') {
        for (const x of named(c)) this.expr(x);
      } else if (!body) body = c;
    }
    const t = body ? this.expr(body) : EMPTY;
    this.state = saved;
    return t;
  }

  protected identifier(node: Node): Taint {
    const name = node.text;
    const local = this.state.get(name);
    if (local) return local;
    const binding = this.model.lookup(name, node.startIndex);
    if (!binding) return EMPTY;
    return this.fromBinding(binding, name, node);
  }

  /** A name not assigned in this function: a closure's variable, a module global or an imported one. */
  protected fromBinding(binding: Binding, name: string, node: Node): Taint {
    if (binding.kind === 'import') {
      const q = binding.qualified ?? name;
      const kind = this.ctx.spec.sourceNames.get(q);
      if (kind) return [{ k: 'src', src: qualifiedSource(kind, q, q, this.loc(node)), steps: [], san: 0 }];
      if (this.ctx.isProject(q)) return [{ k: 'global', g: q, steps: [], san: 0 }];
      return EMPTY;
    }
    if (binding.kind === 'def' || binding.kind === 'class' || binding.kind === 'param') return EMPTY;
    if (this.isModule) return EMPTY;
    const scope = this.model.scopeAt(node.startIndex);
    let s: Scope | null = scope;
    while (s && !s.bindings.get(name)?.includes(binding)) s = s.parent;
    if (s?.kind === 'module') return [{ k: 'global', g: `${this.model.moduleName}.${name}`, steps: [], san: 0 }];
    return EMPTY;
  }

  protected attribute(node: Node): Taint {
    const key = node.text;
    const local = this.state.get(key);
    if (local) return local;
    const obj = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute')?.text ?? '';
    if (!obj) return EMPTY;
    const spec = this.ctx.spec;
    if (spec.sourceLastNames.has(attr)) {
      const q = this.model.qualifiedName(node);
      const kind = q ? spec.sourceNames.get(q) : undefined;
      if (kind && q) return [{ k: 'src', src: qualifiedSource(kind, q, q, this.loc(node)), steps: [], san: 0 }];
    }
    const holders = spec.instanceAttrs.get(attr);
    if (holders?.has(this.model.instanceType(obj) ?? '')) {
      return [{ k: 'src', src: { kind: 'web', label: `${obj.text}.${attr}`, loc: this.loc(node) }, steps: [], san: 0 }];
    }
    if (spec.requestAttrs.has(attr) && this.isRequest(obj)) {
      return [{ k: 'src', src: { kind: 'web', label: `${obj.text}.${attr}`, loc: this.loc(node) }, steps: [], san: OWN_PATH.has(attr) ? OWN_PATH_SAFE : 0 }];
    }
    if (this.selfName && obj.type === 'identifier' && obj.text === this.selfName) {
      for (const s of this.handlerSources) {
        if (s.attrs.has(attr)) return [{ k: 'src', src: { kind: 'web', label: `self.${attr}`, loc: this.loc(node) }, steps: [], san: s.safeFor.get(attr) ?? 0 }];
      }
    }
    const cls = this.classOf(obj);
    if (cls) {
      const own: Taint = [{ k: 'field', f: `${cls}.${attr}`, steps: [], san: 0 }];
      if (cls === this.plan.cls) return own;
      // An object of a project class built here: a class without `__init__` (a dataclass or a model from another
      // module) holds the arguments it was built from; with an `__init__`, its fields decide.
      const local = obj.type === 'identifier' ? this.state.get(obj.text) : undefined;
      // Tagged as a field read all the same, so that a data model's typed fields stay clean.
      if (local && local.length > 0 && local.every((a) => a.k === 'call' && this.calls[a.c]?.through)) return union(own, this.modelRead(local, cls, attr, false));
      // A form or serializer built from request data (`SignupForm(request.form).name`) holds it field by field;
      // the solver keeps this only for data-model classes.
      const built = this.expr(obj);
      return built.length > 0 ? union(own, this.modelRead(built, cls, attr, true)) : own;
    }
    const t = this.expr(obj);
    if (t.length === 0 || unparen(obj).type !== 'identifier') return t;
    const type = this.model.instanceType(obj);
    return type ? this.modelRead(t, type, attr, false) : t;
  }

  /** Tags a value as field `attr` of an instance of `cls` (see ModelRead in types.ts). */
  protected modelRead(t: Taint, cls: string, attr: string, onlyModels: boolean): Taint {
    if (this.validates === undefined) {
      const n = this.plan.info?.node;
      this.validates = n ? VALIDATES.test(this.model.text.slice(n.startIndex, n.endIndex)) : false;
    }
    const mf = `${cls}.${attr}`;
    const mv = this.validates;
    return t.map((a) => ({ ...a, mf, ...(onlyModels ? { mo: true } : {}), ...(mv ? { mv } : {}) }));
  }

  /**
   * `form.cleaned_data["age"]`, `data["age"]` after `data = serializer.validated_data`: the read becomes one
   * of field `age`.
   */
  /** `self.meta["label"]` read from an attribute's container: the field atom names the entry (see FunctionFacts.fields). */
  private fieldEntry(value: Node, sub: Node, t: Taint): Taint {
    if (value.type !== 'attribute' || !t.some((a) => a.k === 'field' && a.key === undefined)) return t;
    const k = constantKey(this.model, sub);
    const key = k === undefined ? undefined : entryKey('', k);
    const obj = value.childForFieldName('object');
    const cls = key && obj ? this.classOf(obj) : undefined;
    if (!cls) return t;
    const f = `${cls}.${value.childForFieldName('attribute')?.text ?? ''}`;
    return t.map((a) => (a.k === 'field' && a.f === f && a.key === undefined ? { ...a, key } : a));
  }

  protected fieldByKey(key: Node, t: Taint): Taint {
    if (!t.some((a) => a.mf !== undefined && FIELD_CONTAINERS.has(a.mf.slice(a.mf.lastIndexOf('.') + 1)))) return t;
    const name = this.model.constantString(key);
    if (name === undefined) return t;
    return t.map((a) => {
      const dot = a.mf?.lastIndexOf('.') ?? -1;
      return a.mf !== undefined && FIELD_CONTAINERS.has(a.mf.slice(dot + 1)) ? { ...a, mf: `${a.mf.slice(0, dot)}.${name}` } : a;
    });
  }

  /**
   * A constant key of the request's CGI/WSGI environment (`request.META`, `environ`) that the client does not
   * write: server settings and values middleware stored there (`CSRF_COOKIE`, `SERVER_NAME`).
   */
  protected serverEnvironKey(mapping: Node, keyNode: Node): boolean {
    const m = unparen(mapping);
    if (m.type !== 'attribute') return false;
    const attr = m.childForFieldName('attribute')?.text ?? '';
    if (!ENVIRON_ATTRS.has(attr)) return false;
    if (!this.isRequest(m.childForFieldName('object')) && this.model.qualifiedName(m) !== 'flask.request.environ') return false;
    const key = this.model.constantString(keyNode);
    return key !== undefined && !CLIENT_ENVIRON_KEY.test(key);
  }

  /** The project class of an instance expression (`self` in a method, `obj` bound to `Class(...)`). */
  protected classOf(obj: Node): string | undefined {
    const o = unparen(obj);
    if (o.type === 'identifier' && this.selfName && o.text === this.selfName && this.plan.cls) return this.plan.cls;
    if (o.type !== 'identifier') return undefined;
    if (this.state.get(o.text)?.some((a) => a.k !== 'call')) return undefined;
    const type = this.model.instanceType(o);
    return type && this.ctx.isProject(type) ? type : undefined;
  }

  protected isRequest(obj: Node | null): boolean {
    if (!obj) return false;
    const o = unparen(obj);
    if (o.type === 'attribute') {
      const inner = o.childForFieldName('object');
      // A wrapper keeping the request it was built from (`self.req = req` in `__init__`).
      const attr = o.childForFieldName('attribute')?.text ?? '';
      return REQUEST_PARAM_NAMES.has(attr.replace(/^_+/, '')) && inner?.type === 'identifier' && inner.text === this.selfName;
    }
    if (o.type !== 'identifier') return false;
    const b = this.model.lookup(o.text, o.startIndex);
    if (b?.kind === 'import') return false;
    if (b?.kind === 'param' && b.annotation) {
      const ann = b.annotation.type === 'type' ? b.annotation.namedChildren[0] : b.annotation;
      const q = ann ? this.model.qualifiedName(ann) : undefined;
      if (q && REQUEST_TYPES.has(q)) return true;
      if (q && CLIENT_REQUEST_TYPES.has(q)) return false;
    }
    return REQUEST_PARAM_NAMES.has(o.text);
  }
}
