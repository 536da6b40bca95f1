import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { attributeName, calleeOf, excerpt, FLASK_CONFIG_SETTERS, isFlaskApp, isFlaskConfig, mappingEntries, subscriptKey } from '../helpers.js';
import type { Confidence } from '../../findings/types.js';
import type { TextSpan } from '../../secrets/detect.js';
import { contentSpan } from '../../secrets/python.js';
import type { Rule } from '../types.js';
import { defaultArgument } from './shared.js';

const NAME = 'SECRET_KEY';

/**
 * Framework secrets besides `SECRET_KEY`: any `*SECRET_KEY` setting (Flask-JWT-Extended's `JWT_SECRET_KEY`,
 * Flask-WTF's `WTF_CSRF_SECRET_KEY`), `JWT_SECRET`, and salts of the signing helpers (`SECURITY_PASSWORD_SALT`).
 * A salt is reported one step lower: it strengthens a key rather than being one.
 */
const SECRET_SETTING = /^(?:[A-Z][A-Z0-9]*_)*SECRET_KEY$|^JWT_SECRET$/;
const SALT_SETTING = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_SALT$/;
/** Names of cipher and MAC keys: `KEY`, `AES_KEY`, `ENCRYPTION_KEY`, `FERNET_KEY`, `HMAC_KEY`, `SIGNING_KEY`. */
const CIPHER_KEY = /^(?:(?:[A-Z0-9]+_)*(?:AES|DES|CIPHER|CRYPT|CRYPTO|ENCRYPTION|ENCRYPT|DECRYPTION|SIGNING|SIGN|HMAC|MAC|FERNET|MASTER|SESSION|JWT|TOKEN)_)?KEY$/;

/** Cipher key names that hold a key even as text; `SESSION_KEY = "_auth_user_id"` and `TOKEN_KEY = "token"` are lookup keys. */
const TEXT_CIPHER_KEY = /(?:^|_)(?:AES|DES|CIPHER|CRYPT|CRYPTO|ENCRYPTION|ENCRYPT|DECRYPTION|SIGNING|HMAC|FERNET|MASTER)_KEY$/;

/** How a setting name counts: the signing key itself, another framework secret, a salt, a cipher key. */
function settingKind(name: string): 'key' | 'secret' | 'salt' | 'cipher' | undefined {
  if (name === NAME) return 'key';
  if (SECRET_SETTING.test(name)) return 'secret';
  if (SALT_SETTING.test(name)) return 'salt';
  return CIPHER_KEY.test(name) ? 'cipher' : undefined;
}
const SETTERS = new Set([...FLASK_CONFIG_SETTERS, 'django.conf.settings.configure']);

/** Readers of configuration that take a default: (callee, position of the default, keyword of the default). */
const ENV_GETTERS: ReadonlyMap<string, [number, string]> = new Map([
  ['os.environ.get', [1, 'default']],
  ['os.environ.setdefault', [1, 'default']],
  ['os.getenv', [1, 'default']],
  ['decouple.config', [1, 'default']],
  ['environ.Env.str', [1, 'default']],
  ['environ.Env', [1, 'default']],
]);

/** Values that a deployment tool substitutes (`${SECRET_KEY}`, `{{ secret_key }}`), not keys. */
const TEMPLATE = /^(\$\{[^}]+\}|\$[A-Z_][A-Z0-9_]*|\{\{[^}]*\}\}|%\([^)]+\)s)$/;
/** Fallbacks that announce themselves as placeholders, and are short enough to guess. */
const PLACEHOLDER = /change.?(me|this|it)|replace.?me|placeholder|dummy|example|your.?secret|insecure|^(dev|test|secret|default|development)\b/i;
const MIN_REAL_KEY = 16;

interface Verdict {
  confidence: Confidence;
  fallback: boolean;
  /** The key as written, when it is a literal here: masked in every output, and shared with the K6xx rules (one finding per secret). */
  secrets?: TextSpan[];
}

/** The literal's span, when the value is written in place (not a name bound elsewhere). */
function literalSpans(node: Node): TextSpan[] | undefined {
  const n = unparen(node);
  return n.type === 'string' || n.type === 'concatenated_string' ? [contentSpan(n)] : undefined;
}

