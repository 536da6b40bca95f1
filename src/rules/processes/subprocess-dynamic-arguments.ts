import type { Node } from 'web-tree-sitter';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { boundValue, excerpt } from '../helpers.js';
import { compose, HOLE, safety } from '../injection/strings.js';
import type { Rule } from '../types.js';
import { ASYNC_EXEC, isFixedProgram, shellFlag, SUBPROCESS_FUNCTIONS } from './shared.js';

const NO_TRUST = { safe: new Set<string>() };

/**
 * True when an argument cannot smuggle in an option or other text of its own: constants, numbers, fixed
 * paths, and values glued behind a constant prefix (`f"--output={path}"` is one word starting with `--output=`).
 */
function isInertArgument(node: Node, model: ModuleModel): boolean {
  if (isFixedProgram(node, model) || safety(node, model, NO_TRUST) === 'safe') return true;
  const composed = compose(node, model);
  return composed !== undefined && composed.text.length > 0 && composed.text[0] !== HOLE;
}

export const subprocessDynamicArguments: Rule = {
  meta: {
    id: 'K113',
    name: 'subprocess-dynamic-arguments',
    summary: 'A process started without a shell whose program or arguments are not constant',
    severity: 'low',
    confidence: 'medium',
    cwe: [78, 88],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B603'], ruff: ['S603'] },
    defaultEnabled: false,
  },
  docs: {
    what:
      'An opt-in review aid. Reports `subprocess.run`, `call`, `check_call`, `check_output`, `Popen` (without ' +
      '`shell=True`) and `asyncio.create_subprocess_exec` when what they run is not fixed by the source:\n\n' +
      '- the program itself is not constant (a list whose first item is a variable, `executable=` a ' +
      'variable): reported at medium severity;\n' +
      '- an argument is not constant and could start a word of its own, so a value beginning with `-` would ' +
      'be read as an option (`--upload-pack=…` to git, `-o ProxyCommand=…` to ssh);\n' +
      '- the whole argument list is a variable (low confidence).\n\n' +
      'Not reported: a constant argument list (never, whatever the program); arguments after a constant ' +
      '`"--"`; numbers (`str(int(n))`, `len(x)`); fixed paths (`__file__`, `sys.executable`, ' +
      '`os.path.join` of constants); values glued behind a constant prefix (`f"--output={path}"`); and ' +
      'calls with `shell=True` or an unknown `shell=`, which the shell rule judges.',
    why:
      'Without a shell there is no command injection in the usual sense: each list item reaches the program ' +
      'as one argument. Two risks remain. A program name taken from input runs whatever the input names. ' +
      'And a value that starts with `-` becomes an option: many tools have options that run commands or ' +
      'write files (`git --upload-pack`, `ssh -oProxyCommand`, `tar --to-command`, `find -exec`). Putting ' +
      '`--` before the values ends option parsing for most programs; checking values against a pattern or ' +
      'an allow-list closes the rest.',
    bad:
      'import subprocess\n\n\n' +
      'def clone(repository_url: str) -> None:\n' +
      '    subprocess.run(["/usr/bin/git", "clone", repository_url], check=True)\n',
    good:
      'import subprocess\n\n\n' +
      'def clone(repository_url: str) -> None:\n' +
      '    subprocess.run(["/usr/bin/git", "clone", "--", repository_url], check=True)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/88.html',
      'https://docs.python.org/3/library/subprocess.html#security-considerations',
      'https://gtfobins.github.io/',
    ],
  },
  callees: [...SUBPROCESS_FUNCTIONS, ...ASYNC_EXEC],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    let items: Node[];
    let starred = false;
    if (ASYNC_EXEC.includes(callee)) {
      items = call.args;
      starred = call.hasStarArgs;
    } else {
      if (shellFlag(call, model) !== 'off' || call.hasStarKwargs) return;
      const args = argument(call, 0, 'args');
      if (!args) return;
      const value = boundValue(args, model);
      if (value.type === 'list' || value.type === 'tuple') {
        items = value.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      } else if (model.isConstant(args)) {
        return;
      } else {
        ctx.report({
          node: call.node,
          message: `${callee}() runs an argument list that is not constant (${excerpt(args, 30)}); check where the program and its arguments come from`,
          confidence: 'low',
        });
        return;
      }
      const executable = call.keywords.get('executable');
      if (executable && !isFixedProgram(executable, model)) {
        ctx.report({ node: call.node, message: `${callee}() runs a program chosen at run time (executable=${excerpt(executable, 30)}); pick it from a fixed list`, severity: 'medium' });
        return;
      }
    }
    const program = items[0];
    if (!program && !starred) return;
    if (!program || program.type === 'list_splat' || !isFixedProgram(program, model)) {
      const shown = program ? excerpt(program, 30) : 'unpacked arguments';
      ctx.report({ node: call.node, message: `${callee}() runs a program chosen at run time (${shown}); pick it from a fixed list of absolute paths`, severity: 'medium' });
      return;
    }
    const programName = model.constantString(program) ?? excerpt(program, 30);
    for (const item of items.slice(1)) {
      if (model.constantString(item) === '--') return;
      if (item.type === 'list_splat' || !isInertArgument(item, model)) {
        ctx.report({
          node: call.node,
          message:
            `${callee}() passes a non-constant argument (${excerpt(item, 30)}) to ${programName}: a value starting with "-" ` +
            'would be read as an option; put "--" before such values or check them against a pattern',
        });
        return;
      }
    }
    if (starred) {
      ctx.report({ node: call.node, message: `${callee}() passes arguments unpacked at run time to ${programName}; put "--" before values or check them` });
    }
  },
};
