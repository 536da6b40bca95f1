import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { ConfigError } from '../errors.js';
import { CONFIDENCES, SEVERITIES } from '../findings/types.js';
import { closestMatch, isKnownSelector, suggestSelector } from '../rules/selectors.js';
import type { RuleMeta, RuleOptionSpec, RuleOptions } from '../rules/types.js';
import { taintSection } from './taint.js';
import type { DepsConfig, KraitConfig } from './types.js';

/** What the validator needs to know about the rules: which exist, and the options each one takes. */
export interface RuleCatalog {
  metas: readonly RuleMeta[];
  /** Keyed by rule id; a rule absent from the map takes no options. */
  options: ReadonlyMap<string, Record<string, RuleOptionSpec>>;
}

const KRAIT_TOML = 'krait.toml';
const PYPROJECT = 'pyproject.toml';
const PYPROJECT_SECTION = '[tool.krait]';

/**
 * The config file that applies to `startDir` (or to a file's folder): the nearest folder holding a
 * `krait.toml`, or a `pyproject.toml` with a `[tool.krait]` table. In one folder `krait.toml` wins, as
 * `ruff.toml` does over `pyproject.toml`. A pyproject without the table belongs to some other tool's project
 * layout, so the walk goes on upward past it.
 */
export function findConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  if (isFile(dir)) dir = dirname(dir);
  for (;;) {
    const kraitToml = join(dir, KRAIT_TOML);
    if (isFile(kraitToml)) return kraitToml;
    const pyproject = join(dir, PYPROJECT);
    if (isFile(pyproject) && hasKraitTable(pyproject)) return pyproject;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Reads and validates a config file. A file named `pyproject.toml` is read from its `[tool.krait]` table;
 * any other file (`krait.toml`, or a file passed with `--config`) holds the settings at its top level.
 */
export function loadConfigFile(file: string, catalog: RuleCatalog): KraitConfig {
  const shown = displayPath(file);
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new ConfigError(`${shown}: cannot read config file (${ioReason(error)})`);
  }
  let data: Record<string, unknown>;
  try {
    data = parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // smol-toml's message carries a multi-line code frame; the CLI contract is one line per error.
    const first = error.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    throw new ConfigError(`${shown}:${error.line}:${error.column}: invalid TOML: ${first}`);
  }
  if (basename(file) !== PYPROJECT) return parseConfig(data, file, catalog, '');
  const tool = data.tool;
  if (!isTable(tool) || !Object.hasOwn(tool, 'krait')) {
    throw new ConfigError(`${shown}: no ${PYPROJECT_SECTION} table`);
  }
  return parseConfig(tool.krait, file, catalog, PYPROJECT_SECTION);
}

/**
 * Validates parsed TOML (`data` is the table holding the settings) into a KraitConfig. `section` prefixes
 * key paths in errors (`[tool.krait]` for a pyproject, empty for a krait.toml). Throws a one-line
 * ConfigError at the first problem.
 */
export function parseConfig(data: unknown, file: string, catalog: RuleCatalog, section: string): KraitConfig {
  const absolute = resolve(file);
  const shown = displayPath(file);
  const ctx: Context = {
    catalog,
    baseDir: dirname(absolute),
    topLevelFile: section === '',
    error(at, message) {
      const where = [section, formatPath(at)].filter((part) => part !== '').join(' ');
      return new ConfigError(where === '' ? `${shown}: ${message}` : `${shown}: ${where}: ${message}`);
    },
  };
  const config = topLevel(data, [], ctx);
  config.file = absolute;
  config.baseDir = dirname(absolute);
  return config;
}

// ---------------------------------------------------------------------------------------------------------
// Validators. Each takes the raw value and its key path, and returns the typed value or throws ctx.error.

type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface Context {
  catalog: RuleCatalog;
  /** The config file's folder: relative paths in settings are resolved against it. */
  baseDir: string;
  /** The settings are the whole file (krait.toml), so a stray `[tool.krait]` there deserves a hint. */
  topLevelFile: boolean;
  error(at: Path, message: string): ConfigError;
}

export type Validator<T> = (value: unknown, at: Path, ctx: Context) => T;

