import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../../findings/types.js';
import type { Scope } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { calleeOf } from '../helpers.js';
import type { Rule } from '../types.js';
import { harmlessContext, secretWord } from '../../secrets/names.js';

const RANDOM_FUNCTIONS = ['random', 'randint', 'choice', 'choices', 'randrange', 'getrandbits', 'sample', 'shuffle', 'uniform', 'randbytes', 'triangular'];
const NUMPY_FUNCTIONS = ['rand', 'randint', 'random', 'random_sample', 'choice', 'bytes', 'permutation'];

/** The `secrets` replacement to suggest for each function of `random`. */
const INSTEAD: Readonly<Record<string, string>> = {
  choice: 'secrets.choice()',
  choices: 'secrets.choice() in a loop',
  sample: 'random.SystemRandom().sample()',
  randint: 'secrets.randbelow()',
  randrange: 'secrets.randbelow()',
  getrandbits: 'secrets.randbits()',
  randbytes: 'secrets.token_bytes()',
  bytes: 'secrets.token_bytes()',
};
const DEFAULT_INSTEAD = 'the secrets module (secrets.token_urlsafe(), secrets.token_hex(), secrets.choice())';

const CALLEES: readonly string[] = [
  ...RANDOM_FUNCTIONS.flatMap((f) => [`random.${f}`, `random.Random.${f}`]),
  ...NUMPY_FUNCTIONS.map((f) => `numpy.random.${f}`),
];

/** Language-model and NLP libraries: in their company "token" means a word piece, not a credential. */
const NLP_LIBRARIES = new Set(['torch', 'tensorflow', 'transformers', 'nltk', 'spacy', 'tokenizers', 'datasets', 'jax', 'keras', 'gensim', 'sentencepiece', 'tiktoken', 'fairseq']);

/** Calls whose result does not carry the random value itself (a count, a pause, a range to loop over). */
const OPAQUE_CALLS = new Set(['len', 'range', 'print', 'isinstance', 'bool', 'time.sleep', 'asyncio.sleep', 'random.seed']);

/** Methods that put a value into the container they are called on (`chars.append(random.choice(...))`). */
const MUTATORS = new Set(['append', 'extend', 'insert', 'add', 'update', 'appendleft']);

/** Node types through which a value flows into its parent expression unchanged in kind. */
const TRANSPARENT = new Set([
  'call',
  'attribute',
  'binary_operator',
  'unary_operator',
  'boolean_operator',
  'parenthesized_expression',
  'generator_expression',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'for_in_clause',
  'interpolation',
  'string',
  'concatenated_string',
  'conditional_expression',
  'list',
  'tuple',
  'set',
  'dictionary',
  'await',
  'expression_list',
  'format_specifier',
  'slice',
]);

/**
 * True when the name the call goes through is also imported from a safe source in another branch
 * (`try: from secrets import randbits` / `except ImportError: from random import getrandbits as randbits`).
 */
function hasSafeAlternative(calleeNode: Node, model: ModuleModel): boolean {
  let root = calleeNode;
  while (root.type === 'attribute') {
    const obj = root.childForFieldName('object');
    if (!obj) return false;
    root = obj;
  }
  if (root.type !== 'identifier') return false;
  for (let scope: Scope | null = model.scopeAt(root.startIndex); scope; scope = scope.parent) {
    const bindings = scope.bindings.get(root.text);
    if (bindings?.some((b) => b.kind === 'import' && /^(secrets\b|random\.SystemRandom|os\.urandom)/.test(b.qualified ?? ''))) return true;
  }
  return false;
}

const MAX_HOPS = 2;
const MAX_USES = 40;

interface Sink {
  /** What the value becomes, for the message: "csrf_token", "the return value of make_password()". */
  what: string;
  word: string;
  hops: number;
}

interface Walk {
  model: ModuleModel;
  ignoreToken: boolean;
  visited: Set<number>;
}

function secret(name: string, w: Walk): string | undefined {
  return secretWord(name, { ignoreToken: w.ignoreToken });
}

/** The names an assignment target gives its value: `x`, `self.token`, `session["csrf"]`. */
function targetName(target: Node, model: ModuleModel): string | undefined {
  if (target.type === 'identifier') return target.text;
  if (target.type === 'attribute') return target.childForFieldName('attribute')?.text;
  if (target.type === 'subscript') {
    const key = target.childForFieldName('subscript');
    return key ? model.constantString(key) : undefined;
  }
  return undefined;
}

function enclosingFunction(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') return p;
    if (p.type === 'lambda' || p.type === 'class_definition') return undefined;
  }
  return undefined;
}

