import type { PendingFinding } from '../access/types.js';
import type { Node } from 'web-tree-sitter';
import { findSuppression, type SuppressionMap } from '../findings/suppressions.js';
import type { Finding, Location, Notice } from '../findings/types.js';
import type { Rule, RuleMeta } from '../rules/types.js';
import { moduleNameFor, type ModuleModel } from '../semantics/module.js';
import { enclosingStatement, statementHeaderRows } from '../syntax/nodes.js';
import { extractTaintFacts, type LocalContext } from './local.js';
import { isTestPath } from '../semantics/test-code.js';
import { PATTERN_OVERLAP } from './models/rules.js';
import { solveTaint } from './solve.js';
import { canonicalizeFacts } from './canonical.js';
import { ModuleIndex } from '../workspace/modules.js';
import { buildSpec, type TaintConfig } from './spec.js';
import type { ModuleFacts } from './types.js';

/** What the taint engine needs in each worker: plain data. */
export interface TaintSetup {
  config?: TaintConfig;
  /** Module names of every file in the scan; absent for a single-file analysis (tests, docs examples). */
  projectModules?: string[];
  /** The dotted source-root prefix of each of projectModules (see workspace/modules.ts). */
  moduleRoots?: string[];
  /** Files a web request can reach (fully analysed); absent means every file. See reach.ts. */
  webFiles?: string[];
  /** Handlers named by `operationId` in the project's OpenAPI specifications (see openapi.ts). */
  operations?: string[];
}

/** Syntax nodes one function's analysis may visit; generated functions of many thousand lines stop here. */
export const FUNCTION_BUDGET = 60_000;

const projectIndexes = new WeakMap<string[], Set<string>>();
const moduleIndexes = new WeakMap<string[], ModuleIndex>();

function moduleIndex(modules: string[], roots: string[]): ModuleIndex {
  let index = moduleIndexes.get(roots);
  if (!index) {
    index = new ModuleIndex(modules, roots);
    moduleIndexes.set(roots, index);
  }
  return index;
}
const webSets = new WeakMap<string[], Set<string>>();

function webSet(files: string[]): Set<string> {
  let set = webSets.get(files);
  if (!set) {
    set = new Set(files);
    webSets.set(files, set);
  }
  return set;
}

/** Every dotted suffix of every project module: `pkg.app.views` → `pkg.app.views`, `app.views`, `views`. */
function projectIndex(modules: string[]): Set<string> {
  let index = projectIndexes.get(modules);
  if (!index) {
    index = new Set();
    for (const m of modules) {
      const parts = m.split('.');
      for (let i = 0; i < parts.length; i++) index.add(parts.slice(i).join('.'));
    }
    projectIndexes.set(modules, index);
  }
  return index;
}

const testers = new WeakMap<string[], (q: string) => boolean>();

/** A qualified name may live in the project when one of its module prefixes ends like a project module. */
export function projectTester(modules: string[]): (q: string) => boolean {
  let tester = testers.get(modules);
  if (!tester) {
    tester = makeTester(modules);
    testers.set(modules, tester);
  }
  return tester;
}

function makeTester(modules: string[]): (q: string) => boolean {
  const index = projectIndex(modules);
  const cache = new Map<string, boolean>();
  return (q) => {
    const hit = cache.get(q);
    if (hit !== undefined) return hit;
    const parts = q.split('.');
    let found = false;
    for (let end = parts.length - 1; end >= 1 && !found; end--) {
      for (let start = 0; start < end; start++) {
        if (index.has(parts.slice(start, end).join('.'))) {
          found = true;
          break;
        }
      }
    }
    cache.set(q, found);
    return found;
  };
}

export function isTaintRule(rule: Rule): boolean {
  return rule.taint === true;
}

/**
 * How much of a module the taint walk visits: all of it where a request can reach (or everywhere, without the
 * pre-pass), its process-input flows elsewhere, and nothing in test code no request reaches. A test's process
 * inputs are its own fixtures and command line (`exec(open(case).read())` in a compiler test): flows from them are
 * noise, and walking them was a third of the taint time on the CPython standard library.
 */
function modeOf(relPath: string, setup: TaintSetup): LocalContext['mode'] {
  if (!setup.webFiles || webSet(setup.webFiles).has(relPath)) return 'full';
  return isTestPath(relPath) ? 'none' : 'process';
}

