import type { Node } from 'web-tree-sitter';
import type { CallSite, Scope } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { boundValue, calleeOf, constantTruth } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';
import { argumentOf, dataOrigin, loadsCallersData, writesOwnStore } from './shared.js';

/**
 * A loader that unpickles: where its input is (position and keyword names), and whether that input is the
 * serialized data itself (`data`) or a file or path to read it from (`file`).
 */
interface Loader {
  position: number;
  keywords: readonly string[];
  input: 'data' | 'file';
  /** How to name it in messages, when not its qualified name. */
  shown?: string;
}

const file = (...keywords: string[]): Loader => ({ position: 0, keywords, input: 'file' });
const data = (...keywords: string[]): Loader => ({ position: 0, keywords, input: 'data' });

/** The pickle-compatible modules: same functions, same danger. */
const PICKLE_MODULES = ['pickle', 'cPickle', '_pickle', 'cloudpickle', 'dill'];

const UNPICKLER_CLASSES = new Set(PICKLE_MODULES.map((m) => `${m}.Unpickler`));

const LOADERS: ReadonlyMap<string, Loader> = new Map<string, Loader>([
  ...PICKLE_MODULES.flatMap((m): [string, Loader][] => [
    [`${m}.load`, file('file')],
    [`${m}.loads`, data('data', 'str')],
    [`${m}.Unpickler`, file('file')],
  ]),
  ['pickle._load', file('file')],
  ['pickle._loads', data('data')],
  ['pickle._Unpickler', file('file')],
  ['dill.load_session', file('filename')],
  ['dill.load_module', file('filename')],
  ['shelve.open', file('filename')],
  ['shelve.DbfilenameShelf', file('filename')],
  ['jsonpickle.decode', data('string')],
  ['jsonpickle.loads', data('string')],
  ['jsonpickle.unpickler.decode', data('string')],
  ['pandas.read_pickle', file('filepath_or_buffer')],
  ['pandas.io.pickle.read_pickle', file('filepath_or_buffer')],
  ['joblib.load', file('filename')],
  ['sklearn.externals.joblib.load', file('filename')],
  ['numpy.load', { ...file('file'), shown: 'numpy.load(allow_pickle=True)' }],
]);

const ADVICE =
  'unpickle only data this program wrote and can authenticate (an HMAC checked before loading), or store plain data (JSON, a database)';
const LOCAL_ADVICE = 'make sure no other user or process can write that file, or store plain data (JSON) instead';

/** `shelve.open(path, flag="n")` always starts from a new, empty file: what it reads back is what it wrote. */
function freshShelf(call: CallSite, model: ModuleModel): boolean {
  const flag = argumentOf(call, 1, ['flag']);
  return flag !== undefined && model.constantString(flag) === 'n';
}

/** Serialisers whose output is the input of the matching loader. */
const DUMPERS = new Set([...PICKLE_MODULES.map((m) => `${m}.dumps`), 'jsonpickle.encode', 'jsonpickle.dumps']);

/**
 * Bytes this very code produced a moment ago (`pickle.loads(pickle.dumps(obj))`, or a name bound to
 * `pickle.dumps(...)`): a round trip in memory, which nobody else had a chance to change.
 */
function serializedHere(input: Node, model: ModuleModel): boolean {
  const callee = calleeOf(boundValue(input, model), model);
  return callee !== undefined && DUMPERS.has(callee);
}

/** Pickle writers of any kind: a module that calls one stores pickles of its own. */
const WRITERS = new Set(PICKLE_MODULES.flatMap((m) => [`${m}.dump`, `${m}.dumps`, `${m}.Pickler`]));

