import type { Node } from 'web-tree-sitter';
import type { Confidence } from '../../findings/types.js';
import { argument, type CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, calleeOf, excerpt } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';

const EXTRACT = new Set(['tarfile.TarFile.extractall', 'tarfile.TarFile.extract']);
const UNPACK = 'shutil.unpack_archive';
const SAFE_FILTERS = new Set(['data', 'tar']);
const SAFE_FILTER_FUNCTIONS = new Set(['tarfile.data_filter', 'tarfile.tar_filter']);
const TAR_FORMATS = new Set(['tar', 'gztar', 'bztar', 'xztar', 'zstdtar']);
const TAR_NAME = /\.(tar|tgz|tbz2?|txz|tar\.(gz|bz2|xz|zst))$/i;

const ADVICE =
  'pass filter="data" (Python 3.12+, and 3.8.17/3.9.17/3.10.12/3.11.4 security releases) or check each member\'s resolved path first';

/** 'safe' for a filter that refuses members escaping the target, 'unsafe' for none or fully_trusted, undefined when unknown. */
function filterVerdict(value: Node, model: ModuleModel): 'safe' | 'unsafe' | undefined {
  const n = boundValue(value, model);
  if (n.type === 'none') return 'unsafe';
  const s = model.constantString(n);
  if (s !== undefined) return SAFE_FILTERS.has(s) ? 'safe' : 'unsafe';
  const q = model.qualifiedName(n);
  if (q === 'tarfile.fully_trusted_filter') return 'unsafe';
  if (q && SAFE_FILTER_FUNCTIONS.has(q)) return 'safe';
  // A callable of the project's own: it is the check the rule asks for.
  return 'safe';
}

/** True when the module sets a default extraction filter (`TarFile.extraction_filter = ...`, `tar.extraction_filter = ...`). */
function moduleSetsFilter(model: ModuleModel): boolean {
  for (const a of model.assignments) {
    for (const t of a.targets) {
      if (t.type !== 'attribute' || t.childForFieldName('attribute')?.text !== 'extraction_filter') continue;
      const v = a.value ? unparen(a.value) : undefined;
      const inner = v?.type === 'call' && calleeOf(v, model) === 'staticmethod' ? v.childForFieldName('arguments')?.namedChildren[0] : v;
      if (!inner || filterVerdict(inner, model) === 'safe') return true;
    }
  }
  return false;
}

/** True when `members=` is the archive's own list, unfiltered (`tar.getmembers()`, `tar`, `[m for m in tar]`). */
function membersUnvetted(members: Node, receiver: Node | null, model: ModuleModel): boolean {
  const n = boundValue(members, model);
  if (receiver && n.type === 'identifier' && n.text === unparen(receiver).text) return true;
  if (n.type === 'call') {
    const fn = n.childForFieldName('function');
    return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'getmembers';
  }
  if (n.type === 'list_comprehension' || n.type === 'generator_expression') {
    return !n.namedChildren.some((c) => c?.type === 'if_clause');
  }
  return false;
}

function checkExtract(ctx: RuleContext, call: CallSite, method: string, confidence: Confidence): void {
  const model = ctx.model;
  const filter = call.keywords.get('filter');
  if (filter && filterVerdict(filter, model) === 'safe') return;
  if (!filter && call.hasStarKwargs) return;
  const receiver = call.calleeNode.type === 'attribute' ? call.calleeNode.childForFieldName('object') : null;
  const members = method === 'extractall' ? argument(call, 1, 'members') : undefined;
  if (members && !membersUnvetted(members, receiver, model)) return;
  if (!filter && moduleSetsFilter(model)) return;
  const how = filter ? `filter=${excerpt(filter, 30)}` : 'no filter';
  ctx.report({
    node: call.node,
    message: `tarfile ${method}() with ${how} trusts the member names and links in the archive: \`../\` paths, absolute paths or symlinks write outside the target directory; ${ADVICE}`,
    confidence,
  });
}