/** Facts of one parsed module, in the worker. */
export function moduleTaintFacts(
  model: ModuleModel,
  rules: readonly Rule[],
  setup: TaintSetup,
  suppressions: SuppressionMap,
  locate: (node: Node) => Location,
  expired?: () => boolean,
): ModuleFacts {
  const spec = buildSpec(setup.config);
  const modules = setup.projectModules ?? [moduleNameFor(model.relPath)];
  const byId = new Map(rules.map((r) => [r.meta.id, r]));
  const facts = extractTaintFacts(model, {
    spec,
    isProject: projectTester(modules),
    location: locate,
    budget: FUNCTION_BUDGET,
    ...(expired ? { expired } : {}),
    mode: modeOf(model.relPath, setup),
    ...(setup.operations ? { operations: webSet(setup.operations) } : {}),
    suppression(node, ruleId) {
      if (suppressions.size === 0) return undefined;
      const rule = byId.get(ruleId);
      if (!rule) return undefined;
      const [from, to] = statementHeaderRows(enclosingStatement(node));
      const sources = [...(rule.meta.sources.bandit ?? []), ...(rule.meta.sources.ruff ?? [])];
      return findSuppression(suppressions, from + 1, Math.max(to + 1, node.endPosition.row + 1), rule.meta.id, rule.meta.name, sources);
    },
  });
  if (setup.projectModules && setup.moduleRoots) canonicalizeFacts(facts, moduleNameFor(model.relPath), moduleIndex(setup.projectModules, setup.moduleRoots));
  return facts;
}

/**
 * Whether a set of `line:rule` keys holds for a pattern finding: at its own line, or (`every`/`some`) at the
 * sink calls it names (ReportInput.sinkLines: a parser made on one line and used on others).
 */
function holdsAt(f: PendingFinding, rule: string, keys: Set<string> | undefined, quantifier: 'every' | 'some'): boolean {
  if (!keys) return false;
  if (keys.has(`${f.location.startLine}:${rule}`)) return true;
  const lines = f.sinkLines;
  if (!lines || lines.length === 0) return false;
  return quantifier === 'every' ? lines.every((l) => keys.has(`${l}:${rule}`)) : lines.some((l) => keys.has(`${l}:${rule}`));
}

/**
 * A pattern finding on a sink call the taint analysis followed and found no untrusted input in: not constant, but
 * not from a request either, so low confidence, and the message says why.
 */
function provedClean(findings: PendingFinding[], checked: Set<string>, covered: Set<string> | undefined): void {
  for (const f of findings) {
    const over = PATTERN_OVERLAP[f.ruleId];
    if (!over || !holdsAt(f, over, checked, 'every') || holdsAt(f, over, covered, 'some')) continue;
    f.confidence = 'low';
    f.message += ` (low confidence: the taint analysis followed this call in code that web requests reach and found no untrusted input in it)`;
  }
}

/**
 * Solves the project's taint facts and merges the findings into each file's list; a pattern finding on the
 * same line as a taint finding for the same sink is dropped (the taint one has the trace).
 */
export function mergeTaint(
  files: { relPath: string; findings: Finding[]; taint?: ModuleFacts }[],
  rules: readonly Rule[],
): Notice[] {
  const metas = new Map<string, RuleMeta>();
  for (const r of rules) if (isTaintRule(r)) metas.set(r.meta.id, r.meta);
  if (metas.size === 0) {
    for (const file of files) for (const f of file.findings as PendingFinding[]) delete f.sinkLines;
    return [];
  }
  const facts = files.flatMap((f) => (f.taint ? [f.taint] : []));
  const { findings, notices } = solveTaint(facts, { rules: metas });
  const byPath = new Map<string, Finding[]>();
  // Lines of each file a taint finding's trace passes through, by taint rule: a pattern rule reporting the
  // same flow there (SQL built on one line, run on the next) is the same problem, already explained.
  const covered = new Map<string, Set<string>>();
  const cover = (file: string, line: number, rule: string) => {
    let set = covered.get(file);
    if (!set) {
      set = new Set();
      covered.set(file, set);
    }
    set.add(`${line}:${rule}`);
  };
  for (const f of findings) {
    for (const step of f.trace ?? []) cover(step.location.path, step.location.startLine, f.ruleId);
    // Every line of the sink call: a pattern rule may report a call spread over lines at one of its arguments.
    for (let line = f.location.startLine; line <= f.location.endLine && line < f.location.startLine + 50; line++) cover(f.location.path, line, f.ruleId);
  }
  for (const f of findings) {
    const list = byPath.get(f.location.path);
    if (list) list.push(f);
    else byPath.set(f.location.path, [f]);
  }
  for (const file of files) {
    const checked = file.taint?.checked;
    const constant = file.taint?.constantSinks;
    delete file.taint;
    const pending = file.findings as PendingFinding[];
    if (constant) {
      // A pattern rule's "not constant" argument that the dataflow proves constant is no finding.
      const keys = new Set(constant);
      file.findings = pending.filter((f) => !(PATTERN_OVERLAP[f.ruleId] && holdsAt(f, PATTERN_OVERLAP[f.ruleId], keys, 'every')));
    }
    if (checked) provedClean(file.findings, new Set(checked), covered.get(file.relPath));
    const lines = covered.get(file.relPath);
    if (lines) {
      file.findings = (file.findings as PendingFinding[]).filter((f) => {
        const over = PATTERN_OVERLAP[f.ruleId];
        return !(over && holdsAt(f, over, lines, 'some'));
      });
    }
    for (const f of file.findings as PendingFinding[]) delete f.sinkLines;
    if (!lines) continue;
    file.findings.push(...(byPath.get(file.relPath) ?? []));
    file.findings.sort((a, b) => a.location.startLine - b.location.startLine || a.location.startColumn - b.location.startColumn || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  }
  return notices;
}
