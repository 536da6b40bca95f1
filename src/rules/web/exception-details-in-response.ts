import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../../findings/types.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { calleeOf } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';

/** Calls whose result is the text of the exception being handled, whatever their arguments. */
const TRACEBACK_CALLS = new Set([
  'traceback.format_exc',
  'traceback.format_exception',
  'traceback.format_exception_only',
  'traceback.format_tb',
  'sys.exc_info',
]);
/** Calls that turn their argument into text. */
const STRINGIFY = new Set(['str', 'repr', 'format']);
/** Attributes of an exception that carry internal details (arguments, paths, SQL). */
const LEAKY_ATTRS = new Set(['args', 'strerror', 'filename', 'filename2', 'orig', 'statement', 'params', '__traceback__', 'stderr', 'stdout', 'output', 'cmd']);

const WEB_PACKAGES = /^(flask|werkzeug|django|rest_framework|starlette|fastapi|aiohttp|quart|sanic|tornado|falcon|pyramid|bottle|litestar)\./;
const RESPONSE_NAME = /(Response|HTTPException|^jsonify|^make_response|^abort|^json_response|^HttpResponse\w*|^HTTP[A-Z]\w+)$/;
const MESSAGES = /^django\.contrib\.messages\.(error|warning|info|success|debug|add_message)$/;

/** True for a call that builds what the client receives: a response, an HTTP error, a flash message. */
function isResponseCall(call: Node, model: ModuleModel): boolean {
  const q = calleeOf(call, model);
  if (!q) return false;
  if (MESSAGES.test(q)) return true;
  if (q === 'flask.flash') return true;
  if (!WEB_PACKAGES.test(q)) return false;
  if (!RESPONSE_NAME.test(q.slice(q.lastIndexOf('.') + 1))) return false;
  return !plainLocalException(call, model);
}

/**
 * A class the module itself defines (scanning a framework's own code: `class HTTPInputError(Exception)` in
 * Tornado) is a response only when one of its bases is: its name alone does not make the server send its text.
 */
function plainLocalException(call: Node, model: ModuleModel): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'identifier') return false;
  const b = model.lookup(fn.text, fn.startIndex);
  if (b?.kind !== 'class') return false;
  let cls: Node | null = call.tree.rootNode.descendantForIndex(b.at);
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  const bases = cls?.childForFieldName('superclasses')?.namedChildren ?? [];
  return !bases.some((base) => base !== null && base.type !== 'keyword_argument' && RESPONSE_NAME.test(base.text.slice(base.text.lastIndexOf('.') + 1)));
}

const ROUTE_DECORATOR =
  /^@\s*[\w.]+\.(route|get|post|put|patch|delete|head|options|api_route|websocket|view|errorhandler|app_errorhandler|exception_handler|register_error_handler)\s*\(|^@\s*([\w.]+\.)?(api_view|action|require_http_methods|require_GET|require_POST|require_safe|login_required|permission_required|csrf_exempt|view_config)\b/;
const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'dispatch', 'list', 'create', 'retrieve', 'update', 'partial_update', 'destroy']);
const VIEW_CLASS = /View|Handler|Resource|Endpoint|ViewSet/;

/** True when a function looks like a request handler: a route decorator, a `request` parameter, a view class method. */
function isView(fn: Node): boolean {
  const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent : null;
  if (decorated?.namedChildren.some((d) => d?.type === 'decorator' && ROUTE_DECORATOR.test(d.text))) return true;
  const params = fn.childForFieldName('parameters')?.namedChildren.filter((p): p is Node => p !== null && p.type !== 'comment') ?? [];
  const names = params.map((p) => (p.type === 'identifier' ? p.text : (p.childForFieldName('name') ?? p.namedChildren[0])?.text ?? ''));
  // A method is a view when its class is one (`class OrderView(View)`) and it handles an HTTP method; a
  // `request` parameter alone does not make a helper method a view.
  const block = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
  const cls = block?.parent?.type === 'class_definition' ? block.parent : null;
  if (cls) return VIEW_CLASS.test(cls.childForFieldName('superclasses')?.text ?? '') && HTTP_METHODS.has(fn.childForFieldName('name')?.text ?? '');
  if (names[0] === 'request' || names[0] === 'req') return true;
  return params.some((p) => /:\s*(Http)?Request\b/.test(p.text));
}

