import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../../findings/types.js';
import type { CallSite } from '../../semantics/model.js';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { dottedName, unparen } from '../../syntax/nodes.js';
import { calleeOf, excerpt } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';
import { importsAny } from './shared.js';

type Kind = 'flask' | 'starlette' | 'django';

/** The attribute holding the client's file name, per framework. */
const NAME_ATTR: Record<Kind, string> = { flask: 'filename', starlette: 'filename', django: 'name' };

const UPLOAD_TYPES: ReadonlyMap<string, Kind> = new Map([
  ['werkzeug.datastructures.FileStorage', 'flask'],
  ['werkzeug.datastructures.file_storage.FileStorage', 'flask'],
  ['werkzeug.FileStorage', 'flask'],
  ['fastapi.UploadFile', 'starlette'],
  ['fastapi.datastructures.UploadFile', 'starlette'],
  ['starlette.datastructures.UploadFile', 'starlette'],
  ['django.core.files.uploadedfile.UploadedFile', 'django'],
  ['django.core.files.uploadedfile.InMemoryUploadedFile', 'django'],
  ['django.core.files.uploadedfile.TemporaryUploadedFile', 'django'],
]);
const UPLOAD_TYPE_NAME = /\b(UploadFile|FileStorage|(InMemory|Temporary)?UploadedFile)\b/;

/** Calls that only compose or restate a path: the client's name goes through them unchanged. */
const PATH_BUILDERS = new Set([
  'os.path.join',
  'posixpath.join',
  'ntpath.join',
  'os.path.normpath',
  'os.path.abspath',
  'os.path.realpath',
  'os.path.expanduser',
  'pathlib.Path',
  'pathlib.PurePath',
  'pathlib.PosixPath',
  'str',
  'os.fspath',
  'os.fsencode',
]);
/** String and path methods that keep a separator or `..` in place. */
const KEEPING_METHODS = new Set(['lower', 'upper', 'strip', 'lstrip', 'rstrip', 'replace', 'format', 'encode', 'decode', 'casefold', 'title', 'joinpath', 'join', 'resolve', 'absolute']);

const MAX_DEPTH = 12;

/** The kind of upload a `request.files`-like mapping holds. */
function filesMapping(node: Node, model: ModuleModel): Kind | undefined {
  const n = unparen(node);
  const q = model.qualifiedName(n);
  if (q === 'flask.request.files' || q === 'quart.request.files') return 'flask';
  const dotted = dottedName(n);
  if (!dotted) return undefined;
  if (/(^|\.)FILES$/.test(dotted)) return 'django';
  if (/(^|\.)request\.files$/.test(dotted) && importsAny(model, ['flask', 'quart', 'werkzeug'])) return 'flask';
  return undefined;
}

/** The kind of upload an iterable yields: `request.files.getlist("x")`, `request.FILES.values()`, a `list[UploadFile]` parameter. */
function iterableKind(node: Node, model: ModuleModel, depth: number): Kind | undefined {
  const n = unparen(node);
  if (n.type === 'call') {
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'attribute') return undefined;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const obj = fn.childForFieldName('object');
    return obj && ['getlist', 'values'].includes(method) ? filesMapping(obj, model) : undefined;
  }
  if (n.type === 'identifier' && depth < MAX_DEPTH) {
    const b = model.lookup(n.text, n.startIndex);
    if (b?.kind === 'param' && b.annotation) {
      const m = UPLOAD_TYPE_NAME.exec(b.annotation.text);
      if (m) return m[1] === 'FileStorage' ? 'flask' : m[1] === 'UploadFile' ? 'starlette' : 'django';
    }
    if (b?.kind === 'assign' && b.value) return iterableKind(b.value, model, depth + 1);
  }
  return undefined;
}

/** The loop (`for f in ...` / comprehension) whose target binds the identifier at `index`, and its iterable. */
function loopIterable(model: ModuleModel, index: number): Node | undefined {
  let n: Node | null = model.tree.rootNode.descendantForIndex(index);
  for (; n; n = n.parent) {
    if (n.type === 'for_statement' || n.type === 'for_in_clause') return n.childForFieldName('right') ?? undefined;
    if (n.type === 'block' || n.type === 'module') return undefined;
  }
  return undefined;
}

/** What kind of uploaded file an expression is, when the scanner can tell. */
function uploadKind(node: Node, model: ModuleModel, depth = 0): Kind | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const n = unparen(node);
  switch (n.type) {
    case 'identifier': {
      const b = model.lookup(n.text, n.startIndex);
      if (!b) return undefined;
      if (b.kind === 'param' && b.annotation) {
        const ann = b.annotation.type === 'type' ? b.annotation.namedChildren[0] : b.annotation;
        const t = ann ? model.qualifiedName(ann) : undefined;
        return t ? UPLOAD_TYPES.get(t) : undefined;
      }
      if (b.kind === 'assign' && b.value) return uploadKind(b.value, model, depth + 1);
      if (b.kind === 'unknown') {
        const iterable = loopIterable(model, b.at);
        return iterable ? iterableKind(iterable, model, depth + 1) : undefined;
      }
      return undefined;
    }
    case 'subscript': {
      const value = n.childForFieldName('value');
      return value ? filesMapping(value, model) : undefined;
    }
    case 'call': {
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'get') return undefined;
      const obj = fn.childForFieldName('object');
      return obj ? filesMapping(obj, model) : undefined;
    }
    default:
      return undefined;
  }
}