function withSpans(v: Verdict | undefined, node: Node): Verdict | undefined {
  const secrets = literalSpans(node);
  return v && secrets ? { ...v, secrets } : v;
}

function literalVerdict(s: string, fallback: boolean): Verdict | undefined {
  if (s.trim().length === 0 || TEMPLATE.test(s.trim())) return undefined;
  if (!fallback) return { confidence: 'high', fallback };
  // A fallback that looks like a real key was likely copied from a deployment; a placeholder is less certain.
  return { confidence: s.length >= MIN_REAL_KEY && !PLACEHOLDER.test(s) ? 'medium' : 'low', fallback };
}

/** The default a configuration read falls back to (`os.environ.get("K", "x")`, `getenv("K") or "x"`). */
function fallbackOf(n: Node, model: ModuleModel): Node | undefined {
  if (n.type === 'boolean_operator' && n.childForFieldName('operator')?.type === 'or') return n.childForFieldName('right') ?? undefined;
  if (n.type !== 'call') return undefined;
  const fn = n.childForFieldName('function');
  const name = calleeOf(n, model) ?? (fn ? model.instanceType(fn) : undefined);
  const spec = name ? ENV_GETTERS.get(name) : undefined;
  return spec ? defaultArgument(n, spec) : undefined;
}

/** Whether a value given to SECRET_KEY is a literal key (or falls back to one), and how sure that is. */
function secretVerdict(value: Node, model: ModuleModel): Verdict | undefined {
  const direct = model.constantString(value);
  if (direct !== undefined) return withSpans(literalVerdict(direct, false), value);
  const fallback = fallbackOf(unparen(value), model);
  if (!fallback) return undefined;
  const s = model.constantString(fallback);
  return s === undefined ? undefined : withSpans(literalVerdict(s, true), fallback);
}

/**
 * `something.config` where the scanner cannot tell what `something` is (an application factory's result, an
 * untyped parameter). A `SECRET_KEY` in a `config` mapping is a framework key whatever the framework
 * (Flask, Quart, Sanic...), so these are reported too, one step less certain.
 */
function isUnresolvedConfig(node: Node, model: ModuleModel): boolean {
  const n = unparen(node);
  return n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'config' && model.resolve(n) === undefined;
}

const LOWER: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };
const CONFIG_SETTER_METHODS = new Set(['update', 'from_mapping']);

function message(where: string, v: Verdict): string {
  if (/_SALT\b/.test(where)) {
    return `${where} is a salt written in the source: with the secret key it signs tokens and password-reset links, and a known one leaves only the key to guess; load it from the environment`;
  }
  if (/KEY\b/.test(where) && !/SECRET_KEY\b|secret_key/.test(where)) {
    return `${where} is a key written in the source: whoever reads the code can decrypt or forge what it protects, however random it looks; load it from the environment or a secret store`;
  }
  if (v.fallback) {
    return `${where} falls back to a key written in the source when the setting is missing, so a deployment that forgets it runs with a public key; fail at startup instead of falling back`;
  }
  return `${where} is a key written in the source: anyone who can read the code can forge sessions, signed cookies and tokens; load it from the environment or a secret store`;
}

