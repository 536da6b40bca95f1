import type { Node } from 'web-tree-sitter';
import type { Severity } from '../../findings/types.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import type { RuleContext } from '../types.js';

const CATCH_ALL = new Set(['Exception', 'BaseException', 'builtins.Exception', 'builtins.BaseException']);

/** Methods and functions that release or remove something: failing to do so is routinely ignored. */
const CLEANUP = new Set([
  'close', 'aclose', 'remove', 'unlink', 'rmdir', 'rmtree', 'removedirs', 'kill', 'killpg', 'terminate', 'shutdown',
  'cancel', 'release', 'disconnect', 'stop', 'cleanup', 'flush', 'removeHandler', 'unregister', 'detach', 'join',
  'wait', 'closelog', 'unsetenv', 'rollback', 'quit', 'logout', 'unlock', 'dispose',
]);

/** Functions whose whole job is tearing down: errors there cannot be handled anyway. */
const TEARDOWN_FUNCTIONS = /^(__del__|__exit__|__aexit__|close|aclose|cleanup|shutdown|teardown|tearDown|dispose|stop|terminate|_cleanup|_close)$/;

/** Names in a try body that mark a security decision being made there. */
const SECURITY_WORK = /verif|validat|authent|authori[sz]|permission|has_perm|signature|csrf|check_(access|token|password|auth)|login|decrypt|jwt|sanitiz/i;

/** The exception expressions of an except clause (`except (A, B) as e` → A, B); empty for a bare `except:`. */
function caughtTypes(clause: Node): Node[] {
  const out: Node[] = [];
  for (const v of clause.childrenForFieldName('value')) {
    if (!v) continue;
    let n = unparen(v);
    if (n.type === 'as_pattern') n = unparen(n.namedChildren[0] ?? n);
    if (n.type === 'tuple' || n.type === 'expression_list') out.push(...n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').map(unparen));
    else out.push(n);
  }
  return out;
}

/** `except:`, `except Exception:`, `except BaseException as e:`, or a tuple that includes one of them. */
export function catchesEverything(clause: Node, model: ModuleModel): 'bare' | string | undefined {
  const types = caughtTypes(clause);
  if (types.length === 0) return 'bare';
  for (const t of types) {
    // Exception classes are builtins the model does not list: an unbound `Exception` is the builtin one.
    if (t.type === 'identifier' && CATCH_ALL.has(t.text) && !model.lookup(t.text, t.startIndex)) return t.text;
    const q = t.type === 'attribute' ? model.qualifiedName(t) : undefined;
    if (q && CATCH_ALL.has(q)) return q.replace(/^builtins\./, '');
  }
  return undefined;
}

/** The statements of the clause's body, comments left out. */
export function bodyStatements(clause: Node): Node[] {
  const block = clause.namedChildren.find((c) => c?.type === 'block');
  return block ? block.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [];
}

export function isPass(stmt: Node): boolean {
  if (stmt.type === 'pass_statement') return true;
  return stmt.type === 'expression_statement' && stmt.namedChildren.length === 1 && stmt.namedChildren[0]?.type === 'ellipsis';
}

function callName(expr: Node): string | undefined {
  let n = unparen(expr);
  if (n.type === 'await') n = unparen(n.namedChildren[0] ?? n);
  if (n.type !== 'call') return undefined;
  const fn = n.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  if (fn?.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** True when the try body only imports (an optional dependency) or only releases resources (best-effort cleanup). */
function harmlessTry(tryBody: Node): boolean {
  const stmts = tryBody.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (stmts.length === 0) return false;
  if (stmts.every((s) => s.type === 'import_statement' || s.type === 'import_from_statement')) return true;
  return stmts.every((s) => {
    if (s.type === 'delete_statement') return true;
    if (s.type !== 'expression_statement' || s.namedChildren.length !== 1) return false;
    const name = callName(s.namedChildren[0] as Node);
    return name !== undefined && CLEANUP.has(name);
  });
}

function enclosingFunctionName(node: Node): string | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return p.childForFieldName('name')?.text;
    if (p.type === 'class_definition') return undefined;
  }
  return undefined;
}

/**
 * Reports an except clause that catches everything and whose body is only `stmt` (pass or continue), unless the
 * try block is an optional import or a best-effort cleanup, or the function is a destructor or teardown.
 */
export function reportSwallowed(clause: Node, ctx: RuleContext, only: (stmt: Node) => boolean, what: string, instead: string): void {
  const stmts = bodyStatements(clause);
  if (stmts.length === 0 || !stmts.every(only)) return;
  const caught = catchesEverything(clause, ctx.model);
  if (!caught) return;
  const tryStmt = clause.parent;
  const tryBody = tryStmt?.type === 'try_statement' ? tryStmt.childForFieldName('body') : null;
  if (tryBody && harmlessTry(tryBody)) return;
  if (TEARDOWN_FUNCTIONS.test(enclosingFunctionName(clause) ?? '')) return;
  const security = tryBody !== null && SECURITY_WORK.test(tryBody.text);
  const head = caught === 'bare' ? '`except:`' : `\`except ${caught}:\``;
  const severity: Severity = security ? 'medium' : 'low';
  ctx.report({
    node: clause,
    message: security
      ? `${head} ${what} hides every error of a block that makes a security check: a failed verification passes silently; ${instead}`
      : `${head} ${what} hides every error of the try block, unexpected ones included, and leaves no trace; ${instead}`,
    severity,
    // Without a security decision in the try block the swallowed error is a code-quality matter a reviewer
    // would rarely act on: kept visible, but below the default CI thresholds' noise.
    ...(security ? {} : { confidence: 'low' as const }),
  });
}