function reportLoad(call: CallSite, ctx: RuleContext, name: string, loader: Loader): void {
  const model = ctx.model;
  const input = argumentOf(call, loader.position, loader.keywords);
  if (!input) return;
  if (loader.input === 'data' && serializedHere(input, model)) return;
  const origin = dataOrigin(input, model);
  // Serialized bytes written into the source are the programmer's own; nobody else chose them.
  if (origin === 'constant' && loader.input === 'data') return;
  const what = loader.shown ?? `${name}()`;
  if (origin !== 'unknown') {
    ctx.report({
      node: call.node,
      message: `${what} unpickles a file at a fixed path, which can run code if anyone else can replace the file; ${LOCAL_ADVICE}`,
      severity: 'medium',
      confidence: 'low',
    });
    return;
  }
  if (writesOwnStore(model, WRITERS) && !loadsCallersData(input, model)) {
    ctx.report({
      node: call.node,
      message: `${what} reads back pickles this module writes (a cache or a store of its own), which can run code if anyone else can write to that store; ${LOCAL_ADVICE}`,
      severity: 'medium',
      confidence: 'low',
    });
    return;
  }
  ctx.report({ node: call.node, message: `${what} can run arbitrary code: a pickle names the functions called while it is loaded; ${ADVICE}` });
}

function classDefinitions(scope: Scope, out: Scope[] = []): Scope[] {
  for (const child of scope.children) {
    if (child.kind === 'class') out.push(child);
    classDefinitions(child, out);
  }
  return out;
}

/** True when a class body defines `find_class` (a method, or an assignment to the name). */
function definesFindClass(cls: Scope): boolean {
  return cls.bindings.has('find_class');
}

/**
 * The module's classes that extend an unpickler without restricting it: a subclass that overrides
 * `find_class` (the documented way to allow only known types) is left alone.
 */
function unrestrictedUnpicklers(model: ModuleModel): string[] {
  const classes = classDefinitions(model.moduleScope);
  const byName = new Map(classes.map((c) => [c.qualname, c]));
  const verdicts = new Map<string, boolean>();
  const unrestricted = (cls: Scope, depth: number): boolean => {
    const known = verdicts.get(cls.qualname);
    if (known !== undefined) return known;
    verdicts.set(cls.qualname, false);
    let result = false;
    if (!definesFindClass(cls) && depth < 8) {
      const bases = cls.node?.childForFieldName('superclasses');
      for (const base of bases?.namedChildren ?? []) {
        if (!base || base.type === 'keyword_argument' || base.type === 'comment') continue;
        const q = model.qualifiedName(base);
        if (!q) continue;
        const local = byName.get(q);
        if (UNPICKLER_CLASSES.has(q) || (local && unrestricted(local, depth + 1))) {
          result = true;
          break;
        }
      }
    }
    verdicts.set(cls.qualname, result);
    return result;
  };
  return classes.filter((c) => c.node && unrestricted(c, 0)).map((c) => c.qualname);
}