export const hardcodedSecretKey: Rule = {
  meta: {
    id: 'K502',
    name: 'hardcoded-secret-key',
    summary: 'A framework secret written in the source: `SECRET_KEY`, JWT and CSRF keys, signing salts, cipher keys',
    severity: 'high',
    confidence: 'high',
    cwe: [798],
    owasp: 'A07:2021-Identification and Authentication Failures',
    sources: { bandit: ['B105'], ruff: ['S105'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a non-empty string (or bytes) literal used as the framework signing key:\n\n' +
      '- `SECRET_KEY = "..."` at module level (Django settings) or in a class body (Flask config classes);\n' +
      '- `app.secret_key = "..."` and `app.config["SECRET_KEY"] = "..."` on a Flask application;\n' +
      '- `app.config.update(SECRET_KEY="...")`, `app.config.from_mapping(SECRET_KEY="...")` and Django\'s ' +
      '`settings.configure(SECRET_KEY="...")`;\n' +
      '- the same `config["SECRET_KEY"]` / `config.update(...)` forms on an object the scanner cannot resolve ' +
      '(`app = create_app()`, an untyped parameter), one confidence step lower: a `SECRET_KEY` in a `config` ' +
      'mapping is a signing key in Flask, Quart and their relatives alike.\n\n' +
      'A literal fallback counts too: `os.environ.get("SECRET_KEY", "...")`, `os.getenv(...)`, ' +
      '`os.environ.get("SECRET_KEY") or "..."`, python-decouple\'s `config(..., default="...")` and ' +
      'django-environ\'s `env(..., default="...")`. Those are reported at medium confidence when the ' +
      'fallback looks like a real key (16 characters or more, not a placeholder) and at low confidence ' +
      'otherwise: a forgotten environment variable then silently runs production with that key.\n\n' +
      'The same forms are reported for the other framework secrets: any `*SECRET_KEY` setting (`JWT_SECRET_KEY` of ' +
      'Flask-JWT-Extended, `WTF_CSRF_SECRET_KEY` of Flask-WTF), `JWT_SECRET`, and salts of the signing helpers ' +
      '(`SECURITY_PASSWORD_SALT`, any `*_SALT` setting, one confidence step lower: a salt strengthens a key rather ' +
      'than being one). Cipher and MAC keys written as module or class constants are reported at medium ' +
      'confidence: a bytes literal of eight bytes or more bound to `KEY` or `*_KEY` named for its use (`AES_KEY`, ' +
      '`ENCRYPTION_KEY`, `FERNET_KEY`, `HMAC_KEY`, `SIGNING_KEY`, `SESSION_KEY`…), and a text literal bound to a ' +
      'cipher key name (`AES_KEY`, `ENCRYPTION_KEY`, `FERNET_KEY`, `HMAC_KEY`, `SIGNING_KEY`, `MASTER_KEY`).\n\n' +
      'Placeholders such as `"changeme"` assigned directly are reported: they are keys too, and known ones; a ' +
      'short, sequential or dictionary value is a weaker key, not a stand-in. ' +
      'Not reported: an empty string, substitution templates (`"$SECRET_KEY"`, `"{{ secret_key }}"` and the braced shell form), ' +
      '`os.environ["SECRET_KEY"]`, and generated keys (`secrets.token_hex()`, `get_random_secret_key()`, ' +
      '`Fernet.generate_key()`); text bound to `KEY`, `SESSION_KEY`, `TOKEN_KEY`, `CACHE_KEY` and other lookup-key ' +
      'names (`SESSION_KEY = "_auth_user_id"` names a session entry); cipher keys inside functions. ' +
      'Messages never repeat the value, and the key is masked in every output (its first characters and length ' +
      'are kept).\n\n' +
      'The secret rules see these keys too; one secret gets one finding: this rule reports a framework key, ' +
      'unless the value is a provider token, a private key, a JWT or a URL with a password, which K601, K602, ' +
      'K606 or K603 report instead. K604 and K605 stay silent on it.',
    why:
      'The secret key signs session cookies, password-reset links, CSRF tokens and anything else passed ' +
      'through the framework\'s signing helpers. Whoever knows it can forge a session for any user, often an ' +
      'administrator, and with some session serializers run code on the server. A key in the source is ' +
      'known to everyone with access to the repository, its forks and its history, and it is shared by ' +
      'every deployment that did not override it. Read it from the environment or a secret manager, fail ' +
      'at startup when it is missing, and rotate any key that was ever committed.',
    bad: 'SECRET_KEY = "django-insecure-9x!k2@p#r1qz$v8m&w0l4t7y6u5e3c"\n',
    good: 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
    references: [
      'https://cwe.mitre.org/data/definitions/798.html',
      'https://docs.djangoproject.com/en/stable/ref/settings/#secret-key',
      'https://flask.palletsprojects.com/en/latest/config/#SECRET_KEY',
    ],
  },
  textHint: /SECRET|secret_key|SALT|KEY/,
  callees: [...SETTERS],
  call(call, ctx) {
    for (const entry of mappingEntries(call, ctx.model)) {
      const kind = settingKind(entry.key);
      if (!kind || kind === 'cipher') continue;
      const v = adjusted(secretVerdict(entry.value, ctx.model), kind, entry.value, ctx.model);
      if (v) ctx.report({ node: entry.node, message: message(entry.key, v), confidence: v.confidence, secrets: v.secrets });
    }
  },
  module(ctx) {
    const model = ctx.model;
    for (const call of model.calls) {
      // `call.name` (the callee's last name as written, a plain string) first: other calls are not read from the tree.
      if (!CONFIG_SETTER_METHODS.has(call.name)) continue;
      if (call.callee !== undefined || call.calleeNode.type !== 'attribute') continue;
      const obj = call.calleeNode.childForFieldName('object');
      if (!obj || !isUnresolvedConfig(obj, model)) continue;
      for (const entry of mappingEntries(call, model)) {
        const kind = settingKind(entry.key);
        if (!kind || kind === 'cipher') continue;
        const v = adjusted(secretVerdict(entry.value, model), kind, entry.value, model);
        if (v) ctx.report({ node: entry.node, message: message(entry.key, v), confidence: LOWER[v.confidence], secrets: v.secrets });
      }
    }
  },
  assignment(assignment, ctx) {
    const model = ctx.model;
    if (!assignment.value) return;
    const settingsScope = assignment.scope.kind === 'module' || assignment.scope.kind === 'class';
    // The setting a target names and how sure that is: 'sure' for a settings name or a Flask application's
    // config, 'unsure' for the config of an unresolved object.
    // The name is read first (a string, no resolution); the owner is resolved only for a setting's name.
    const kindOf = (t: Node): { name: string; sure: boolean } | undefined => {
      if (t.type === 'identifier') return settingsScope && settingKind(t.text) ? { name: t.text, sure: true } : undefined;
      if (t.type === 'attribute') {
        return t.childForFieldName('attribute')?.text === 'secret_key' && attributeName(t, (obj) => isFlaskApp(obj, model)) ? { name: NAME, sure: true } : undefined;
      }
      const key = subscriptKey(t, model, () => true);
      if (key === undefined || !settingKind(key)) return undefined;
      if (subscriptKey(t, model, (obj) => isFlaskConfig(obj, model)) !== undefined) return { name: key, sure: true };
      return subscriptKey(t, model, (obj) => isUnresolvedConfig(obj, model)) !== undefined ? { name: key, sure: false } : undefined;
    };
    const target = assignment.targets.find((t) => kindOf(t)?.sure) ?? assignment.targets.find((t) => kindOf(t));
    const found = target ? kindOf(target) : undefined;
    if (!target || !found) return;
    const kind = settingKind(found.name) ?? 'key';
    // A cipher key counts only as a module or class constant, and bare `KEY` only as bytes: `KEY = "name"` is a lookup key.
    if (kind === 'cipher' && (target.type !== 'identifier' || (!isBytes(assignment.value) && !TEXT_CIPHER_KEY.test(found.name)))) return;
    const v = adjusted(secretVerdict(assignment.value, model), kind, assignment.value, model);
    if (!v) return;
    const where = target.type === 'identifier' ? found.name : excerpt(target, 60);
    ctx.report({ node: assignment.node, message: message(where, v), confidence: found.sure ? v.confidence : LOWER[v.confidence], secrets: v.secrets });
  },
};

function isBytes(node: Node): boolean {
  const n = unparen(node);
  return n.type === 'string' && /^[rR]?[bB]/.test(n.text);
}

/**
 * Salts and cipher keys are reported one step lower than the signing key, and a cipher key needs at least eight
 * characters: shorter values bound to `*_KEY` are names and markers far more often than keys.
 */
function adjusted(v: Verdict | undefined, kind: 'key' | 'secret' | 'salt' | 'cipher', value: Node, model: ModuleModel): Verdict | undefined {
  if (!v || kind === 'key' || kind === 'secret') return v;
  if (kind === 'cipher') {
    const s = model.constantString(value);
    if (s === undefined || s.length < 8) return undefined;
  }
  return { ...v, confidence: LOWER[v.confidence] };
}
