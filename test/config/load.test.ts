import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findConfigFile, loadConfigFile, parseConfig, type RuleCatalog } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import type { RuleOptionSpec } from '../../src/rules/types.js';
import { fakeMeta } from '../helpers/meta.js';

const meta = fakeMeta;

const WEAK_HASH_OPTIONS: Record<string, RuleOptionSpec> = {
  algorithms: { type: 'string[]', default: ['md5', 'sha1'], description: 'Hash names reported.' },
  'min-key-bits': { type: 'number', default: 2048, description: 'Smallest key size accepted.' },
  strict: { type: 'boolean', default: false, description: 'Also report hashes used for non-security ends.' },
  mode: { type: 'string', default: 'any', description: 'Which call forms to check.' },
};

const CATALOG: RuleCatalog = {
  metas: [
    meta('K101', 'eval-of-dynamic-code', { bandit: ['B307'], ruff: ['S307'] }),
    meta('K102', 'exec-of-dynamic-code', { bandit: ['B102'], ruff: ['S102'] }),
    meta('K110', 'assert-used', { bandit: ['B101'], ruff: ['S101'] }, false),
    meta('K301', 'weak-hash', { bandit: ['B303', 'B324'], ruff: ['S324'] }),
  ],
  options: new Map([['K301', WEAK_HASH_OPTIONS]]),
};

const SELECTOR_EXPECTED = '(expected a rule id, prefix, name, Bandit/Ruff id or ALL)';

/** Validates TOML text as if read from ./krait.toml (or ./pyproject.toml with a section). */
function fromToml(toml: string, section = '') {
  const file = section === '' ? 'krait.toml' : 'pyproject.toml';
  return parseConfig(parse(toml), file, CATALOG, section);
}

/** The message of the ConfigError `fn` throws, checked to be a single line. */
function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toMatch(/[\r\n]/);
    return message;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const tomlError = (toml: string, section = '') => configError(() => fromToml(toml, section));

describe('parseConfig: valid settings', () => {
  it('reads every key into its KraitConfig field', () => {
    const config = fromToml(`
select = ["K1", "weak-hash", "B324", "ALL"]
ignore = ["K110", "s307"]
include = ["src/**/*.py"]
exclude = ["migrations/", "**/test_*.py"]
severity = "medium"
confidence = "high"
max-file-size = 1048576
respect-gitignore = false
jobs = 4

[per-file-ignores]
"tests/**" = ["K110", "assert-used"]
"scripts/*.py" = []

[rules.weak-hash]
algorithms = ["md5"]
min-key-bits = 1024.5
strict = true
mode = "calls"

[rules.K101]
`);
    expect(config).toEqual({
      file: resolve('krait.toml'),
      baseDir: process.cwd(),
      select: ['K1', 'weak-hash', 'B324', 'ALL'],
      ignore: ['K110', 's307'],
      include: ['src/**/*.py'],
      exclude: ['migrations/', '**/test_*.py'],
      severity: 'medium',
      confidence: 'high',
      maxFileSize: 1048576,
      respectGitignore: false,
      jobs: 4,
      perFileIgnores: { 'tests/**': ['K110', 'assert-used'], 'scripts/*.py': [] },
      rules: { K301: { algorithms: ['md5'], 'min-key-bits': 1024.5, strict: true, mode: 'calls' }, K101: {} },
    });
  });

  it('gives an empty config only file and baseDir', () => {
    expect(fromToml('')).toEqual({ file: resolve('krait.toml'), baseDir: process.cwd() });
  });

  it('sets file to the absolute path and baseDir to its folder', () => {
    const config = parseConfig({}, 'sub/dir/krait.toml', CATALOG, '');
    expect(config.file).toBe(resolve('sub/dir/krait.toml'));
    expect(config.baseDir).toBe(resolve('sub/dir'));
  });
});

