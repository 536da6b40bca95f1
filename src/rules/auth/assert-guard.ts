import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { constantTruth, excerpt } from '../helpers.js';
import { nameWords } from '../../secrets/names.js';
import type { Rule } from '../types.js';
import { BARE_TOKEN, DEFAULT_TEST_PATTERNS, handlesSyntaxTokens, importsTestFramework, inTestFunction, isTestPath, testPatternsOption } from '../../semantics/test-code.js';

/** Words of names that make an assertion an access or input check. */
const GUARD_WORDS = new Set([
  'user', 'request', 'req', 'permission', 'permissions', 'perm', 'perms', 'auth', 'authenticated', 'authorized',
  'authorised', 'authorization', 'role', 'roles', 'admin', 'administrator', 'superuser', 'staff', 'token', 'owner',
  'owns', 'owned', 'login', 'logged', 'session', 'csrf', 'privilege', 'privileges', 'acl', 'access', 'scope', 'scopes',
  'tenant', 'credentials', 'password', 'signature', 'allowed', 'allowlist', 'whitelist', 'denylist', 'blacklist',
  'granted', 'grant', 'member', 'membership', 'forbidden', 'apikey',
]);

/** Words that turn a guard word into bookkeeping (`request_count`, `user_index`). */
const BOOKKEEPING = new Set(['count', 'counts', 'cnt', 'num', 'len', 'length', 'size', 'total', 'index', 'idx', 'retries', 'attempts']);

/** Assertion messages that say what is being guarded. */
const GUARD_MESSAGE =
  /permission|forbidden|unauthori[sz]ed|not authori[sz]ed|access denied|must be (logged in|authenticated|an? admin|staff|the owner)|login required|(admin|administrator|staff|owner)s? only/i;

/** Decorators of views and API handlers (Flask, FastAPI, Django, DRF, Starlette, aiohttp, Sanic). */
const HANDLER_DECORATOR =
  /^@\s*(?:[\w.]+\.(?:route|get|post|put|patch|delete|head|options|api_route|websocket|view)\s*\(|(?:[\w.]+\.)?(?:login_required|permission_required|user_passes_test|staff_member_required|require_(?:GET|POST|safe|http_methods)|api_view|action|csrf_exempt|jwt_required|auth_required|requires_auth|roles_required|roles_accepted)\b)/;

/** Base classes of class-based views and handlers. */
const HANDLER_BASE = /\b\w*(View|ViewSet|APIView|Resource|RequestHandler|Handler|Endpoint|Permission)\b/;
const HANDLER_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'dispatch', 'has_permission', 'has_object_permission', 'perform_create', 'perform_update', 'perform_destroy', 'create', 'update', 'destroy', 'list', 'retrieve', 'partial_update']);

/** Type-narrowing idioms: they tell a type checker what a value is, they do not guard anything. */
const NARROWING_CALLS = new Set(['isinstance', 'issubclass', 'callable', 'hasattr']);
/** Interface checks (zope.interface `IFoo.providedBy(x)`): what a value implements, not who may act. */
const INTERFACE_METHODS = new Set(['providedBy', 'implementedBy']);

/**
 * A class or an interface: a CapWords name (`IUser`, not an enum member such as `Role.ADMIN`) bound by `class`
 * or an import, or read off an imported module (`iwords.IUser`).
 */
function namesAClass(node: Node, model: ModuleModel): boolean {
  const n = unparen(node);
  const last = n.type === 'attribute' ? n.childForFieldName('attribute') : n;
  if (last?.type !== 'identifier' || !/^_*[A-Z]\w*[a-z]\w*$/.test(last.text)) return false;
  let root = n;
  while (root.type === 'attribute') root = root.childForFieldName('object') ?? root;
  if (root.type !== 'identifier' || (n.type === 'attribute' && n.childForFieldName('object')?.type !== 'identifier')) return false;
  const b = model.lookup(root.text, root.startIndex);
  return n.type === 'attribute' ? b?.kind === 'import' : b?.kind === 'class' || b?.kind === 'import';
}

function isNarrowing(test: Node, model: ModuleModel): boolean {
  const t = unparen(test);
  if (t.type === 'not_operator') {
    const arg = t.childForFieldName('argument');
    return !!arg && isNarrowing(arg, model);
  }
  if (t.type === 'call') {
    const fn = t.childForFieldName('function');
    if (fn?.type === 'attribute' && INTERFACE_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) return true;
    return !!fn && NARROWING_CALLS.has(model.qualifiedName(fn) ?? '');
  }
  if (t.type === 'comparison_operator') {
    // `x is None`, `x is not None`: Optional narrowing; `iface is IUser`: which interface a value is.
    const ops = t.children.filter((c) => c !== null && !c.isNamed).map((c) => c?.text.replace(/\s+/g, ' '));
    const operands = t.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    return ops.length === 1 && (ops[0] === 'is' || ops[0] === 'is not') && operands.some((o) => unparen(o).type === 'none' || namesAClass(o, model));
  }
  if (t.type === 'boolean_operator' && t.childForFieldName('operator')?.type === 'and') {
    const l = t.childForFieldName('left');
    const r = t.childForFieldName('right');
    return !!l && !!r && isNarrowing(l, model) && isNarrowing(r, model);
  }
  return false;
}

