import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { calleeOf, excerpt } from '../helpers.js';
import { nameWords, verifierName } from '../../secrets/names.js';
import type { Rule } from '../types.js';
import { BARE_TOKEN, handlesSyntaxTokens, importsTestFramework, inTestFunction, isTestPath } from '../../semantics/test-code.js';

/** Functions whose result is a keyed MAC of their input. */
const MAC_FUNCTIONS = new Set(['hmac.digest']);
const DIGEST_METHODS = new Set(['digest', 'hexdigest']);
/** Encodings that keep a secret a secret (`base64.b64encode(mac)`, `mac.hex()`). */
const ENCODERS = new Set(['base64.b64encode', 'base64.urlsafe_b64encode', 'base64.b16encode', 'base64.b32encode', 'binascii.hexlify', 'binascii.b2a_hex', 'str', 'bytes']);
const TRANSPARENT_METHODS = new Set(['decode', 'encode', 'hex', 'lower', 'upper', 'strip', 'rstrip', 'lstrip', 'casefold']);
const KEY_READERS = new Set(['get', 'getlist', 'pop']);

/**
 * What makes an operand a secret-checking value: a MAC computed here ('mac'), a secret-like name ('name'), or
 * something that may be public, a plain digest or a `checksum` ('weak').
 */
type Evidence = { kind: 'mac' | 'name' | 'weak'; label: string };

function evidenceOf(node: Node, model: ModuleModel, syntaxTokens: boolean, depth = 0): Evidence | undefined {
  if (depth > 6) return undefined;
  const n = unparen(node);
  const byName = (name: string): Evidence | undefined => {
    const strength = verifierName(name);
    if (!strength) return undefined;
    // A bare `token` is as often a lexer's or a cache's as a credential: alone it is weak evidence. A one-letter
    // qualifier (`c_token`, `p_token`) says nothing more about what it is, so it stays bare.
    if (BARE_TOKEN.test(name.replace(/^_?[a-z]_/i, ''))) return syntaxTokens ? undefined : { kind: 'weak', label: name };
    return { kind: strength === 'strong' ? 'name' : 'weak', label: name };
  };
  switch (n.type) {
    case 'identifier': {
      const b = model.lookup(n.text, n.startIndex);
      if (b?.kind === 'import' || b?.kind === 'def' || b?.kind === 'class') return undefined;
      return byName(n.text);
    }
    case 'attribute': {
      const attr = n.childForFieldName('attribute');
      return attr ? byName(attr.text) : undefined;
    }
    case 'subscript': {
      const key = n.childForFieldName('subscript');
      const s = key ? model.constantString(key) : undefined;
      return s !== undefined ? byName(s) : undefined;
    }
    case 'call': {
      const callee = calleeOf(n, model);
      if (callee && MAC_FUNCTIONS.has(callee)) return { kind: 'mac', label: `${callee}()` };
      const fn = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      const first = args?.namedChildren.find((a) => a !== null && a.type !== 'comment' && a.type !== 'keyword_argument');
      if (callee && ENCODERS.has(callee)) return first ? evidenceOf(first, model, syntaxTokens, depth + 1) : undefined;
      if (fn?.type === 'identifier') return returnsSecret(fn.text) ? byName(fn.text) : undefined;
      if (fn?.type !== 'attribute') return undefined;
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const obj = fn.childForFieldName('object');
      if (!obj) return undefined;
      if (DIGEST_METHODS.has(method)) {
        const maker = calleeOf(unparen(obj), model) ?? model.instanceType(obj) ?? '';
        if (maker.startsWith('hmac.')) return { kind: 'mac', label: `${excerpt(fn, 40)}()` };
        return evidenceOf(obj, model, syntaxTokens, depth + 1) ?? { kind: 'weak', label: `${excerpt(fn, 40)}()` };
      }
      if (TRANSPARENT_METHODS.has(method)) return evidenceOf(obj, model, syntaxTokens, depth + 1);
      if (KEY_READERS.has(method) && first) {
        const s = model.constantString(first);
        return s !== undefined ? byName(s) : undefined;
      }
      return returnsSecret(method) ? byName(method) : undefined;
    }
    default:
      return undefined;
  }
}

/** Verbs of functions that check a secret (and return a boolean) rather than produce one. */
const CHECKING_VERBS = /^(check|verify|validate|is|has|compare|match|matches|test|valid|should|can)$/;

