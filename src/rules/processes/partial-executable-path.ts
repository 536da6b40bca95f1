import type { Rule } from '../types.js';
import { ASYNC_EXEC, OS_EXEC_FUNCTIONS, programOf, searchesPath, SHELL_FUNCTIONS, SUBPROCESS_FUNCTIONS } from './shared.js';

export const partialExecutablePath: Rule = {
  meta: {
    id: 'K115',
    name: 'partial-executable-path',
    summary: 'A process started by a bare program name (`"git"`) that is looked up on PATH',
    severity: 'low',
    confidence: 'high',
    cwe: [426, 78],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: { bandit: ['B607'], ruff: ['S607'] },
    defaultEnabled: false,
  },
  docs: {
    what:
      'An opt-in hardening check. Reports process starts whose program is a constant name without any ' +
      'directory: `subprocess.run(["git", ...])`, `subprocess.run("ls -l", shell=True)`, ' +
      '`os.system("make")` (the first word of the command line), `os.execvp("ssh", ...)`, ' +
      '`asyncio.create_subprocess_exec("ffmpeg", ...)`, `pty.spawn("bash")`. The `os.exec*`/`os.spawn*` ' +
      'variants without `p` do not search PATH; a bare name there is resolved in the current directory, ' +
      'which is reported too.\n\n' +
      'Not reported: absolute paths, relative paths with a directory (`./run.sh`, `bin/tool`: these are ' +
      'not looked up on PATH), shell builtins as the first word (`cd /srv && …`, `echo`, `exit`), ' +
      '`VAR=value` prefixes, programs that are not constant (the dynamic-program rules judge those) and ' +
      '`sys.executable`.',
    why:
      'A bare name runs the first file of that name in the directories of `PATH`, in order (and on Windows ' +
      'the current directory first). Whoever can change `PATH` for the process or write to a directory that ' +
      'comes early in it — a user-writable `~/.local/bin`, a project `node_modules/.bin`, a CI workspace — ' +
      'decides which program runs. For a service or a privileged tool, resolve programs once to absolute ' +
      'paths (a constant, or `shutil.which()` checked at startup).',
    bad: 'import subprocess\n\n\ndef current_commit() -> str:\n    return subprocess.check_output(["git", "rev-parse", "HEAD"], text=True).strip()\n',
    good: 'import subprocess\n\n\ndef current_commit() -> str:\n    return subprocess.check_output(["/usr/bin/git", "rev-parse", "HEAD"], text=True).strip()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/426.html',
      'https://docs.python.org/3/library/subprocess.html#popen-constructor',
      'https://docs.python.org/3/library/shutil.html#shutil.which',
    ],
  },
  callees: [...SUBPROCESS_FUNCTIONS, ...SHELL_FUNCTIONS.keys(), ...OS_EXEC_FUNCTIONS.keys(), ...ASYNC_EXEC, 'pty.spawn'],
  call(call, ctx) {
    const program = programOf(call, ctx.model);
    const name = program?.name;
    if (!program || !name || /[/\\]/.test(name)) return;
    const callee = call.callee ?? '';
    const where = searchesPath(callee)
      ? 'is looked up on PATH, so the first match in any PATH directory runs'
      : 'is resolved in the current working directory';
    ctx.report({
      node: call.node,
      message: `${callee}() starts "${name.length > 30 ? `${name.slice(0, 29)}…` : name}" by name: it ${where}; use an absolute path`,
    });
  },
};
