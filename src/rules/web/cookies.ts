import { isTestFileName } from '../../semantics/test-code.js';
import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../../findings/types.js';
import type { CallSite } from '../../semantics/model.js';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { constantTruth, excerpt, isSettingsModule } from '../helpers.js';
import {
  type ConfigEntry,
  configEntries,
  debugLiterallyOn,
  importsAny,
  isBaseSettingsModule,
  isDeployableSettings,
  isDevSettingsModule,
  isTestContext,
  LOWER,
  productionDebugOff,
  setsSetting,
} from './shared.js';

/** The shared logic of the three cookie-flag rules (secure, httponly, samesite). */

export type CookieFlag = 'secure' | 'httponly' | 'samesite';

/** Position of each flag in `set_cookie(key, value, max_age, expires, path, domain, secure, httponly, samesite)`. */
const FLAG_POSITION: Record<CookieFlag, number> = { secure: 6, httponly: 7, samesite: 8 };

const SET_COOKIE_METHODS = new Set(['set_cookie', 'set_signed_cookie', 'set_secure_cookie']);

/** Word pieces of a cookie name that mark a credential or an identity. */
const SENSITIVE_WORDS = new Set([
  'session', 'sess', 'sessid', 'sessionid', 'sid', 'token', 'tokens', 'auth', 'authn', 'authorization', 'jwt', 'login',
  'remember', 'refresh', 'access', 'csrf', 'csrftoken', 'xsrf', 'apikey', 'secret', 'credential', 'credentials',
  'cred', 'creds', 'user', 'userid', 'uid', 'account', 'identity', 'bearer', 'otp', 'mfa', 'password', 'passwd', 'signature',
]);
/** The stricter set used on value expressions (`issue_token(user)`), where `user` alone says little. */
const CREDENTIAL_WORDS = new Set(['session', 'sessid', 'sessionid', 'sid', 'token', 'tokens', 'auth', 'jwt', 'secret', 'credential', 'credentials', 'bearer', 'apikey', 'signature', 'password', 'otp']);

function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function isSensitiveText(text: string, vocabulary: ReadonlySet<string>): boolean {
  return words(text).some((w) => vocabulary.has(w) || /sess(ion)?id|token|auth/.test(w));
}

export function isCsrfName(name: string): boolean {
  return /csrf|xsrf/i.test(name);
}

/** Receivers that are not HTTP responses: cookie jars and test clients. */
function isNotAResponse(call: CallSite): boolean {
  const obj = call.calleeNode.childForFieldName('object');
  if (obj && /client/i.test(obj.text)) return true;
  const q = call.callee ?? '';
  return /cookiejar|CookieJar|\.testing\.|\.test\.|Client\b|^requests\./.test(q);
}

export interface CookieCall {
  call: CallSite;
  /** The cookie name when constant. */
  name: string | undefined;
  nameNode: Node;
  /** How sure the cookie carries a credential: 'yes', or 'unknown' for a computed name and a neutral value. */
  sensitive: 'yes' | 'unknown';
  /** Starlette/FastAPI responses default to `samesite="lax"`. */
  starlette: boolean;
  /**
   * A cookie whose name says nothing about credentials, kept because the call turns a protection off in writing
   * (`secure=False`, `httponly=False`, `samesite=None`): only such explicit opt-outs are reported for it.
   */
  explicitOnly?: boolean;
}

/** Whether the call writes out `secure=False`, `httponly=False` or `samesite=None`. */
function optsOut(call: CallSite, model: ModuleModel): boolean {
  for (const flag of ['secure', 'httponly']) {
    const v = call.keywords.get(flag);
    if (v && constantTruth(v, model) === false) return true;
  }
  const s = call.keywords.get('samesite');
  return s !== undefined && unparen(s).type === 'none';
}

/** True when `set_cookie(...)` only deletes a cookie (empty value, `max_age=0`, `expires=0`). */
function isDeletion(call: CallSite, model: ModuleModel): boolean {
  const value = argument(call, 1, 'value');
  if (!value || model.constantString(value) === '') return true;
  for (const kw of ['max_age', 'expires']) {
    const v = call.keywords.get(kw);
    if (v && (unparen(v).text === '0' || /1970/.test(model.constantString(v) ?? ''))) return true;
  }
  return false;
}

const cookieCallsCache = new WeakMap<ModuleModel, CookieCall[]>();

