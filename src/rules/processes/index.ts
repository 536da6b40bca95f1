import { osShellCommand } from './os-shell-command.js';
import { subprocessShell } from './subprocess-shell.js';
import type { Rule } from '../types.js';

export const PROCESS_RULES: readonly Rule[] = [
  osShellCommand,
  subprocessShell,
];
