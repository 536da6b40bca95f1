import { argument } from '../../semantics/model.js';
import { constantTruth } from '../helpers.js';
import type { Rule } from '../types.js';

const SHELL_OPTIONAL = ['subprocess.run', 'subprocess.call', 'subprocess.check_call', 'subprocess.check_output', 'subprocess.Popen'];

export const subprocessShellConstant: Rule = {
  meta: {
    id: 'K117',
    name: 'subprocess-shell-constant',
    summary: 'A constant command run through the shell (`shell=True`) where an argument list would do',
    severity: 'low',
    confidence: 'high',
    cwe: [78],
    owasp: 'A03:2021-Injection',
    sources: {},
    defaultEnabled: false,
  },
  docs: {
    what:
      'An opt-in hardening check. Reports `subprocess.run`, `call`, `check_call`, `check_output` and `Popen` ' +
      'with `shell=True` (a literally true value) and a command that is a constant string. The non-constant ' +
      'case is K110.\n\n' +
      'Not reported: `shell=False` or no `shell`, argument lists, and commands that are not constant.',
    why:
      'A constant command is not injectable today, but the shell stays in the path: the next edit that adds a ' +
      'file name or a user value to the string makes it injectable, and the shell also reads `PATH`, aliases ' +
      'and the environment (`IFS`, `ENV`). Without shell syntax in the command, an argument list does the same ' +
      'work with nothing for a later change to break.',
    bad: 'import subprocess\n\n\ndef disk_usage() -> bytes:\n    return subprocess.check_output("df -h /srv", shell=True)\n',
    good: 'import subprocess\n\n\ndef disk_usage() -> bytes:\n    return subprocess.check_output(["df", "-h", "/srv"])\n',
    references: ['https://cwe.mitre.org/data/definitions/78.html', 'https://docs.python.org/3/library/subprocess.html#security-considerations'],
  },
  textHint: /shell/,
  callees: SHELL_OPTIONAL,
  call(call, ctx) {
    const shell = call.keywords.get('shell');
    if (!shell || constantTruth(shell, ctx.model) !== true) return;
    const cmd = argument(call, 0, 'args');
    if (!cmd || ctx.model.constantString(cmd) === undefined) return;
    ctx.report({ node: call.node, message: `${call.callee}() runs a constant command through the shell; pass an argument list without shell=True` });
  },
};
