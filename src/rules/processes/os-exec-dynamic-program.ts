import { argument } from '../../semantics/model.js';
import { excerpt } from '../helpers.js';
import type { Rule } from '../types.js';
import { isFixedProgram, OS_EXEC_FUNCTIONS } from './shared.js';

const STARTFILE = ['os.startfile', 'nt.startfile'];

export const osExecDynamicProgram: Rule = {
  meta: {
    id: 'K114',
    name: 'os-exec-dynamic-program',
    summary: '`os.exec*`, `os.spawn*`, `os.posix_spawn*` or `os.startfile` of a program that is not constant',
    severity: 'medium',
    confidence: 'medium',
    cwe: [78],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B606'], ruff: ['S606'] },
    defaultEnabled: false,
  },
  docs: {
    what:
      'An opt-in review aid. Reports the `os` functions that start a program without a shell — ' +
      '`execl`, `execle`, `execlp`, `execlpe`, `execv`, `execve`, `execvp`, `execvpe`, the matching ' +
      '`spawn*` functions, `posix_spawn`, `posix_spawnp` — and `os.startfile` (which opens a file with its ' +
      'associated application on Windows), when the program or file is not fixed by the source.\n\n' +
      'Not reported: constant programs, a program looked up in a constant table (`TOOLS[name]`), ' +
      '`sys.executable` (the restart idiom ' +
      '`os.execv(sys.executable, [sys.executable, *sys.argv])`), and paths built from constants and ' +
      '`__file__`. Arguments are not judged here: without a shell they reach the program one by one.',
    why:
      'These calls run whatever file they are given, with the privileges of the process; `exec*` also ' +
      'replaces the current process. A program name that comes from a request, a configuration value an ' +
      'attacker can edit, or a file in a writable directory means the attacker chooses the code that runs. ' +
      '`os.startfile` on an `.exe`, `.bat` or `.lnk` runs it. Choose the program from a fixed table ' +
      'of absolute paths and pass the variable parts as arguments.',
    bad:
      'import os\n\n\n' +
      'def run_tool(tool_path: str, target: str) -> None:\n' +
      '    os.execv(tool_path, [tool_path, target])\n',
    good:
      'import os\n\n' +
      'TOOLS = {"lint": "/usr/local/bin/ruff", "format": "/usr/local/bin/black"}\n\n\n' +
      'def run_tool(tool: str, target: str) -> None:\n' +
      '    program = TOOLS[tool]\n' +
      '    os.execv(program, [program, "--", target])\n',
    references: [
      'https://cwe.mitre.org/data/definitions/78.html',
      'https://docs.python.org/3/library/os.html#process-management',
    ],
  },
  callees: [...OS_EXEC_FUNCTIONS.keys(), ...STARTFILE],
  call(call, ctx) {
    const callee = call.callee ?? '';
    const startfile = STARTFILE.includes(callee);
    const position = startfile ? 0 : OS_EXEC_FUNCTIONS.get(callee);
    if (position === undefined) return;
    const program = argument(call, position, startfile ? 'filepath' : undefined) ?? (startfile ? call.keywords.get('path') : undefined);
    if (!program || isFixedProgram(program, ctx.model)) return;
    const what = startfile ? 'opens a file chosen at run time with its associated application' : 'starts a program chosen at run time';
    ctx.report({ node: call.node, message: `${callee}() ${what} (${excerpt(program, 30)}); pick it from a fixed list of absolute paths` });
  },
};
