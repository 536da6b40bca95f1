import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import type { Node } from 'web-tree-sitter';
import { boundValue, calleeOf, excerpt, isFixedPath, positionalArgs, requestShaped } from '../helpers.js';
import { compose, HOLE, judgeHoles, privateArguments, type Trust } from '../injection/strings.js';
import type { Rule } from '../types.js';

const EXEC = new Set(['exec', 'builtins.exec']);
const COMPILE = new Set(['compile', 'builtins.compile']);
const OPENERS = new Set(['open', 'io.open', 'codecs.open', 'pathlib.Path', 'pathlib.PurePath']);
const READERS = new Set(['read', 'read_text', 'read_bytes']);
const CODE_TYPES = new Set(['types.CodeType', 'CodeType']);
/** Nothing makes text safe to run as code; the judge only accepts constants, numbers and constant choices. */
const CODE_TRUST: Trust = { safe: new Set<string>() };
/** A template that defines a function or class: the statements are fixed, the values fill in its names. */
const DEFINES = /(?:^|\n)[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]/;
const MAX_CODE_FOLLOW = 4;

/**
 * A code object, not text: a parameter annotated `CodeType`, or a name every assignment of which is a
 * `compile()`, a `CodeType(...)` or a `.replace()` of one. The text was judged where it was compiled (or
 * loaded: marshal is K203), so running the object is not a second finding.
 */
function codeObject(node: Node, model: ModuleModel, depth = 0): boolean {
  if (depth > MAX_CODE_FOLLOW) return false;
  const n = boundValue(node, model);
  if (n.type === 'call') {
    const callee = calleeOf(n, model);
    if (callee && (COMPILE.has(callee) || CODE_TYPES.has(callee))) return true;
    const fn = n.childForFieldName('function');
    const obj = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'replace' ? fn.childForFieldName('object') : null;
    return obj ? codeObject(obj, model, depth + 1) : false;
  }
  if (n.type !== 'identifier') return false;
  const bindings = model.scopeAt(n.startIndex).bindings.get(n.text) ?? [];
  if (bindings.length === 0) return false;
  return bindings.every((b) => {
    if (b.annotation) {
      const ann = b.annotation.type === 'type' ? b.annotation.namedChildren[0] : b.annotation;
      const type = ann ? (model.qualifiedName(ann) ?? ann.text) : undefined;
      if (type && CODE_TYPES.has(type)) return true;
    }
    return b.kind === 'assign' && b.value !== undefined && b.value.id !== n.id && codeObject(b.value, model, depth + 1);
  });
}

/**
 * `open(PATH).read()` / `Path(PATH).read_text()` with a path fixed by the source (the `setup.py` idiom that
 * runs `pkg/__version__.py`): the file is part of the project, as trusted as the module running it.
 */
function readsProjectFile(node: Node, model: ModuleModel): boolean {
  const n = boundValue(node, model);
  if (n.type !== 'call') return false;
  const fn = n.childForFieldName('function');
  if (fn?.type !== 'attribute' || !READERS.has(fn.childForFieldName('attribute')?.text ?? '')) return false;
  const obj = fn.childForFieldName('object');
  if (!obj) return false;
  const opener = boundValue(obj, model);
  const callee = calleeOf(opener, model);
  if (callee && OPENERS.has(callee)) {
    const path = positionalArgs(opener)[0];
    return path !== undefined && isFixedPath(path, model);
  }
  // `(Path(__file__).parent / "x.py").read_text()`: the object is itself a path.
  return fn.childForFieldName('attribute')?.text !== 'read' && isFixedPath(obj, model);
}

/**
 * What code text is: constant (constants, numbers, loop variables over constants), a template that defines a
 * function or class with values filled in (unless a value comes from a request), or opaque.
 */
function generated(value: Node, model: ModuleModel, depth = 0): { kind: 'constant' | 'template' | 'opaque'; culprit?: Node } {
  if (model.isConstant(value)) return { kind: 'constant' };
  const bound = boundValue(value, model);
  if (bound.type === 'identifier' && depth < MAX_CODE_FOLLOW) {
    // Assigned in branches (`if cls: code = "def …" % m` / `else: code = "def …" % m`): every assignment counts.
    const bindings = model.scopeAt(bound.startIndex).bindings.get(bound.text) ?? [];
    if (bindings.length === 0 || bindings.some((b) => b.kind !== 'assign' || !b.value)) return { kind: 'opaque' };
    const each = bindings.map((b) => generated(b.value as Node, model, depth + 1));
    return each.find((v) => v.kind === 'opaque') ?? each.find((v) => v.kind === 'template') ?? { kind: 'constant' };
  }
  const built = compose(value, model);
  if (!built) return { kind: 'opaque' };
  const judged = judgeHoles(built, model, CODE_TRUST);
  // Constant text with numbers or constant choices filled in (`"\\n" * (line - 1) + "raise e"`).
  if (judged.safety === 'safe' || !judged.culprit) return { kind: 'constant' };
  if (DEFINES.test(built.text.split(HOLE).join('x')) && !requestShaped(judged.culprit, model)) return { kind: 'template', culprit: judged.culprit };
  return { kind: 'opaque' };
}