describe('parseConfig: errors name the file, key path and expectation on one line', () => {
  it('unknown key, with a suggestion', () => {
    expect(tomlError('selct = ["K1"]')).toBe('krait.toml: unknown key "selct" (did you mean "select"?)');
  });

  it('unknown key written in snake_case', () => {
    expect(tomlError('max_file_size = 10')).toBe(
      'krait.toml: unknown key "max_file_size" (did you mean "max-file-size"?)',
    );
  });

  it('unknown key with no close match lists the known keys', () => {
    expect(tomlError('frobnicate = 1')).toBe(
      'krait.toml: unknown key "frobnicate" (expected one of confidence, deps, exclude, file-timeout, ignore, include, jobs, ' +
        'max-file-size, per-file-ignores, respect-gitignore, rules, select, severity, strict, taint)',
    );
  });

  it('unknown key in a pyproject section', () => {
    expect(tomlError('selct = ["K1"]', '[tool.krait]')).toBe(
      'pyproject.toml: [tool.krait]: unknown key "selct" (did you mean "select"?)',
    );
  });

  it('a [tool.krait] table inside krait.toml', () => {
    expect(tomlError('[tool.krait]\nselect = ["K1"]')).toBe(
      'krait.toml: unknown key "tool" (this file holds the settings at the top level, without [tool.krait])',
    );
  });

  it('section that is not a table', () => {
    expect(configError(() => parseConfig(3, 'pyproject.toml', CATALOG, '[tool.krait]'))).toBe(
      'pyproject.toml: [tool.krait]: expected a table, got 3',
    );
  });

  it('selector list that is not an array', () => {
    expect(tomlError('select = "K1"')).toBe('krait.toml: select: expected an array of strings, got "K1"');
  });

  it('selector list with a non-string item', () => {
    expect(tomlError('ignore = ["K1", 3]')).toBe('krait.toml: ignore[1]: expected a string, got 3');
  });

  it('unknown rule selector in select', () => {
    expect(tomlError('select = ["K1", "K999"]', '[tool.krait]')).toBe(
      `pyproject.toml: [tool.krait] select[1]: unknown rule selector "K999" ${SELECTOR_EXPECTED}`,
    );
  });

  it('unknown rule selector in select, with a suggestion', () => {
    expect(tomlError('select = ["eval-of-dynamic-cod"]')).toBe(
      'krait.toml: select[0]: unknown rule selector "eval-of-dynamic-cod" (did you mean "eval-of-dynamic-code"?)',
    );
    expect(tomlError('select = ["all"]')).toBe(
      'krait.toml: select[0]: unknown rule selector "all" (did you mean "ALL"?)',
    );
  });

  it('unknown rule selector in ignore', () => {
    expect(tomlError('ignore = ["B999"]')).toBe(
      `krait.toml: ignore[0]: unknown rule selector "B999" ${SELECTOR_EXPECTED}`,
    );
  });

  it('unknown rule selector in per-file-ignores', () => {
    expect(tomlError('[per-file-ignores]\n"tests/**" = ["K101", "K9"]')).toBe(
      `krait.toml: per-file-ignores."tests/**"[1]: unknown rule selector "K9" ${SELECTOR_EXPECTED}`,
    );
  });

  it('per-file-ignores that is not a table', () => {
    expect(tomlError('per-file-ignores = ["tests/**"]')).toBe(
      'krait.toml: per-file-ignores: expected a table of glob = [rule selectors], got an array',
    );
  });

  it('per-file-ignores entry that is not an array', () => {
    expect(tomlError('per-file-ignores = { "tests/**" = "K101" }')).toBe(
      'krait.toml: per-file-ignores."tests/**": expected an array of strings, got "K101"',
    );
  });

  it('per-file-ignores with an empty glob', () => {
    expect(tomlError('per-file-ignores = { "" = ["K101"] }')).toBe(
      'krait.toml: per-file-ignores."": expected a non-empty glob',
    );
  });

  it('glob list that is not an array', () => {
    expect(tomlError('include = 3')).toBe('krait.toml: include: expected an array of strings, got 3');
  });

  it('glob list with an empty glob', () => {
    expect(tomlError('exclude = ["build/", " "]')).toBe('krait.toml: exclude[1]: expected a non-empty glob');
  });

  it('severity outside the enum', () => {
    expect(tomlError('severity = "urgent"')).toBe(
      'krait.toml: severity: expected one of low, medium, high, critical, got "urgent"',
    );
  });

  it('severity of the wrong type', () => {
    expect(tomlError('severity = 3')).toBe('krait.toml: severity: expected one of low, medium, high, critical, got 3');
  });

  it('confidence outside the enum', () => {
    expect(tomlError('confidence = "critical"')).toBe(
      'krait.toml: confidence: expected one of low, medium, high, got "critical"',
    );
  });

  it('max-file-size of the wrong type', () => {
    expect(tomlError('max-file-size = "1MB"')).toBe('krait.toml: max-file-size: expected a positive integer, got "1MB"');
  });

  it('max-file-size that is not an integer', () => {
    expect(tomlError('max-file-size = 1.5')).toBe('krait.toml: max-file-size: expected a positive integer, got 1.5');
  });

  it('respect-gitignore of the wrong type', () => {
    expect(tomlError('respect-gitignore = "yes"')).toBe(
      'krait.toml: respect-gitignore: expected true or false, got "yes"',
    );
  });

  it('jobs of zero', () => {
    expect(tomlError('jobs = 0')).toBe('krait.toml: jobs: expected a positive integer, got 0');
  });

  it('negative jobs', () => {
    expect(tomlError('jobs = -2')).toBe('krait.toml: jobs: expected a positive integer, got -2');
  });

  it('jobs given as a table', () => {
    expect(tomlError('[jobs]\nn = 2')).toBe('krait.toml: jobs: expected a positive integer, got a table');
  });

  it('a date where a string is expected', () => {
    expect(tomlError('severity = 2024-01-01')).toBe(
      'krait.toml: severity: expected one of low, medium, high, critical, got a date',
    );
  });

  it('rules that is not a table', () => {
    expect(tomlError('rules = ["K101"]')).toBe(
      'krait.toml: rules: expected a table of rule id = { options }, got an array',
    );
  });

  it('unknown rule in rules', () => {
    expect(tomlError('[rules.K999]\nx = 1')).toBe('krait.toml: rules.K999: unknown rule "K999" (expected a rule id or name)');
  });

  it('unknown rule in rules, with a suggestion', () => {
    expect(tomlError('[rules.weak-hsh]')).toBe('krait.toml: rules.weak-hsh: unknown rule "weak-hsh" (did you mean "weak-hash"?)');
    expect(tomlError('[rules.k301]')).toBe('krait.toml: rules.k301: unknown rule "k301" (did you mean "K301"?)');
  });

  it('a prefix is not a rule in rules', () => {
    expect(tomlError('[rules.K3]')).toBe('krait.toml: rules.K3: unknown rule "K3" (expected a rule id or name)');
  });

  it('rule options that are not a table', () => {
    expect(tomlError('[rules]\nK301 = 3')).toBe('krait.toml: rules.K301: expected a table of options, got 3');
  });

  it('the same rule given by id and by name', () => {
    expect(tomlError('[rules.K301]\nstrict = true\n[rules.weak-hash]\nstrict = false')).toBe(
      'krait.toml: rules.weak-hash: options for K301 are already given under rules.K301',
    );
  });

  it('unknown option, with a suggestion', () => {
    expect(tomlError('[rules.K301]\nalgoritms = ["md5"]')).toBe(
      'krait.toml: rules.K301: unknown option "algoritms" (did you mean "algorithms"?)',
    );
  });

  it('unknown option with no close match lists the options', () => {
    expect(tomlError('[rules.weak-hash]\ncolour = "red"')).toBe(
      'krait.toml: rules.weak-hash: unknown option "colour" (K301 takes algorithms, min-key-bits, mode, strict)',
    );
  });

  it('option for a rule that takes none', () => {
    expect(tomlError('[rules.K101]\nstrict = true')).toBe(
      'krait.toml: rules.K101: unknown option "strict" (K101 takes no options)',
    );
  });

  it('string[] option of the wrong type', () => {
    expect(tomlError('[rules.K301]\nalgorithms = 3')).toBe(
      'krait.toml: rules.K301.algorithms: expected an array of strings, got 3',
    );
  });

  it('string[] option with a non-string item', () => {
    expect(tomlError('[rules.K301]\nalgorithms = ["md5", 5]')).toBe(
      'krait.toml: rules.K301.algorithms[1]: expected a string, got 5',
    );
  });

  it('number option of the wrong type', () => {
    expect(tomlError('[rules.K301]\nmin-key-bits = "2048"')).toBe(
      'krait.toml: rules.K301.min-key-bits: expected a number, got "2048"',
    );
  });

  it('number option that is not finite', () => {
    expect(tomlError('[rules.K301]\nmin-key-bits = inf')).toBe(
      'krait.toml: rules.K301.min-key-bits: expected a number, got Infinity',
    );
  });

  it('boolean option of the wrong type', () => {
    expect(tomlError('[rules.K301]\nstrict = 1')).toBe('krait.toml: rules.K301.strict: expected true or false, got 1');
  });

  it('string option of the wrong type', () => {
    expect(tomlError('[rules.K301]\nmode = ["a"]')).toBe('krait.toml: rules.K301.mode: expected a string, got an array');
  });

  it('keeps a long or multi-line value on one line', () => {
    const message = tomlError(`severity = """\n${'x'.repeat(100)}\n"""`);
    expect(message).toBe(
      `krait.toml: severity: expected one of low, medium, high, critical, got "${'x'.repeat(60)}"...`,
    );
    expect(tomlError('severity = "a\\nb"')).toBe(
      'krait.toml: severity: expected one of low, medium, high, critical, got "a\\nb"',
    );
  });
});