/** The exception classes an except clause catches (their last names), and the name it binds. */
function caught(clause: Node): { types: string[]; name: string | undefined } {
  const first = clause.namedChildren.find((c) => c !== null && c.type !== 'comment' && c.type !== 'block');
  if (!first) return { types: [], name: undefined };
  let typeExpr: Node | null = first;
  let name: string | undefined;
  if (first.type === 'as_pattern') {
    typeExpr = first.namedChildren[0];
    name = first.childForFieldName('alias')?.namedChildren[0]?.text;
  }
  if (!typeExpr) return { types: [], name };
  const t = unparen(typeExpr);
  const parts = t.type === 'tuple' ? t.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [t];
  return { types: parts.map((p) => p.text.slice(p.text.lastIndexOf('.') + 1)), name };
}

const BROAD = new Set(['Exception', 'BaseException']);
/** Exceptions whose message is meant for the client: validation errors, bad input, not-found and permission errors. */
const USER_FACING = /^(ValueError|KeyError|TypeError|IndexError|JSONDecodeError|DecodeError|BadRequest\w*|PermissionDenied|Http404|NotFound|DoesNotExist|ObjectDoesNotExist|HTTPException|SuspiciousOperation|\w*ValidationError|\w*Invalid\w*|\w*NotFound\w*|\w*Forbidden\w*|\w*Unauthorized\w*|\w*NotAllowed\w*|\w*Expired\w*)$/;

/** A condition that holds only in debug mode (`settings.DEBUG`, `app.debug`, `if DEBUG:`). */
const DEBUG_GUARD = /\bDEBUG\b|\.debug\b|^debug$/;

/** True when `node` runs only under an `if <debug>:` between it and `stop`. */
function underDebugGuard(node: Node, stop: Node): boolean {
  let child = node;
  for (let p = node.parent; p && p.id !== stop.id; child = p, p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const cond = p.childForFieldName('condition');
    if (p.childForFieldName('consequence')?.id === child.id && cond && DEBUG_GUARD.test(cond.text) && !/\bnot\b/.test(cond.text)) return true;
  }
  return false;
}

interface Leak {
  node: Node;
  traceback: boolean;
}