export const execDynamic: Rule = {
  meta: {
    id: 'K102',
    name: 'exec-dynamic',
    summary: '`exec()` or `compile()` of code that is not a constant string',
    severity: 'high',
    confidence: 'medium',
    cwe: [94],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B102'], ruff: ['S102'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports calls to the builtins `exec()` and `compile()` whose source argument is not a constant string.\n\n' +
      'Not reported: constant code (literals, constant names, f-strings of constants); `exec(compile(...))`, ' +
      'where the `compile()` call is judged on its own so one problem gives one finding; code read from a file ' +
      'whose path is fixed by the source, such as `exec(open(os.path.join(here, "pkg", "__version__.py")).read())` ' +
      'in a `setup.py` (that file is as trusted as the module running it); and functions that merely share the ' +
      'name, such as `re.compile`, `cursor.exec` or SQLAlchemy `exec_driver_sql`. Running a code object ' +
      '(a parameter annotated `CodeType`, a name only ever assigned `compile()`, `CodeType(...)` or a ' +
      '`.replace()` of one) is not reported either: the text was judged where it was compiled. Text built only ' +
      'from constants, numbers and loop variables over constant lists (`exec(name + " = object()")` for each ' +
      'name of a constant tuple, `"\\n" * (line - 1) + "raise exc"`) is not reported.\n\n' +
      'Low confidence: a code generator, that is a template in the module that defines a function or class ' +
      '(`"def %s(self, *a):\\n    return self.%s(*a)" % (name, name)`, namedtuple-like factories, signature-' +
      'preserving decorators) with names or argument lists filled in; the template fixes the statements. It ' +
      'stays at medium when the filled-in value is read off a `request` or the function takes a `request` ' +
      'parameter, and the taint rule K703 reports request data that reaches `exec()` or `compile()`. A parameter ' +
      'of a private helper (`_exec_code_in_env(code, env)`) that the module only calls is judged by the ' +
      'arguments its calls pass.',
    why:
      '`exec()` runs a string as Python statements, and `compile()` turns one into a code object that is about ' +
      'to be run. Either way, whoever controls the text controls the process: they can read files and ' +
      'secrets, open sockets and start programs. Passing restricted `globals` (for example ' +
      '`{"__builtins__": {}}`) is not a sandbox; escapes through object attributes are well known.\n\n' +
      'Code built at run time is rarely needed. Use a dispatch table (a dict of allowed functions), ' +
      '`getattr` on a known object with an allow-list, `importlib.import_module` with a fixed set of names, ' +
      'or a real parser for the mini-language at hand.',
    bad:
      'def apply_rule(rule_source: str, record: dict) -> None:\n' +
      '    exec(rule_source, {"record": record})\n',
    good:
      'RULES = {\n' +
      '    "uppercase": lambda record: record.update(name=record["name"].upper()),\n' +
      '    "strip": lambda record: record.update(name=record["name"].strip()),\n' +
      '}\n\n\n' +
      'def apply_rule(rule_name: str, record: dict) -> None:\n' +
      '    RULES[rule_name](record)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/94.html',
      'https://docs.python.org/3/library/functions.html#exec',
      'https://docs.python.org/3/library/functions.html#compile',
    ],
  },
  callees: [...EXEC, ...COMPILE],
  call(call, ctx) {
    const model = ctx.model;
    const isExec = call.callee !== undefined && EXEC.has(call.callee);
    const code = isExec ? call.args[0] : argument(call, 0, 'source');
    if (!code || model.isConstant(code)) return;
    if (isExec) {
      // `exec(compile(src, ...))`: the compile() call carries the finding, if any.
      const compiled = calleeOf(boundValue(code, model), model);
      if (compiled && COMPILE.has(compiled)) return;
    }
    if (readsProjectFile(code, model)) return;
    if (codeObject(code, model)) return;
    const name = isExec ? 'exec()' : 'compile()';
    // A private helper's parameter (`_exec_code_in_env(code, env)`): judged by what the module's calls pass.
    const u = boundValue(code, model);
    const passed = u.type === 'identifier' ? privateArguments(u, model) : undefined;
    const verdicts = (passed ?? [u]).map((v) => generated(v, model));
    if (verdicts.every((v) => v.kind === 'constant')) return;
    if (verdicts.every((v) => v.kind !== 'opaque')) {
      const culprit = verdicts.find((v) => v.kind === 'template')?.culprit;
      ctx.report({
        node: call.node,
        message:
          `${name} of code generated from a template in this module that defines a function or class, with ` +
          `${culprit ? excerpt(culprit, 30) : 'names'} filled in (low confidence: the template fixes the statements; a code ` +
          'generator, unless that value can come from outside); check what reaches it, or build the function with closures',
        confidence: 'low',
      });
      return;
    }
    ctx.report({
      node: call.node,
      message: `${name} of non-constant code runs whatever that text says; use a dispatch table or a parser instead of building code`,
    });
  },
};
