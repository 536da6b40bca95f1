import { argument } from '../../semantics/model.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, isShellSafe } from '../helpers.js';
import type { Rule } from '../types.js';

/** Functions that hand a command line to the system shell, with the keyword name of the command. */
const SHELL_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['os.system', 'command'],
  ['os.popen', 'cmd'],
  ['posix.system', 'command'],
  ['nt.system', 'command'],
]);

const PTY_SPAWN = 'pty.spawn';

export const osShellCommand: Rule = {
  meta: {
    id: 'K111',
    name: 'os-shell-command',
    summary: '`os.system()` or `os.popen()` of a non-constant command, or `pty.spawn()` of a non-constant program',
    severity: 'high',
    confidence: 'medium',
    cwe: [78],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B605'], ruff: ['S605'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `os.system()` and `os.popen()` (which always run their argument with `/bin/sh -c`, or ' +
      '`cmd.exe` on Windows) when the command is not a constant string, and `pty.spawn()` when the program it ' +
      'starts is not constant (a non-constant string, or a list whose first item is not constant).\n\n' +
      'A list or dict literal counts as constant only while nothing but constants is put into it afterwards ' +
      '(`args = ["ping"]; args.append(host)` is not constant; `args.append("-q")` keeps it so).\n\n' +
      'Not reported: constant commands, commands whose every variable part is quoted with `shlex.quote()` or ' +
      'is a number, and functions that only share the name (a project\'s own `system()`, `os.path.join`).',
    why:
      'The shell treats `;`, `|`, `&`, `$(...)`, backticks and redirections as syntax. A file name, host name ' +
      'or any other value that reaches the command line can end the intended command and start another, ' +
      'with the privileges of the process. `os.system` and `os.popen` give no way to pass arguments ' +
      'separately; `subprocess.run([...])` does, and it also reports failures properly. `pty.spawn()` uses no ' +
      'shell, but a program name that comes from outside is itself a choice of what code to run.',
    bad: 'import os\n\n\ndef thumbnail(filename: str) -> None:\n    os.system("convert " + filename + " -resize 128x128 thumb.png")\n',
    good:
      'import subprocess\n\n\n' +
      'def thumbnail(filename: str) -> None:\n' +
      '    subprocess.run(["convert", filename, "-resize", "128x128", "thumb.png"], check=True)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/78.html',
      'https://docs.python.org/3/library/os.html#os.system',
      'https://docs.python.org/3/library/subprocess.html#replacing-os-system',
    ],
  },
  callees: [...SHELL_FUNCTIONS.keys(), PTY_SPAWN],
  call(call, ctx) {
    const model = ctx.model;
    if (call.callee === PTY_SPAWN) {
      const argv = argument(call, 0, 'argv');
      if (!argv) return;
      const value = boundValue(argv, model);
      const program = value.type === 'list' || value.type === 'tuple' ? value.namedChildren.find((c) => c !== null && c.type !== 'comment') : unparen(argv);
      if (!program || model.isConstant(program)) return;
      ctx.report({ node: call.node, message: 'pty.spawn() starts a program whose name is not constant; choose the program from a fixed list' });
      return;
    }
    const keyword = call.callee ? SHELL_FUNCTIONS.get(call.callee) : undefined;
    const cmd = argument(call, 0, keyword);
    if (!cmd || isShellSafe(cmd, model)) return;
    ctx.report({
      node: call.node,
      message: `${call.callee}() runs a non-constant command through the shell; use subprocess.run() with a list of arguments (or quote each variable part with shlex.quote())`,
    });
  },
};
