/** One module's share of the application facts (see types.ts), read from the model the rules already use. */
import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../semantics/module.js';
import { classAttribute, classNodes, handlersOf, INLINE_CHECK_LABEL, isWebModule } from './handlers.js';
import type { ModuleAppFacts } from './types.js';

/** Rate limiters and lockouts by the module imported: Flask-Limiter, slowapi, django-ratelimit, django-axes, fastapi-limiter. */
const LIMITER_IMPORTS: [RegExp, string][] = [
  [/^flask_limiter\b/, 'Flask-Limiter'],
  [/^slowapi\b/, 'slowapi'],
  [/^(?:django_ratelimit|ratelimit)\b/, 'django-ratelimit'],
  [/^axes\b/, 'django-axes'],
  [/^(?:flask_rate_limiter|fastapi_limiter|limits)\b/, 'a rate limiter'],
];
/** Limits set up without an import here: django-axes in settings, DRF throttles, hand-made lockout bookkeeping. */
const LIMITER_TEXT: [string, RegExp, string][] = [
  ['axes', /['"]axes['"]|axes\.backends|AxesMiddleware/, 'django-axes'],
  ['hrottle', /\bthrottle_classes\b|DEFAULT_THROTTLE_CLASSES|\bthrottle_scope\b/, 'DRF throttling'],
  ['_attempts', /\b(?:failed_login_attempts|login_attempts|failed_attempts)\b/, 'a login lockout'],
  ['lock', /\b(?:lockout_until|locked_until|account_locked)\b/, 'a login lockout'],
];

/** Fields that grant rights or hold value: setting them from a request is privilege escalation. */
const PRIVILEGE_FIELD = /^(?:is_admin|is_staff|is_superuser|is_moderator|is_verified|is_premium|is_active|admin|superuser|role|roles|permissions?|groups|user_permissions|balance|\w+_balance|credit|credits|\w+_credit|credit_limit|plan|tier|level|verified|approved|is_approved)$/i;
/** Fields that hold a secret: returning them to a client discloses it. */
const SECRET_FIELD = /^(?:password|passwd|pwd|password_hash|pw_hash|hashed_password|password_digest|encrypted_password|pwhash|secret|\w+_secret|secret_\w+|token|\w+_token|api_key|apikey|private_key|otp_secret|totp_secret|mfa_secret|salt|ssn)$/i;

/** Base classes that bring fields of their own: Django's user models. */
const INHERITED_FIELDS: Record<string, { privilege: string[]; secret: string[] }> = {
  AbstractUser: { privilege: ['is_staff', 'is_superuser', 'groups', 'user_permissions'], secret: ['password'] },
  AbstractBaseUser: { privilege: [], secret: ['password'] },
  PermissionsMixin: { privilege: ['is_superuser', 'groups', 'user_permissions'], secret: [] },
  User: { privilege: ['is_staff', 'is_superuser', 'groups', 'user_permissions'], secret: ['password'] },
};
/** Known model classes outside the project, by qualified name. */
export const KNOWN_MODELS: Record<string, { privilege: string[]; secret: string[] }> = {
  'django.contrib.auth.models.User': INHERITED_FIELDS.User,
  'django.contrib.auth.get_user_model': INHERITED_FIELDS.User,
};

const ORM_IMPORT = /^(?:django\.db|django\.contrib\.auth|sqlalchemy|flask_sqlalchemy|sqlmodel|mongoengine|peewee|tortoise|pony)\b/;
const MODEL_BASE = /(?:^|\.)(?:Model|Base|DeclarativeBase|AbstractUser|AbstractBaseUser|PermissionsMixin|Document|SQLModel|db\.Model)$/;
/** A class body statement defines a field: `x = models.CharField(...)`, `x = db.Column(...)`, `x: Mapped[str]`. */
const FIELD_VALUE = /^(?:\w+\.)*(?:\w*Field|Column|mapped_column|relationship|ForeignKey|ManyToManyField|OneToOneField)\s*\(/;

export function classFields(model: ModuleModel, cls: Node): { privilege: string[]; secret: string[] } | undefined {
  const bases = (cls.childForFieldName('superclasses')?.namedChildren ?? []).flatMap((b) => (b && b.type !== 'keyword_argument' ? [b.text] : []));
  if (!bases.some((b) => MODEL_BASE.test(b))) return undefined;
  const out = { privilege: [] as string[], secret: [] as string[] };
  for (const b of bases) {
    const inherited = INHERITED_FIELDS[b.slice(b.lastIndexOf('.') + 1)];
    if (inherited && /Abstract|Permissions|auth/.test(b + (model.qualifiedName(cls) ?? ''))) {
      out.privilege.push(...inherited.privilege);
      out.secret.push(...inherited.secret);
    }
  }
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : null;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    const type = a.childForFieldName('type');
    if (left?.type !== 'identifier') continue;
    if (!(right && FIELD_VALUE.test(right.text)) && !(type && /Mapped\[/.test(type.text))) continue;
    if (PRIVILEGE_FIELD.test(left.text)) out.privilege.push(left.text);
    if (SECRET_FIELD.test(left.text)) out.secret.push(left.text);
  }
  return out;
}

/** `@app.before_request` functions that check who is logged in guard every route of the application. */
const GUARD_CHECK = /current_user|session|login|logged|abort\s*\(\s*40[13]|jwt|token|auth|g\.user|redirect/;
const LOGIN_MIDDLEWARE = /LoginRequired\w*Middleware|login_required_middleware/;
const DRF_DEFAULT = /['"]DEFAULT_PERMISSION_CLASSES['"]\s*:\s*[[(]([^\])]*)[\])]/;

export function moduleAppFacts(model: ModuleModel): ModuleAppFacts {
  const facts: ModuleAppFacts = { auth: {}, guards: {}, limiters: [], models: {} };
  const text = model.text;
  // The import table and plain substring searches: anchored multi-line expressions over every file cost more.
  for (const imp of model.imports) for (const [re, label] of LIMITER_IMPORTS) if (re.test(imp.module) && !facts.limiters.includes(label)) facts.limiters.push(label);
  for (const [word, re, label] of LIMITER_TEXT) if (text.includes(word) && re.test(text) && !facts.limiters.includes(label)) facts.limiters.push(label);
  // Settings modules import no framework: the project-wide guards are read before the web-module test.
  if (text.includes('iddleware') && LOGIN_MIDDLEWARE.test(text)) {
    facts.guards.django = 'LoginRequiredMiddleware';
    facts.guards.drf = 'LoginRequiredMiddleware';
  }
  const drf = text.includes('DEFAULT_PERMISSION_CLASSES') ? DRF_DEFAULT.exec(text) : null;
  if (drf && /IsAuthenticated|IsAdminUser|DjangoModelPermissions|DjangoObjectPermissions|TokenHasScope/.test(drf[1])) facts.guards.drf = 'DEFAULT_PERMISSION_CLASSES';
  if (!isWebModule(model)) return facts;
  for (const h of handlersOf(model)) {
    if (!h.auth || h.auth === INLINE_CHECK_LABEL) continue;
    const byLabel = facts.auth[h.framework] ?? {};
    byLabel[h.auth] = (byLabel[h.auth] ?? 0) + 1;
    facts.auth[h.framework] = byLabel;
  }
  for (const fn of text.includes('before_') ? model.functions : []) {
    const guard = fn.decorators.find((d) => /\.\s*before_(?:app_)?request\b/.test(d.text));
    if (guard && GUARD_CHECK.test(fn.node.childForFieldName('body')?.text ?? '')) facts.guards.flask = 'a before_request guard';
  }
  if (/\bFastAPI\s*\([^)]*dependencies\s*=/.test(text)) facts.guards.fastapi = 'application dependencies';
  // Model classes: where an ORM is imported, or a Flask-SQLAlchemy `db.Model` is subclassed.
  const orm = text.includes('db.Model') || model.imports.some((i) => ORM_IMPORT.test(i.module));
  for (const cls of orm ? classNodes(model) : []) {
    const fields = classFields(model, cls);
    const name = cls.childForFieldName('name')?.text;
    if (!fields || !name || (fields.privilege.length === 0 && fields.secret.length === 0)) continue;
    const prev = facts.models[name];
    facts.models[name] = prev ? { privilege: [...prev.privilege, ...fields.privilege], secret: [...prev.secret, ...fields.secret] } : fields;
  }
  return facts;
}

/** The `model = X` of a serializer's or form's inner `class Meta`. */
export function metaOf(cls: Node): Node | undefined {
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const inner = stmt?.type === 'decorated_definition' ? stmt.namedChildren.at(-1) : stmt;
    if (inner?.type === 'class_definition' && inner.childForFieldName('name')?.text === 'Meta') return inner;
  }
  return undefined;
}

export { classAttribute };