interface Field<T> {
  field: keyof T;
  validate: Validator<T[keyof T]>;
}

/** Binds a TOML key to a field of T, checking that the validator produces that field's type. */
function fieldOf<T>() {
  return <K extends keyof T>(field: K, validate: Validator<Exclude<T[K], undefined>>): Field<T> =>
    ({ field, validate }) as Field<T>;
}

/**
 * A validator for a table with a fixed set of keys. Nested sections (`[tool.krait.taint]` and the like)
 * are built the same way and plugged in as one more key.
 */
function section<T extends object>(keys: Readonly<Record<string, Field<T>>>): Validator<T> {
  const known = Object.keys(keys);
  return (value, at, ctx) => {
    const table = expectTable(value, at, ctx, 'a table');
    const out = {} as T;
    for (const [key, raw] of Object.entries(table)) {
      const spec = Object.hasOwn(keys, key) ? keys[key] : undefined;
      if (spec === undefined) throw ctx.error(at, unknownKeyMessage(key, known, at, ctx));
      out[spec.field] = spec.validate(raw, [...at, key], ctx);
    }
    return out;
  };
}

function unknownKeyMessage(key: string, known: readonly string[], at: Path, ctx: Context): string {
  if (at.length === 0 && ctx.topLevelFile && key === 'tool') {
    return `unknown key "tool" (this file holds the settings at the top level, without [tool.krait])`;
  }
  const guess = closestMatch(key, known);
  if (guess !== undefined) return `unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(guess)}?)`;
  return `unknown key ${JSON.stringify(key)} (expected one of ${[...known].sort().join(', ')})`;
}

const stringArray: Validator<string[]> = (value, at, ctx) => {
  if (!Array.isArray(value)) throw ctx.error(at, `expected an array of strings, got ${describe(value)}`);
  return value.map((item, i) => {
    if (typeof item !== 'string') throw ctx.error([...at, i], `expected a string, got ${describe(item)}`);
    return item;
  });
};

const selectorList: Validator<string[]> = (value, at, ctx) => {
  const selectors = stringArray(value, at, ctx);
  selectors.forEach((selector, i) => {
    if (isKnownSelector(selector, ctx.catalog.metas)) return;
    const guess = suggestSelector(selector, ctx.catalog.metas);
    const hint =
      guess !== undefined
        ? `did you mean ${JSON.stringify(guess)}?`
        : 'expected a rule id, prefix, name, Bandit/Ruff id or ALL';
    throw ctx.error([...at, i], `unknown rule selector ${JSON.stringify(selector)} (${hint})`);
  });
  return selectors;
};

const globList: Validator<string[]> = (value, at, ctx) => {
  const globs = stringArray(value, at, ctx);
  globs.forEach((glob, i) => {
    // An empty glob matches nothing, which is never what was meant.
    if (glob.trim() === '') throw ctx.error([...at, i], 'expected a non-empty glob');
  });
  return globs;
};

function oneOf<T extends string>(choices: readonly T[]): Validator<T> {
  return (value, at, ctx) => {
    if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
    throw ctx.error(at, `expected one of ${choices.join(', ')}, got ${describe(value)}`);
  };
}

const positiveInteger: Validator<number> = (value, at, ctx) => {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw ctx.error(at, `expected a positive integer, got ${describe(value)}`);
};

const boolean: Validator<boolean> = (value, at, ctx) => {
  if (typeof value === 'boolean') return value;
  throw ctx.error(at, `expected true or false, got ${describe(value)}`);
};

const perFileIgnores: Validator<Record<string, string[]>> = (value, at, ctx) => {
  const table = expectTable(value, at, ctx, 'a table of glob = [rule selectors]');
  const out: Record<string, string[]> = {};
  for (const [glob, selectors] of Object.entries(table)) {
    if (glob.trim() === '') throw ctx.error([...at, glob], 'expected a non-empty glob');
    out[glob] = selectorList(selectors, [...at, glob], ctx);
  }
  return out;
};

