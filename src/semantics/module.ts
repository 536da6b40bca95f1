import type { Node, Query, Tree } from 'web-tree-sitter';
import { parameterParts, unparen } from '../syntax/nodes.js';
import { PYTHON_BUILTINS } from './builtins.js';
import { foldNumber, foldString, isConstantExpression, type NumberLeaf } from './constants.js';
import type { Assignment, Binding, CallSite, FunctionInfo, ImportRecord, Scope, ScopeKind } from './model.js';
import { RETURN_TYPES } from './return-types.js';

/**
 * What a Python expression denotes, as far as static reading can tell: a named thing (a module, function or
 * class, by qualified name) or an instance of a type (by the type's qualified name).
 */
export type Ref = { kind: 'name'; q: string } | { kind: 'instance'; type: string };

const MAX_DEPTH = 24;

const NO_CALLS: readonly CallSite[] = Object.freeze([]);

/** Dotted module name for a root-relative path: `pkg/sub/mod.py` → `pkg.sub.mod`, `pkg/__init__.py` → `pkg`. */
export function moduleNameFor(relPath: string): string {
  const parts = relPath.replace(/\.pyw?$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  return parts.filter((p) => p.length > 0).join('.');
}

/**
 * The semantic model of one module, built from a single query pass over the tree: scopes and bindings,
 * imports resolved to qualified names, call sites with resolved callees, assignments and definitions.
 */
export class ModuleModel {
  readonly moduleName: string;
  readonly isPackageInit: boolean;
  readonly moduleScope: Scope;
  readonly imports: ImportRecord[] = [];
  readonly calls: CallSite[] = [];
  readonly assignments: Assignment[] = [];
  readonly functions: FunctionInfo[] = [];
  readonly errorNodes: Node[] = [];
  readonly starImports: string[] = [];
  /** Nodes of the types rules asked for (`Rule.nodeTypes`), in source order, by type. */
  readonly nodesOfType = new Map<string, Node[]>();
  /** Call sites by the last name of their callee as written (`run` for `sp.run(...)` and `run(...)`). */
  private readonly callsByName = new Map<string, CallSite[]>();
  /** Names bound to something whose own last name differs (`from m import f as g`, `g = m.f`): calls through them can resolve anywhere. */
  private readonly aliasNames = new Set<string>();
  private readonly callsToCache = new Map<string, readonly CallSite[]>();
  private readonly innerAssignments = new Set<number>();
  /** The innermost block around the capture being built, stamped on the bindings it creates. */
  private block: { start: number; end: number } | undefined;
  private readonly refCache = new Map<number, Ref | null>();
  private readonly foldCache = new Map<number, string | null>();

  constructor(
    readonly relPath: string,
    readonly text: string,
    readonly tree: Tree,
    query: Query,
    /** The module's dotted name within its source root, where that differs from its path (workspace/modules.ts). */
    moduleName?: string,
  ) {
    this.moduleName = moduleName ?? moduleNameFor(relPath);
    this.isPackageInit = /(^|\/)__init__\.pyw?$/.test(relPath);
    const root = tree.rootNode;
    this.moduleScope = {
      kind: 'module',
      node: root,
      start: 0,
      end: Number.MAX_SAFE_INTEGER,
      parent: null,
      children: [],
      qualname: this.moduleName,
      bindings: new Map(),
    };
    this.build(query);
  }

  // ---- building ---------------------------------------------------------------------------------------

  private build(query: Query): void {
    const stack: Scope[] = [this.moduleScope];
    const blocks: { start: number; end: number }[] = [];
    const captures = query.captures(this.tree.rootNode);
    for (let i = 0; i < captures.length; i++) {
      const { name, node } = captures[i];
      const start = node.startIndex;
      while (stack.length > 1 && start >= stack[stack.length - 1].end) stack.pop();
      while (blocks.length > 0 && start >= blocks[blocks.length - 1].end) blocks.pop();
      this.block = blocks[blocks.length - 1];
      const scope = stack[stack.length - 1];
      switch (name) {
        case 'block':
          blocks.push({ start, end: node.endIndex });
          break;
        case 'import':
          this.addImport(node, scope);
          break;
        case 'import_from':
          this.addImportFrom(node, scope);
          break;
        case 'function':
        case 'lambda':
        case 'class':
          stack.push(this.addScope(node, name, scope));
          break;
        case 'call':
          this.addCall(node, scope, outerCall(captures, i));
          break;
        case 'assign':
          this.addAssignment(node, scope);
          break;
        case 'augassign': {
          const left = node.childForFieldName('left');
          if (left?.type === 'identifier') this.bind(scope, { kind: 'unknown', name: left.text, at: node.endIndex });
          break;
        }
        case 'with_item':
          this.addWithItem(node, scope);
          break;
        case 'walrus': {
          const target = node.childForFieldName('name');
          const value = node.childForFieldName('value');
          if (target && value) this.bind(scope, { kind: 'assign', name: target.text, at: node.endIndex, value });
          break;
        }
        case 'loop_target':
          // Loop and comprehension variables take values from data: they hide any constant bound before.
          for (const t of flattenTargets(node)) if (t.type === 'identifier') this.bind(scope, { kind: 'unknown', name: t.text, at: t.startIndex });
          break;
        case 'bound':
          this.bind(scope, { kind: 'unknown', name: node.text, at: node.startIndex });
          break;
        case 'error':
          this.errorNodes.push(node);
          break;
        default:
          if (name.startsWith('node.')) {
            const type = name.slice(5);
            const list = this.nodesOfType.get(type);
            if (list) list.push(node);
            else this.nodesOfType.set(type, [node]);
          }
      }
    }
  }

  private bind(scope: Scope, binding: Binding): void {
    // A name bound to another name or attribute may be called under either name.
    if (binding.kind === 'assign' && binding.value && (binding.value.type === 'identifier' || binding.value.type === 'attribute')) {
      this.aliasNames.add(binding.name);
    }
    // A scope's own body block is not a branch: only blocks nested inside the scope count.
    if (this.block && this.block.start > scope.start && !(scope.node && this.block.end === scope.end)) {
      binding.blockStart = this.block.start;
      binding.blockEnd = this.block.end;
    }
    const list = scope.bindings.get(binding.name);
    if (list) list.push(binding);
    else scope.bindings.set(binding.name, [binding]);
  }

  private resolveRelative(module: string, level: number): string {
    // A package's __init__ is the package itself; any other module's package is its parent.
    const parts = this.moduleName ? this.moduleName.split('.') : [];
    if (!this.isPackageInit) parts.pop();
    for (let i = 1; i < level; i++) parts.pop();
    if (module) parts.push(module);
    return parts.join('.');
  }

  private addImport(node: Node, scope: Scope): void {
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'dotted_name') {
        const module = child.text.replace(/\s+/g, '');
        const top = module.split('.')[0];
        this.recordImport(node, scope, top, top, module);
      } else if (child.type === 'aliased_import') {
        const nameNode = child.childForFieldName('name');
        const alias = child.childForFieldName('alias');
        if (!nameNode || !alias) continue;
        const module = nameNode.text.replace(/\s+/g, '');
        this.recordImport(node, scope, alias.text, module, module);
      }
    }
  }

  private addImportFrom(node: Node, scope: Scope): void {
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) return;
    let module: string;
    if (moduleNode.type === 'relative_import') {
      const prefix = moduleNode.namedChildren.find((c) => c?.type === 'import_prefix');
      const dotted = moduleNode.namedChildren.find((c) => c?.type === 'dotted_name');
      module = this.resolveRelative(dotted ? dotted.text : '', prefix ? prefix.text.length : 1);
    } else {
      module = moduleNode.text.replace(/\s+/g, '');
    }
    for (const child of node.namedChildren) {
      if (!child || child.id === moduleNode.id) continue;
      if (child.type === 'wildcard_import') {
        this.starImports.push(module);
      } else if (child.type === 'dotted_name') {
        const q = module ? `${module}.${child.text}` : child.text;
        this.recordImport(node, scope, child.text.split('.')[0], q, module);
      } else if (child.type === 'aliased_import') {
        const nameNode = child.childForFieldName('name');
        const alias = child.childForFieldName('alias');
        if (!nameNode || !alias) continue;
        const q = module ? `${module}.${nameNode.text}` : nameNode.text;
        this.recordImport(node, scope, alias.text, q, module);
      }
    }
  }

  private recordImport(node: Node, scope: Scope, local: string, qualified: string, module: string): void {
    this.imports.push({ node, local, qualified, module, scope });
    if (qualified.slice(qualified.lastIndexOf('.') + 1) !== local) this.aliasNames.add(local);
    this.bind(scope, { kind: 'import', name: local, at: node.endIndex, qualified });
  }

  private addScope(node: Node, capture: string, parent: Scope): Scope {
    const kind: ScopeKind = capture === 'class' ? 'class' : capture === 'lambda' ? 'lambda' : 'function';
    const nameNode = node.childForFieldName('name');
    const name = nameNode?.text ?? '<lambda>';
    const qualname = parent.qualname ? `${parent.qualname}.${name}` : name;
    const scope: Scope = {
      kind,
      node,
      start: node.startIndex,
      end: node.endIndex,
      parent,
      children: [],
      qualname,
      bindings: new Map(),
    };
    parent.children.push(scope);
    if (kind === 'lambda') {
      this.bindParameters(node, scope, parent);
      return scope;
    }
    // The definition binds its name in the enclosing scope; decorators wrap it but keep the name.
    this.bind(parent, { kind: kind === 'class' ? 'class' : 'def', name, at: node.startIndex, qualified: qualname });
    if (kind === 'function') {
      this.functions.push(new FunctionRecord(node, name, qualname, scope));
      this.bindParameters(node, scope, parent);
    }
    return scope;
  }

  private bindParameters(fn: Node, scope: Scope, parent: Scope): void {
    const isMethod = parent.kind === 'class' && fn.type === 'function_definition';
    parameterParts(fn).forEach(({ name, annotation }, i) => {
      const binding: Binding = { kind: 'param', name: name.text, at: fn.startIndex };
      if (annotation) binding.annotation = annotation;
      if (i === 0 && isMethod && !this.isStaticMethod(fn)) binding.selfOf = parent.qualname;
      this.bind(scope, binding);
    });
  }

  private isStaticMethod(fn: Node): boolean {
    const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent : null;
    if (!decorated) return false;
    return decorated.namedChildren.some((d) => d?.type === 'decorator' && /^@\s*(staticmethod|classmethod)\b/.test(d.text));
  }

  private addAssignment(node: Node, scope: Scope): void {
    // `a = b = v` nests assignments; the outer one (captured first) owns every target and the innermost value.
    if (this.innerAssignments.delete(node.id)) return;
    const targets: Node[] = [];
    let value: Node | null = null;
    let annotation: Node | null = null;
    let cur: Node | null = node;
    const pairs: { target: Node; value: Node | null }[] = [];
    const lefts: Node[] = [];
    while (cur) {
      const left = cur.childForFieldName('left');
      if (left) lefts.push(left);
      annotation ??= cur.childForFieldName('type');
      const right: Node | null = cur.childForFieldName('right');
      if (right?.type === 'assignment') {
        this.innerAssignments.add(right.id);
        cur = right;
      } else {
        value = right;
        cur = null;
      }
    }
    for (const left of lefts) {
      const flat = flattenTargets(left);
      targets.push(...flat);
      if (flat.length === 1 && flat[0].id === unparen(left).id) {
        pairs.push({ target: flat[0], value });
      } else {
        const elems = value ? tupleElements(value) : undefined;
        const leftElems = tupleElements(left);
        if (elems && leftElems && elems.length === leftElems.length && !leftElems.some((e) => e.type === 'list_splat_pattern')) {
          leftElems.forEach((t, i) => {
            for (const f of flattenTargets(t)) pairs.push({ target: f, value: f.id === unparen(t).id ? elems[i] : null });
          });
        } else {
          for (const f of flat) pairs.push({ target: f, value: null });
        }
      }
    }
    const single = pairs.length === targets.length && lefts.length > 0 && targets.length === lefts.length;
    this.assignments.push({ node, targets, value: single ? value : null, annotation, scope });
    for (const { target, value: v } of pairs) {
      if (target.type !== 'identifier') continue;
      const binding: Binding = v ? { kind: 'assign', name: target.text, at: node.endIndex, value: v } : { kind: 'unknown', name: target.text, at: node.endIndex };
      if (annotation && lefts.length === 1) binding.annotation = annotation;
      this.bind(scope, binding);
    }
  }

  private addWithItem(node: Node, scope: Scope): void {
    const value = node.childForFieldName('value');
    if (value?.type !== 'as_pattern') return;
    const expr = value.namedChildren[0];
    const alias = value.childForFieldName('alias');
    const first = alias?.namedChildren[0];
    const target = first ? unparen(first) : null;
    if (!expr || !target) return;
    if (target.type === 'identifier') this.bind(scope, { kind: 'assign', name: target.text, at: node.endIndex, value: expr });
  }

  /**
   * `outer` is set when a call nested in this one starts where it does (`f(a)(b)`, `g(x).run(y)`): the text at
   * the start is then the inner callee's, not this one's.
   */
  private addCall(node: Node, scope: Scope, outer: boolean): void {
    // Most callees are a dotted name written just before the parenthesis: their last name is read from the text,
    // and the callee node is fetched from the tree only if a rule asks (a WASM call and an object per call site).
    let name: string | undefined;
    if (!outer) {
      SIMPLE_CALLEE.lastIndex = node.startIndex;
      const m = SIMPLE_CALLEE.exec(this.text);
      if (m && !(m[2] === undefined && CONSTANT_NAMES.has(m[1]))) name = m[2] ?? m[1];
    }
    let calleeNode: Node | undefined;
    if (name === undefined) {
      const fn = node.childForFieldName('function');
      if (!fn) return;
      calleeNode = fn;
      name = '';
      const type = fn.type;
      if (type === 'identifier') name = fn.text;
      else if (type === 'attribute') name = fn.childForFieldName('attribute')?.text ?? '';
    }
    // Resolution waits until a rule asks: most calls match no rule, and resolving every callee up front
    // cost as much as the rest of the model.
    const site = new LazyCallSite(node, calleeNode, name, scope, this);
    this.calls.push(site);
    const list = this.callsByName.get(name);
    if (list) list.push(site);
    else this.callsByName.set(name, [site]);
  }

  private lineList: string[] | undefined;

  /** The source split into lines; split on first use, since most modules end with no finding to show. */
  get lines(): string[] {
    this.lineList ??= this.text.split(/\r\n|\r|\n/);
    return this.lineList;
  }

  /** The number of lines, as `lines.length` would say, without splitting. */
  get lineCount(): number {
    if (this.lineList) return this.lineList.length;
    let count = 1;
    const t = this.text;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 10) count++;
      else if (c === 13) {
        count++;
        if (t.charCodeAt(i + 1) === 10) i++;
      }
    }
    return count;
  }

  // ---- queries ----------------------------------------------------------------------------------------

  /** Call sites whose callee resolves to `qualified`. */
  callsTo(qualified: string): readonly CallSite[] {
    // Rules ask for hundreds of names per module and almost all miss: answer a miss without allocating.
    const last = qualified.slice(qualified.lastIndexOf('.') + 1);
    const named = this.callsByName.get(last);
    const aliased = this.aliasCalls();
    if (!named && aliased.length === 0) return NO_CALLS;
    const cached = this.callsToCache.get(qualified);
    if (cached) return cached;
    const found: CallSite[] = [];
    if (named) for (const c of named) if (c.callee === qualified) found.push(c);
    let mixed = false;
    for (const c of aliased) {
      if (c.name !== last && c.callee === qualified) {
        found.push(c);
        mixed = true;
      }
    }
    if (mixed) found.sort((a, b) => a.node.startIndex - b.node.startIndex);
    this.callsToCache.set(qualified, found);
    return found;
  }

  /** Every distinct callee last name in the module, with its call sites in source order. */
  callNames(): ReadonlyMap<string, readonly CallSite[]> {
    return this.callsByName;
  }

  private aliasCallList: CallSite[] | undefined;

  /** Calls made through an alias name (`P(...)` after `from subprocess import Popen as P`), which can resolve to anything. */
  aliasCalls(): readonly CallSite[] {
    if (!this.aliasCallList) {
      this.aliasCallList = [];
      for (const alias of this.aliasNames) {
        const calls = this.callsByName.get(alias);
        if (calls) this.aliasCallList.push(...calls);
      }
    }
    return this.aliasCallList;
  }

  /** The innermost scope that contains a source index. */
  scopeAt(index: number): Scope {
    let scope = this.moduleScope;
    for (;;) {
      const child = scope.children.find((c) => c.start <= index && index < c.end);
      if (!child) return scope;
      scope = child;
    }
  }

  /** The binding a name has at a source position, following Python's scoping (class bodies are not enclosing). */
  lookup(name: string, index: number, from?: Scope): Binding | undefined {
    let scope: Scope | null = from ?? this.scopeAt(index);
    let own = true;
    while (scope) {
      if (scope.kind === 'class' && !own) {
        scope = scope.parent;
        continue;
      }
      const list = scope.bindings.get(name);
      if (list && list.length > 0) {
        if (own) {
          let found: Binding | undefined;
          for (const b of list) if (b.at <= index) found = b;
          if (found) {
            // Assigned in a branch that does not contain this use (`if c: y = None` / `else: eval(y)`): that
            // value may not be the one here. Imports stay as they are (`try: import x / except: import y`
            // alternatives name the same kind of module).
            if (found.kind !== 'import' && found.blockStart !== undefined && found.blockEnd !== undefined && !(found.blockStart <= index && index < found.blockEnd)) {
              return { kind: 'unknown', name, at: found.at };
            }
            return found;
          }
          // A function local bound only later is still local (a loop carries it around); a class body or
          // module reads the enclosing or global binding until its own assignment runs.
          if (scope.kind === 'function' || scope.kind === 'lambda') return list[list.length - 1];
          if (scope.kind === 'module') return undefined;
          own = false;
          scope = scope.parent;
          continue;
        }
        return list[list.length - 1];
      }
      own = false;
      scope = scope.parent;
    }
    return undefined;
  }

  /** Qualified name of what an expression refers to (`sp.run` → `subprocess.run`), if known. */
  qualifiedName(node: Node): string | undefined {
    const ref = this.resolve(node);
    return ref?.kind === 'name' ? ref.q : undefined;
  }

  /** Type of the instance an expression evaluates to, if known (`sqlite3.connect(p)` → `sqlite3.Connection`). */
  instanceType(node: Node): string | undefined {
    const ref = this.resolve(node);
    return ref?.kind === 'instance' ? ref.type : undefined;
  }

  resolve(node: Node, depth = 0): Ref | undefined {
    const cached = this.refCache.get(node.id);
    if (cached !== undefined) return cached ?? undefined;
    if (depth > MAX_DEPTH) return undefined;
    // Mark in progress: a cycle through module-level rebinding resolves to unknown rather than recursing.
    this.refCache.set(node.id, null);
    const ref = this.resolveUncached(unparen(node), depth);
    this.refCache.set(node.id, ref ?? null);
    return ref;
  }

  private resolveUncached(node: Node, depth: number): Ref | undefined {
    switch (node.type) {
      case 'identifier': {
        const binding = this.lookup(node.text, node.startIndex);
        if (!binding) {
          if (PYTHON_BUILTINS.has(node.text)) return { kind: 'name', q: node.text };
          if (this.starImports.length === 1) return { kind: 'name', q: `${this.starImports[0]}.${node.text}` };
          return undefined;
        }
        return this.resolveBinding(binding, depth);
      }
      case 'attribute': {
        const obj = node.childForFieldName('object');
        const attr = node.childForFieldName('attribute');
        if (!obj || !attr) return undefined;
        const base = this.resolve(obj, depth + 1);
        if (!base) return undefined;
        return { kind: 'name', q: `${base.kind === 'name' ? base.q : base.type}.${attr.text}` };
      }
      case 'call': {
        const fn = node.childForFieldName('function');
        if (!fn) return undefined;
        const callee = this.resolve(fn, depth + 1);
        if (callee?.kind !== 'name') return undefined;
        return this.callResult(callee.q, node, depth);
      }
      default:
        return undefined;
    }
  }

  private resolveBinding(binding: Binding, depth: number): Ref | undefined {
    switch (binding.kind) {
      case 'import':
      case 'def':
      case 'class':
        return binding.qualified ? { kind: 'name', q: binding.qualified } : undefined;
      case 'assign':
        if (binding.value) return this.resolve(binding.value, depth + 1);
        return undefined;
      case 'param': {
        if (binding.selfOf) return { kind: 'instance', type: binding.selfOf };
        if (binding.annotation) {
          const ann = binding.annotation.type === 'type' ? binding.annotation.namedChildren[0] : binding.annotation;
          if (!ann) return undefined;
          const t = this.resolve(ann, depth + 1);
          if (t?.kind === 'name') return { kind: 'instance', type: t.q };
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** What calling `callee` returns: a table entry, a dynamic import, or an instance of a class. */
  private callResult(callee: string, call: Node, _depth: number): Ref | undefined {
    const known = RETURN_TYPES[callee];
    if (known !== undefined) return { kind: 'instance', type: known };
    if (callee === '__import__' || callee === 'importlib.import_module') {
      const args = call.childForFieldName('arguments');
      const first = args?.namedChildren.find((c) => c !== null && c.type !== 'comment');
      if (!first || first.type === 'keyword_argument') return undefined;
      const name = this.constantString(first);
      if (!name || !/^[\w.]+$/.test(name)) return undefined;
      // `__import__('a.b')` returns the top package; import_module returns the module itself.
      return { kind: 'name', q: callee === '__import__' ? name.split('.')[0] : name };
    }
    const last = callee.slice(callee.lastIndexOf('.') + 1);
    if (/^_?[A-Z]/.test(last) && !/^[A-Z0-9_]+$/.test(last)) return { kind: 'instance', type: callee };
    return undefined;
  }

  /** The string an expression always evaluates to, if it is constant (literals, concatenation, constant names). */
  constantString(node: Node): string | undefined {
    const cached = this.foldCache.get(node.id);
    if (cached !== undefined) return cached ?? undefined;
    this.foldCache.set(node.id, null);
    const value = foldString(node, (id) => this.constantBindingValue(id));
    this.foldCache.set(node.id, value ?? null);
    return value;
  }

  /** The number a constant expression evaluates to, folding only `operators` (see `foldNumber`). */
  constantNumber(node: Node, operators: ReadonlySet<string>, leaf?: NumberLeaf): number | undefined {
    return foldNumber(node, (id) => this.constantBindingValue(id), operators, leaf);
  }

  /** True when the expression has one value whatever the input (literals, constant strings, tuples of them). */
  isConstant(node: Node): boolean {
    return isConstantExpression(node, (n) => this.constantString(n) !== undefined, (id) => this.constantBindingValue(id));
  }

  /**
   * The value a name is bound to at its use, when that binding is a plain assignment. Flow decides which
   * binding is seen, so `q = "a"; q += x` leaves `q` non-constant after the augmented assignment.
   */
  private constantBindingValue(identifier: Node): Node | undefined {
    const b = this.lookup(identifier.text, identifier.startIndex);
    return b?.kind === 'assign' && !this.containerFilled(b) ? b.value : undefined;
  }

  private filledCache = new Map<Binding, boolean>();
  private fillsByName: Map<string, ContainerFill[]> | undefined;

  /**
   * Whether a name bound to a list, dict or set literal later receives a value that is not constant in its scope
   * (`args = ["ping"]; args.append(host)`, `opts["q"] = q`): the literal then no longer says what the container
   * holds. Constant fills (`args.append("-v")`) keep it constant.
   */
  containerFilled(binding: Binding): boolean {
    const literal = binding.kind === 'assign' && binding.value ? unparen(binding.value) : undefined;
    if (!literal || !MUTABLE_LITERALS.has(literal.type)) return false;
    const cached = this.filledCache.get(binding);
    if (cached !== undefined) return cached;
    this.filledCache.set(binding, false);
    const end = this.scopeAt(binding.at).end;
    const filled = (this.containerFills().get(binding.name) ?? []).some(
      (f) => f.at >= binding.at && f.at < end && this.lookup(binding.name, f.at) === binding && (f.values === undefined || f.values.some((v) => !this.isConstant(v))),
    );
    this.filledCache.set(binding, filled);
    return filled;
  }

  /** Every `name.append(…)`-like call and `name[k] = v` store of the module, by container name (built once). */
  private containerFills(): Map<string, ContainerFill[]> {
    if (this.fillsByName) return this.fillsByName;
    const fills = new Map<string, ContainerFill[]>();
    const add = (container: Node | null | undefined, fill: ContainerFill) => {
      if (container?.type !== 'identifier') return;
      const list = fills.get(container.text);
      if (list) list.push(fill);
      else fills.set(container.text, [fill]);
    };
    for (const method of CONTAINER_FILLS) {
      for (const c of this.callsByName.get(method) ?? []) {
        if (c.calleeNode.type !== 'attribute') continue;
        const opaque = c.hasStarArgs || c.hasStarKwargs;
        add(c.calleeNode.childForFieldName('object'), { at: c.node.startIndex, values: opaque ? undefined : [...c.args, ...c.keywords.values()] });
      }
    }
    for (const a of this.assignments) {
      for (const t of a.targets) {
        if (t.type === 'subscript') add(t.childForFieldName('value'), { at: a.node.startIndex, values: a.value ? [a.value] : undefined });
      }
    }
    this.fillsByName = fills;
    return fills;
  }

}

/**
 * A callee that is a dotted name right before its parenthesis (`run(`, `sp.run(`, `a . b (`): group 1 is the first
 * name, group 2 the last attribute. ASCII names only; anything else (strings, subscripts, comments, line
 * continuations, non-ASCII names) fails to match and is read from the tree.
 */
/** Literals of containers that code can fill after binding them. */
const MUTABLE_LITERALS = new Set(['list', 'dictionary', 'set']);
/** Methods that put values into a list, dict or set. */
const CONTAINER_FILLS = ['append', 'extend', 'insert', 'add', 'update', 'setdefault'];

/** A value put into a container named at `at`; `values` undefined when they cannot be read (`*args`, unpacking). */
interface ContainerFill {
  at: number;
  values: Node[] | undefined;
}

/** Keywords the grammar parses as constants, not identifiers (`None(...)` is a call of a `none` node). */
const CONSTANT_NAMES = new Set(['None', 'True', 'False']);

const SIMPLE_CALLEE = /([A-Za-z_]\w*)(?:[ \t]*\.[ \t]*([A-Za-z_]\w*))*[ \t]*\(/y;

/** Whether a call capture is the outer one of calls starting at the same place (captures are in source order, outer first). */
function outerCall(captures: readonly { name: string; node: Node }[], i: number): boolean {
  const start = captures[i].node.startIndex;
  for (let j = i + 1; j < captures.length && captures[j].node.startIndex === start; j++) if (captures[j].name === 'call') return true;
  return false;
}

/** A function definition; decorators and `async` are read only when a rule asks. */
class FunctionRecord implements FunctionInfo {
  private decoratorNodes: Node[] | undefined;

  constructor(
    readonly node: Node,
    readonly name: string,
    readonly qualname: string,
    readonly scope: Scope,
  ) {}

  get decorators(): Node[] {
    if (!this.decoratorNodes) {
      const parent = this.node.parent;
      this.decoratorNodes = parent?.type === 'decorated_definition' ? parent.namedChildren.filter((c): c is Node => c?.type === 'decorator') : [];
    }
    return this.decoratorNodes;
  }

  get isAsync(): boolean {
    return this.node.firstChild?.type === 'async';
  }
}

/**
 * A call site whose arguments are read only when a rule asks: most calls in a module match no rule, and
 * reading every argument list costs as much as resolving every callee.
 */
class LazyCallSite implements CallSite {
  private parsed: Pick<CallSite, 'args' | 'keywords' | 'hasStarArgs' | 'hasStarKwargs'> | undefined;

  private resolved = false;
  private calleeName: string | undefined;

  constructor(
    readonly node: Node,
    private fn: Node | undefined,
    readonly name: string,
    readonly scope: Scope,
    private readonly model: ModuleModel,
  ) {}

  get calleeNode(): Node {
    // A call read by SIMPLE_CALLEE has a `function` child: the text matched is exactly that dotted name.
    this.fn ??= this.node.childForFieldName('function') as Node;
    return this.fn;
  }

  get callee(): string | undefined {
    if (!this.resolved) {
      this.resolved = true;
      this.calleeName = this.model.qualifiedName(this.calleeNode);
    }
    return this.calleeName;
  }

  private get arguments(): Pick<CallSite, 'args' | 'keywords' | 'hasStarArgs' | 'hasStarKwargs'> {
    this.parsed ??= parseArguments(this.node);
    return this.parsed;
  }
  get args(): Node[] {
    return this.arguments.args;
  }
  get keywords(): Map<string, Node> {
    return this.arguments.keywords;
  }
  get hasStarArgs(): boolean {
    return this.arguments.hasStarArgs;
  }
  get hasStarKwargs(): boolean {
    return this.arguments.hasStarKwargs;
  }
}

function parseArguments(call: Node): Pick<CallSite, 'args' | 'keywords' | 'hasStarArgs' | 'hasStarKwargs'> {
  const args: Node[] = [];
  const keywords = new Map<string, Node>();
  let hasStarArgs = false;
  let hasStarKwargs = false;
  const argList = call.childForFieldName('arguments');
  if (argList?.type === 'generator_expression') {
    args.push(argList);
  } else if (argList) {
    for (const a of argList.namedChildren) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'keyword_argument') {
        const n = a.childForFieldName('name');
        const v = a.childForFieldName('value');
        if (n && v) keywords.set(n.text, v);
      } else if (a.type === 'list_splat') {
        hasStarArgs = true;
      } else if (a.type === 'dictionary_splat') {
        hasStarKwargs = true;
      } else if (!hasStarArgs) {
        args.push(a);
      }
    }
  }
  return { args, keywords, hasStarArgs, hasStarKwargs };
}

/** Assignment targets flattened: `a, (b, c[0]), *d = …` → a, b, c[0], d. */
export function flattenTargets(node: Node): Node[] {
  const n = unparen(node);
  switch (n.type) {
    case 'identifier':
    case 'attribute':
    case 'subscript':
      return [n];
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'expression_list':
    case 'tuple':
    case 'list':
      return n.namedChildren.flatMap((c) => (c && c.type !== 'comment' ? flattenTargets(c) : []));
    case 'list_splat_pattern':
    case 'list_splat':
      return n.namedChildren.flatMap((c) => (c ? flattenTargets(c) : []));
    default:
      return [];
  }
}

/** Elements of a tuple-like node (`a, b` / `(a, b)` / `[a, b]`), or undefined for anything else. */
export function tupleElements(node: Node): Node[] | undefined {
  const n = unparen(node);
  if (['pattern_list', 'tuple_pattern', 'list_pattern', 'expression_list', 'tuple', 'list'].includes(n.type)) {
    return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  }
  return undefined;
}