export const archiveExtraction: Rule = {
  meta: {
    id: 'K913',
    name: 'tar-extraction-without-filter',
    summary: '`tarfile` extraction (`extractall`, `extract`, `shutil.unpack_archive`) without a filter that keeps members inside the target',
    severity: 'high',
    confidence: 'medium',
    cwe: [22],
    owasp: 'A01:2021-Broken Access Control',
    sources: { bandit: ['B202'], ruff: ['S202'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `TarFile.extractall()` and `TarFile.extract()` (on archives opened with `tarfile.open` or ' +
      '`TarFile`) that do not pass a safe `filter=` (`"data"`, `"tar"`, `tarfile.data_filter`, ' +
      '`tarfile.tar_filter`, or a callable of the project\'s own), including `filter="fully_trusted"` and ' +
      '`filter=None`. `extractall(members=...)` is not reported when the members are vetted (anything other than ' +
      'the archive\'s own unfiltered list: a function of the project, a comprehension with an `if`). A module ' +
      'that sets `extraction_filter` on the archive or the class is not reported.\n\n' +
      '`shutil.unpack_archive()` without `filter=` is reported too: at medium confidence for a tar format or ' +
      'a `.tar*` name, low when the format is unknown. `.extractall()` on a receiver the scanner cannot ' +
      'resolve, in a module that imports `tarfile` and with a receiver named like a tar archive, is reported ' +
      'at low confidence.\n\n' +
      'Not reported: `zipfile.ZipFile.extractall()`/`extract()`. CPython\'s `zipfile` removes `..` components, ' +
      'drive letters and leading slashes from member names and does not create symlinks, so a zip archive cannot ' +
      'write outside the target directory (zip bombs are a resource problem, not this one); nor ' +
      '`shutil.unpack_archive()` of a `.zip` name or `format="zip"`.',
    why:
      'A tar archive stores each member\'s path and may contain symlinks and hard links. Before Python 3.14 ' +
      '`tarfile` extracts them as written: a member named `../../home/app/.bashrc` or `/etc/cron.d/job`, or a ' +
      'symlink pointing outside followed by a file written through it, lands wherever the archive says ' +
      '(CVE-2007-4559, "tar-slip"). An uploaded or downloaded archive thereby overwrites code, configuration or ' +
      'keys. The `filter="data"` option (PEP 706) refuses such members and strips dangerous permission bits.',
    bad:
      'import tarfile\n\n\n' +
      'def install_bundle(path: str, target: str) -> None:\n' +
      '    with tarfile.open(path) as tar:\n' +
      '        tar.extractall(target)\n',
    good:
      'import tarfile\n\n\n' +
      'def install_bundle(path: str, target: str) -> None:\n' +
      '    with tarfile.open(path) as tar:\n' +
      '        tar.extractall(target, filter="data")\n',
    references: [
      'https://cwe.mitre.org/data/definitions/22.html',
      'https://peps.python.org/pep-0706/',
      'https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter',
      'https://docs.python.org/3/library/zipfile.html#zipfile.ZipFile.extract',
    ],
  },
  textHint: /extract|unpack_archive/,
  callees: [...EXTRACT, UNPACK],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    if (EXTRACT.has(callee)) {
      checkExtract(ctx, call, callee.slice(callee.lastIndexOf('.') + 1), 'medium');
      return;
    }
    const filter = call.keywords.get('filter');
    if ((filter && filterVerdict(filter, model) === 'safe') || (!filter && call.hasStarKwargs)) return;
    const format = argument(call, 2, 'format');
    const formatName = format ? model.constantString(format) : undefined;
    const file = argument(call, 0, 'filename');
    const fileName = file ? model.constantString(file) : undefined;
    if (formatName === 'zip' || (formatName === undefined && fileName !== undefined && /\.zip$/i.test(fileName))) return;
    if (format && formatName === undefined) return;
    const tar = (formatName !== undefined && TAR_FORMATS.has(formatName)) || (fileName !== undefined && TAR_NAME.test(fileName));
    ctx.report({
      node: call.node,
      message: `shutil.unpack_archive() without filter= extracts ${tar ? 'this tar archive' : 'a tar archive'} wherever its member names say: \`../\` paths, absolute paths or symlinks write outside the target directory; ${ADVICE}`,
      confidence: tar ? 'medium' : 'low',
    });
  },
  module(ctx) {
    const model = ctx.model;
    if (!model.imports.some((i) => i.module === 'tarfile' || i.qualified.startsWith('tarfile'))) return;
    for (const call of model.calls) {
      // `call.name` (the callee's last name as written, a plain string) first: other calls are not read from the tree.
      const method = call.name;
      if (method !== 'extractall' && method !== 'extract') continue;
      if (call.callee !== undefined || call.calleeNode.type !== 'attribute') continue;
      const obj = call.calleeNode.childForFieldName('object');
      if (!obj || model.resolve(obj) !== undefined || !/tar/i.test(obj.text)) continue;
      checkExtract(ctx, call, method, 'low');
    }
  },
};
