import { HOLE } from '../injection/strings.js';
import type { Rule } from '../types.js';
import { basename, commandText, SHELL_FUNCTIONS, shellCommand, SUBPROCESS_FUNCTIONS, ASYNC_EXEC } from './shared.js';

/** Programs with options that a crafted file name can turn on, and what such an option does. */
const VICTIMS: ReadonlyMap<string, { option: string; high: boolean }> = new Map([
  ['tar', { option: '--checkpoint-action=exec=…', high: true }],
  ['rsync', { option: '-e "sh payload.sh"', high: true }],
  ['chown', { option: '--reference=…', high: false }],
  ['chgrp', { option: '--reference=…', high: false }],
  ['chmod', { option: '--reference=…', high: false }],
]);

/** Words that run the next word as the command. */
const PREFIXES = new Set(['sudo', 'doas', 'nice', 'nohup', 'env', 'time', 'exec', 'command', 'ionice', 'timeout']);

interface Word {
  text: string;
  /** The word starts with a `*` that the shell expands (not quoted, not escaped). */
  glob: boolean;
}

/** Splits a command line into simple commands (at `;`, `&`, `|`, newlines, parentheses, backticks) of words. */
function simpleCommands(text: string): Word[][] {
  const commands: Word[][] = [[]];
  let word: Word | undefined;
  let quote: '"' | "'" | undefined;
  const end = () => {
    if (word) commands[commands.length - 1].push(word);
    word = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (word) word.text += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      word ??= { text: '', glob: false };
      continue;
    }
    if (c === '\\') {
      word ??= { text: '', glob: false };
      word.text += text[i + 1] ?? '';
      i++;
      continue;
    }
    if (/\s/.test(c) && c !== '\n') {
      end();
      continue;
    }
    if (/[;&|\n()`]/.test(c)) {
      end();
      commands.push([]);
      continue;
    }
    if (!word) word = { text: '', glob: c === '*' };
    word.text += c;
  }
  end();
  return commands.filter((c) => c.length > 0);
}

export const shellWildcardInjection: Rule = {
  meta: {
    id: 'K116',
    name: 'shell-wildcard-injection',
    summary: 'A shell glob such as `*` given to `tar`, `rsync`, `chown`, `chgrp` or `chmod`, where file names can become options',
    severity: 'high',
    confidence: 'medium',
    cwe: [155],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B609'], ruff: ['S609'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports command lines run by a shell (`os.system`, `os.popen`, `subprocess.*` with `shell=True`, ' +
      '`subprocess.getoutput`, `asyncio.create_subprocess_shell`, and `["sh", "-c", script]`) in which ' +
      '`tar`, `rsync`, `chown`, `chgrp` or `chmod` receives a word that starts with an unquoted `*` ' +
      '(`*`, `*.log`). The command line may be built at run time: its constant parts are read.\n\n' +
      'Not reported: a glob behind a directory (`./*`, `/srv/uploads/*`), whose expansions all start with ' +
      'that directory and so cannot look like options; globs after `--`, which ends option parsing; quoted ' +
      'or escaped stars (`\'*\'`, `\\*`); a `*` inside an argument list with no shell (`["tar", "cf", "a.tar", "*"]`: ' +
      'nothing expands it); and other programs.',
    why:
      'The shell expands `*` to the names of the files in the directory before the program runs, and the ' +
      'program cannot tell a file name from an option. Anyone who can create a file in that directory (an ' +
      'upload folder, a shared `/tmp` subdirectory) can name it `--checkpoint=1` and ' +
      '`--checkpoint-action=exec=sh x.sh`, and `tar cf backup.tar *` runs their script; `chown user *` with ' +
      'a file called `--reference=owned-by-me` gives away every file. Write `./*` instead of `*`, or put ' +
      '`--` before the glob.',
    bad: 'import os\n\n\ndef backup_uploads() -> None:\n    os.system("cd /srv/uploads && tar czf /backups/uploads.tgz *")\n',
    good: 'import os\n\n\ndef backup_uploads() -> None:\n    os.system("cd /srv/uploads && tar czf /backups/uploads.tgz -- ./*")\n',
    references: [
      'https://cwe.mitre.org/data/definitions/155.html',
      'https://www.exploit-db.com/papers/33930',
      'https://www.gnu.org/software/bash/manual/html_node/Filename-Expansion.html',
    ],
  },
  textHint: /\*/,
  callees: [...SHELL_FUNCTIONS.keys(), ...SUBPROCESS_FUNCTIONS, ...ASYNC_EXEC],
  call(call, ctx) {
    const model = ctx.model;
    const cmd = shellCommand(call, model);
    const text = cmd ? commandText(cmd, model) : undefined;
    if (!text?.includes('*')) return;
    for (const words of simpleCommands(text)) {
      let i = 0;
      while (i < words.length && (/^[A-Za-z_]\w*=/.test(words[i].text) || PREFIXES.has(words[i].text) || (i > 0 && words[i].text.startsWith('-')))) i++;
      const program = words[i] ? basename(words[i].text) : '';
      const victim = VICTIMS.get(program);
      if (!victim) continue;
      for (const w of words.slice(i + 1)) {
        if (w.text === '--') break;
        if (!w.glob || w.text.includes(HOLE)) continue;
        ctx.report({
          node: call.node,
          message:
            `${program} gets file names from the glob "${w.text}": a file named like ${victim.option} in that directory ` +
            'becomes an option; write "./*" (or put "--" before the glob)',
          ...(victim.high ? {} : { severity: 'medium' as const }),
        });
        return;
      }
    }
  },
};