/** The name of a function's `**kwargs` parameter, if it has one. */
function kwargsParameter(fn: Node | undefined): string | undefined {
  const params = fn?.childForFieldName('parameters');
  const splat = params?.namedChildren.find((p) => p?.type === 'dictionary_splat_pattern');
  return splat?.namedChildren.find((c) => c?.type === 'identifier')?.text;
}

/**
 * `assert 'uidb64' in kwargs and 'token' in kwargs`: every part asks whether the caller passed a keyword (a
 * constant key in the function's own `**kwargs`). That is the shape of the call the framework makes, not a
 * decision about the request's values or the user's rights.
 */
function isCallShapeCheck(test: Node, fn: Node | undefined, model: ModuleModel): boolean {
  const kwargs = kwargsParameter(fn);
  if (!kwargs) return false;
  const t = unparen(test);
  if (t.type === 'boolean_operator' && t.childForFieldName('operator')?.type === 'and') {
    const l = t.childForFieldName('left');
    const r = t.childForFieldName('right');
    return !!l && !!r && isCallShapeCheck(l, fn, model) && isCallShapeCheck(r, fn, model);
  }
  if (t.type !== 'comparison_operator') return false;
  const ops = t.children.filter((c) => c !== null && !c.isNamed).map((c) => c?.text.replace(/\s+/g, ' '));
  const operands = t.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (ops.length !== 1 || (ops[0] !== 'in' && ops[0] !== 'not in') || operands.length !== 2) return false;
  const [key, container] = operands.map(unparen);
  return model.constantString(key) !== undefined && container.type === 'identifier' && container.text === kwargs;
}

const VERB_METHODS = new Set(['get', 'head', 'post', 'put', 'patch', 'delete', 'options']);

/**
 * `assert self.request.method == "HEAD"` inside the `get` method of a class: the framework chose this method by
 * the request's HTTP method (class-based views dispatch on it), so the assertion restates what dispatch already
 * decided, an internal invariant. A function view that asserts the method makes the decision itself.
 */
function restatesDispatch(test: Node, fn: Node | undefined, model: ModuleModel): boolean {
  const holder = fn?.parent?.type === 'decorated_definition' ? fn.parent : fn;
  if (!fn || holder?.parent?.parent?.type !== 'class_definition') return false;
  if (!VERB_METHODS.has(fn.childForFieldName('name')?.text ?? '')) return false;
  const t = unparen(test);
  if (t.type !== 'comparison_operator') return false;
  const ops = t.children.filter((c) => c !== null && !c.isNamed).map((c) => c?.text.replace(/\s+/g, ' '));
  const operands = t.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').map(unparen);
  if (ops.length !== 1 || !['==', 'in'].includes(ops[0] ?? '') || operands.length !== 2) return false;
  const [subject, value] = operands;
  const isMethod = subject.type === 'attribute' && subject.childForFieldName('attribute')?.text === 'method' && /(^|\.)request$/.test(subject.childForFieldName('object')?.text ?? '');
  const constants = value.type === 'tuple' || value.type === 'list' || value.type === 'set' ? value.namedChildren.filter((c): c is Node => c !== null) : [value];
  return isMethod && constants.length > 0 && constants.every((c) => model.constantString(c) !== undefined);
}

/** Words that make `owner` a tree relation (`ownerDocument`, `owner_element`), as in DOM code. */
const TREE_WORDS = new Set(['document', 'element', 'node', 'window', 'frame']);

/** A private attribute (`_deleted`, not `__x__`) whose own name has no guard word (`_is_admin` has one). */
function privateState(n: Node): boolean {
  const attr = n.childForFieldName('attribute')?.text ?? '';
  return /^_[^_]/.test(attr) && !nameWords(attr).some((w) => GUARD_WORDS.has(w));
}

