import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../../findings/types.js';
import type { CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { BARE_TOKEN, handlesSyntaxTokens, importsTestFramework, isTestPath } from '../../semantics/test-code.js';
import { calleeOf, callsToAny, excerpt } from '../helpers.js';
import type { Rule } from '../types.js';
import { describesOtherThing, type SecretStrength, secretValueName } from '../../secrets/names.js';

const LEVELS = ['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log'];
const LOG_METHODS = new Set([...LEVELS, 'trace', 'success', 'msg']);
const LOGGER_TYPES = ['logging', 'logging.Logger', 'logging.LoggerAdapter', 'logging.RootLogger', 'loguru.logger'];
const LOG_CALLEES = new Set(LOGGER_TYPES.flatMap((t) => [...LOG_METHODS].map((m) => `${t}.${m}`)));
/** Receivers that are loggers by name (`logger`, `self.log`, `app.logger`, `LOG`, `audit_logger`). */
const PRINT_AND_LOG_CALLEES = ['print', ...LOG_CALLEES];

const LOGGER_NAME = /^_*(logger|log|logging|audit_?log(ger)?|\w+_logger|\w+_log)$/i;

/** Calls that render their argument into the message (so a secret inside them is printed). */
const RENDERING_CALLS = new Set(['str', 'repr', 'ascii', 'format', 'json.dumps', 'pprint.pformat', 'dict', 'vars']);
const RENDERING_METHODS = new Set(['decode', 'encode', 'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'title', 'format', 'replace', 'hex', 'join', 'splitlines']);
const KEY_READERS = new Set(['get', 'getlist', 'pop', 'getenv']);
/** Keyword arguments of logging calls and print that carry no message content. */
const NON_MESSAGE_KEYWORDS = new Set(['exc_info', 'stack_info', 'stacklevel', 'sep', 'end', 'file', 'flush']);

/** A label announcing a secret right before a placeholder: `password=`, `token: `, `API key `. */
const SECRET_LABEL = /(pass(word|wd)?|secret|token|api[ _-]?key|private[ _-]?key|credentials?|authorization)\s*[:=]?\s*['"]?$/i;

interface Leak {
  node: Node;
  shown: string;
  strength: SecretStrength;
}

/** The name a leaf expression is known by: a variable, the last attribute, a constant subscript or `.get()` key. */
function leafName(n: Node, model: ModuleModel): string | undefined {
  switch (n.type) {
    case 'identifier':
      return n.text;
    case 'attribute':
      return n.childForFieldName('attribute')?.text;
    case 'subscript': {
      const key = n.childForFieldName('subscript');
      return key ? model.constantString(key) : undefined;
    }
    case 'call': {
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'attribute' || !KEY_READERS.has(fn.childForFieldName('attribute')?.text ?? '')) return undefined;
      const first = n.childForFieldName('arguments')?.namedChildren.find((a) => a !== null && a.type !== 'comment');
      return first && first.type !== 'keyword_argument' ? model.constantString(first) : undefined;
    }
    default:
      return undefined;
  }
}

/** True for names that are something else than a value: modules, functions, classes, and `pwd = os.getcwd()`. */
function notAValue(n: Node, model: ModuleModel): boolean {
  if (n.type !== 'identifier') return false;
  const b = model.lookup(n.text, n.startIndex);
  if (b?.kind === 'import' || b?.kind === 'def' || b?.kind === 'class') return true;
  if (b?.kind === 'assign' && b.value) {
    const callee = calleeOf(unparen(b.value), model);
    return callee === 'os.getcwd' || callee === 'pathlib.Path.cwd' || callee === 'len';
  }
  return false;
}

/**
 * `auth = " ".join(str(r) for r in message.authority)`: a weakly named variable (`auth`, `token`, `cookie`) whose
 * assigned value reads a longer name that begins with it and names no secret (`authority`, `tokenizer`) is an
 * abbreviation of that name, and means what it means. `auth = request.headers["Authorization"]` still counts.
 */
function abbreviatesItsSource(n: Node, model: ModuleModel): boolean {
  if (n.type !== 'identifier') return false;
  const b = model.lookup(n.text, n.startIndex);
  if (b?.kind !== 'assign' || !b.value) return false;
  const short = n.text.toLowerCase();
  const stack: Node[] = [b.value];
  let abbreviates = false;
  while (stack.length > 0) {
    const c = stack.pop() as Node;
    const read = c.type === 'identifier' ? c.text : c.type === 'string_content' ? c.text : undefined;
    if (read !== undefined) {
      if (secretValueName(read)) return false;
      if (read.length > short.length && read.toLowerCase().startsWith(short)) abbreviates = true;
      continue;
    }
    for (const child of c.namedChildren) if (child) stack.push(child);
  }
  return abbreviates;
}

/** The conversions of a %-format string, each with the literal text before it. */
function percentPlaceholders(format: string): string[] {
  const out: string[] = [];
  const re = /%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    if (m[1] === '%') continue;
    out.push(format.slice(last, m.index));
    last = m.index + m[0].length;
  }
  return out;
}

class LeakFinder {
  private readonly syntax: boolean;

  constructor(private readonly model: ModuleModel) {
    this.syntax = handlesSyntaxTokens(model);
  }

  /** The first secret an argument renders into the message. */
  find(node: Node, depth = 0): Leak | undefined {
    if (depth > 12) return undefined;
    const n = unparen(node);
    const model = this.model;
    const name = leafName(n, model);
    if (name !== undefined && !notAValue(n, model) && !(this.syntax && BARE_TOKEN.test(name))) {
      const strength = secretValueName(name);
      if (strength && !(strength === 'weak' && abbreviatesItsSource(n, model))) return { node: n, shown: excerpt(n, 40), strength };
    }
    const next = (c: Node | null | undefined) => (c ? this.find(c, depth + 1) : undefined);
    switch (n.type) {
      case 'string':
        return this.fString(n, depth);
      case 'concatenated_string':
      case 'tuple':
      case 'list':
      case 'set':
      case 'expression_list':
        return this.first(n.namedChildren, depth);
      case 'dictionary':
        for (const pair of n.namedChildren) {
          if (pair?.type !== 'pair') continue;
          const k = pair.childForFieldName('key');
          const v = pair.childForFieldName('value');
          const key = k ? model.constantString(k) : undefined;
          const strength = key !== undefined ? secretValueName(key) : undefined;
          if (strength && v && !model.isConstant(v)) return { node: v, shown: `${excerpt(k as Node, 30)}: ${excerpt(v, 30)}`, strength };
          const inner = next(v);
          if (inner) return inner;
        }
        return undefined;
      case 'binary_operator': {
        const op = n.childForFieldName('operator')?.type;
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (op === '%' && left && right) return this.percent(left, right) ?? next(right);
        return op === '+' ? (next(left) ?? next(right)) : undefined;
      }
      case 'boolean_operator':
        return next(n.childForFieldName('left')) ?? next(n.childForFieldName('right'));
      case 'conditional_expression': {
        const parts = n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
        return next(parts[0]) ?? next(parts[2]);
      }
      case 'keyword_argument':
        return next(n.childForFieldName('value'));
      case 'call':
        return this.call(n, depth);
      default:
        return undefined;
    }
  }

  private first(nodes: (Node | null)[], depth: number): Leak | undefined {
    for (const c of nodes) {
      if (!c || c.type === 'comment') continue;
      const l = this.find(c, depth + 1);
      if (l) return l;
    }
    return undefined;
  }

  /** Calls that render their input (`str(token)`, `token.decode()`, `json.dumps(creds)`); any other call is opaque. */
  private call(n: Node, depth: number): Leak | undefined {
    const callee = calleeOf(n, this.model);
    const args = n.childForFieldName('arguments');
    if (callee && RENDERING_CALLS.has(callee)) return args ? this.first(args.namedChildren, depth) : undefined;
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'attribute' || !RENDERING_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) return undefined;
    const obj = fn.childForFieldName('object');
    return (obj ? this.find(obj, depth + 1) : undefined) ?? (args ? this.first(args.namedChildren, depth) : undefined);
  }

  /** An f-string: its replacement fields, and any field right after a label such as `password=`. */
  private fString(n: Node, depth: number): Leak | undefined {
    let text = '';
    for (const c of n.children) {
      if (!c) continue;
      if (c.type === 'string_content') {
        text += c.text;
        continue;
      }
      if (c.type !== 'interpolation') continue;
      const expr = c.childForFieldName('expression');
      if (expr) {
        const inner = this.find(expr, depth + 1);
        if (inner) return inner;
        const labelled = this.labelled(text, expr);
        if (labelled) return labelled;
      }
      text = '';
    }
    return undefined;
  }

  /** `"... password=%s" % pw`: a value formatted right after a label that announces a secret. */
  private percent(format: Node, values: Node): Leak | undefined {
    const s = this.model.constantString(format);
    if (s === undefined) return undefined;
    const v = unparen(values);
    const items = v.type === 'tuple' ? v.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [v];
    return this.labelledArgs(s, items);
  }

  /** A value placed right after a label that announces a secret (`"password=%s", pw`). */
  labelledArgs(format: string, values: Node[]): Leak | undefined {
    const before = percentPlaceholders(format);
    for (let i = 0; i < before.length && i < values.length; i++) {
      const l = this.labelled(before[i], values[i]);
      if (l) return l;
    }
    return undefined;
  }

  private labelled(textBefore: string, value: Node): Leak | undefined {
    if (!SECRET_LABEL.test(textBefore)) return undefined;
    const n = unparen(value);
    if (this.model.isConstant(n)) return undefined;
    const name = leafName(n, this.model);
    if (name === undefined || describesOtherThing(name) || notAValue(n, this.model)) return undefined;
    const label = (SECRET_LABEL.exec(textBefore)?.[0] ?? '').trim();
    return { node: n, shown: `${excerpt(n, 30)} (after "${label}")`, strength: 'weak' };
  }
}

const LOWER: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };

