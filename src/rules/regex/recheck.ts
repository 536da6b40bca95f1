import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Diagnostics, Parameters } from 'recheck';

/**
 * The ReDoS checker, `recheck`, used through its pure-JavaScript backend only: in-process and synchronous, with no
 * worker thread, native binary or Java process. The 3 MB module is loaded on the first pattern worth checking.
 */

export interface Verdict {
  status: 'vulnerable' | 'safe' | 'unknown';
  complexity?: 'exponential' | 'polynomial';
  degree?: number;
  /** recheck's description of the attack string (`'a' + 'a'.repeat(31) + '\x00'`). */
  attack?: string;
  /** The attack string itself, to check it is a valid subject (bytes patterns see only \x00-\xff). */
  attackString?: string;
  checker?: 'automaton' | 'fuzz';
  error?: string;
}

type CheckSync = (source: string, flags: string, params?: Parameters) => Diagnostics;

let checkSync: CheckSync | null | undefined;

/**
 * The build bundles recheck into dist/vendor (see scripts/post-build.mjs), so an installed krait carries no
 * native binary or JVM jar: found beside the bundle (dist/bundle) or the compiled tree (dist/rules/regex). Run
 * from the sources (tests), the development dependency is used.
 */
function requireRecheck(): unknown {
  const require = createRequire(import.meta.url);
  for (const candidate of ['../vendor/recheck.cjs', '../../vendor/recheck.cjs']) {
    const file = new URL(candidate, import.meta.url);
    if (file.protocol === 'file:' && existsSync(file)) return require(fileURLToPath(file));
  }
  return require('recheck');
}

function load(): CheckSync | null {
  if (checkSync === undefined) {
    try {
      const fn = (requireRecheck() as { checkSync: CheckSync }).checkSync;
      // The first analysis in a thread runs cold (the checker is 3 MB of compiled Scala); warming it up on a
      // tiny pattern with a Unicode property class keeps that cost out of the first real pattern's time budget.
      run(fn, '^([\\p{L}_]|\\s)*$', 'u', { checker: 'automaton', timeout: 10_000 });
      checkSync = fn;
    } catch {
      checkSync = null;
    }
  }
  return checkSync;
}

/** recheck picks its synchronous backend from this variable at each call; `pure` runs in this thread. */
const BACKEND_VARIABLE = 'RECHECK_SYNC_BACKEND';

function run(fn: CheckSync, source: string, flags: string, params: Parameters): Diagnostics {
  const saved = process.env[BACKEND_VARIABLE];
  process.env[BACKEND_VARIABLE] = 'pure';
  try {
    return fn(source, flags, params);
  } finally {
    if (saved === undefined) delete process.env[BACKEND_VARIABLE];
    else process.env[BACKEND_VARIABLE] = saved;
  }
}

function verdictOf(d: Diagnostics): Verdict {
  if (d.status === 'vulnerable') {
    const c = d.complexity;
    return {
      status: 'vulnerable',
      complexity: c.type,
      degree: c.type === 'polynomial' ? c.degree : undefined,
      attack: d.attack.pattern,
      attackString: d.attack.string,
      checker: d.checker,
    };
  }
  if (d.status === 'safe') return { status: 'safe', checker: d.checker };
  return { status: 'unknown', checker: d.checker, error: d.error.kind };
}

const cache = new Map<string, Verdict>();

/**
 * Checks a JavaScript pattern: with the automaton checker first (exact, fast, but without look-arounds and
 * back-references), then with the fuzzer for what the automaton does not support. The fuzzer's own limits are
 * counts, not times, so its verdict does not depend on the machine's load; only `timeoutMs` does, and a timeout
 * gives no verdict. Verdicts are cached by pattern and flags.
 */
export function checkPattern(source: string, flags: string, timeoutMs: number, allowFuzzing = true): Verdict {
  const key = `${flags}/${timeoutMs}/${allowFuzzing}/${source}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const fn = load();
  let verdict: Verdict;
  if (!fn) {
    verdict = { status: 'unknown', error: 'recheck is not installed' };
  } else {
    try {
      verdict = verdictOf(run(fn, source, flags, { checker: 'automaton', timeout: timeoutMs }));
      if (allowFuzzing && verdict.status === 'unknown' && verdict.error === 'unsupported') {
        verdict = verdictOf(
          run(fn, source, flags, {
            checker: 'fuzz',
            timeout: timeoutMs,
            randomSeed: 0,
            attackTimeout: null,
            incubationTimeout: null,
            seedingTimeout: null,
            recallTimeout: -1,
          }),
        );
      }
    } catch (err) {
      verdict = { status: 'unknown', error: err instanceof Error ? err.message : String(err) };
    }
  }
  cache.set(key, verdict);
  return verdict;
}
