import type { Node } from 'web-tree-sitter';
import type { Confidence, Severity } from '../../findings/types.js';
import { argument, type CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { isTestPath } from '../../semantics/test-code.js';
import { excerpt } from '../helpers.js';
import { sensitiveFileName } from '../../secrets/names.js';
import type { Rule, RuleContext } from '../types.js';
import { constantInt } from './shared.js';

/** Functions that take (path or fd, mode). */
const PATH_MODE = new Set(['os.chmod', 'os.lchmod', 'os.fchmod']);
/** Methods of a path object that take (mode). */
const METHOD_MODE = new Set(['pathlib.Path.chmod', 'pathlib.Path.lchmod', 'pathlib.PosixPath.chmod', 'pathlib.PosixPath.lchmod', 'pathlib.WindowsPath.chmod']);

const WORLD_WRITE = 0o002;
const WORLD_READ = 0o004;
const GROUP_WRITE = 0o020;
const STICKY = 0o1000;

function octal(mode: number): string {
  return `0o${(mode & 0o7777).toString(8)}`;
}

/** The text that names the file: a constant path, or the source of the path expression (`key_path`, `self.pem_file`). */
function pathText(path: Node | undefined, model: ModuleModel): string {
  if (!path) return '';
  return model.constantString(path) ?? path.text;
}

/** Calls that delete the path given as their first argument, and methods that delete their receiver. */
const REMOVERS = new Set(['os.remove', 'os.unlink', 'os.rmdir', 'os.removedirs', 'shutil.rmtree']);
const REMOVING_METHODS = new Set(['unlink', 'rmdir']);

/** The statement after `stmt`, climbing out of the `if`/`else` blocks it ends (`if is_win: chmod(...)` then `remove`). */
function nextStatement(stmt: Node): Node | undefined {
  let s: Node | null = stmt;
  while (s) {
    const next: Node | null = s.nextNamedSibling;
    if (next && next.type !== 'comment') return next;
    if (next) {
      s = next;
      continue;
    }
    const block: Node | null = s.parent;
    const owner: Node | null = block?.type === 'block' ? block.parent : null;
    if (!owner || !['if_statement', 'else_clause', 'elif_clause'].includes(owner.type)) return undefined;
    s = owner.type === 'if_statement' ? owner : owner.parent;
  }
  return undefined;
}

/**
 * `chmod(p, 0o777)` right before `os.remove(p)` (or `shutil.rmtree(p)`, `Path(p).unlink()`): the mode only makes
 * a read-only file deletable (Windows), and the file is gone a statement later.
 */
function removedRightAfter(call: CallSite, path: Node | undefined, model: ModuleModel): boolean {
  if (!path) return false;
  const stmt = call.node.parent?.type === 'expression_statement' ? call.node.parent : undefined;
  const next = stmt ? nextStatement(stmt) : undefined;
  const expr = next?.type === 'expression_statement' ? unparen(next.namedChildren[0] ?? next) : undefined;
  if (expr?.type !== 'call') return false;
  const fn = expr.childForFieldName('function');
  const target = path.text;
  if (fn?.type === 'attribute' && REMOVING_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) {
    if (fn.childForFieldName('object')?.text === target) return true;
  }
  const callee = fn ? model.qualifiedName(fn) : undefined;
  const first = expr.childForFieldName('arguments')?.namedChildren[0];
  return callee !== undefined && REMOVERS.has(callee) && first?.text === target;
}

function check(ctx: RuleContext, call: CallSite, path: Node | undefined, modeNode: Node | undefined, resolved: boolean): void {
  if (!modeNode) return;
  const mode = constantInt(modeNode, ctx.model);
  if (mode === undefined || mode < 0) return;
  if (mode & WORLD_WRITE && removedRightAfter(call, path, ctx.model)) return;
  const what = path ? `\`${excerpt(path, 40)}\`` : 'the file';
  const shown = octal(mode);
  // Tests open up the temporary files they made so that cleanup can delete them: worth a glance, not a fix.
  const lower: Confidence = isTestPath(ctx.model.relPath) ? 'low' : resolved ? 'high' : 'medium';
  const emit = (message: string, severity: Severity, confidence: Confidence) => ctx.report({ node: call.node, message, severity, confidence });
  if (mode & WORLD_WRITE) {
    if (mode & STICKY) {
      emit(`mode ${shown} makes ${what} a world-writable directory (sticky): every local user can create files in it; unless it is meant as a shared drop directory, use 0o700 or 0o750`, 'medium', resolved ? 'medium' : 'low');
    } else {
      emit(`mode ${shown} lets every user on the host modify ${what} (world-writable); use 0o600 or 0o644 for files, 0o700 or 0o755 for directories`, 'high', lower);
    }
    return;
  }
  const sensitive = sensitiveFileName(pathText(path, ctx.model));
  if (!sensitive) return;
  if (mode & GROUP_WRITE) {
    emit(`mode ${shown} lets the file's group modify ${what}, which looks like a key or credentials file; use 0o600`, 'medium', 'medium');
  } else if (mode & WORLD_READ) {
    emit(`mode ${shown} lets every user on the host read ${what}, which looks like a key or credentials file; use 0o600 (or 0o640 for a service group)`, 'low', 'medium');
  }
}

export const chmodPermissive: Rule = {
  meta: {
    id: 'K910',
    name: 'permissive-file-mode',
    summary: '`chmod` to a world-writable mode, or a key or credentials file readable or writable by others',
    severity: 'high',
    confidence: 'high',
    cwe: [732],
    owasp: 'A01:2021-Broken Access Control',
    sources: { bandit: ['B103'], ruff: ['S103'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `os.chmod`, `os.lchmod`, `os.fchmod` and `Path.chmod`/`lchmod` calls whose mode is a constant ' +
      '(octal, decimal or hex literals, `stat.S_I*` flags combined with `|`, and names bound to them) that:\n\n' +
      '- lets any user write (`o+w`: `0o777`, `0o666`, `stat.S_IWOTH`) — high severity; with the sticky bit ' +
      '(`0o1777`, a shared drop directory like `/tmp`) medium severity and lower confidence;\n' +
      '- lets the group write a file whose name looks like a key or credentials file (`id_rsa`, `*.pem`, ' +
      '`*.key`, `.netrc`, `.env`, names with `secret`, `password`, `token`, `private`, `key`) — medium;\n' +
      '- lets any user read such a file (`0o644` on `server.key`) — low.\n\n' +
      '`.chmod(...)` on an object the scanner cannot resolve (a path parameter, an SFTP client) is checked ' +
      'too, one confidence step lower. In test code (`tests/`, `test_*.py`…) world-writable modes are low ' +
      'confidence: tests open up the temporary files they made so that cleanup can remove them.\n\n' +
      'Not reported: modes computed at run time, group or world execute bits (`0o755` on a script is normal), ' +
      'and readable modes on files with ordinary names; a world-writable mode set on a path that the very next ' +
      'statement removes (`os.chmod(p, 0o777)` then `os.remove(p)`, `shutil.rmtree(p)` or `p.unlink()`, also ' +
      'after an `if` around the chmod): it only makes a read-only file deletable, and the file is gone a line ' +
      'later. `os.mkdir`/`os.open` modes are not checked: they are masked by the umask.',
    why:
      'A file anyone can write can be changed by any local account or compromised service on the host: a ' +
      'script or configuration file becomes a way to run code as its owner, a data file a way to plant records. ' +
      'Private keys, tokens and password files readable by others leak the credentials they hold to every ' +
      'process on the machine. Grant the owner what it needs and nobody else anything.',
    bad: 'import os\n\n\ndef publish(path: str) -> None:\n    os.chmod(path, 0o777)\n',
    good: 'import os\n\n\ndef publish(path: str) -> None:\n    os.chmod(path, 0o644)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/732.html',
      'https://docs.python.org/3/library/os.html#os.chmod',
      'https://docs.python.org/3/library/stat.html',
    ],
  },
  textHint: /chmod/,
  callees: [...PATH_MODE, ...METHOD_MODE],
  call(call, ctx) {
    const callee = call.callee ?? '';
    if (PATH_MODE.has(callee)) {
      check(ctx, call, argument(call, 0, callee === 'os.fchmod' ? 'fd' : 'path'), argument(call, 1, 'mode'), true);
    } else {
      const fn = call.calleeNode.type === 'attribute' ? call.calleeNode.childForFieldName('object') : null;
      check(ctx, call, fn ?? undefined, argument(call, 0, 'mode'), true);
    }
  },
  module(ctx) {
    // `.chmod(...)` on a receiver nobody can resolve: a path parameter (Path.chmod(mode)) or a client (sftp.chmod(path, mode)).
    for (const call of ctx.model.calls) {
      // `call.name` first: a plain string, so other calls are neither resolved nor read from the tree.
      if (call.name !== 'chmod' && call.name !== 'lchmod') continue;
      if (call.callee !== undefined || call.calleeNode.type !== 'attribute') continue;
      const obj = call.calleeNode.childForFieldName('object');
      if (!obj) continue;
      if (call.args.length >= 2) check(ctx, call, call.args[0], call.args[1], false);
      else check(ctx, call, unparen(obj), argument(call, 0, 'mode'), false);
    }
  },
};