/** True when a function's name says it produces a secret (`make_token`, `order_token`, `compute_signature`). */
function returnsSecret(name: string): boolean {
  return !nameWords(name).some((w) => CHECKING_VERBS.test(w));
}

/** Values whose comparison reveals nothing secret: None, literals written at the comparison, numbers, lengths. */
function isTrivial(node: Node, model: ModuleModel): boolean {
  const n = unparen(node);
  switch (n.type) {
    case 'none':
    case 'true':
    case 'false':
    case 'integer':
    case 'float':
    case 'string':
    case 'concatenated_string':
      return n.type === 'string' || n.type === 'concatenated_string' ? model.isConstant(n) : true;
    case 'list':
    case 'tuple':
    case 'dictionary':
    case 'set':
      return model.isConstant(n) || n.namedChildren.filter((c) => c && c.type !== 'comment').length === 0;
    case 'unary_operator':
      return true;
    case 'identifier':
      return namedConstant(n, model);
    case 'binary_operator':
      return model.isConstant(n);
    case 'call': {
      const callee = calleeOf(n, model);
      return callee === 'len' || callee === 'int' || callee === 'bool' || callee === 'type';
    }
    default:
      return false;
  }
}

const CONSTANT_NAME = /^_*[A-Z][A-Z0-9_]*$/;
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * A module-level label, not a secret: a capitalised name assigned at the top of the module to a constant string
 * that its own name spells out (`AUTH_HEADER = "auth_header"`, `TOKEN_DATA = intern("data")`), or imported
 * under a name that designates no secret (`from .consts import AUTH_HEADER`). A capitalised name holding a real
 * secret (`API_TOKEN = os.environ[...]`, `SECRET = "s3cr3t…"`) is not one.
 */
function namedConstant(n: Node, model: ModuleModel): boolean {
  if (!CONSTANT_NAME.test(n.text)) return false;
  const b = model.lookup(n.text, n.startIndex);
  if (!b || b.kind === 'import') return verifierName(n.text) === undefined;
  if (b.kind !== 'assign' || !b.value || model.scopeAt(b.at).kind !== 'module') return false;
  let v = unparen(b.value);
  // `sys.intern("data")`: the interned string is the label.
  if (v.type === 'call' && /(^|\.)intern$/.test(calleeOf(v, model) ?? v.childForFieldName('function')?.text ?? '')) {
    const arg = v.childForFieldName('arguments')?.namedChildren[0];
    if (arg) v = unparen(arg);
  }
  const value = model.constantString(v);
  return value !== undefined && value.length > 0 && squash(n.text).includes(squash(value));
}

/** A yes/no value (`given = key is not None`): comparing two of them says nothing about a secret's bytes. */
function boundToBoolean(n: Node, model: ModuleModel): boolean {
  if (n.type !== 'identifier') return false;
  const b = model.lookup(n.text, n.startIndex);
  const v = b?.kind === 'assign' && b.value ? unparen(b.value) : undefined;
  if (!v) return false;
  if (v.type === 'comparison_operator' || v.type === 'boolean_operator' || v.type === 'not_operator') return true;
  return v.type === 'call' && calleeOf(v, model) === 'bool';
}

/**
 * `clean = sanitize(token); if clean != token`: a value compared with what a function made of it asks whether the
 * function changed it, not whether someone knows a secret; both sides come from the same place.
 */
function comparedWithItsOwnForm(a: Node, b: Node, model: ModuleModel): boolean {
  const derivedFrom = (x: Node, y: Node): boolean => {
    if (x.type !== 'identifier' || y.type !== 'identifier') return false;
    const bound = model.lookup(x.text, x.startIndex);
    const v = bound?.kind === 'assign' && bound.value ? unparen(bound.value) : undefined;
    if (v?.type !== 'call') return false;
    const args = v.childForFieldName('arguments')?.namedChildren ?? [];
    return args.some((arg) => arg !== null && unparen(arg).type === 'identifier' && arg.text === y.text);
  };
  return derivedFrom(a, b) || derivedFrom(b, a);
}

/**
 * Words that make a token an identifier of a partition or an identity (SQLAlchemy's `identity_token`, a shard
 * token): it selects where data lives, nobody proves anything by knowing it.
 */
const IDENTIFYING = /(^|[_.])(identity|shard|partition)(_|$)/i;