interface Tainted {
  /** The `upload.filename` / `upload.name` expression. */
  attr: Node;
  kind: Kind | undefined;
  /** Source text of the object whose `.filename` is read (to match it with the receiver of `.save()`). */
  owner: string;
}

/** The client-supplied file name an expression carries unchanged (through joins, f-strings, `+`, names), if any. */
function clientName(node: Node, model: ModuleModel, depth = 0): Tainted | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const n = unparen(node);
  const next = (x: Node | null | undefined) => (x ? clientName(x, model, depth + 1) : undefined);
  const first = (xs: (Node | null)[]) => {
    for (const x of xs) {
      if (!x || x.type === 'comment') continue;
      const t = next(x.type === 'keyword_argument' ? x.childForFieldName('value') : x);
      if (t) return t;
    }
    return undefined;
  };
  switch (n.type) {
    case 'attribute': {
      const attr = n.childForFieldName('attribute')?.text ?? '';
      const obj = n.childForFieldName('object');
      if (!obj || (attr !== 'filename' && attr !== 'name')) return undefined;
      const kind = uploadKind(obj, model);
      if (kind && NAME_ATTR[kind] === attr) return { attr: n, kind, owner: obj.text };
      return attr === 'filename' && !kind ? { attr: n, kind: undefined, owner: obj.text } : undefined;
    }
    case 'identifier': {
      const b = model.lookup(n.text, n.startIndex);
      return b?.kind === 'assign' && b.value ? next(b.value) : undefined;
    }
    case 'call': {
      const callee = calleeOf(n, model);
      const args = n.childForFieldName('arguments');
      if (callee && PATH_BUILDERS.has(callee)) return args ? first(args.namedChildren) : undefined;
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'attribute') return undefined;
      if (!KEEPING_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) return undefined;
      return next(fn.childForFieldName('object')) ?? (args ? first(args.namedChildren) : undefined);
    }
    case 'binary_operator':
      return next(n.childForFieldName('left')) ?? next(n.childForFieldName('right'));
    case 'string':
      return first(n.namedChildren.filter((c) => c?.type === 'interpolation').map((c) => c?.childForFieldName('expression') ?? null));
    case 'concatenated_string':
    case 'conditional_expression':
    case 'list':
    case 'tuple':
      return first(n.namedChildren);
    case 'subscript':
      return next(n.childForFieldName('value'));
    default:
      return undefined;
  }
}

const OPENERS = new Set(['open', 'io.open', 'codecs.open', 'aiofiles.open']);
const MOVERS = new Map<string, [number, string]>([
  ['shutil.move', [1, 'dst']],
  ['shutil.copy', [1, 'dst']],
  ['shutil.copy2', [1, 'dst']],
  ['shutil.copyfile', [1, 'dst']],
  ['os.rename', [1, 'dst']],
  ['os.replace', [1, 'dst']],
]);

const SINK_NAMES = new Set(['save', 'write_bytes', 'write_text', 'open', 'move', 'copy', 'copy2', 'copyfile', 'rename', 'replace']);

function writes(mode: Node | undefined, model: ModuleModel): boolean {
  const m = mode ? model.constantString(mode) : undefined;
  return m !== undefined && /[wax+]/.test(m);
}

/** `file.save(...)`, or `….write_bytes(...)` when the receiver is an expression rather than a name. */
function sinkName(call: CallSite): string {
  const fn = call.calleeNode;
  if (dottedName(fn) !== undefined) return `${excerpt(fn)}(...)`;
  const method = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  return method ? `.${method}(...)` : `${excerpt(fn)}(...)`;
}

function report(ctx: RuleContext, call: CallSite, t: Tainted, confidence: Confidence): void {
  const storage = t.kind === 'django' && confidence !== 'high';
  ctx.report({
    node: call.node,
    message:
      `${sinkName(call)} stores the upload under the name the client sent (${excerpt(t.attr)}): ` +
      (storage
        ? 'Django rejects path traversal there, but the client still picks the extension (.html, .svg, .php) and the name users will be served; '
        : 'a name such as "../../app/settings.py" writes outside the upload folder, and any extension (.html, .php, .py) is accepted; ') +
      'generate the stored name (uuid4().hex plus an extension from an allow-list) or at least pass it through secure_filename()',
    confidence,
  });
}

