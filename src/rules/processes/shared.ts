import type { Node } from 'web-tree-sitter';
import { argument, type CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, calleeOf, constantTruth, isFixedPath, positionalArgs } from '../helpers.js';
import { compose, HOLE } from '../injection/strings.js';

/** The `subprocess` functions that take `args` first and an optional `shell=`. */
export const SUBPROCESS_FUNCTIONS: readonly string[] = ['subprocess.run', 'subprocess.call', 'subprocess.check_call', 'subprocess.check_output', 'subprocess.Popen'];

/** Functions that always hand their first argument to a shell, with that argument's keyword name. */
export const SHELL_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['os.system', 'command'],
  ['os.popen', 'cmd'],
  ['posix.system', 'command'],
  ['nt.system', 'command'],
  ['subprocess.getoutput', 'cmd'],
  ['subprocess.getstatusoutput', 'cmd'],
  ['asyncio.create_subprocess_shell', 'cmd'],
  ['asyncio.subprocess.create_subprocess_shell', 'cmd'],
]);

export const ASYNC_EXEC: readonly string[] = ['asyncio.create_subprocess_exec', 'asyncio.subprocess.create_subprocess_exec'];

const EXEC_NAMES = ['execl', 'execle', 'execlp', 'execlpe', 'execv', 'execve', 'execvp', 'execvpe'];
const SPAWN_NAMES = ['spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe'];

/** `os` functions that start a program without a shell, with the position of the program argument. */
export const OS_EXEC_FUNCTIONS: ReadonlyMap<string, number> = new Map([
  ...EXEC_NAMES.map((n): [string, number] => [`os.${n}`, 0]),
  ...SPAWN_NAMES.map((n): [string, number] => [`os.${n}`, 1]),
  ['os.posix_spawn', 0],
  ['os.posix_spawnp', 0],
]);

/** `os.exec*`/`os.spawn*` variants that look the program up on PATH (the `p` ones). */
export function searchesPath(callee: string): boolean {
  return /^os\.(?:exec|spawn)l?v?p|^os\.posix_spawnp$/.test(callee) || !callee.startsWith('os.') || callee === 'os.system' || callee === 'os.popen';
}

/** Shells whose `-c` argument is a command line: `["sh", "-c", cmd]`. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'busybox']);

function listItems(node: Node): Node[] | undefined {
  if (node.type !== 'list' && node.type !== 'tuple') return undefined;
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** The value of `shell=` on a subprocess call: true, false, or undefined when absent (false) or unknown. */
export function shellFlag(call: CallSite, model: ModuleModel): 'on' | 'off' | 'unknown' {
  const v = call.keywords.get('shell');
  if (!v) return 'off';
  const truth = constantTruth(v, model);
  return truth === true ? 'on' : truth === false ? 'off' : 'unknown';
}

/**
 * The command line a call hands to a shell: the argument of `os.system` and friends, `args` of a subprocess
 * call with `shell=True`, or the `-c` script of `["sh", "-c", script]`.
 */
export function shellCommand(call: CallSite, model: ModuleModel): Node | undefined {
  const callee = call.callee ?? '';
  const keyword = SHELL_FUNCTIONS.get(callee);
  if (keyword !== undefined) return argument(call, 0, keyword);
  const isSubprocess = SUBPROCESS_FUNCTIONS.includes(callee);
  if (!isSubprocess && !ASYNC_EXEC.includes(callee)) return undefined;
  if (isSubprocess && shellFlag(call, model) === 'on') return argument(call, 0, 'args');
  const items = isSubprocess ? listItems(boundValue(argument(call, 0, 'args') ?? call.node, model)) : call.hasStarArgs ? undefined : call.args;
  if (!items || items.length < 3) return undefined;
  const shell = model.constantString(items[0]);
  if (shell === undefined || !SHELLS.has(basename(shell)) || model.constantString(items[1]) !== '-c') return undefined;
  return items[2];
}

export function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** True for a program fixed by the source: constants, `sys.executable`, and paths composed of constants. */
export function isFixedProgram(node: Node, model: ModuleModel): boolean {
  if (model.isConstant(node)) return true;
  const v = boundValue(node, model);
  if (model.qualifiedName(v) === 'sys.executable') return true;
  // `shutil.which("git")`: a fixed name, resolved once (the partial-path rule's advice).
  if (v.type === 'call' && calleeOf(v, model) === 'shutil.which') {
    const name = positionalArgs(v)[0];
    if (name && model.isConstant(name)) return true;
  }
  // `TOOLS[name]` with a constant table: one of the programs the source lists.
  if (v.type === 'subscript') {
    const table = v.childForFieldName('value');
    if (table && model.isConstant(table)) return true;
  }
  return isFixedPath(node, model);
}