/**
 * A database row's identity (`user.pk`, `obj.id`, `owner_id`): it names a row and is shown in URLs and forms, so a
 * comparison with it checks which record something belongs to, not knowledge of a secret.
 */
const ROW_IDENTITY = /(^|\.)(pk|id|[a-z0-9]+_id)$/i;
/** Ids that are bearer secrets themselves: a session id proves the session. */
const SECRET_ID = /(sess|sid|token|key|secret|nonce|auth)/i;
const rowIdentity = (n: Node): boolean => ROW_IDENTITY.test(n.text) && !SECRET_ID.test(n.text.slice(n.text.lastIndexOf('.') + 1));

/** Methods that compare objects field by field (`self.signature == other.signature` in `__eq__`). */
const STRUCTURAL = /^__(eq|ne|lt|le|gt|ge|hash|cmp)__$/;

function inStructuralMethod(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return STRUCTURAL.test(p.childForFieldName('name')?.text ?? '');
  }
  return false;
}

/** A value the user typed twice (`password != confirm`): comparing the two leaks nothing to anyone else. */
const CONFIRMATION = /confirm|repeat|retype|again|verification|password2|passwd2/i;

function insideAssert(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'assert_statement') return true;
    if (p.type.endsWith('_statement') || p.type === 'function_definition' || p.type === 'block') return false;
  }
  return false;
}

/** Per module: whether it is test code (a test path or a test framework import), which no comparison of it reports. */
const testModules = new WeakMap<ModuleModel, boolean>();

