import { argument } from '../../semantics/model.js';
import { isShellSafe } from '../helpers.js';
import type { Rule } from '../types.js';

/** `exec_command` of the paramiko classes that have it, by qualified name. */
const PARAMIKO_EXEC = new Set([
  'paramiko.SSHClient.exec_command',
  'paramiko.client.SSHClient.exec_command',
  'paramiko.Channel.exec_command',
  'paramiko.channel.Channel.exec_command',
]);

export const paramikoExecCommand: Rule = {
  meta: {
    id: 'K112',
    name: 'paramiko-exec-command',
    summary: 'A non-constant command run on a remote host with paramiko `exec_command()`',
    severity: 'high',
    confidence: 'medium',
    cwe: [78],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B601'], ruff: ['S601'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `exec_command()` on a paramiko `SSHClient` or `Channel` when the command is not a constant ' +
      'string. When the client cannot be traced to paramiko (an attribute such as `self.ssh` set elsewhere), ' +
      'a call named `exec_command` in a module that imports paramiko is reported at low confidence.\n\n' +
      'Not reported: constant commands, and commands whose every variable part is quoted with ' +
      '`shlex.quote()`/`shlex.join()` or converted to a number.',
    why:
      'The SSH server hands the command to the remote account\'s login shell, so the whole string is shell ' +
      'syntax there: a host name, file name or branch that contains `;`, `$(...)` or a backtick runs extra ' +
      'commands on the remote machine with that account\'s rights. SSH has no way to pass arguments ' +
      'separately; quote each variable part with `shlex.quote()` (the remote shell is nearly always a POSIX ' +
      'shell), or better, check it against a strict pattern first.',
    bad:
      'import paramiko\n\n\n' +
      'def tail_log(host: str, service: str) -> str:\n' +
      '    client = paramiko.SSHClient()\n' +
      '    client.load_system_host_keys()\n' +
      '    client.connect(host)\n' +
      '    _, stdout, _ = client.exec_command(f"journalctl -u {service} -n 100")\n' +
      '    return stdout.read().decode()\n',
    good:
      'import shlex\n\nimport paramiko\n\n\n' +
      'def tail_log(host: str, service: str) -> str:\n' +
      '    client = paramiko.SSHClient()\n' +
      '    client.load_system_host_keys()\n' +
      '    client.connect(host)\n' +
      '    _, stdout, _ = client.exec_command(f"journalctl -u {shlex.quote(service)} -n 100")\n' +
      '    return stdout.read().decode()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/78.html',
      'https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.SSHClient.exec_command',
      'https://docs.python.org/3/library/shlex.html#shlex.quote',
    ],
  },
  callNames: ['exec_command'],
  call(call, ctx) {
    // `call.name` (the attribute as written, a plain string) first: other calls are not read from the tree.
    if (call.name !== 'exec_command') return;
    const fn = call.calleeNode;
    if (fn.type !== 'attribute') return;
    const model = ctx.model;
    const known = call.callee !== undefined && PARAMIKO_EXEC.has(call.callee);
    if (!known && !model.imports.some((i) => i.module === 'paramiko' || i.module.startsWith('paramiko.') || i.qualified.startsWith('paramiko'))) return;
    const cmd = argument(call, 0, 'command');
    if (!cmd || isShellSafe(cmd, model)) return;
    ctx.report({
      node: call.node,
      message:
        'exec_command() runs a non-constant command through the remote login shell; quote every variable part ' +
        'with shlex.quote() (or validate it against a strict pattern)',
      ...(known ? {} : { confidence: 'low' as const }),
    });
  },
};