/** Where a name bound at `after` is read later in its scope (function body, or the module). */
function usesOf(name: string, after: Node, scopeNode: Node): Node[] {
  const out: Node[] = [];
  // Only the part of the scope after the binding statement: fewer nodes handed to JavaScript.
  for (const id of scopeNode.descendantsOfType('identifier', after.endPosition, scopeNode.endPosition)) {
    if (!id || id.text !== name || id.startIndex < after.endIndex) continue;
    const parent = id.parent;
    // Another assignment to the name starts a new value; an attribute name `obj.name` is not a read.
    if (parent?.type === 'assignment' && parent.childForFieldName('left')?.id === id.id) continue;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id) continue;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id) continue;
    out.push(id);
    if (out.length >= MAX_USES) break;
  }
  return out;
}

/** Follows a value that landed in a plain local name to its later uses. */
function followName(name: string, at: Node, w: Walk, hops: number): Sink | undefined {
  if (hops >= MAX_HOPS) return undefined;
  const scope = enclosingFunction(at) ?? at.tree.rootNode;
  for (const use of usesOf(name, at, scope)) {
    const s = sinkOf(use, w, hops + 1);
    if (s) return s;
  }
  return undefined;
}

/** Follows a value returned by a function that is not itself named for a secret to the callers in the module. */
function followReturn(fn: Node, w: Walk, hops: number): Sink | undefined {
  if (hops >= MAX_HOPS) return undefined;
  const name = fn.childForFieldName('name')?.text;
  if (!name) return undefined;
  for (const call of w.model.calls) {
    // `call.name` (the callee's last name as written, a plain string) first: other calls are not read from the tree.
    if (call.name !== name) continue;
    const c = call.calleeNode;
    const called = c.type === 'identifier' ? c.text : c.type === 'attribute' ? c.childForFieldName('attribute')?.text : undefined;
    if (called !== name || (c.type === 'attribute' && !/^(self|cls)$/.test(c.childForFieldName('object')?.text ?? ''))) continue;
    const s = sinkOf(call.node, w, hops + 1);
    if (s) return s;
  }
  return undefined;
}

/**
 * Where the value of an expression ends up, when that is somewhere named for a secret: an assignment target,
 * a keyword argument, a dictionary key, the return value of a function, the argument of a setter such as
 * `set_password`. Plain local names are followed to their uses (up to two hops).
 */
function sinkOf(start: Node, w: Walk, hops: number): Sink | undefined {
  if (w.visited.has(start.id)) return undefined;
  w.visited.add(start.id);
  let child = start;
  for (let p = start.parent; p; child = p, p = p.parent) {
    switch (p.type) {
      case 'argument_list': {
        const call = p.parent;
        if (call?.type !== 'call') return undefined;
        const callee = calleeOf(call, w.model);
        if (callee && OPAQUE_CALLS.has(callee)) return undefined;
        const fn = call.childForFieldName('function');
        const fname = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
        const word = fname ? secret(fname, w) : undefined;
        if (fname && word && /^(set|save|store|update|send|create)_?/i.test(fname)) return { what: `the argument of ${fname}()`, word, hops };
        if (fn?.type === 'attribute' && fname && MUTATORS.has(fname)) {
          const obj = fn.childForFieldName('object');
          if (obj?.type !== 'identifier') return undefined;
          const target = secret(obj.text, w);
          if (target) return { what: obj.text, word: target, hops };
          return followName(obj.text, call, w, hops);
        }
        child = p;
        continue;
      }
      case 'subscript':
        // `TABLE[random.randint(0, 9)]` picks an entry: the index is random, the value is not made by `random`.
        if (p.childForFieldName('value')?.id !== child.id) return undefined;
        continue;
      case 'keyword_argument': {
        const name = p.childForFieldName('name')?.text ?? '';
        const word = secret(name, w);
        return word ? { what: `${name}=`, word, hops } : undefined;
      }
      case 'pair': {
        if (p.childForFieldName('value')?.id !== child.id) return undefined;
        const key = p.childForFieldName('key');
        const name = key ? w.model.constantString(key) : undefined;
        const word = name ? secret(name, w) : undefined;
        if (word) return { what: `the "${name}" entry`, word, hops };
        continue;
      }
      case 'assignment':
      case 'augmented_assignment': {
        if (p.childForFieldName('right')?.id !== child.id) return undefined;
        // `a = b = value` nests assignments: every target of the chain receives the value.
        const lefts: Node[] = [];
        for (let a: Node | null = p; a && (a.type === 'assignment' || a.type === 'augmented_assignment'); a = a.parent) {
          const l = a.childForFieldName('left');
          if (l) lefts.push(l);
          if (a.parent?.type !== 'assignment' || a.parent.childForFieldName('right')?.id !== a.id) break;
        }
        const left = lefts[0];
        if (!left) return undefined;
        const targets = lefts.flatMap((l) => (l.type === 'pattern_list' || l.type === 'tuple_pattern' ? l.namedChildren.filter((x): x is Node => x !== null) : [l]));
        for (const t of targets) {
          const name = targetName(t, w.model);
          const word = name ? secret(name, w) : undefined;
          if (name && word) return { what: t.type === 'subscript' ? `the "${name}" entry` : name, word, hops };
        }
        if (targets.length === 1 && left.type === 'identifier') return followName(left.text, p, w, hops);
        return undefined;
      }
      case 'return_statement': {
        const fn = enclosingFunction(p);
        const name = fn?.childForFieldName('name')?.text;
        if (!fn || !name) return undefined;
        const word = secret(name, w);
        if (word) return { what: `the return value of ${name}()`, word, hops };
        return followReturn(fn, w, hops);
      }
      default:
        if (TRANSPARENT.has(p.type)) continue;
        return undefined;
    }
  }
  return undefined;
}

