import type { Node } from 'web-tree-sitter';
import { argument } from '../../semantics/model.js';
import type { Scope } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { boundValue, calleeOf, positionalArgs } from '../helpers.js';
import type { Rule } from '../types.js';

/** What a Loader class allows: only plain data, arbitrary objects, or the "full" set (unsafe in old PyYAML). */
type Verdict = 'safe' | 'unsafe' | 'full' | 'unknown';

const YAML_LOADERS: Readonly<Record<string, Verdict>> = {
  SafeLoader: 'safe',
  CSafeLoader: 'safe',
  BaseLoader: 'safe',
  CBaseLoader: 'safe',
  Loader: 'unsafe',
  CLoader: 'unsafe',
  UnsafeLoader: 'unsafe',
  CUnsafeLoader: 'unsafe',
  FullLoader: 'full',
  CFullLoader: 'full',
};

/** Functions that take a Loader (second argument), and those whose loader is fixed by their name. */
const WITH_LOADER = new Set(['yaml.load', 'yaml.load_all']);
const FIXED: ReadonlyMap<string, Verdict> = new Map([
  ['yaml.unsafe_load', 'unsafe'],
  ['yaml.unsafe_load_all', 'unsafe'],
  ['yaml.full_load', 'full'],
  ['yaml.full_load_all', 'full'],
]);

const RANK: Record<Verdict, number> = { safe: 0, unknown: 1, full: 2, unsafe: 3 };
const MAX_DEPTH = 8;

/** The worse of two verdicts (an unknown part makes a safe whole unknown). */
function worst(a: Verdict, b: Verdict): Verdict {
  return RANK[a] >= RANK[b] ? a : b;
}

function findClass(scope: Scope, qualname: string): Node | undefined {
  for (const child of scope.children) {
    if (child.kind === 'class' && child.qualname === qualname && child.node) return child.node;
    const found = findClass(child, qualname);
    if (found) return found;
  }
  return undefined;
}

function verdictOfName(q: string, model: ModuleModel, depth: number): Verdict {
  if (q.startsWith('yaml.')) return YAML_LOADERS[q.slice(q.lastIndexOf('.') + 1)] ?? 'unknown';
  // A loader defined in this module: as safe as the yaml loader it extends (`class L(yaml.SafeLoader)`).
  const cls = findClass(model.moduleScope, q);
  const bases = cls?.childForFieldName('superclasses');
  if (!bases) return 'unknown';
  let verdict: Verdict | undefined;
  for (const base of bases.namedChildren) {
    if (!base || base.type === 'comment' || base.type === 'keyword_argument') continue;
    const v = loaderVerdict(base, model, depth + 1) ?? 'unknown';
    if (v === 'unknown') continue;
    verdict = verdict ? worst(verdict, v) : v;
  }
  return verdict ?? 'unknown';
}

/** What the node passed as `Loader` allows; `undefined` when it is `None` (PyYAML then picks its default). */
function loaderVerdict(node: Node, model: ModuleModel, depth = 0): Verdict | undefined {
  if (depth > MAX_DEPTH) return 'unknown';
  const n = boundValue(node, model);
  if (n.type === 'none') return undefined;
  // `getattr(yaml, "CSafeLoader", yaml.SafeLoader)`: the C loader when compiled in, else the fallback.
  if (n.type === 'call' && calleeOf(n, model) === 'getattr') {
    const [obj, name, fallback] = positionalArgs(n);
    const attr = name ? model.constantString(name) : undefined;
    const base = obj ? model.qualifiedName(obj) : undefined;
    if (!attr || !base) return 'unknown';
    const first = verdictOfName(`${base}.${attr}`, model, depth);
    const second = fallback ? (loaderVerdict(fallback, model, depth + 1) ?? 'unknown') : first;
    return worst(first, second);
  }
  const q = model.qualifiedName(n);
  return q ? verdictOfName(q, model, depth) : 'unknown';
}

const ADVICE = 'use yaml.safe_load() or Loader=yaml.SafeLoader';

export const yamlUnsafeLoad: Rule = {
  meta: {
    id: 'K201',
    name: 'yaml-unsafe-load',
    summary: 'YAML loaded with a loader that can build arbitrary Python objects',
    severity: 'high',
    confidence: 'high',
    cwe: [502],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: { bandit: ['B506'], ruff: ['S506'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports PyYAML calls that can build arbitrary Python objects:\n\n' +
      '- `yaml.load()` and `yaml.load_all()` with no `Loader`, `Loader=None`, or a loader that resolves to ' +
      '`yaml.Loader`, `yaml.UnsafeLoader` or their C twins (also through an alias, a `try`/`except ImportError` ' +
      'import, `getattr(yaml, "CLoader", yaml.Loader)`, or a class of the module that extends one of them);\n' +
      '- `yaml.unsafe_load()` and `yaml.unsafe_load_all()`, always;\n' +
      '- `FullLoader`, `yaml.full_load()` and `yaml.full_load_all()`, at medium severity: PyYAML before 5.4 ' +
      'could still be made to run code through them (CVE-2020-1747, CVE-2020-14343), and even when patched ' +
      'they build more Python types than plain data needs.\n\n' +
      'Not reported: `yaml.safe_load()`, and loaders that resolve to `SafeLoader`, `CSafeLoader`, ' +
      '`BaseLoader`, `CBaseLoader` or a module class extending them; a loader the scanner cannot resolve ' +
      '(a parameter, an attribute of `self`); and other libraries\' `load` (`json.load`, ' +
      '`ruamel.yaml.YAML(typ="safe").load`).',
    why:
      'YAML tags such as `!!python/object/apply:os.system` tell the unsafe loaders to import a module and call ' +
      'a function while parsing. A document from a user, an uploaded file, a cache or a network peer can ' +
      'then run any command the process can. Configuration and data need only maps, lists, strings and ' +
      'numbers, which is exactly what `SafeLoader` builds.',
    bad: 'import yaml\n\n\ndef read_config(stream):\n    return yaml.load(stream, Loader=yaml.Loader)\n',
    good: 'import yaml\n\n\ndef read_config(stream):\n    return yaml.safe_load(stream)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/502.html',
      'https://pyyaml.org/wiki/PyYAMLDocumentation',
      'https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation',
      'https://nvd.nist.gov/vuln/detail/CVE-2020-14343',
    ],
  },
  callees: [...WITH_LOADER, ...FIXED.keys()],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    const fn = callee.slice(callee.lastIndexOf('.') + 1);
    let verdict = FIXED.get(callee);
    let missing = false;
    if (verdict === undefined) {
      if (call.hasStarKwargs && !call.keywords.has('Loader') && call.args.length < 2) return;
      const loader = argument(call, 1, 'Loader');
      const v = loader ? loaderVerdict(loader, model) : undefined;
      missing = v === undefined;
      verdict = v ?? 'unsafe';
    }
    if (verdict === 'safe' || verdict === 'unknown') return;
    if (verdict === 'full') {
      ctx.report({
        node: call.node,
        message: `yaml.${fn}() with the FullLoader builds Python objects and could run code before PyYAML 5.4; ${ADVICE}`,
        severity: 'medium',
      });
      return;
    }
    const how = missing ? 'without a safe Loader' : fn.startsWith('unsafe') ? '' : 'with an unsafe Loader';
    ctx.report({
      node: call.node,
      message: `yaml.${fn}() ${how ? `${how} ` : ''}can build arbitrary Python objects and run code from the document; ${ADVICE}`,
    });
  },
};
