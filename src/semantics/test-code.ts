import picomatch from 'picomatch';
import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from './module.js';

/**
 * Where tests live by convention. A leading `!` takes paths back out: sample projects that a test suite feeds to
 * a tool (`tests/fixtures/app/views.py`) are application code, written to be scanned like any other.
 */
export const DEFAULT_TEST_PATTERNS: readonly string[] = [
  '**/test_*.py',
  '**/*_test.py',
  '**/conftest.py',
  '**/tests.py',
  '**/test/**',
  '**/tests/**',
  '**/testing/**',
  '!**/fixtures/**',
];

interface Matcher {
  include: (path: string) => boolean;
  exclude: (path: string) => boolean;
}

const matchers = new Map<string, Matcher>();

function matcherFor(patterns: readonly string[]): Matcher {
  const key = patterns.join('\0');
  let m = matchers.get(key);
  if (!m) {
    const pos = patterns.filter((p) => !p.startsWith('!'));
    const neg = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    const include = pos.length > 0 ? picomatch(pos, { dot: true }) : () => false;
    const exclude = neg.length > 0 ? picomatch(neg, { dot: true }) : () => false;
    m = { include, exclude };
    matchers.set(key, m);
  }
  return m;
}

/** True when a root-relative path is test code according to the glob patterns (see DEFAULT_TEST_PATTERNS). */
export function isTestPath(relPath: string, patterns: readonly string[] = DEFAULT_TEST_PATTERNS): boolean {
  const m = matcherFor(patterns);
  return m.include(relPath) && !m.exclude(relPath);
}

const TEST_FILE_NAME = /(^|\/)(conftest|test_[^/]*|[^/]*_tests?)\.pyw?$/;

/** True when the file's own name says test (`test_*.py`, `*_test.py`, `conftest.py`), wherever it lives. */
export function isTestFileName(relPath: string): boolean {
  return TEST_FILE_NAME.test(relPath);
}

/** The patterns a rule option holds, or the defaults when it is absent or malformed. */
export function testPatternsOption(value: unknown): readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : DEFAULT_TEST_PATTERNS;
}

const TEST_MODULES = /^(pytest|unittest|hypothesis|nose|nose2)(\.|$)/;
const testModules = new WeakMap<ModuleModel, boolean>();

/** True when the module imports a test framework (`pytest`, `unittest`, `hypothesis`): it is a test module or a test helper. */
export function importsTestFramework(model: ModuleModel): boolean {
  let v = testModules.get(model);
  if (v === undefined) {
    v = model.imports.some((i) => TEST_MODULES.test(i.module) || TEST_MODULES.test(i.qualified));
    testModules.set(model, v);
  }
  return v;
}

/**
 * True when a node sits in test code by the in-file conventions: a `test_*` function, a pytest fixture, a method of
 * a `Test*` class or of a `TestCase` subclass.
 */
export function inTestFunction(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition') {
      const name = p.childForFieldName('name')?.text ?? '';
      if (/^test_|_test$|^test$/.test(name)) return true;
      const decorated = p.parent?.type === 'decorated_definition' ? p.parent : null;
      if (decorated?.namedChildren.some((d) => d?.type === 'decorator' && /^@\s*(pytest\.)?fixture\b/.test(d.text))) return true;
    } else if (p.type === 'class_definition') {
      const name = p.childForFieldName('name')?.text ?? '';
      if (/^Test|Tests?$|TestCase$/.test(name)) return true;
      const bases = p.childForFieldName('superclasses')?.text ?? '';
      if (/TestCase\b/.test(bases)) return true;
    }
  }
  return false;
}

const SYNTAX_MODULES = /^(tokenize|token|lib2to3|pygments|ply|lark|parso|sly|pyparsing|sqlparse|ast|tomllib|shlex)(\.|$)/;
const syntaxModules = new WeakMap<ModuleModel, boolean>();

/**
 * True when the module imports a lexer or parser library (`tokenize`, `token`, `pygments`, `lark`…): there a
 * `token` is a piece of syntax, not a credential.
 */
export function handlesSyntaxTokens(model: ModuleModel): boolean {
  let v = syntaxModules.get(model);
  if (v === undefined) {
    v = model.imports.some((i) => SYNTAX_MODULES.test(i.module)) || /(^|\/)(tokenize|token|shlex|lexer|parser|tokenizer)\.py$/.test(model.relPath);
    syntaxModules.set(model, v);
  }
  return v;
}

/** A bare lexical token name (`token`, `tok`, `tokens`). */
export const BARE_TOKEN = /^_?(tok|token)s?$/i;