/** Every `response.set_cookie(...)` of the module that may set a credential, once per module. */
export function cookieCalls(model: ModuleModel): CookieCall[] {
  let out = cookieCallsCache.get(model);
  if (out) return out;
  out = [];
  if (!isTestFileName(model.relPath)) {
    const starletteModule = importsAny(model, ['fastapi', 'starlette']) && !importsAny(model, ['flask', 'django', 'werkzeug', 'aiohttp', 'tornado']);
    for (const call of model.calls) {
      // `call.name` is the attribute as written: other methods are skipped before the tree is read.
      if (!SET_COOKIE_METHODS.has(call.name) || call.calleeNode.type !== 'attribute') continue;
      if (call.hasStarKwargs || isNotAResponse(call)) continue;
      const nameNode = argument(call, 0, call.keywords.has('name') ? 'name' : 'key');
      if (!nameNode || isDeletion(call, model)) continue;
      const name = model.constantString(nameNode);
      const value = argument(call, 1, 'value');
      const sensitive = (name !== undefined && isSensitiveText(name, SENSITIVE_WORDS)) || (!!value && isSensitiveText(value.text, CREDENTIAL_WORDS));
      const explicitOnly = name !== undefined && !sensitive;
      if (explicitOnly && !optsOut(call, model)) continue;
      const q = call.callee ?? '';
      const starlette = /^(starlette|fastapi)\./.test(q) || (q === '' && starletteModule);
      out.push({ call, name, nameNode, sensitive: sensitive ? 'yes' : 'unknown', starlette, ...(explicitOnly ? { explicitOnly } : {}) });
    }
  }
  cookieCallsCache.set(model, out);
  return out;
}

/** The value given for a flag (keyword or position), or undefined when omitted. */
export function flagValue(cookie: CookieCall, flag: CookieFlag): Node | undefined {
  const positional = cookie.call.node.childForFieldName('function')?.childForFieldName('attribute')?.text === 'set_cookie';
  return argument(cookie.call, positional ? FLAG_POSITION[flag] : undefined, flag);
}

export function describeCookie(cookie: CookieCall): string {
  return `${excerpt(cookie.call.calleeNode)}(${cookie.name !== undefined ? JSON.stringify(cookie.name) : excerpt(cookie.nameNode, 24)}, ...)`;
}

export function cookieConfidence(cookie: CookieCall): Confidence {
  if (cookie.explicitOnly) return 'medium';
  return cookie.sensitive === 'yes' ? 'high' : 'low';
}

// ---- configuration keys --------------------------------------------------------------------------------

const CONFIG_FILE = /(^|\/)[^/]*(config|conf|settings)[^/]*\.pyw?$/i;
const DEV_CLASS = /dev|local|debug|test/i;

/**
 * Configuration entries for the given keys that count: Django settings modules (not development or test
 * profiles), Flask config modules and classes (not development or test ones), `app.config[...]`,
 * `app.config.update(...)` and `settings.configure(...)` (not in tests). Each comes with the confidence its
 * context allows: a module, class or mapping that also turns DEBUG on is a development profile (low).
 */
export function securitySettings(model: ModuleModel, keys: ReadonlySet<string>): { entry: ConfigEntry; confidence: Confidence }[] {
  const out: { entry: ConfigEntry; confidence: Confidence }[] = [];
  for (const entry of configEntries(model)) {
    if (!keys.has(entry.key)) continue;
    if (isTestContext(entry, model)) continue;
    if (entry.where === 'module') {
      const settings = isSettingsModule(model);
      if (settings ? !isDeployableSettings(model) : !CONFIG_FILE.test(model.relPath) || isDevSettingsModule(model)) continue;
    }
    if (entry.where === 'class') {
      let cls: Node | null = entry.node.parent;
      while (cls && cls.type !== 'class_definition') cls = cls.parent;
      if (DEV_CLASS.test(cls?.childForFieldName('name')?.text ?? '')) continue;
    }
    let debug: boolean;
    if (entry.where === 'module') debug = debugLiterallyOn(model);
    else {
      const d = entry.siblings().get('DEBUG');
      debug = d !== undefined && constantTruth(d, model) === true;
    }
    let confidence: Confidence = debug ? 'low' : 'high';
    // An unresolved application, or a shared base profile that others usually override: one step less certain.
    if (entry.unresolved || (entry.where === 'module' && isBaseSettingsModule(model))) confidence = LOWER[confidence];
    out.push({ entry, confidence });
  }
  return out;
}

/**
 * The production-looking settings module's `DEBUG = False` and the names among `names` it never sets (nor
 * imports): hardening settings that keep Django's insecure default there.
 */
export function missingInProduction(model: ModuleModel, names: readonly string[]): { anchor: Node; missing: string[] } | undefined {
  const debugOff = productionDebugOff(model);
  if (!debugOff) return undefined;
  const imported = new Set(model.imports.map((i) => i.local));
  const missing = names.filter((n) => !setsSetting(model, n) && !imported.has(n));
  return missing.length > 0 ? { anchor: debugOff.node, missing } : undefined;
}