/** Where an expression puts the handled exception's text into what it builds, if it does. */
function leakIn(node: Node, exc: string | undefined, model: ModuleModel, depth = 0): Leak | undefined {
  if (depth > 10) return undefined;
  const n = unparen(node);
  const next = (x: Node | null | undefined) => (x ? leakIn(x, exc, model, depth + 1) : undefined);
  const anyOf = (xs: (Node | null)[]) => {
    for (const x of xs) {
      if (!x || x.type === 'comment') continue;
      const l = next(x.type === 'keyword_argument' || x.type === 'pair' ? x.childForFieldName('value') : x);
      if (l) return l;
    }
    return undefined;
  };
  /** The exception itself, or one of its detail attributes, where text is made of it. */
  const isException = (x: Node | null | undefined): boolean => {
    if (!x || !exc) return false;
    const u = unparen(x);
    if (u.type === 'identifier') return u.text === exc;
    if (u.type === 'attribute') return u.childForFieldName('object')?.text === exc && LEAKY_ATTRS.has(u.childForFieldName('attribute')?.text ?? '');
    if (u.type === 'subscript') return isException(u.childForFieldName('value'));
    return false;
  };
  if (n.type === 'attribute' && isException(n)) return { node: n, traceback: false };
  switch (n.type) {
    case 'call': {
      const callee = calleeOf(n, model);
      const args = n.childForFieldName('arguments');
      const argList = args?.namedChildren ?? [];
      if (callee && TRACEBACK_CALLS.has(callee)) return { node: n, traceback: true };
      if (callee && STRINGIFY.has(callee)) return argList.some((a) => isException(a)) ? { node: n, traceback: false } : anyOf(argList);
      const fn = n.childForFieldName('function');
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (method === 'format' && argList.some((a) => isException(a?.type === 'keyword_argument' ? a.childForFieldName('value') : a))) return { node: n, traceback: false };
      if (method === 'join' || method === 'format' || method === 'encode' || callee === 'dict' || callee === 'json.dumps' || isResponseCall(n, model)) return anyOf(argList);
      return undefined;
    }
    case 'string': {
      for (const c of n.namedChildren) {
        if (c?.type !== 'interpolation') continue;
        const expr = c.childForFieldName('expression');
        if (isException(expr)) return { node: n, traceback: false };
        const l = next(expr);
        if (l) return l;
      }
      return undefined;
    }
    case 'binary_operator': {
      const op = n.childForFieldName('operator')?.type;
      const right = n.childForFieldName('right');
      if (op === '%' && right) {
        const r = unparen(right);
        if (isException(r) || (r.type === 'tuple' && r.namedChildren.some((c) => isException(c)))) return { node: n, traceback: false };
      }
      return next(n.childForFieldName('left')) ?? next(right);
    }
    case 'conditional_expression': {
      // `traceback.format_exc() if settings.DEBUG else "Internal error"`: only the branch production takes counts.
      const [yes, cond, no] = n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      return cond && DEBUG_GUARD.test(cond.text) ? next(no) : anyOf([yes ?? null, no ?? null]);
    }
    case 'concatenated_string':
    case 'dictionary':
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list':
      return anyOf(n.namedChildren);
    case 'identifier': {
      if (n.text === exc) return undefined;
      const b = model.lookup(n.text, n.startIndex);
      return b?.kind === 'assign' && b.value ? next(b.value) : undefined;
    }
    default:
      return undefined;
  }
}

/** Return statements and calls under a node, not descending into nested functions or classes. */
function candidates(root: Node): { returns: Node[]; calls: Node[] } {
  const returns: Node[] = [];
  const calls: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === 'function_definition' || c.type === 'lambda' || c.type === 'class_definition') continue;
      if (c.type === 'return_statement') returns.push(c);
      if (c.type === 'call') calls.push(c);
      stack.push(c);
    }
  }
  return { returns, calls };
}

function enclosingFunction(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return p;
    if (p.type === 'class_definition' || p.type === 'lambda') return undefined;
  }
  return undefined;
}

const ADVICE = 'log the details on the server and return a generic message (with an id to find the log entry)';