/** The constant text at the start of a command line, up to the first formatted-in value. */
export function leadingText(node: Node, model: ModuleModel): string | undefined {
  const composed = compose(node, model);
  if (!composed) return undefined;
  const cut = composed.text.indexOf(HOLE);
  return cut < 0 ? composed.text : composed.text.slice(0, cut);
}

/** The whole command line with HOLE for formatted-in values. */
export function commandText(node: Node, model: ModuleModel): string | undefined {
  return compose(node, model)?.text;
}

export interface Program {
  /** The expression naming the program (a list's first item, or the whole argument), when there is one. */
  node: Node | undefined;
  /** The program's name when it is a constant: the first word of a command line, or the argument itself. */
  name: string | undefined;
  /** The program is found by the shell (first word of a command line). */
  viaShell: boolean;
}

/** Words a shell runs without looking anything up on PATH. */
const SHELL_BUILTINS = new Set(
  (
    'cd echo exit export set unset test [ [[ true false : . source exec eval type ulimit umask wait kill pwd read ' +
    'printf alias command trap shift return times getopts hash jobs fg bg let local declare readonly builtin if ' +
    'for while case until ( { ! time'
  ).split(' '),
);

/** The first word of a shell command line, skipping `VAR=value` prefixes; undefined for builtins and unknowns. */
export function firstCommandWord(text: string): string | undefined {
  const words = text.trimStart().split(/\s+/);
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i])) i++;
  const word = words[i];
  if (!word || word.includes(HOLE) || SHELL_BUILTINS.has(word) || /^[({]/.test(word)) return undefined;
  const unquoted = word.replace(/^(['"])(.*)\1$/, '$2').replace(/[;&|)]+$/, '');
  return unquoted || undefined;
}

/** The program a process-starting call runs, as far as the source shows it. */
export function programOf(call: CallSite, model: ModuleModel): Program | undefined {
  const callee = call.callee ?? '';
  const shellCmd = SHELL_FUNCTIONS.has(callee) ? argument(call, 0, SHELL_FUNCTIONS.get(callee)) : undefined;
  if (shellCmd) {
    const lead = leadingText(shellCmd, model);
    return { node: shellCmd, name: lead === undefined ? undefined : firstCommandWord(lead), viaShell: true };
  }
  const execPos = OS_EXEC_FUNCTIONS.get(callee);
  if (execPos !== undefined) {
    const node = argument(call, execPos, execPos === 0 ? (callee.includes('p') && !callee.includes('posix') ? 'file' : 'path') : undefined);
    return { node, name: node ? model.constantString(node) : undefined, viaShell: false };
  }
  if (ASYNC_EXEC.includes(callee)) {
    const node = argument(call, 0, 'program');
    return { node, name: node ? model.constantString(node) : undefined, viaShell: false };
  }
  if (callee === 'pty.spawn') {
    const argv = argument(call, 0, 'argv');
    if (!argv) return undefined;
    const items = listItems(boundValue(argv, model));
    const node = items ? items[0] : argv;
    return { node, name: node ? model.constantString(node) : undefined, viaShell: false };
  }
  if (!SUBPROCESS_FUNCTIONS.includes(callee)) return undefined;
  const executable = call.keywords.get('executable');
  const args = argument(call, 0, 'args');
  const shell = shellFlag(call, model);
  if (executable && shell !== 'on') return { node: executable, name: model.constantString(executable), viaShell: false };
  if (!args) return undefined;
  if (shell === 'on') {
    const lead = leadingText(args, model);
    return { node: args, name: lead === undefined ? undefined : firstCommandWord(lead), viaShell: true };
  }
  const value = boundValue(args, model);
  const items = listItems(value);
  if (items) {
    const first = items[0];
    if (!first || first.type === 'list_splat') return { node: undefined, name: undefined, viaShell: false };
    return { node: first, name: model.constantString(first), viaShell: false };
  }
  const s = model.constantString(args);
  // A string without a shell is the program itself on POSIX; Windows splits it, so take the first word.
  return { node: unparen(args), name: s === undefined ? undefined : s.trim().split(/\s+/)[0], viaShell: false };
}