/** The names and constant strings of an expression whose words reveal what it checks. */
function guardEvidence(test: Node, model: ModuleModel): string | undefined {
  const syntax = handlesSyntaxTokens(model);
  const stack: Node[] = [test];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    let text: string | undefined;
    if (n.type === 'identifier') {
      // A module or function (`token.NUMBER`, `auth.check`) names no value being checked.
      const isAttributeName = n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.id === n.id;
      const b = isAttributeName ? undefined : model.lookup(n.text, n.startIndex);
      if (b?.kind !== 'import' && b?.kind !== 'def' && b?.kind !== 'class') text = n.text;
    } else if (n.type === 'string_content') {
      text = n.text;
    } else if (n.type === 'attribute' && privateState(n)) {
      // `self.session._deleted`: an object's private bookkeeping, whatever object holds it, is an internal
      // invariant; the words of the path to it say whose state it is, not that access is checked.
      continue;
    }
    if (text !== undefined) {
      const words = nameWords(text);
      const relevant =
        words.some((w) => GUARD_WORDS.has(w)) &&
        !words.some((w) => BOOKKEEPING.has(w)) &&
        !(words.includes('owner') && words.some((w) => TREE_WORDS.has(w))) &&
        !(syntax && BARE_TOKEN.test(text));
      if (relevant) return text;
    }
    if (n.type === 'identifier' || n.type === 'string_content') continue;
    const children = n.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i];
      if (c) stack.push(c);
    }
  }
  return undefined;
}

/** The innermost function around a node, if any. */
function enclosingFunction(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return p;
    if (p.type === 'class_definition' || p.type === 'lambda') return undefined;
  }
  return undefined;
}

function parameterNames(fn: Node): string[] {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  const out: string[] = [];
  for (const p of params.namedChildren) {
    if (!p) continue;
    const name = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier'));
    if (name?.type === 'identifier') out.push(name.text);
  }
  return out;
}

/** True when a function looks like a web view or API handler: route decorators, a `request` parameter, a view class. */
function looksLikeHandler(fn: Node): boolean {
  const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent : null;
  if (decorated?.namedChildren.some((d) => d?.type === 'decorator' && HANDLER_DECORATOR.test(d.text))) return true;
  const params = parameterNames(fn);
  const first = params[0] === 'self' || params[0] === 'cls' ? params[1] : params[0];
  if (first === 'request' || first === 'req') return true;
  const name = fn.childForFieldName('name')?.text ?? '';
  if (/^(lambda_)?handler$/.test(name) && params[0] === 'event' && params[1] === 'context') return true;
  const body = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
  const cls = body?.type === 'block' ? body.parent : null;
  if (cls?.type === 'class_definition' && HANDLER_METHODS.has(name)) {
    const bases = cls.childForFieldName('superclasses')?.text ?? '';
    return HANDLER_BASE.test(bases);
  }
  return false;
}

