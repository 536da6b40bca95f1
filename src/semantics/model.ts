import type { Node } from 'web-tree-sitter';

export type ScopeKind = 'module' | 'class' | 'function' | 'lambda';

export type BindingKind = 'import' | 'assign' | 'def' | 'class' | 'param' | 'unknown';

/**
 * What a name is bound to at some point of the module. `at` is the source index from which the binding is
 * visible (the end of an assignment statement, so `x = x.strip()` reads the previous `x`).
 */
export interface Binding {
  kind: BindingKind;
  name: string;
  at: number;
  /**
   * The block (body of an if/for/while/try/with/match…) the binding sits in, when it is not at the top of its
   * scope: a binding inside a branch that does not contain the use may not reach it.
   */
  blockStart?: number;
  blockEnd?: number;
  /** Fully qualified name for imports, definitions and classes. */
  qualified?: string;
  /** Assigned value (assignments, `with … as`, walrus). */
  value?: Node;
  /** Type annotation of a parameter or annotated assignment. */
  annotation?: Node;
  /** For parameters: the enclosing class when the parameter is a method's `self`/`cls`. */
  selfOf?: string;
}

export interface Scope {
  kind: ScopeKind;
  node: Node | null;
  start: number;
  end: number;
  parent: Scope | null;
  children: Scope[];
  /** Dotted qualified name of the scope (`pkg.mod.Class.method`). */
  qualname: string;
  bindings: Map<string, Binding[]>;
}

export interface ImportRecord {
  node: Node;
  /** The name bound in the scope (`c` in `import a.b as c`, `a` in `import a.b`). */
  local: string;
  /** What the bound name refers to (`a.b` for `import a.b as c`, `a` for `import a.b`, `m.x` for `from m import x`). */
  qualified: string;
  /** The full module imported (`a.b` for `import a.b`), for rules that care about the module itself. */
  module: string;
  scope: Scope;
}

export interface CallSite {
  node: Node;
  calleeNode: Node;
  /**
   * The callee's last name as written: `run` for `sp.run(...)` and `run(...)`, '' for `f()(...)` or
   * `handlers[k](...)`. Free to read (no resolution, no tree access): filter on it before anything else.
   */
  name: string;
  /** Resolved qualified name of the callee (`subprocess.run`, `sqlite3.Cursor.execute`, `eval`), if known. */
  callee: string | undefined;
  /** Positional arguments, in order, up to the first `*args`. */
  args: Node[];
  keywords: Map<string, Node>;
  hasStarArgs: boolean;
  hasStarKwargs: boolean;
  scope: Scope;
}

export interface Assignment {
  node: Node;
  /** Flattened targets: identifiers, attributes and subscripts (tuple unpacking is spread). */
  targets: Node[];
  /** The value when it can be attributed to every target (not for unpacking of an opaque value). */
  value: Node | null;
  annotation: Node | null;
  scope: Scope;
}

export interface FunctionInfo {
  node: Node;
  name: string;
  qualname: string;
  decorators: Node[];
  /** The scope of the function's body. */
  scope: Scope;
  isAsync: boolean;
}

/** Reads an argument by position or keyword, the way Python binds it. */
export function argument(call: CallSite, position: number | undefined, keyword?: string): Node | undefined {
  if (keyword !== undefined) {
    const kw = call.keywords.get(keyword);
    if (kw) return kw;
  }
  if (position !== undefined && position < call.args.length) return call.args[position];
  return undefined;
}