export const pickleLoad: Rule = {
  meta: {
    id: 'K202',
    name: 'pickle-load',
    summary: 'Data unpickled (pickle, dill, shelve, jsonpickle, joblib, pandas, NumPy) from a source that may not be trusted',
    severity: 'high',
    confidence: 'medium',
    cwe: [502],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: { bandit: ['B301'], ruff: ['S301'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports the functions that rebuild Python objects from a pickle stream:\n\n' +
      '- `pickle`, `cPickle`, `_pickle`, `cloudpickle` and `dill` `load()`, `loads()` and `Unpickler(...)`, ' +
      'and `dill.load_session()`;\n' +
      '- a class of the module that extends `Unpickler` without overriding `find_class`, when it is ' +
      'instantiated;\n' +
      '- `shelve.open()` and `shelve.DbfilenameShelf` (every value of a shelf is a pickle);\n' +
      '- `jsonpickle.decode()` (its JSON names the classes to build and the callables to run);\n' +
      '- `pandas.read_pickle()`, `joblib.load()`, and `numpy.load()` with `allow_pickle=True`.\n\n' +
      'When the input is a file at a path fixed by the source (a constant, or a path built from `__file__`, ' +
      'such as a cache next to the module), the finding is kept at medium severity and low confidence: the ' +
      'data is only as trustworthy as the permissions of that file. The same holds, for the same reason, when the ' +
      'module also writes pickles (`pickle.dump`, `dumps`, `Pickler`): it reads back a cache, a queue or a state ' +
      'store of its own (Django\'s cache backends, a spider\'s saved state). A module that only loads is ' +
      'reported as usual, and so is a load of a parameter as it was passed (`def loads(self, data): return ' +
      'pickle.loads(data)`): that is a codec whose callers choose the data.\n\n' +
      'In test code (`tests/`, `test_*.py`…) the finding is reported at low confidence: a test reads the data ' +
      'it was given.\n\n' +
      'Not reported: serialising (`pickle.dumps`, `pickle.dump`); bytes written literally in the source; ' +
      'a round trip in memory, `pickle.loads(pickle.dumps(obj))` or `loads()` of a name bound to ' +
      '`pickle.dumps(...)`, whose bytes this same code has just written; ' +
      '`shelve.open(path, flag="n")`, which always starts from an empty file; a subclass of `Unpickler` ' +
      'that overrides `find_class` to allow only known classes; `numpy.load()` without `allow_pickle` (it ' +
      'refuses object arrays by default since NumPy 1.16.3); `json`, `yaml.safe_load` and other data-only ' +
      'formats; a project\'s own `load` methods. `torch.load` and `marshal` have their own rules.',
    why:
      'A pickle is a small program for a stack machine: its `GLOBAL`/`STACK_GLOBAL` and `REDUCE` opcodes ' +
      'import any callable and call it with arguments of the author\'s choosing, so `pickle.loads()` on a ' +
      'crafted payload runs `os.system("...")` before it returns. There is no safe way to unpickle data ' +
      'an attacker can write: cookies, request bodies, message-queue items, caches in shared directories, ' +
      'uploaded models and notebooks. Exchange plain data (JSON, MessagePack, Protocol Buffers, a database ' +
      'row) instead; when pickle must stay, sign what you write with `hmac` and verify before loading, or ' +
      'restrict `Unpickler.find_class` to the classes you expect.',
    bad:
      'import base64\nimport pickle\n\n\n' +
      'def restore_cart(cookie_value: str):\n' +
      '    return pickle.loads(base64.b64decode(cookie_value))\n',
    good:
      'import base64\nimport json\n\n\n' +
      'def restore_cart(cookie_value: str):\n' +
      '    return json.loads(base64.b64decode(cookie_value))\n',
    references: [
      'https://cwe.mitre.org/data/definitions/502.html',
      'https://docs.python.org/3/library/pickle.html#restricting-globals',
      'https://docs.python.org/3/library/shelve.html',
      'https://jsonpickle.github.io/',
      'https://numpy.org/doc/stable/reference/generated/numpy.load.html',
      'https://owasp.org/www-project-top-ten/2017/A8_2017-Insecure_Deserialization',
    ],
  },
  textHint: /pickle|dill|shelve|joblib|unpickler/i,
  callees: [...LOADERS.keys()],
  call(call, ctx) {
    const callee = call.callee ?? '';
    const loader = LOADERS.get(callee);
    if (!loader) return;
    const model = ctx.model;
    if (callee === 'numpy.load') {
      const allow = argumentOf(call, 2, ['allow_pickle']);
      if (!allow || constantTruth(allow, model) !== true) return;
    }
    if (callee.startsWith('shelve.') && freshShelf(call, model)) return;
    reportLoad(call, ctx, callee, loader);
  },
  module(ctx) {
    const model = ctx.model;
    if (!/Unpickler/.test(model.text)) return;
    for (const cls of unrestrictedUnpicklers(model)) {
      const shown = cls.slice(cls.lastIndexOf('.') + 1);
      for (const call of model.callsTo(cls)) reportLoad(call, ctx, shown, { ...file('file'), shown: `${shown}() (an Unpickler subclass without find_class)` });
    }
  },
};
