/**
 * Passwords given to user accounts: `create_user(..., password="...")`, `User(email=..., password="...")`,
 * `user.set_password("...")`, and the same through a hashing helper (`password=generate_password_hash("...")`).
 * Unlike a password bound to a name (names.ts, placeholders.ts), the place proves what the value is: an account
 * gets this password, so stand-ins (`"admin"`, `"password"`, `"changeme"`) are reported too; a guessable
 * password on a real account is the worst kind.
 */
import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../findings/types.js';
import type { CallSite } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';
import { unparen } from '../syntax/nodes.js';
import { isTestPath as isTestCode } from '../semantics/test-code.js';
import { isTestPath, type TextSpan } from './detect.js';
import { isPasswordHash } from './placeholders.js';
import { contentSpan } from './python.js';

export interface AccountPassword {
  /** The literal, to point at and to mask. */
  literal: Node;
  secret: TextSpan;
  /** How the account is made, as the message says it: "create_user()", "User(...)". */
  where: string;
  confidence: Confidence;
}

/** Calls that make or change an account, with the position of the password argument (Django's signatures). */
const ACCOUNT_CALLS: Record<string, number | undefined> = { create_user: 2, create_superuser: 2, set_password: 0, create_account: undefined, register_user: undefined };
/** Project functions that make an account: `create_customer(...)`, `add_admin(...)`, `register_member(...)`. */
const ACCOUNT_FUNCTION = /^(?:create|add|register|new|make|insert|invite|ensure)_(?:\w+_)?(?:user|account|customer|member|admin|operator|staff|superuser|employee|client)s?$/i;
/** Helpers that hash a password: the literal inside is the password. */
const HASHERS = /(?:^|\.)(?:generate_password_hash|make_password|hash_password|hashpw|encrypt_password|hash|get_password_hash)$/;
/** Seed data: files and functions that fill a database with accounts for development or demonstration. */
const SEED_PATH = /(?:^|\/)(?:seeds?|seeders?|seed_\w+|fixtures?|populate\w*|demo\w*|sample_data|initial_data|dev_data|fake\w*)(?:\/|\.pyw?$)/i;
const SEED_FUNCTION = /^(?:seed|populate|create_demo|create_sample|load_fixtures|load_demo|bootstrap|fake)/i;

function literalPassword(node: Node, model: ModuleModel): Node | undefined {
  let n = unparen(node);
  if (n.type === 'call') {
    const fn = n.childForFieldName('function')?.text ?? '';
    const first = n.childForFieldName('arguments')?.namedChildren.find((a) => a !== null && a.type !== 'keyword_argument' && a.type !== 'comment');
    if (!HASHERS.test(fn) || !first) return undefined;
    n = unparen(first);
    // `bcrypt.hashpw(b"..." , salt)`, `"...".encode()`
    if (n.type === 'call' && n.childForFieldName('function')?.type === 'attribute' && n.childForFieldName('function')?.childForFieldName('attribute')?.text === 'encode') {
      n = unparen(n.childForFieldName('function')?.childForFieldName('object') ?? n);
    }
  }
  if (n.type !== 'string') return undefined;
  const value = model.constantString(n);
  if (value === undefined || value.trim().length === 0 || isPasswordHash(value) || /^\{\{.*\}\}$|^\$\{.*\}$|^%\(\w+\)s$/.test(value.trim())) return undefined;
  return n;
}

function accountCall(c: CallSite): { where: string; arg: Node | undefined } | undefined {
  if (c.name in ACCOUNT_CALLS) {
    const pos = ACCOUNT_CALLS[c.name];
    return { where: `${c.name}()`, arg: c.keywords.get('password') ?? (pos !== undefined ? c.args[pos] : undefined) };
  }
  // `User(email=..., password=...)`, `Customer.objects.create(..., password=...)`: a constructor or a create call.
  // Arguments are read only for calls that can make an account (reading every call's arguments is not free).
  const maker = /^[A-Z]/.test(c.name) || ACCOUNT_FUNCTION.test(c.name) || c.name === 'create';
  if (!maker) return undefined;
  // A hash made here from a literal carries the password too: `password_hash=generate_password_hash("...")`.
  const pw = c.keywords.get('password') ?? [...c.keywords].find(([k, v]) => /^(?:password_hash|hashed_password|pw_hash|password_digest)$/.test(k) && v.type === 'call')?.[1];
  if (!pw) return undefined;
  if (/^[A-Z]/.test(c.name)) return { where: `${c.name}(...)`, arg: pw };
  if (ACCOUNT_FUNCTION.test(c.name)) return { where: `${c.name}()`, arg: pw };
  const text = c.calleeNode.text;
  if (c.name === 'create' && /^[A-Z]\w*\.objects\.create$/.test(text)) return { where: `${text}()`, arg: pw };
  return undefined;
}

const cache = new WeakMap<ModuleModel, AccountPassword[]>();

export function accountPasswords(model: ModuleModel): AccountPassword[] {
  let out = cache.get(model);
  if (out) return out;
  out = [];
  const seedFile = isTestPath(model.relPath) || isTestCode(model.relPath) || /(?:^|\/)tests?\.pyw?$/.test(model.relPath) || SEED_PATH.test(model.relPath);
  for (const c of model.calls) {
    const found = accountCall(c);
    const literal = found?.arg ? literalPassword(found.arg, model) : undefined;
    if (!found || !literal) continue;
    let scope = c.scope;
    while (scope.kind !== 'function' && scope.parent) scope = scope.parent;
    const seed = seedFile || (scope.kind === 'function' && SEED_FUNCTION.test(scope.qualname.slice(scope.qualname.lastIndexOf('.') + 1)));
    out.push({ literal, secret: contentSpan(literal), where: found.where, confidence: seed ? 'low' : 'medium' });
  }
  cache.set(model, out);
  return out;
}