export const insecureRandom: Rule = {
  meta: {
    id: 'K307',
    name: 'insecure-random',
    summary: 'A value from the `random` module used as a token, password, key, salt, nonce, OTP or session id',
    severity: 'medium',
    confidence: 'high',
    cwe: [338, 330],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B311'], ruff: ['S311'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a call to the `random` module (`random()`, `randint`, `choice`, `choices`, `randrange`, ' +
      '`getrandbits`, `sample`, `uniform`, `randbytes`, `triangular`, the same methods on a ' +
      '`random.Random()` instance, and `numpy.random` functions) **only when its value becomes a secret**:\n\n' +
      '- it is assigned to a name, attribute or key that names one (`token`, `password`, `passwd`, `pwd`, ' +
      '`passphrase`, `secret`, `salt`, `nonce`, `iv`, `otp`, `pin`, `csrf`, `session_id`, `api_key`, ' +
      '`secret_key`, `reset_code`, `verification_code`…: words of the name, so `csrfToken` and ' +
      '`RESET_CODE` count, but `key` and `code` alone do not);\n' +
      '- it is passed as such a keyword (`create_user(password=...)`), stored under such a dictionary key, ' +
      'or given to a setter named for one (`user.set_password(...)`);\n' +
      '- it is returned by a function named for one (`def generate_token():`);\n' +
      '- it gets there through string building (`"".join(random.choice(abc) for _ in range(20))`, ' +
      '`str(...)`, f-strings, `hex()`), through a local name or a list filled with `append` (two hops at ' +
      'most), or through a helper function of the module whose result is stored under such a name; those ' +
      'indirect cases are reported at medium confidence.\n\n' +
      'Not reported: shuffling or sampling data, jitter and back-off delays, simulations and games ' +
      '(`secret_number = random.randint(1, 100)`), and anything inside a function or class named for one ' +
      '(`_make_boundary`, `backoff_delay`, `test_login`, `FakeUser`, `UserFactory`); names that describe a ' +
      'secret rather than hold one (`token_count`, `password_length`, `max_tokens`, `token_id`); a name ' +
      'that a `try`/`except ImportError` also imports from `secrets`; `random.SystemRandom()` and `secrets`. ' +
      'In modules that import a language-model or NLP library (torch, transformers, nltk, spacy, ' +
      'tokenizers…), `token` names are not taken for secrets.',
    why:
      '`random` is a Mersenne Twister: fast and statistically good, but predictable. Its whole state can ' +
      'be rebuilt from 624 consecutive 32-bit outputs, and from then on every past and future value is ' +
      'known — so an attacker who sees some tokens a server issued (their own password-reset links, say) ' +
      'can compute the tokens issued to others. Small seeds and `random.seed(time.time())` make it easier ' +
      'still. The `secrets` module (or `random.SystemRandom`) draws from the operating system\'s ' +
      'cryptographic generator and has the same conveniences: `token_urlsafe()`, `token_hex()`, ' +
      '`choice()`, `randbelow()`.',
    bad:
      'import random\nimport string\n\n\n' +
      'def make_reset_token(length: int = 32) -> str:\n' +
      '    alphabet = string.ascii_letters + string.digits\n' +
      '    return "".join(random.choice(alphabet) for _ in range(length))\n',
    good:
      'import secrets\n\n\n' +
      'def make_reset_token() -> str:\n' +
      '    return secrets.token_urlsafe(32)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/338.html',
      'https://docs.python.org/3/library/random.html',
      'https://docs.python.org/3/library/secrets.html',
      'https://peps.python.org/pep-0506/',
    ],
  },
  textHint: /random/,
  callees: [...CALLEES],
  call(call, ctx) {
    const model = ctx.model;
    const w: Walk = {
      model,
      ignoreToken: model.imports.some((i) => NLP_LIBRARIES.has(i.module.split('.')[0])),
      visited: new Set(),
    };
    if (harmlessContext(call.node) || hasSafeAlternative(call.calleeNode, model)) return;
    const sink = sinkOf(call.node, w, 0);
    if (!sink) return;
    const fn = (call.callee ?? '').split('.').pop() ?? '';
    const instead = INSTEAD[fn] ?? DEFAULT_INSTEAD;
    const confidence: Confidence = sink.hops === 0 ? 'high' : 'medium';
    ctx.report({
      node: call.node,
      message: `${call.callee}() is not a cryptographic generator (its output can be predicted from earlier output), and here it makes ${sink.what}; use ${instead}`,
      confidence,
    });
  },
};