const ruleOptions: Validator<Record<string, RuleOptions>> = (value, at, ctx) => {
  const table = expectTable(value, at, ctx, 'a table of rule id = { options }');
  const out: Record<string, RuleOptions> = {};
  const writtenAs = new Map<string, string>();
  for (const [key, raw] of Object.entries(table)) {
    const where = [...at, key];
    const meta = ctx.catalog.metas.find((m) => m.id === key || m.name === key);
    if (meta === undefined) throw ctx.error(where, unknownRuleMessage(key, ctx));
    const earlier = writtenAs.get(meta.id);
    if (earlier !== undefined) {
      throw ctx.error(where, `options for ${meta.id} are already given under ${formatPath([...at, earlier])}`);
    }
    writtenAs.set(meta.id, key);
    const options = expectTable(raw, where, ctx, 'a table of options');
    const specs = ctx.catalog.options.get(meta.id) ?? {};
    const result: RuleOptions = {};
    for (const [name, optionValue] of Object.entries(options)) {
      const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
      if (spec === undefined) throw ctx.error(where, unknownOptionMessage(name, meta.id, Object.keys(specs)));
      result[name] = ruleOptionValue(spec, optionValue, [...where, name], ctx);
    }
    out[meta.id] = result;
  }
  return out;
};

function unknownRuleMessage(key: string, ctx: Context): string {
  const { metas } = ctx.catalog;
  const guess = metas.some((m) => m.id === key.toUpperCase())
    ? key.toUpperCase()
    : closestMatch(
        key,
        metas.map((m) => m.name),
      );
  const hint = guess !== undefined ? `did you mean ${JSON.stringify(guess)}?` : 'expected a rule id or name';
  return `unknown rule ${JSON.stringify(key)} (${hint})`;
}

function unknownOptionMessage(name: string, ruleId: string, known: string[]): string {
  const quoted = JSON.stringify(name);
  if (known.length === 0) return `unknown option ${quoted} (${ruleId} takes no options)`;
  const guess = closestMatch(name, known);
  if (guess !== undefined) return `unknown option ${quoted} (did you mean ${JSON.stringify(guess)}?)`;
  return `unknown option ${quoted} (${ruleId} takes ${[...known].sort().join(', ')})`;
}

function ruleOptionValue(spec: RuleOptionSpec, value: unknown, at: Path, ctx: Context): RuleOptions[string] {
  switch (spec.type) {
    case 'string':
      if (typeof value === 'string') return value;
      throw ctx.error(at, `expected a string, got ${describe(value)}`);
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw ctx.error(at, `expected a number, got ${describe(value)}`);
    case 'boolean':
      return boolean(value, at, ctx);
    case 'string[]':
      return stringArray(value, at, ctx);
  }
}

/** A path in the config, resolved against the config file's folder so it means the same from any cwd. */
function pathSetting(): Validator<string> {
  return (value, at, ctx) => {
    if (typeof value !== 'string' || value.trim() === '') throw ctx.error(at, `expected a path, got ${describe(value)}`);
    return resolve(ctx.baseDir, value);
  };
}

/** Folders, each resolved against the config file's folder. */
const pathList: Validator<string[]> = (value, at, ctx) => stringArray(value, at, ctx).map((p, i) => pathSetting()(p, [...at, i], ctx));

const ADVISORY_ID = /^[A-Za-z][A-Za-z0-9_]*-[A-Za-z0-9._:-]+$/;