/** Inspects the returns and response calls of a handler body for the exception's text. */
function inspect(body: Node, exc: string | undefined, confidence: Confidence | 'skip', isViewFn: () => boolean, ctx: RuleContext): void {
  const model = ctx.model;
  // Whether the function is a view is read from the tree only once something leaks (rarely).
  let viewCache: boolean | undefined;
  const view = (): boolean => {
    viewCache ??= isViewFn();
    return viewCache;
  };
  const { returns, calls } = candidates(body);
  const reported: Node[] = [];
  const emit = (node: Node, leak: Leak) => {
    if (confidence === 'skip' && !leak.traceback) return;
    if (underDebugGuard(node, body)) return;
    const c: Confidence = leak.traceback || confidence === 'skip' ? 'high' : confidence;
    const what = leak.traceback ? 'a traceback' : 'the exception text';
    ctx.report({
      node,
      message: `The response includes ${what} (${leak.node.text.length > 40 ? `${leak.node.text.slice(0, 39)}…` : leak.node.text}): ${leak.traceback ? 'stack frames, source lines' : 'messages'}, file paths, SQL, internal host names and library versions help attackers map the application; ${ADVICE}`,
      confidence: view() ? c : c === 'high' ? 'medium' : 'low',
    });
    reported.push(node);
  };
  for (const r of returns) {
    const value = r.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (!value) continue;
    const leak = leakIn(value, exc, model);
    if (!leak) continue;
    const v = unparen(value);
    // A response object, or Flask's `(body, status)` tuple: a status code as second element.
    const second = v.type === 'expression_list' || v.type === 'tuple' ? v.namedChildren.filter((c) => c !== null && c.type !== 'comment')[1] : undefined;
    const responseLike = (v.type === 'call' && isResponseCall(v, model)) || (second !== undefined && second !== null && unparen(second).type === 'integer');
    if (responseLike || view()) emit(r, leak);
  }
  for (const call of calls) {
    if (reported.some((r) => r.startIndex <= call.startIndex && call.endIndex <= r.endIndex)) continue;
    if (!isResponseCall(call, model)) continue;
    const leak = leakIn(call, exc, model);
    if (leak) emit(call, leak);
  }
}