describe('files on disk', () => {
  let root: string;

  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'krait-config-')));
  });

  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(root, { recursive: true, force: true });
  });

  function write(relativePath: string, text: string): string {
    const file = join(root, relativePath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  }

  function dir(relativePath: string): string {
    const path = join(root, relativePath);
    mkdirSync(path, { recursive: true });
    return path;
  }

  describe('findConfigFile', () => {
    it('finds krait.toml in an ancestor folder', () => {
      const config = write('krait.toml', '');
      expect(findConfigFile(dir('a/b/c'))).toBe(config);
    });

    it('starts from the folder of a file', () => {
      const config = write('proj/krait.toml', '');
      const module = write('proj/pkg/mod.py', 'x = 1\n');
      expect(findConfigFile(module)).toBe(config);
    });

    it('finds a pyproject.toml with [tool.krait]', () => {
      const config = write('pyproject.toml', '[project]\nname = "x"\n\n[tool.krait]\nselect = ["K1"]\n');
      expect(findConfigFile(dir('src'))).toBe(config);
    });

    it('accepts [tool.krait.rules...] and dotted keys as a krait table', () => {
      const nested = write('a/pyproject.toml', '[tool.krait.rules.K301]\nstrict = true\n');
      const dotted = write('b/pyproject.toml', 'tool.krait.jobs = 2\n');
      expect(findConfigFile(join(root, 'a'))).toBe(nested);
      expect(findConfigFile(join(root, 'b'))).toBe(dotted);
    });

    it('skips a pyproject.toml without [tool.krait] and keeps walking up', () => {
      const config = write('pyproject.toml', '[tool.krait]\n');
      write('pkg/pyproject.toml', '[project]\nname = "pkg"\n\n[tool.ruff]\nselect = ["S"]\n');
      expect(findConfigFile(dir('pkg/src'))).toBe(config);
    });

    it('prefers krait.toml over a pyproject.toml with [tool.krait] in the same folder', () => {
      write('pyproject.toml', '[tool.krait]\nselect = ["K1"]\n');
      const config = write('krait.toml', 'select = ["K3"]\n');
      expect(findConfigFile(root)).toBe(config);
    });

    it('prefers the nearest folder whatever the file kind', () => {
      write('krait.toml', '');
      const config = write('inner/pyproject.toml', '[tool.krait]\n');
      expect(findConfigFile(dir('inner/deeper'))).toBe(config);
    });

    it('returns a broken pyproject.toml that shows a [tool.krait] table, so its error is reported', () => {
      const config = write('pyproject.toml', '[tool.krait]\nselect = [\n');
      expect(findConfigFile(root)).toBe(config);
    });

    it('skips a broken pyproject.toml with no sign of krait', () => {
      write('pkg/pyproject.toml', '[project\nname = "x"\n');
      const config = write('krait.toml', '');
      expect(findConfigFile(join(root, 'pkg'))).toBe(config);
    });

    it('ignores a folder named krait.toml', () => {
      dir('pkg/krait.toml');
      const config = write('krait.toml', '');
      expect(findConfigFile(join(root, 'pkg'))).toBe(config);
    });

    it('returns undefined when no folder up to the root has a config', () => {
      write('pyproject.toml', '[project]\nname = "x"\n');
      expect(findConfigFile(dir('a/b'))).toBeUndefined();
    });
  });

  describe('loadConfigFile', () => {
    it('reads krait.toml at the top level', () => {
      const file = write('krait.toml', 'select = ["K1"]\njobs = 2\n');
      expect(loadConfigFile(file, CATALOG)).toEqual({ file, baseDir: root, select: ['K1'], jobs: 2 });
    });

    it('reads the [tool.krait] table of a pyproject.toml and ignores other tools', () => {
      const file = write(
        'pyproject.toml',
        '[project]\nname = "x"\n\n[tool.ruff]\nselect = ["E"]\n\n[tool.krait]\nignore = ["B101"]\n\n' +
          '[tool.krait.rules.weak-hash]\nalgorithms = ["md4"]\n',
      );
      expect(loadConfigFile(file, CATALOG)).toEqual({
        file,
        baseDir: root,
        ignore: ['B101'],
        rules: { K301: { algorithms: ['md4'] } },
      });
    });

    it('reads any other file name (--config) at the top level', () => {
      const file = write('ci/krait-ci.toml', 'severity = "high"\n');
      expect(loadConfigFile(file, CATALOG)).toEqual({ file, baseDir: join(root, 'ci'), severity: 'high' });
    });

    it('resolves a relative path against the working directory', () => {
      write('krait.toml', 'jobs = 3\n');
      vi.spyOn(process, 'cwd').mockReturnValue(root);
      expect(loadConfigFile('krait.toml', CATALOG)).toEqual({ file: join(root, 'krait.toml'), baseDir: root, jobs: 3 });
    });

    it('names the file relative to the working directory when under it', () => {
      write('sub/krait.toml', 'jobs = 0\n');
      vi.spyOn(process, 'cwd').mockReturnValue(root);
      expect(configError(() => loadConfigFile(join(root, 'sub/krait.toml'), CATALOG))).toBe(
        'sub/krait.toml: jobs: expected a positive integer, got 0',
      );
    });

    it('bad TOML syntax: one line with the file, line and column', () => {
      const file = write('krait.toml', 'jobs = 2\nselect = [\n"K1",\nseverity = "high"\n');
      expect(configError(() => loadConfigFile(file, CATALOG))).toBe(`${file}:4:1: invalid TOML: invalid value`);
    });

    it('bad TOML syntax in a pyproject.toml', () => {
      const file = write('pyproject.toml', '[tool.krait]\nselect = ["K1"\n');
      vi.spyOn(process, 'cwd').mockReturnValue(root);
      expect(configError(() => loadConfigFile(file, CATALOG))).toMatch(/^pyproject\.toml:\d+:\d+: invalid TOML: \S/);
    });

    it('a key that would touch Object.prototype is a TOML error', () => {
      const file = write('krait.toml', '__proto__ = 1\n');
      vi.spyOn(process, 'cwd').mockReturnValue(root);
      expect(configError(() => loadConfigFile(file, CATALOG))).toBe(
        'krait.toml:1:1: invalid TOML: document contains an unsafe property',
      );
    });

    it('a missing file', () => {
      vi.spyOn(process, 'cwd').mockReturnValue(root);
      expect(configError(() => loadConfigFile(join(root, 'krait.toml'), CATALOG))).toBe(
        'krait.toml: cannot read config file (no such file)',
      );
    });

    it('a folder instead of a file', () => {
      dir('krait.toml');
      vi.spyOn(process, 'cwd').mockReturnValue(root);
      expect(configError(() => loadConfigFile(join(root, 'krait.toml'), CATALOG))).toBe(
        'krait.toml: cannot read config file (it is a directory)',
      );
    });

    it('a pyproject.toml without [tool.krait]', () => {
      const file = write('pyproject.toml', '[project]\nname = "x"\n');
      vi.spyOn(process, 'cwd').mockReturnValue(root);
      expect(configError(() => loadConfigFile(file, CATALOG))).toBe('pyproject.toml: no [tool.krait] table');
    });

    it('a [tool.krait] that is not a table', () => {
      const file = write('pyproject.toml', '[tool]\nkrait = "yes"\n');
      vi.spyOn(process, 'cwd').mockReturnValue(root);
      expect(configError(() => loadConfigFile(file, CATALOG))).toBe(
        'pyproject.toml: [tool.krait]: expected a table, got "yes"',
      );
    });

    it('a validation error in a pyproject.toml names the section', () => {
      const file = write('pyproject.toml', '[tool.krait]\nselect = ["K1", "K999"]\n');
      vi.spyOn(process, 'cwd').mockReturnValue(root);
      expect(configError(() => loadConfigFile(file, CATALOG))).toBe(
        `pyproject.toml: [tool.krait] select[1]: unknown rule selector "K999" ${SELECTOR_EXPECTED}`,
      );
    });
  });
});