export const assertGuard: Rule = {
  meta: {
    id: 'K901',
    name: 'assert-used-as-guard',
    summary: '`assert` used for an access or input check, which `python -O` removes',
    severity: 'medium',
    confidence: 'medium',
    cwe: [617, 703],
    owasp: 'A01:2021-Broken Access Control',
    sources: { bandit: ['B101'], ruff: ['S101'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `assert` statements that guard something, outside test code:\n\n' +
      '- an assertion whose condition names an access-control or input concept: the user, the request, a ' +
      'permission or role (`has_perm`, `is_admin`, `is_staff`, `is_superuser`), authentication state ' +
      '(`is_authenticated`, a session, a login), an owner, a token, a tenant or scope, an allow-list;\n' +
      '- any assertion inside a function that looks like a view or API handler: route decorators (Flask, FastAPI, ' +
      'Starlette, Sanic), Django and DRF decorators (`login_required`, `api_view`…), a first parameter named ' +
      '`request`, the HTTP-method handlers of class-based views and DRF permission classes, and AWS Lambda ' +
      'handlers — there, an assertion checks input the client sent;\n' +
      '- an assertion whose message says what it guards ("permission denied", "forbidden", "staff only").\n\n' +
      'The confidence is high when two of these meet (a permission check inside a view), medium otherwise.\n\n' +
      'Not reported, unlike Bandit B101 and Ruff S101 which flag every `assert`:\n\n' +
      '- test code: files matching the `test-patterns` option (by default `test_*.py`, `*_test.py`, ' +
      '`conftest.py` and anything under `test/`, `tests/` or `testing/`, except sample code under a `fixtures/` ' +
      'folder), modules that import `pytest`, `unittest` or `hypothesis`, `test_*` functions, pytest fixtures, ' +
      'and methods of `Test*` or `TestCase` classes;\n' +
      '- internal invariants that guard nothing security-relevant (`assert len(parts) == 3`, ' +
      '`assert self._lock.locked()`) outside handlers: they document an expectation, and removing them ' +
      'under `-O` changes no decision;\n' +
      '- type-narrowing idioms (`assert isinstance(request.user, User)`, `assert user is not None`) and ' +
      'interface checks (`assert IChatClient.providedBy(user)`, `assert iface is iwords.IUser`, a CapWords class ' +
      'or interface name, not an enum member such as `Role.ADMIN`): they tell a type checker or a reader what ' +
      'a value is, and the code that follows fails loudly without them;\n' +
      '- constant assertions (`assert False, "unreachable"`);\n' +
      '- checks of the call\'s shape: constant keys looked up in the function\'s own `**kwargs` (`assert ' +
      '"uidb64" in kwargs and "token" in kwargs` in a password-reset view): they say which keywords the ' +
      'framework passes, not whether the values are right or the user may proceed;\n' +
      '- the HTTP method asserted inside a class\'s `get`/`post`/`head`… method (`assert self.request.method == ' +
      '"HEAD"` in Tornado\'s static file handler): the framework picked that method by the request\'s HTTP method, ' +
      'so the assertion restates its dispatch. A function view asserting `request.method == "POST"` is reported;\n' +
      '- names of modules and functions (`token.NUMBER` in a parser), a bare `token` in modules that import a ' +
      'lexer or parser library, and `owner` as a tree relation (`ownerDocument` in DOM code);\n' +
      '- an object\'s private state (`assert not self.session._deleted`): a private attribute whose own name ' +
      'has no access word is bookkeeping, whatever the path to it says (`session` here is the unit of work). ' +
      '`assert request.user._is_admin` and `assert self.session.user_id` are reported.',
    why:
      'Python removes `assert` statements when it runs with `-O` or `PYTHONOPTIMIZE` set, which some ' +
      'deployments do for speed. A permission check written as an assertion then vanishes: every user may ' +
      'delete every record, and input the handler meant to reject flows into the rest of the code. Even ' +
      'without `-O`, a failed assertion raises `AssertionError`, which frameworks turn into a 500 error rather ' +
      'than a 403 or a 400. Raise the exception the situation calls for (`PermissionDenied`, `abort(403)`, ' +
      '`HTTPException(status_code=403)`, `ValueError`) with an explicit `if`.\n\n' +
      'CWE-617 (reachable assertion) comes first because the client decides whether the assertion fails; ' +
      'CWE-703, which Bandit uses, is the broader class.',
    bad:
      'from django.shortcuts import get_object_or_404\n\nfrom .models import Invoice\n\n\n' +
      'def delete_invoice(request, pk):\n' +
      '    invoice = get_object_or_404(Invoice, pk=pk)\n' +
      '    assert invoice.owner == request.user, "not your invoice"\n' +
      '    invoice.delete()\n',
    good:
      'from django.core.exceptions import PermissionDenied\nfrom django.shortcuts import get_object_or_404\n\n' +
      'from .models import Invoice\n\n\n' +
      'def delete_invoice(request, pk):\n' +
      '    invoice = get_object_or_404(Invoice, pk=pk)\n' +
      '    if invoice.owner != request.user:\n' +
      '        raise PermissionDenied("not your invoice")\n' +
      '    invoice.delete()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/617.html',
      'https://cwe.mitre.org/data/definitions/703.html',
      'https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement',
      'https://docs.python.org/3/using/cmdline.html#cmdoption-O',
    ],
  },
  options: {
    'test-patterns': {
      type: 'string[]',
      default: [...DEFAULT_TEST_PATTERNS],
      description:
        'Glob patterns (relative to the scan root) of test files, where assertions are not reported; a pattern starting with `!` takes matching paths back out.',
    },
  },
  nodeTypes: ['assert_statement'],
  node(node, ctx) {
    const model = ctx.model;
    if (isTestPath(model.relPath, testPatternsOption(ctx.options['test-patterns']))) return;
    if (importsTestFramework(model) || inTestFunction(node)) return;
    const parts = node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    const test = parts[0];
    if (!test) return;
    if (constantTruth(test, model) !== undefined || model.isConstant(test) || isNarrowing(test, model)) return;
    const evidence = guardEvidence(test, model);
    const msgNode = parts[1];
    const msg = msgNode ? model.constantString(msgNode) : undefined;
    const guardMessage = msg !== undefined && GUARD_MESSAGE.test(msg);
    const fn = enclosingFunction(node);
    if (isCallShapeCheck(test, fn, model) || restatesDispatch(test, fn, model)) return;
    const handler = fn !== undefined && looksLikeHandler(fn);
    const guards = evidence !== undefined || guardMessage;
    if (!guards && !handler) return;
    const what = evidence !== undefined ? `A check on \`${evidence.length > 30 ? `${evidence.slice(0, 29)}…` : evidence}\`` : handler ? 'A check on request input' : 'A guard';
    const where = handler ? ' in a request handler' : '';
    ctx.report({
      node,
      message: `${what}${where} is written as \`assert ${excerpt(test, 40)}\`, which Python removes under -O; raise an exception (PermissionDenied, abort(403), ValueError) from an explicit if instead`,
      confidence: guards && handler ? 'high' : 'medium',
    });
  },
};