/** Flask `@app.errorhandler(X)` / FastAPI `@app.exception_handler(X)`: the handler and its exception parameter. */
function errorHandler(fn: Node): { exc: string | undefined; confidence: Confidence | 'skip' } | undefined {
  const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent : null;
  const d = decorated?.namedChildren.find((x) => x?.type === 'decorator' && /\.(errorhandler|app_errorhandler|exception_handler)\s*\(/.test(x.text));
  if (!d) return undefined;
  const arg = /\(\s*([^),]*)/.exec(d.text)?.[1]?.trim() ?? '';
  const params = fn.childForFieldName('parameters')?.namedChildren.filter((p): p is Node => p !== null && p.type !== 'comment') ?? [];
  const names = params.map((p) => (p.type === 'identifier' ? p.text : (p.childForFieldName('name') ?? p.namedChildren[0])?.text ?? ''));
  const exc = /exception_handler/.test(d.text) ? names[1] : names[0];
  // Handlers of client errors (404, NotFound, validation) describe the client's mistake.
  const lastName = arg.slice(arg.lastIndexOf('.') + 1);
  if (/^\d+$/.test(arg) && Number(arg) < 500) return { exc, confidence: 'skip' };
  if (USER_FACING.test(lastName) || lastName === 'RequestValidationError') return { exc, confidence: 'skip' };
  return { exc, confidence: BROAD.has(lastName) || /^5\d\d$/.test(arg) || lastName === 'InternalServerError' ? 'high' : 'medium' };
}

const tracebackMentions = new WeakMap<ModuleModel, boolean>();

/**
 * Whether the source names one of `TRACEBACK_CALLS` (by its last name, which any reference to it, import or
 * alias, spells out). When not, an except clause that binds no name cannot leak anything.
 */
function mentionsTraceback(model: ModuleModel): boolean {
  let v = tracebackMentions.get(model);
  if (v === undefined) {
    v = /format_exc|format_exception|format_tb|exc_info/.test(model.text);
    tracebackMentions.set(model, v);
  }
  return v;
}

export const exceptionDetailsInResponse: Rule = {
  meta: {
    id: 'K517',
    name: 'exception-details-in-response',
    summary: 'Exception text or a traceback sent back to the client',
    severity: 'medium',
    confidence: 'high',
    cwe: [209],
    owasp: 'A04:2021-Insecure Design',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports, inside an `except` block (or a Flask/FastAPI error handler), a response that carries the ' +
      'exception: `str(e)`, `repr(e)`, `f"{e}"`, `"%s" % e`, `"{}".format(e)`, `e.args`, or a traceback ' +
      '(`traceback.format_exc()`, `format_exception`, `sys.exc_info()`), also through a local variable. ' +
      'The response is:\n\n' +
      '- a `return` in a function that looks like a view: a route decorator (`@app.route`, `@router.get`, ' +
      '`@api_view`...), a `request` parameter, or an HTTP-method of a view class; or a return of a response ' +
      'or of a `(body, status)` tuple elsewhere;\n' +
      '- a response or error built anywhere: `jsonify(...)`, `make_response`, `HttpResponse`, `JsonResponse`, ' +
      'DRF and Starlette `Response`s, `abort(500, ...)`, `raise HTTPException(detail=...)`, ' +
      '`web.json_response`, and messages shown to the user (`messages.error(request, ...)`, `flash(...)`).\n\n' +
      'Quieter than a pattern search: an exception whose message is meant for the client (`ValueError`, ' +
      '`KeyError`, `ValidationError`, `PermissionDenied`, `Http404`, `*NotFound`, `*Invalid*`...) is not ' +
      'reported unless a traceback is sent; other specific exceptions (`OSError`, `DatabaseError`, ' +
      '`requests.RequestException`) are reported at medium confidence, `Exception` and bare `except:` at high. ' +
      'Outside a view the confidence drops one step. Logging the exception, re-raising it, returning a fixed ' +
      'message, the exception\'s class name and validation details (`e.errors()`, `e.messages`, `e.detail`) ' +
      'are not reported. Nor is raising an exception class the module defines itself whose bases are ' +
      'no response or HTTP error (`class HTTPInputError(Exception)` in a framework\'s own code, which the ' +
      'server logs and answers with a fixed status): only its name looks like a response.',
    why:
      'Exception messages and tracebacks are written for developers: they contain file paths, source lines, ' +
      'SQL statements with table and column names, host names of internal services, library versions, ' +
      'sometimes credentials from a connection string. Sent to the client they map the application for an ' +
      'attacker and turn blind attacks (SQL injection, path traversal, SSRF) into guided ones.',
    bad:
      'from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n@app.get("/report")\ndef report():\n    try:\n' +
      '        return jsonify(build_report())\n    except Exception as exc:\n        return jsonify(error=str(exc)), 500\n',
    good:
      'import logging\n\nfrom flask import Flask, jsonify\n\napp = Flask(__name__)\nlog = logging.getLogger(__name__)\n\n\n' +
      '@app.get("/report")\ndef report():\n    try:\n        return jsonify(build_report())\n    except Exception:\n' +
      '        log.exception("report failed")\n        return jsonify(error="internal error"), 500\n',
    references: [
      'https://cwe.mitre.org/data/definitions/209.html',
      'https://owasp.org/www-community/Improper_Error_Handling',
      'https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html',
    ],
  },
  textHint: /except|errorhandler|exception_handler/,
  nodeTypes: ['except_clause'],
  node(clause, ctx) {
    const { types, name } = caught(clause);
    // Without a bound exception, only a traceback call can leak, and its name would be in the source.
    if (name === undefined && !mentionsTraceback(ctx.model)) return;
    const fn = enclosingFunction(clause);
    if (!fn) return;
    const body = clause.namedChildren.find((c) => c?.type === 'block');
    if (!body) return;
    let confidence: Confidence | 'skip';
    if (types.length === 0 || types.some((t) => BROAD.has(t))) confidence = 'high';
    else if (types.every((t) => USER_FACING.test(t))) confidence = 'skip';
    else confidence = 'medium';
    inspect(body, name, confidence, () => isView(fn), ctx);
  },
  module(ctx) {
    // An error handler is declared by a decorator naming one of these, which must then be in the source.
    if (!/errorhandler|exception_handler/.test(ctx.model.text)) return;
    for (const fn of ctx.model.functions) {
      if (fn.decorators.length === 0) continue;
      const handler = errorHandler(fn.node);
      if (!handler) continue;
      const body = fn.node.childForFieldName('body');
      if (body) inspect(body, handler.exc, handler.confidence, () => true, ctx);
    }
  },
};