const depsIgnore: Validator<NonNullable<DepsConfig['ignore']>> = (value, at, ctx) => {
  if (!Array.isArray(value)) throw ctx.error(at, `expected an array of { id, reason, expires } tables, got ${describe(value)}`);
  return value.map((item, i) => {
    const where = [...at, i];
    const table = expectTable(item, where, ctx, 'a table { id, reason, expires }');
    for (const key of Object.keys(table)) {
      if (!['id', 'reason', 'expires'].includes(key)) throw ctx.error(where, unknownKeyMessage(key, ['id', 'reason', 'expires'], where, ctx));
    }
    const { id, reason, expires } = table;
    if (typeof id !== 'string' || !ADVISORY_ID.test(id)) {
      throw ctx.error([...where, 'id'], `expected an advisory id or alias like "GHSA-xxxx-xxxx-xxxx", "PYSEC-2021-1" or "CVE-2021-1234", got ${describe(id)}`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') throw ctx.error([...where, 'reason'], 'every ignore entry needs a reason (a non-empty string)');
    let day: string | undefined;
    if (expires !== undefined) {
      const text = expires instanceof Date ? expires.toISOString().slice(0, 10) : expires;
      if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) {
        throw ctx.error([...where, 'expires'], `expected a date (YYYY-MM-DD), got ${describe(expires)}`);
      }
      day = text;
    }
    return { id, reason, ...(day ? { expires: day } : {}) };
  });
};

const depsField = fieldOf<DepsConfig>();
const depsSection = section<DepsConfig>({
  enabled: depsField('enabled', boolean),
  online: depsField('online', boolean),
  'osv-db': depsField('osvDb', pathSetting()),
  'cache-dir': depsField('cacheDir', pathSetting()),
  'cache-ttl': depsField('cacheTtl', positiveInteger),
  timeout: depsField('timeout', positiveInteger),
  ignore: depsField('ignore', depsIgnore),
});

const field = fieldOf<KraitConfig>();

/** Every key krait reads, in its TOML spelling. Adding a setting is one line here (and one in KraitConfig). */
const TOP_LEVEL_KEYS: Readonly<Record<string, Field<KraitConfig>>> = {
  select: field('select', selectorList),
  ignore: field('ignore', selectorList),
  include: field('include', globList),
  exclude: field('exclude', globList),
  severity: field('severity', oneOf(SEVERITIES)),
  confidence: field('confidence', oneOf(CONFIDENCES)),
  'per-file-ignores': field('perFileIgnores', perFileIgnores),
  rules: field('rules', ruleOptions),
  'max-file-size': field('maxFileSize', positiveInteger),
  'respect-gitignore': field('respectGitignore', boolean),
  jobs: field('jobs', positiveInteger),
  strict: field('strict', boolean),
  'file-timeout': field('fileTimeout', positiveInteger),
  baseline: field('baseline', pathSetting()),
  deps: field('deps', depsSection),
  taint: field('taint', taintSection),
  'source-roots': field('sourceRoots', pathList),
};

const topLevel = section(TOP_LEVEL_KEYS);

// ---------------------------------------------------------------------------------------------------------
// Helpers.

export function expectTable(value: unknown, at: Path, ctx: Context, expected: string): Record<string, unknown> {
  if (isTable(value)) return value;
  throw ctx.error(at, `expected ${expected}, got ${describe(value)}`);
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A value as it would read in the TOML, short enough to keep the error on one screen line. */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}...` : JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (isTable(value)) return 'a table';
  return String(value);
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** `rules.K301.algorithms[1]`, `per-file-ignores."tests/**"[0]`: the key path as a TOML user would write it. */
function formatPath(at: Path): string {
  let out = '';
  for (const segment of at) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = BARE_KEY.test(segment) ? segment : JSON.stringify(segment);
      out += out === '' ? key : `.${key}`;
    }
  }
  return out;
}

/** Relative to the working directory when the file is under it, as users type paths; absolute otherwise. */
function displayPath(file: string): string {
  const absolute = resolve(file);
  const rel = relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

function parseToml(text: string): Record<string, unknown> {
  // `__proto__` or `constructor` as a key is never a real setting and would poison plain-object lookups.
  return parse(text, { unsafeKeyBehaviour: 'throw' });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether a pyproject.toml has a `[tool.krait]` table. A pyproject that does not parse still counts when
 * its text shows the table, so the syntax error is reported instead of the settings being silently
 * ignored; one without any sign of krait is skipped, since its breakage is another tool's business.
 */
function hasKraitTable(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  try {
    const tool = parseToml(text).tool;
    return isTable(tool) && Object.hasOwn(tool, 'krait');
  } catch {
    return /^\s*\[\s*tool\s*\.\s*krait\s*[\].]|^\s*tool\s*\.\s*krait\s*[.=]/m.test(text);
  }
}

function ioReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return code ?? String((error as Error).message ?? error).split('\n')[0];
  }
}