export const secretComparison: Rule = {
  meta: {
    id: 'K903',
    name: 'secret-compared-with-equality',
    summary: 'A token, signature, MAC or password hash compared with `==`/`!=` instead of a constant-time comparison',
    severity: 'medium',
    confidence: 'medium',
    cwe: [208],
    owasp: 'A07:2021-Identification and Authentication Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `==` and `!=` comparisons where one side is a value that proves knowledge of a secret:\n\n' +
      '- a MAC computed on the spot (`hmac.new(...).hexdigest()`, `hmac.digest(...)`, also through ' +
      '`base64`, `.hex()` or `.decode()`, and names bound to one) — high confidence;\n' +
      '- a name, attribute or constant key designating a token, signature, MAC, password or its hash, API key, ' +
      'CSRF token, nonce or one-time code (`token`, `expected_signature`, `request.headers["X-Hub-Signature-256"]`, ' +
      '`data.get("otp")`, `user.password_hash`), or the result of a function named so (`make_token(user)`, ' +
      '`order_token(pk)`; not `check_token()`, which answers yes or no) — medium confidence, high when both ' +
      'sides are named so;\n' +
      '- a plain digest (`hashlib.sha256(...).hexdigest()`) or a `digest`/`checksum` name only when the other ' +
      'side is one of the above: on its own it is as likely the public checksum of a download.\n\n' +
      'Not reported: comparisons with `None`, booleans, numbers, empty containers or a string literal written at ' +
      'the comparison (`token_type == "bearer"`, `tok == "("`), with `len(...)`; names about a secret rather ' +
      'than of one (`token_type`, `token.kind`, `signature_name`, `otp_length`, `cache_token`); a value ' +
      'compared with its confirmation (`password != password_confirm`); field-by-field comparisons in ' +
      '`__eq__` and the other comparison methods; comparisons inside `assert` statements and in test code. ' +
      'A bare `token` (or `sig`, `digest`, `checksum`) counts only beside stronger evidence on the other side, ' +
      'and not at all in modules that import a lexer or parser library (`tokenize`, `pygments`, `lark`…), ' +
      'where it is a piece of syntax. Also not reported: a comparison with a module-level label (a ' +
      'capitalised name assigned a string its own name spells out, `AUTH_HEADER = "auth_header"`, or imported ' +
      'under a name that designates no secret), which is an enumeration value, not a secret; two yes/no values (`key_given != secret_given`, bound to a ' +
      'comparison or `bool()`); a value compared with what a function made of it (`clean = sanitize(token); ' +
      'if clean != token`), which asks whether the function changed it; and tokens that identify a shard, partition or identity on both sides ' +
      '(`state.identity_token == options.identity_token`), which select data and prove nothing; a comparison with a database row\'s identity (`user.pk`, `obj.id`, ' +
      '`owner_id`), which checks which record a value belongs to, not a secret (a session\'s stored user id against ' +
      '`user.pk`). A token named with a one-letter qualifier (`c_token`, `p_token`) counts as a bare `token`.',
    why:
      '`==` on strings and bytes stops at the first differing byte, so it answers faster the fewer leading ' +
      'bytes match. An attacker who can time many requests (over a network, statistics make microseconds ' +
      'visible) learns the expected token or signature one byte at a time, in a number of guesses linear in ' +
      'its length instead of exponential. `hmac.compare_digest()` (also `secrets.compare_digest()`) takes the ' +
      'same time whatever the contents.',
    bad:
      'import hashlib\nimport hmac\n\n\n' +
      'def valid_webhook(body: bytes, signature: str, secret: bytes) -> bool:\n' +
      '    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()\n' +
      '    return expected == signature\n',
    good:
      'import hashlib\nimport hmac\n\n\n' +
      'def valid_webhook(body: bytes, signature: str, secret: bytes) -> bool:\n' +
      '    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()\n' +
      '    return hmac.compare_digest(expected, signature)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/208.html',
      'https://docs.python.org/3/library/hmac.html#hmac.compare_digest',
      'https://codahale.com/a-lesson-in-timing-attacks/',
    ],
  },
  textHint: /tok|sig|digest|mac|secret|pass|otp|key|nonce|csrf|xsrf|checksum/i,
  nodeTypes: ['comparison_operator'],
  node(node, ctx) {
    const model = ctx.model;
    // Cheap exits first: test code (the same for every comparison of the module), then comparisons whose text
    // has no `==` or `!=` (one read of the text instead of the children).
    let testModule = testModules.get(model);
    if (testModule === undefined) {
      testModule = isTestPath(model.relPath) || importsTestFramework(model);
      testModules.set(model, testModule);
    }
    if (testModule) return;
    const text = node.text;
    if (!text.includes('==') && !text.includes('!=')) return;
    const ops = node.children.filter((c): c is Node => c !== null && !c.isNamed);
    if (ops.length !== 1 || (ops[0].text !== '==' && ops[0].text !== '!=')) return;
    const sides = node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (sides.length !== 2) return;
    const [left, right] = sides;
    if (isTrivial(left, model) || isTrivial(right, model)) return;
    if (boundToBoolean(unparen(left), model) || boundToBoolean(unparen(right), model)) return;
    if (comparedWithItsOwnForm(unparen(left), unparen(right), model)) return;
    if (IDENTIFYING.test(left.text) && IDENTIFYING.test(right.text)) return;
    if (rowIdentity(unparen(left)) || rowIdentity(unparen(right))) return;
    if (insideAssert(node) || inStructuralMethod(node) || inTestFunction(node)) return;
    if (CONFIRMATION.test(left.text) || CONFIRMATION.test(right.text)) return;
    const syntax = handlesSyntaxTokens(model);
    // A name bound to an expression is judged by that expression too (`expected = hmac.new(...).hexdigest()`).
    const judge = (side: Node): Evidence | undefined => {
      const direct = evidenceOf(side, model, syntax);
      const u = unparen(side);
      if (direct?.kind === 'mac' || u.type !== 'identifier') return direct;
      const b = model.lookup(u.text, u.startIndex);
      const bound = b?.kind === 'assign' && b.value ? evidenceOf(b.value, model, syntax) : undefined;
      if (bound?.kind === 'mac' || (bound?.kind === 'weak' && !direct)) return { kind: bound.kind, label: u.text };
      return direct;
    };
    const l = judge(left);
    const r = judge(right);
    const kinds = [l?.kind, r?.kind];
    // A plain digest or checksum may be public (a download's SHA-256): it counts only beside a stronger sign.
    if (!kinds.includes('mac') && !kinds.includes('name')) return;
    const strong = kinds.includes('mac') || (l !== undefined && r !== undefined);
    const main = l?.kind === 'mac' || (l?.kind === 'name' && r?.kind !== 'mac') ? l : r;
    const what = main?.label ?? '';
    ctx.report({
      node,
      message: `\`${excerpt(node, 60)}\` compares ${main?.kind === 'mac' ? `the MAC \`${what}\`` : `\`${what}\``} with ${ops[0].text}, which returns as soon as a byte differs and so leaks, through timing, how much of the value an attacker got right; use hmac.compare_digest()`,
      confidence: strong ? 'high' : 'medium',
    });
  },
};
