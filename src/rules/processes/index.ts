import { osExecDynamicProgram } from './os-exec-dynamic-program.js';
import { osShellCommand } from './os-shell-command.js';
import { paramikoExecCommand } from './paramiko-exec-command.js';
import { partialExecutablePath } from './partial-executable-path.js';
import { shellWildcardInjection } from './shell-wildcard-injection.js';
import { subprocessDynamicArguments } from './subprocess-dynamic-arguments.js';
import { subprocessShell } from './subprocess-shell.js';
import { subprocessShellConstant } from './subprocess-shell-constant.js';
import type { Rule } from '../types.js';

export const PROCESS_RULES: readonly Rule[] = [
  osShellCommand,
  subprocessShell,
  paramikoExecCommand,
  subprocessDynamicArguments,
  osExecDynamicProgram,
  partialExecutablePath,
  shellWildcardInjection,
  subprocessShellConstant,
];