/** What kind of output a call writes: a log record, standard output, or neither. */
function sinkKind(call: CallSite, model: ModuleModel): 'log' | 'print' | undefined {
  // The calls resolving to `print` or a logging function come from the model's index, so the other calls
  // are not resolved; they are told apart by `call.name` (the attribute as written) before the tree is read.
  const callee = callsToAny(model, PRINT_AND_LOG_CALLEES).get(call);
  if (callee === 'print') return 'print';
  if (callee && LOG_CALLEES.has(callee)) return 'log';
  if (!LOG_METHODS.has(call.name) || call.calleeNode.type !== 'attribute') return undefined;
  const obj = unparen(call.calleeNode.childForFieldName('object') as Node);
  const last = obj.type === 'attribute' ? obj.childForFieldName('attribute')?.text : obj.type === 'identifier' ? obj.text : undefined;
  return last !== undefined && LOGGER_NAME.test(last) ? 'log' : undefined;
}

export const secretInLog: Rule = {
  meta: {
    id: 'K930',
    name: 'secret-in-log',
    summary: 'A password, token, API key or other secret written to a log or to standard output',
    severity: 'medium',
    confidence: 'medium',
    cwe: [532],
    owasp: 'A09:2021-Security Logging and Monitoring Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports logging calls (`logging.info` and the other levels, methods of `logging.getLogger()` loggers and ' +
      'adapters, `loguru.logger`, and any `.info/.debug/.warning/.error/.exception/.critical/.log` on a receiver ' +
      'named like a logger: `logger`, `log`, `self.logger`, `app.logger`, `audit_log`) and `print` calls whose ' +
      'message includes a secret:\n\n' +
      '- a variable, attribute, constant subscript or `.get("...")` key named like a secret: `password`, ' +
      '`passwd`, `passphrase`, `secret`, `credentials`, `api_key`, `private_key`, `client_secret`, ' +
      '`access_token`, `refresh_token` (high confidence), or `token`, `auth`, `authorization`, `jwt`, `otp` ' +
      '(medium confidence, since these words have innocent meanings too);\n' +
      '- found anywhere the value is rendered: positional arguments, f-string fields, `%` and `+` formatting, ' +
      '`str()`/`repr()`/`json.dumps()`/`.decode()`/`.format()`, dict values under a secret-named key ' +
      '(`extra={"password": pw}`);\n' +
      '- any value placed right after a label that announces a secret (`"password=%s", pw`, `f"token: {t}"`), ' +
      'at medium confidence.\n\n' +
      'The name matcher splits names into words and ignores names about a secret rather than of one: ' +
      '`token_count`, `max_tokens`, `password_reset_url`, `token_type`, `is_password_set`, `secret_name`, ' +
      '`api_key_id`, `password_length`, `token_expiry`, `auth_username`, `SSH_AUTH_SOCK` are not secrets. ' +
      'A weakly named variable that abbreviates what it was built from (`auth = " ".join(str(r) for r in ' +
      'message.authority)`, a DNS authority section) means what that name means, when no name in its value ' +
      'designates a secret (`auth = request.headers["Authorization"]` is still reported). Values passed through any other call ' +
      '(`mask(token)`, `len(password)`, `hash(...)`) are not reported, nor modules, functions and classes with ' +
      'such names, nor test code. `print` findings are one confidence step lower than logging ones.',
    why:
      'Logs are copied to files, terminals, log collectors, monitoring services, support tickets and backups, ' +
      'and are readable by far more people and systems than the secret store. A password or token written ' +
      'there stays valid and exposed long after the request, often for the retention period of every system ' +
      'the log passes through. Log who did what, with identifiers, and never the credentials themselves; mask ' +
      'them if they must appear.',
    bad:
      'import logging\n\nlogger = logging.getLogger(__name__)\n\n\n' +
      'def connect(host: str, user: str, password: str) -> None:\n' +
      '    logger.debug("connecting to %s as %s with %s", host, user, password)\n',
    good:
      'import logging\n\nlogger = logging.getLogger(__name__)\n\n\n' +
      'def connect(host: str, user: str, password: str) -> None:\n' +
      '    logger.debug("connecting to %s as %s", host, user)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/532.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude',
      'https://docs.python.org/3/howto/logging.html',
    ],
  },
  textHint: /pass|secret|token|key|cred|auth|pwd|otp|jwt|bearer|cookie|session|pin/i,
  module(ctx) {
    const model = ctx.model;
    if (isTestPath(model.relPath) || importsTestFramework(model)) return;
    const finder = new LeakFinder(model);
    for (const call of model.calls) {
      const kind = sinkKind(call, model);
      if (!kind) continue;
      const args = call.args;
      // logging.log(level, msg, ...) and logger.log(level, msg, ...): the level is not part of the message.
      const method = call.calleeNode.type === 'attribute' ? call.name : undefined;
      const message = kind === 'log' && method === 'log' ? args.slice(1) : args;
      let leak: Leak | undefined;
      for (const a of message) {
        leak = finder.find(a);
        if (leak) break;
      }
      if (!leak && kind === 'log' && message.length > 1) {
        const format = model.constantString(message[0]);
        if (format !== undefined) leak = finder.labelledArgs(format, message.slice(1));
      }
      if (!leak) {
        for (const [k, v] of call.keywords) {
          if (NON_MESSAGE_KEYWORDS.has(k)) continue;
          leak = finder.find(v);
          if (leak) break;
        }
      }
      if (!leak) continue;
      const confidence: Confidence = leak.strength === 'strong' ? 'high' : 'medium';
      const where = kind === 'print' ? 'print() writes' : `${excerpt(call.calleeNode, 30)}() logs`;
      ctx.report({
        node: call.node,
        message: `${where} ${leak.shown}, which looks like a secret: logs are kept and read far more widely than the secret store; log an identifier or a masked form instead`,
        confidence: kind === 'print' ? LOWER[confidence] : confidence,
      });
    }
  },
};
