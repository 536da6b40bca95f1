#!/usr/bin/env node
import { availableParallelism } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { type DbUpdateFlags, type DepsFlags, runDbUpdateCommand, runDepsCommand } from './deps-command.js';
import { runRuleCommand, runRulesCommand } from './rules-command.js';
import { runScanCommand, type ScanFlags } from './scan-command.js';
import { KraitError } from '../errors.js';
import { OUTPUT_FORMATS } from '../report/index.js';
import { CONFIDENCES, SEVERITIES } from '../findings/types.js';
import { VERSION } from '../version.js';

/**
 * Exit codes: 0 nothing reported at or above the thresholds, 1 findings, 2 usage, configuration or internal
 * error. Every error is one line on stderr; a stack trace is never shown (set KRAIT_DEBUG=1 to see one).
 */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

function list(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...(previous ?? []), ...items];
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new KraitError(`${name} expects a positive whole number, got "${value}"`);
    return n;
  };
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new KraitError(`${name} expects a positive number, got "${value}"`);
    return n;
  };
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('krait')
    .description('Static security scanner for Python codebases')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Commander's own errors become krait's one-line errors with status 2.
      writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `krait: ${s.slice(7)}` : s),
    });

  program
    .command('scan')
    .description('scan Python files and report security findings')
    .argument('[paths...]', 'files or folders to scan', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--select <ids>', 'run only these rules (ids, prefixes, names, Bandit/Ruff ids, ALL; comma-separated)', list)
    .option('--ignore <ids>', 'do not run these rules (comma-separated)', list)
    .option('--include <glob>', 'also scan files matching the glob (repeatable)', list)
    .option('--exclude <glob>', 'skip files and folders matching the glob (repeatable)', list)
    .addOption(new Option('--severity <level>', 'report findings at or above this severity').choices(SEVERITIES))
    .addOption(new Option('--confidence <level>', 'report findings at or above this confidence').choices(CONFIDENCES))
    .option('-c, --config <file>', 'read settings from this file instead of searching for one')
    .option('--no-config', 'ignore configuration files')
    .option('-j, --jobs <n>', `worker threads (default: number of cores, ${availableParallelism()} here)`, positiveInt('--jobs'))
    .option('--max-file-size <bytes>', 'skip files larger than this (default: 10 MB)', positiveInt('--max-file-size'))
    .option('--file-timeout <seconds>', 'stop analysing a file after this long, keeping its findings so far (default: 20)', positiveNumber('--file-timeout'))
    .option('--strict', 'exit with status 2 when any Python file was skipped or only partly analysed')
    .option('--no-gitignore', 'do not honour .gitignore files')
    .option('--ignore-suppressions', 'report findings even where a comment suppresses them (for audits)')
    .option('--show-suppressed', 'text format: also print suppressed findings')
    .option('--exit-zero', 'exit with status 0 even when there are findings')
    .option('--color', 'force colour in text output')
    .option('--no-color', 'never colour text output')
    .option('--no-deps', 'skip the dependency audit of requirements files, pyproject.toml and lock files')
    .option('--online', 'let the dependency audit ask the OSV API (scan uses only local advisory data by default)')
    .option('--offline', 'dependency audit: use only the cache and the local database')
    .option('--osv-db <path>', 'dependency audit: an OSV export (zip or folder of <ID>.json records)')
    .option('--cache-dir <dir>', 'cache folder for per-file results (default: .krait-cache in the current folder) and the dependency audit (default: $XDG_CACHE_HOME/krait or the user cache folder)')
    .option('--no-cache', 'analyse every file, neither reading nor writing the result cache')
    .option('--write-baseline <file>', 'record the reported findings as accepted in this file (exit status 0)')
    .option('--baseline <file>', 'findings recorded in this baseline are flagged and do not count for the exit status')
    .option('--show-baselined', 'text format: also print findings the baseline accepts')
    .option('--diff-base <ref>', 'report only findings on lines added or changed since the merge base with this git revision')
    .option('--progress', 'show the progress line on stderr even when it is not a terminal')
    .option('--project <dir>', 'analyse this whole folder (taint sees every module) and report only on the paths given (pre-commit)')
    .option('-q, --quiet', 'no progress line or status messages on stderr')
    .option('--fix', 'apply safe fixes in place, then report what is left')
    .option('--unsafe-fixes', 'with --fix or --diff: also apply fixes that may change behaviour')
    .option('--diff', 'print the fixes as a unified diff instead of the report; change no file')
    .action(async (paths: string[], flags: ScanFlags) => {
      setExit(await runScanCommand(paths, flags));
    });

  program
    .command('deps')
    .description('audit Python dependencies (requirements, pyproject.toml, lock files) for known vulnerabilities (OSV)')
    .argument('[path]', 'project folder or manifest file', '.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--select <ids>', 'report only these rules (K801, K802, K803; comma-separated)', list)
    .option('--ignore <ids>', 'do not report these rules (comma-separated)', list)
    .option('--include <glob>', 'also read files matching the glob (repeatable)', list)
    .option('--exclude <glob>', 'skip files and folders matching the glob (repeatable)', list)
    .addOption(new Option('--severity <level>', 'report findings at or above this severity').choices(SEVERITIES))
    .addOption(new Option('--confidence <level>', 'report findings at or above this confidence').choices(CONFIDENCES))
    .option('-c, --config <file>', 'read settings from this file instead of searching for one')
    .option('--no-config', 'ignore configuration files')
    .option('--no-gitignore', 'do not honour .gitignore files')
    .option('--offline', 'use only the cache and the local database; never the network')
    .option('--online', 'ask the OSV API (the default for this command)')
    .option('--osv-db <path>', 'an OSV export (zip or folder of <ID>.json records) to use instead of the API')
    .option('--cache-dir <dir>', 'cache folder (default: $XDG_CACHE_HOME/krait or the user cache folder)')
    .option('--ignore-suppressions', 'report findings even where the configuration ignores them (for audits)')
    .option('--show-suppressed', 'text format: also print suppressed findings')
    .option('--exit-zero', 'exit with status 0 even when there are findings')
    .option('--color', 'force colour in text output')
    .option('--no-color', 'never colour text output')
    .action(async (target: string, flags: DepsFlags) => {
      setExit(await runDepsCommand(target, flags));
    });

  const db = program.command('db').description('the offline advisory database');
  db.command('update')
    .description("download PyPI's OSV export into the cache folder and index it")
    .option('--cache-dir <dir>', 'cache folder (default: $XDG_CACHE_HOME/krait or the user cache folder)')
    .option('--url <url>', 'download from this URL instead of OSV\'s PyPI export')
    .option('-c, --config <file>', 'read settings from this file instead of searching for one')
    .option('--no-config', 'ignore configuration files')
    .action(async (flags: DbUpdateFlags) => {
      setExit(await runDbUpdateCommand(flags));
    });

  program
    .command('rules')
    .description('list every rule')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: { format: 'text' | 'json' }) => {
      setExit(runRulesCommand(flags.format));
    });

  program
    .command('lsp')
    .description('run the language server over standard input and output (for editors)')
    .option('--stdio', 'talk over standard input and output (the only transport; accepted for editors that pass it)')
    .action(async () => {
      const { startLanguageServer } = await import('../lsp/server.js');
      startLanguageServer();
      // The connection keeps the process alive; it exits when the client sends `exit`.
      await new Promise<never>(() => undefined);
    });

  program
    .command('rule')
    .description("print a rule's documentation")
    .argument('<id>', 'rule id or name, e.g. K101 or eval-dynamic; or a Bandit/Ruff id (B307, S307) for the rules covering it')
    .action((id: string) => {
      setExit(runRuleCommand(id));
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with status 0; every other commander error is a usage error.
      return err.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    if (err instanceof KraitError) {
      process.stderr.write(`krait: ${err.message}\n`);
      return EXIT_ERROR;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`krait: internal error: ${message.split('\n')[0]}\n`);
    if (process.env.KRAIT_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT_ERROR;
  }
}

// A reader that stops early (`krait scan | head -1`) closes the pipe: like `git log | head`, krait then ends
// quietly with status 0 rather than with an EPIPE stack trace. Nothing more can be shown to that reader anyway.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT_OK);
  process.stderr.write(`krait: cannot write the output (${err.code ?? err.message})\n`);
  process.exit(EXIT_ERROR);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT_ERROR;
  },
);
