import type { Node } from 'web-tree-sitter';
import { argument, type CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { isTestPath } from '../../semantics/test-code.js';
import { boundValue, calleeOf, excerpt } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';

interface Sink {
  positions: number[];
  keywords: string[];
  /** `tempfile` functions: a random name is created in `dir`, so only a fixed subdirectory of a shared one is a risk. */
  tempDir?: boolean;
  /** Path builders (`os.path.join`, `Path`): the path they compose is reported wherever it goes. */
  builder?: boolean;
}

const FIRST: Sink = { positions: [0], keywords: ['path', 'file', 'filename', 'name'] };
const TWO: Sink = { positions: [0, 1], keywords: ['src', 'dst', 'path'] };
const BUILDER: Sink = { positions: [], keywords: [], builder: true };
const TEMP_DIR: Sink = { positions: [], keywords: ['dir'], tempDir: true };

const SINKS: ReadonlyMap<string, Sink> = new Map([
  ['open', FIRST],
  ['io.open', FIRST],
  ['codecs.open', FIRST],
  ['os.open', FIRST],
  ['os.remove', FIRST],
  ['os.unlink', FIRST],
  ['os.mkdir', FIRST],
  ['os.makedirs', FIRST],
  ['os.rmdir', FIRST],
  ['os.chmod', FIRST],
  ['os.chown', FIRST],
  ['os.lchown', FIRST],
  ['os.mkfifo', FIRST],
  ['os.mknod', FIRST],
  ['os.truncate', FIRST],
  ['os.utime', FIRST],
  ['os.rename', TWO],
  ['os.replace', TWO],
  ['os.renames', TWO],
  ['os.symlink', TWO],
  ['os.link', TWO],
  ['shutil.copy', TWO],
  ['shutil.copy2', TWO],
  ['shutil.copyfile', TWO],
  ['shutil.copytree', TWO],
  ['shutil.move', TWO],
  ['shutil.rmtree', FIRST],
  ['shutil.chown', FIRST],
  ['shutil.make_archive', { positions: [0], keywords: ['base_name'] }],
  ['shutil.unpack_archive', { positions: [1], keywords: ['extract_dir'] }],
  ['logging.FileHandler', FIRST],
  ['logging.handlers.RotatingFileHandler', FIRST],
  ['logging.handlers.TimedRotatingFileHandler', FIRST],
  ['logging.handlers.WatchedFileHandler', FIRST],
  ['logging.basicConfig', { positions: [], keywords: ['filename'] }],
  ['sqlite3.connect', { positions: [0], keywords: ['database'] }],
  ['shelve.open', FIRST],
  ['dbm.open', FIRST],
  ['tarfile.open', FIRST],
  ['zipfile.ZipFile', FIRST],
  ['gzip.open', FIRST],
  ['bz2.open', FIRST],
  ['lzma.open', FIRST],
  ['os.path.join', BUILDER],
  ['posixpath.join', BUILDER],
  ['pathlib.Path', BUILDER],
  ['pathlib.PurePath', BUILDER],
  ['pathlib.PosixPath', BUILDER],
  ['pathlib.PurePosixPath', BUILDER],
  ['tempfile.mkstemp', { ...TEMP_DIR, positions: [2] }],
  ['tempfile.mkdtemp', { ...TEMP_DIR, positions: [2] }],
  ['tempfile.NamedTemporaryFile', { ...TEMP_DIR, positions: [6] }],
  ['tempfile.TemporaryFile', { ...TEMP_DIR, positions: [6] }],
  ['tempfile.SpooledTemporaryFile', { ...TEMP_DIR, positions: [7] }],
  ['tempfile.TemporaryDirectory', { ...TEMP_DIR, positions: [2] }],
]);

const PATH_BUILDERS = new Set(['os.path.join', 'posixpath.join', 'pathlib.Path', 'pathlib.PurePath', 'pathlib.PosixPath', 'pathlib.PurePosixPath']);

/** Directories every local user can create entries in. */
const SHARED = /^(\/tmp|\/var\/tmp|\/dev\/shm)(\/|$)/;
/** A path below one of them (`/tmp/app.log`), not the directory itself. */
const BELOW = /^(\/tmp|\/var\/tmp|\/dev\/shm)\/+[^/]/;

/** Name sources nobody can predict: a path containing one cannot be planted in advance. */
const UNPREDICTABLE = new Set(['uuid.uuid4', 'secrets.token_hex', 'secrets.token_urlsafe', 'secrets.token_bytes', 'os.urandom', 'tempfile.mktemp']);

interface TempPath {
  /** The string literal holding the shared directory (what is reported). */
  literal: Node;
  /** True when the expression names something below the shared directory, not the directory itself. */
  below: boolean;
}

/** The text of an f-string (or plain string) before its first replacement field. */
function leadingText(n: Node): string {
  let out = '';
  for (const c of n.children) {
    if (!c || c.type === 'string_start') continue;
    if (c.type !== 'string_content') break;
    out += c.text;
  }
  return out;
}

/** Whether a path expression starts in a shared temporary directory, following names, joins and string building. */
function tempPath(node: Node, model: ModuleModel, depth = 0): TempPath | undefined {
  if (depth > 8) return undefined;
  const n = boundValue(node, model);
  const composed = (inner: Node | null | undefined, more: boolean): TempPath | undefined => {
    const t = inner ? tempPath(inner, model, depth + 1) : undefined;
    return t ? { literal: t.literal, below: t.below || more } : undefined;
  };
  switch (n.type) {
    case 'string': {
      const s = model.constantString(n);
      if (s !== undefined) return SHARED.test(s) ? { literal: n, below: BELOW.test(s) } : undefined;
      const lead = leadingText(n);
      return SHARED.test(lead) || /^(\/tmp|\/var\/tmp|\/dev\/shm)$/.test(lead) ? { literal: n, below: true } : undefined;
    }
    case 'concatenated_string': {
      const parts = n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      const s = model.constantString(n);
      if (s !== undefined) return SHARED.test(s) ? { literal: n, below: BELOW.test(s) } : undefined;
      return composed(parts[0], parts.length > 1);
    }
    case 'binary_operator': {
      const op = n.childForFieldName('operator')?.type;
      if (op !== '+' && op !== '/' && op !== '%') return undefined;
      return composed(n.childForFieldName('left'), true);
    }
    case 'call': {
      const callee = calleeOf(n, model);
      const args = n.childForFieldName('arguments');
      const positional = args?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment' && a.type !== 'keyword_argument') ?? [];
      if (callee && PATH_BUILDERS.has(callee)) return composed(positional[0], positional.length > 1);
      const fn = n.childForFieldName('function');
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (method === 'format' || method === 'joinpath' || method === 'with_name' || method === 'with_suffix') {
        return composed(fn?.childForFieldName('object'), positional.length > 0);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** True when the expression contains a call that makes the name unpredictable (`uuid.uuid4()`, `secrets.token_hex()`). */
function unpredictable(node: Node, model: ModuleModel, depth = 0): boolean {
  if (depth > 6) return false;
  const n = unparen(node);
  if (n.type === 'call') {
    const callee = calleeOf(n, model);
    if (callee && UNPREDICTABLE.has(callee)) return true;
  }
  if (n.type === 'identifier') {
    const v = boundValue(n, model);
    return v.id !== n.id && unpredictable(v, model, depth + 1);
  }
  return n.namedChildren.some((c) => c !== null && unpredictable(c, model, depth + 1));
}

/** True when a path builder call is the base of a longer path (`Path("/tmp") / name`, `Path("/tmp").joinpath(x)`). */
function extendedBelow(call: Node): boolean {
  const parent = call.parent;
  if (!parent) return false;
  if (parent.type === 'binary_operator') return parent.childForFieldName('operator')?.type === '/' && parent.childForFieldName('left')?.id === call.id;
  if (parent.type === 'attribute' && parent.childForFieldName('object')?.id === call.id) {
    return ['joinpath', 'with_name'].includes(parent.childForFieldName('attribute')?.text ?? '');
  }
  return false;
}

function checkArgument(ctx: RuleContext, call: CallSite, sink: Sink, arg: Node): void {
  const model = ctx.model;
  const t = tempPath(arg, model);
  if (!t) return;
  const below = t.below || (sink.builder === true && extendedBelow(call.node));
  if (!below) return;
  if (unpredictable(arg, model)) return;
  const shown = excerpt(t.literal, 40);
  const advice = sink.tempDir
    ? 'the fixed subdirectory can be created by another user first (or be a symlink to theirs), who then controls the files made in it; let tempfile pick the directory (drop dir=) or use tempfile.mkdtemp()'
    : 'another local user can create that path first, or plant a symlink there, and the program then writes through it or reads their data; use tempfile.mkstemp()/NamedTemporaryFile()/TemporaryDirectory(), or a directory only this service can write';
  const literalText = model.constantString(t.literal) ?? leadingText(t.literal);
  const subject = BELOW.test(literalText) ? shown : `a path built on ${shown}`;
  ctx.report({
    node: t.literal,
    message: `${subject} is a fixed location in a directory every local user can write to: ${advice}`,
    confidence: isTestPath(model.relPath) ? 'low' : 'medium',
  });
}

export const hardcodedTempPath: Rule = {
  meta: {
    id: 'K911',
    name: 'hardcoded-temp-path',
    summary: 'A fixed path in a shared temporary directory (`/tmp`, `/var/tmp`, `/dev/shm`) used to create or open a file',
    severity: 'medium',
    confidence: 'medium',
    cwe: [377],
    owasp: 'A01:2021-Broken Access Control',
    sources: { bandit: ['B108'], ruff: ['S108'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports string literals that name something inside `/tmp`, `/var/tmp` or `/dev/shm` when they are used ' +
      'as a path: passed (directly, through a name, or as the base of `os.path.join`, `Path(...) / x`, ' +
      '`+`, `%`, `.format()` or an f-string) to `open`, the `os` and `shutil` file functions, `pathlib.Path`, ' +
      'logging file handlers, `sqlite3.connect`, `tarfile.open`, `zipfile.ZipFile`, `shelve`, `gzip`/`bz2`/`lzma`, ' +
      'or given as the `dir=` of a `tempfile` function.\n\n' +
      'Not reported, unlike Bandit B108 and Ruff S108 which flag any string that starts with `/tmp`:\n\n' +
      '- strings that are not used as a path (messages, comparisons, documentation, `startswith` checks);\n' +
      '- the shared directory itself where nothing below it is named (`os.listdir("/tmp")`, `Path("/tmp")`), ' +
      'and `tempfile` functions given `dir="/tmp"`: they create a random name with `O_EXCL`, which is safe;\n' +
      '- paths made unpredictable with `uuid.uuid4()` or `secrets.token_*()`.\n\n' +
      'In test files the finding is kept at low confidence.',
    why:
      'Every local user and service can create entries in `/tmp`. A program that opens a fixed name there can ' +
      'be raced: another user creates the file first (the program then reads attacker data or fails), or ' +
      'plants a symlink with that name pointing at a file the program may write (the program then overwrites ' +
      'it with its own privileges). Names that are easy to guess also leak what the program writes to anyone ' +
      'who reads the directory. The `tempfile` module creates files and directories with unpredictable names, ' +
      'exclusively and with private permissions.',
    bad: 'def save_report(data: bytes) -> None:\n    with open("/tmp/report.pdf", "wb") as fh:\n        fh.write(data)\n',
    good:
      'import tempfile\n\n\n' +
      'def save_report(data: bytes) -> str:\n' +
      '    with tempfile.NamedTemporaryFile("wb", suffix=".pdf", delete=False) as fh:\n' +
      '        fh.write(data)\n' +
      '        return fh.name\n',
    references: [
      'https://cwe.mitre.org/data/definitions/377.html',
      'https://docs.python.org/3/library/tempfile.html',
      'https://owasp.org/www-community/vulnerabilities/Insecure_Temporary_File',
    ],
  },
  textHint: /\/tmp|\/var\/tmp|\/dev\/shm/,
  callees: [...SINKS.keys()],
  call(call, ctx) {
    const sink = SINKS.get(call.callee ?? '');
    if (!sink) return;
    const seen = new Set<number>();
    const args: Node[] = [];
    const add = (n: Node | undefined) => {
      if (n && !seen.has(n.id)) {
        seen.add(n.id);
        args.push(n);
      }
    };
    // A builder is judged as a whole: `Path("/tmp", name)` and `os.path.join("/tmp", name)` compose a path below.
    if (sink.builder) add(call.node);
    else for (const p of sink.positions) add(argument(call, p));
    for (const k of sink.keywords) add(call.keywords.get(k));
    for (const a of args) checkArgument(ctx, call, sink, a);
  },
};