export const uploadClientFilename: Rule = {
  meta: {
    id: 'K516',
    name: 'upload-client-filename',
    summary: 'An uploaded file saved under the file name the client sent',
    severity: 'high',
    confidence: 'high',
    cwe: [22, 434],
    owasp: 'A01:2021-Broken Access Control',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports an uploaded file written to a path built from its client-supplied name:\n\n' +
      '- Flask/Werkzeug `FileStorage.filename` and Starlette/FastAPI `UploadFile.filename` (from ' +
      '`request.files[...]`, `.get(...)`, a loop over `request.files.getlist(...)`, or a parameter typed ' +
      '`FileStorage`/`UploadFile`/`list[UploadFile]`), and Django `UploadedFile.name` (from `request.FILES`);\n' +
      '- reaching `upload.save(path)`, `open(path, "wb")` (also `io.open`, `aiofiles.open`), ' +
      '`shutil.move/copy`, `os.rename/replace`, and Django storages (`default_storage.save(name, content)`, ' +
      'at medium confidence: Django refuses `..` there, but the client still chooses the extension);\n' +
      '- through `os.path.join`, `pathlib.Path` and `/`, f-strings, `+`, `%`, `.format`, string methods such as ' +
      '`.lower()`, and local names.\n\n' +
      '`file.save(os.path.join(folder, file.filename))` is reported even when the scanner cannot see where ' +
      '`file` comes from, in a module that imports Flask or Werkzeug: the receiver of `save` is the upload.\n\n' +
      'Clean: the name passed through `secure_filename()`, `os.path.basename()`, Django\'s ' +
      '`get_valid_filename()` or any other function (a project\'s own sanitiser is trusted), a generated name ' +
      '(`uuid4().hex`), and an extension split off the name (`os.path.splitext(...)`, `.rsplit(".", 1)`), ' +
      'which cannot carry a directory.',
    why:
      'The file name in a multipart upload is whatever the client writes there. Joined to the upload folder, ' +
      '`../../` climbs out of it: the upload overwrites templates, source files, `.ssh/authorized_keys` or ' +
      'configuration, which often means code execution (CWE-22). Even without separators, the client picks ' +
      'the extension: an `.html` or `.svg` file served back from the same origin is stored XSS, a `.php` or ' +
      '`.py` file under a directory the server executes is a web shell (CWE-434). Store uploads under a name ' +
      'the server generates, keep the original name only as data, and check the extension against an allow-list.',
    bad:
      'import os\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.post("/avatar")\ndef upload_avatar():\n' +
      '    file = request.files["avatar"]\n    file.save(os.path.join(app.config["UPLOAD_FOLDER"], file.filename))\n    return "ok"\n',
    good:
      'import os\n\nfrom flask import Flask, request\nfrom werkzeug.utils import secure_filename\n\napp = Flask(__name__)\n\n\n' +
      '@app.post("/avatar")\ndef upload_avatar():\n    file = request.files["avatar"]\n' +
      '    file.save(os.path.join(app.config["UPLOAD_FOLDER"], secure_filename(file.filename)))\n    return "ok"\n',
    references: [
      'https://cwe.mitre.org/data/definitions/22.html',
      'https://cwe.mitre.org/data/definitions/434.html',
      'https://flask.palletsprojects.com/en/latest/patterns/fileuploads/',
      'https://cheatsheetseries.owasp.org/cheatsheets/File_Upload_Cheat_Sheet.html',
    ],
  },
  textHint: /filename|FILES/,
  module(ctx) {
    const model = ctx.model;
    const flaskModule = importsAny(model, ['flask', 'werkzeug', 'quart']);
    for (const call of model.calls) {
      // `call.name` is the attribute or identifier as written: a plain string, no tree access.
      const name = call.name;
      if (!SINK_NAMES.has(name)) continue;
      const fn = call.calleeNode;
      const callee = call.callee;
      if (callee && OPENERS.has(callee)) {
        const path = argument(call, 0, 'file');
        if (!path || !writes(argument(call, 1, 'mode'), model)) continue;
        const t = clientName(path, model);
        if (t?.kind) report(ctx, call, t, 'high');
        continue;
      }
      const mover = callee ? MOVERS.get(callee) : undefined;
      if (mover) {
        const dst = argument(call, mover[0], mover[1]);
        const t = dst ? clientName(dst, model) : undefined;
        if (t?.kind) report(ctx, call, t, 'high');
        continue;
      }
      if (fn.type !== 'attribute') continue;
      if (name === 'save') {
        const dst = argument(call, 0, 'dst') ?? argument(call, 0, 'name');
        const t = dst ? clientName(dst, model) : undefined;
        if (!t) continue;
        const receiver = fn.childForFieldName('object')?.text;
        if (t.kind === 'django') report(ctx, call, t, 'medium');
        else if (t.kind || (flaskModule && receiver === t.owner)) report(ctx, call, t, 'high');
      } else if (name === 'write_bytes' || name === 'write_text' || (name === 'open' && writes(argument(call, 0, 'mode'), model))) {
        // pathlib: Path(folder, upload.filename).write_bytes(...), (folder / upload.filename).open("wb")
        const obj = fn.childForFieldName('object');
        const t = obj ? clientName(obj, model) : undefined;
        if (t?.kind) report(ctx, call, t, 'high');
      }
    }
  },
};
