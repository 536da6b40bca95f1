import type { Node, Tree } from 'web-tree-sitter';
import { fingerprint } from '../findings/fingerprint.js';
import { codePointColumn, snippetOf } from '../findings/snippet.js';
import { dropSuperseded } from '../findings/overlap.js';
import { collectSuppressions, findSuppression, mayHaveSuppressions, type SuppressionMap } from '../findings/suppressions.js';
import type { Confidence, Finding, Fix, Location, Notice } from '../findings/types.js';
import { fixFor } from '../fixes/registry.js';
import type { ReportInput, Rule, RuleContext, RuleOptions } from '../rules/types.js';
import type { ConfigFormat } from '../secrets/config.js';
import { lineOf, lineStartsOf, type TextSpan } from '../secrets/detect.js';
import { dropShadowedSecrets, maskSpans, redactMessage } from '../secrets/redact.js';
import { pythonSecrets } from '../secrets/python.js';
import { ModuleModel } from '../semantics/module.js';
import { isTestPath } from '../semantics/test-code.js';
import { HintScanner } from './hints.js';
import { enclosingStatement, statementHeaderRows } from '../syntax/nodes.js';
import { parsePython } from '../syntax/parser.js';
import { isTaintRule, mergeTaint, moduleTaintFacts, type TaintSetup } from '../dataflow/engine.js';
import type { ModuleFacts } from '../dataflow/types.js';
import { moduleAppFacts } from '../access/facts.js';
import { isAccessRule, mergeApp } from '../access/merge.js';
import type { ModuleAppFacts, PendingFinding } from '../access/types.js';

export interface FileTask {
  absPath: string;
  relPath: string;
  /** Set for a configuration file: read by the secret rules only, as text. */
  config?: ConfigFormat;
  /** The module's dotted name within its source root, when it is not the path's (workspace/modules.ts). */
  module?: string;
}

export interface FileResult {
  relPath: string;
  /** False when the file was skipped (unreadable, binary, too large): a notice says why. */
  analysed: boolean;
  lines: number;
  findings: Finding[];
  notices: Notice[];
  /** True for a configuration file (counted apart in the summary). */
  config?: boolean;
  /** Taint facts for the project-wide solve (project scans only; a single-file analysis solves at once). */
  taint?: ModuleFacts;
  /** This module's share of the application facts the access rules need (project scans only; see src/access). */
  app?: ModuleAppFacts;
}

export interface AnalyzerSetup {
  rules: readonly Rule[];
  ruleOptions: ReadonlyMap<string, RuleOptions>;
  maxFileSize: number;
  /** Taint settings; without `projectModules` the file is solved on its own. */
  taint?: TaintSetup;
  /** Milliseconds of analysis a file may take (`--file-timeout`); past it, what was found so far is kept. */
  fileTimeoutMs?: number;
  /** The clock the time budget reads (tests pass their own); `performance.now` by default. */
  clock?: () => number;
  /**
   * Set while the taint settings are still being prepared on the main thread (a worker starts parsing before the
   * pre-pass ends): the taint step of a file waits for it; the parse, the model and the rules do not.
   */
  taintReady?: Promise<void>;
  /** Set by a project scan: application facts are merged across files there, not file by file. */
  project?: boolean;
}

const SNIPPET_MAX_LINES = 5;

export function nodeLocation(node: Node, relPath: string, lines: readonly string[]): Location {
  const s = node.startPosition;
  const e = node.endPosition;
  return {
    path: relPath,
    startLine: s.row + 1,
    startColumn: codePointColumn(lines[s.row] ?? '', s.column),
    endLine: e.row + 1,
    endColumn: codePointColumn(lines[e.row] ?? '', e.column),
  };
}

/** Location of a range of the text (a secret inside a literal, a value in a configuration file). */
export function spanLocation(span: TextSpan, relPath: string, lineStarts: readonly number[], lines: readonly string[]): Location {
  const startRow = lineOf(lineStarts, span.start);
  const endRow = lineOf(lineStarts, Math.max(span.start, span.end));
  return {
    path: relPath,
    startLine: startRow + 1,
    startColumn: codePointColumn(lines[startRow] ?? '', span.start - lineStarts[startRow]),
    endLine: endRow + 1,
    endColumn: codePointColumn(lines[endRow] ?? '', span.end - lineStarts[endRow]),
  };
}

function startOf(input: ReportInput): number {
  return input.node ? input.node.startIndex : (input.span?.start ?? 0);
}

function endOf(input: ReportInput): number {
  return input.node ? input.node.endIndex : (input.span?.end ?? 0);
}

export interface RawFinding {
  rule: Rule;
  input: ReportInput;
}

/** What turning a file's raw reports into findings needs to know about the file. */
export interface FindingSource {
  relPath: string;
  text: string;
  /** Asked only when there is a finding: splitting a module into lines is not free. */
  lines(): readonly string[];
  locate(input: ReportInput): Location;
  /** 0-based rows of the statement (or line) a suppression comment may sit on. */
  rows(input: ReportInput): [number, number];
  suppressions: SuppressionMap;
  /**
   * Every secret of the file the detectors see, whether or not a secret rule runs: masked in every finding's
   * snippet and fingerprint input. Asked only when there is a finding.
   */
  secrets?: () => readonly TextSpan[];
  /** The automatic fix of a report, when its rule has one (src/fixes). */
  fix?(rule: Rule, input: ReportInput): Fix | undefined;
}

/**
 * Findings from raw reports, in source order: the same secret reported by several rules is kept once, secrets
 * are masked in snippets, fingerprints and messages, suppression comments are applied, and findings in test
 * code are low confidence unless their rule keeps its confidence there (`Rule.testCode`).
 */
export function toFindings(reports: RawFinding[], src: FindingSource): Finding[] {
  if (reports.length === 0) return [];
  reports.sort((a, b) => startOf(a.input) - startOf(b.input) || a.rule.meta.id.localeCompare(b.rule.meta.id));
  const raw = dropShadowedSecrets(reports, (r) => r.rule.meta.id, (r) => r.input.secrets);
  const spans = [...raw.flatMap((r) => r.input.secrets ?? []), ...(src.secrets?.() ?? [])];
  // Every finding of the file sees the masked text, whichever rule found the secret.
  const lines = spans.length > 0 ? maskSpans(src.text, spans).split(/\r\n|\r|\n/) : src.lines();
  const secretTexts = spans.map((s) => src.text.slice(s.start, s.end));
  const occurrences = new Map<string, number>();
  const testCode = isTestPath(src.relPath);
  return raw.map(({ rule, input }) => {
    const location = src.locate(input);
    const { snippet, snippetColumn, fingerprintLine } = snippetOf(lines, location, SNIPPET_MAX_LINES);
    const key = `${rule.meta.id}\0${fingerprintLine.trim()}`;
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    const finding: PendingFinding = {
      ruleId: rule.meta.id,
      ruleName: rule.meta.name,
      message: secretTexts.length > 0 ? redactMessage(input.message, secretTexts) : input.message,
      severity: input.severity ?? rule.meta.severity,
      confidence: confidenceIn(testCode, rule, input.confidence ?? rule.meta.confidence),
      cwe: [...rule.meta.cwe],
      location,
      snippet,
      ...(snippetColumn !== undefined ? { snippetColumn } : {}),
      fingerprint: fingerprint(rule.meta.id, src.relPath, fingerprintLine, occurrence),
    };
    // A comment anywhere on the statement's own lines (not inside a compound statement's body) suppresses.
    const [from, to] = src.rows(input);
    const sources = [...(rule.meta.sources.bandit ?? []), ...(rule.meta.sources.ruff ?? [])];
    const suppression = findSuppression(
      src.suppressions,
      Math.min(from + 1, location.startLine),
      Math.max(to + 1, location.endLine),
      rule.meta.id,
      rule.meta.name,
      sources,
    );
    if (suppression) finding.suppression = suppression;
    if (input.requires) finding.requires = input.requires;
    if (input.sinkLines) finding.sinkLines = input.sinkLines;
    const fix = input.secrets ? undefined : src.fix?.(rule, input);
    if (fix) finding.fix = fix;
    return finding;
  });
}

/**
 * A test exercises code, it does not ship it: what a rule finds there is true of the test, not of what users run,
 * so it is reported at low confidence (the convention the rules that judged test code themselves already kept).
 */
function confidenceIn(testCode: boolean, rule: Rule, confidence: Confidence): Confidence {
  return testCode && rule.testCode !== 'kept' ? 'low' : confidence;
}

/** Which rules want which callees, indexed both ways, built once per setup. */
interface DispatchPlan {
  /** callee last name → the (rule, qualified name) pairs that end with it */
  byLast: Map<string, { rule: Rule; qualified: string }[]>;
  /** qualified name → rules, for calls made through an alias name */
  byQualified: Map<string, Rule[]>;
  /** call last name as written → rules that declared it in `callNames` */
  byName: Map<string, Rule[]>;
}

const plans = new WeakMap<AnalyzerSetup, DispatchPlan>();
const scanners = new WeakMap<AnalyzerSetup, HintScanner>();

function hintScanner(setup: AnalyzerSetup): HintScanner {
  let scanner = scanners.get(setup);
  if (!scanner) {
    scanner = new HintScanner(setup.rules);
    scanners.set(setup, scanner);
  }
  return scanner;
}

function dispatchPlan(setup: AnalyzerSetup): DispatchPlan {
  let plan = plans.get(setup);
  if (!plan) {
    plan = { byLast: new Map(), byQualified: new Map(), byName: new Map() };
    for (const rule of setup.rules) {
      if (rule.call && rule.callNames) {
        for (const name of new Set(rule.callNames)) {
          const rules = plan.byName.get(name);
          if (rules) rules.push(rule);
          else plan.byName.set(name, [rule]);
        }
      }
      if (!rule.call || !rule.callees) continue;
      for (const qualified of new Set(rule.callees)) {
        const last = qualified.slice(qualified.lastIndexOf('.') + 1);
        const list = plan.byLast.get(last);
        if (list) list.push({ rule, qualified });
        else plan.byLast.set(last, [{ rule, qualified }]);
        const rules = plan.byQualified.get(qualified);
        if (rules) rules.push(rule);
        else plan.byQualified.set(qualified, [rule]);
      }
    }
    plans.set(setup, plan);
  }
  return plan;
}

interface RuleRun {
  ctx: RuleContext;
  /** The text hint is a search of the whole file: asked once, and only when the rule has something to look at. */
  allowed: () => boolean;
}

/** Runs the rules over one parsed module; pure apart from the rules themselves, so tests can call it directly. */
export function runRules(model: ModuleModel, setup: AnalyzerSetup, suppressions: SuppressionMap, expired: () => boolean = () => false): Finding[] {
  const raw: RawFinding[] = [];
  const seen = new Set<string>();
  const runs = new Map<Rule, RuleRun>();
  let hintAnswers: ((rule: Rule) => boolean) | undefined;
  const hintsOf = () => {
    hintAnswers ??= hintScanner(setup).scan(model.text);
    return hintAnswers;
  };
  const runOf = (rule: Rule): RuleRun => {
    let run = runs.get(rule);
    if (!run) {
      let hint: boolean | undefined;
      run = {
        ctx: {
          model,
          options: setup.ruleOptions.get(rule.meta.id) ?? {},
          report(input) {
            // A rule reaching the same node twice (through two callee aliases, say) reports it once.
            const key = `${rule.meta.id}:${startOf(input)}:${endOf(input)}`;
            if (seen.has(key)) return;
            seen.add(key);
            raw.push({ rule, input });
          },
        },
        allowed: () => {
          // Out of time: no rule runs any more; the findings already reported are kept.
          if (expired()) return false;
          hint ??= !rule.textHint || hintsOf()(rule);
          return hint;
        },
      };
      runs.set(rule, run);
    }
    return run;
  };

  // Callee-indexed rules: walk the module's distinct call names (a few hundred) rather than every rule's
  // callee list (thousands of names, nearly all absent).
  const plan = dispatchPlan(setup);
  for (const [name, calls] of model.callNames()) {
    for (const rule of plan.byName.get(name) ?? []) {
      const run = runOf(rule);
      if (run.allowed()) for (const call of calls) rule.call?.(call, run.ctx);
    }
    const wants = plan.byLast.get(name);
    if (!wants) continue;
    for (const { rule, qualified } of wants) {
      for (const call of calls) {
        if (call.callee !== qualified) continue;
        const run = runOf(rule);
        if (run.allowed()) rule.call?.(call, run.ctx);
      }
    }
  }
  for (const call of model.aliasCalls()) {
    const qualified = call.callee;
    if (!qualified || qualified.slice(qualified.lastIndexOf('.') + 1) === call.name) continue;
    for (const rule of plan.byQualified.get(qualified) ?? []) {
      const run = runOf(rule);
      if (run.allowed()) rule.call?.(call, run.ctx);
    }
    for (const rule of plan.byName.get(qualified.slice(qualified.lastIndexOf('.') + 1)) ?? []) {
      const run = runOf(rule);
      if (run.allowed()) rule.call?.(call, run.ctx);
    }
  }

  for (const rule of setup.rules) {
    if (rule.call && !rule.callees && !rule.callNames) {
      const run = runOf(rule);
      if (run.allowed()) for (const call of model.calls) rule.call(call, run.ctx);
    }
    if (rule.assignment && model.assignments.length > 0) {
      const run = runOf(rule);
      if (run.allowed()) for (const a of model.assignments) rule.assignment(a, run.ctx);
    }
    if (rule.node && rule.nodeTypes) {
      for (const type of rule.nodeTypes) {
        const nodes = model.nodesOfType.get(type);
        if (!nodes || nodes.length === 0) continue;
        const run = runOf(rule);
        if (run.allowed()) for (const n of nodes) rule.node(n, run.ctx);
      }
    }
    if (rule.module) {
      const run = runOf(rule);
      if (run.allowed()) rule.module(run.ctx);
    }
  }
  let lineStarts: number[] | undefined;
  const nodeOf = (input: ReportInput): Node => input.node ?? model.tree.rootNode.descendantForIndex(startOf(input), startOf(input)) ?? model.tree.rootNode;
  const findings = toFindings(raw, {
    relPath: model.relPath,
    text: model.text,
    lines: () => model.lines,
    locate: (input) => {
      if (input.node) return nodeLocation(input.node, model.relPath, model.lines);
      lineStarts ??= lineStartsOf(model.text);
      return spanLocation(input.span ?? { start: 0, end: 0 }, model.relPath, lineStarts, model.lines);
    },
    rows: (input) => statementHeaderRows(enclosingStatement(nodeOf(input))),
    suppressions,
    // The secret rules may be deselected: the file's secrets are masked in other rules' findings all the same.
    secrets: () => pythonSecrets(model).map((h) => h.secret),
    fix: (rule, input) => (input.node ? fixFor(rule.meta.id, input.node, model) : undefined),
  });
  return dropSuperseded(findings);
}

function syntaxNotices(model: ModuleModel, tree: Tree): Notice[] {
  if (!tree.rootNode.hasError) return [];
  let first: Node | null = model.errorNodes[0] ?? null;
  if (!first) first = findMissing(tree.rootNode);
  const where = first ? nodeLocation(first, model.relPath, model.lines) : undefined;
  const count = Math.max(1, model.errorNodes.length);
  return [
    {
      kind: 'syntax-error',
      path: model.relPath,
      ...(where ? { line: where.startLine, column: where.startColumn } : {}),
      message: `syntax error${count > 1 ? ` (${count} places)` : ''}; the rest of the file was analysed`,
      skipped: false,
    },
  ];
}

/** MISSING nodes (an expected token the parser invented) are not queryable; find one by descending into errors. */
function findMissing(node: Node): Node | null {
  if (node.isMissing) return node;
  for (const child of node.children) {
    if (child?.hasError) {
      const found = findMissing(child);
      if (found) return found;
    }
  }
  return null;
}

const nodeTypesCache = new WeakMap<AnalyzerSetup, string[]>();

/** The node types the setup's rules asked for, sorted so one set of rules compiles one query. */
function nodeTypesOf(setup: AnalyzerSetup): string[] {
  let types = nodeTypesCache.get(setup);
  if (!types) {
    types = [...new Set(setup.rules.flatMap((r) => r.nodeTypes ?? []))].sort();
    nodeTypesCache.set(setup, types);
  }
  return types;
}

/** Loads the grammar, compiles the query and builds the rule indexes, so the first file does not wait for them. */
export async function warmUp(setup: AnalyzerSetup): Promise<void> {
  const { tree } = await parsePython('', nodeTypesOf(setup));
  tree.delete();
  dispatchPlan(setup);
  hintScanner(setup);
}

/** Parses and analyses source text (already decoded). */
/** A file's time budget: `expired()` turns true, and stays true, once it is spent. */
function timeBudget(setup: AnalyzerSetup): { expired: () => boolean; spent: () => boolean } {
  const limit = setup.fileTimeoutMs;
  if (limit === undefined) return { expired: () => false, spent: () => false };
  const clock = setup.clock ?? (() => performance.now());
  const deadline = clock() + limit;
  let out = false;
  return {
    expired: () => {
      out ||= clock() > deadline;
      return out;
    },
    spent: () => out,
  };
}

function timeBudgetNotice(relPath: string, setup: AnalyzerSetup): Notice {
  const seconds = (setup.fileTimeoutMs ?? 0) / 1000;
  return {
    kind: 'time-budget',
    path: relPath,
    message: `analysis cut short after ${seconds} s (--file-timeout); the findings up to then are reported, later rules and taint steps did not run`,
    skipped: false,
  };
}

export async function analyzeText(text: string, relPath: string, setup: AnalyzerSetup, moduleName?: string): Promise<FileResult> {
  const budget = timeBudget(setup);
  const { tree, modelQuery } = await parsePython(text, nodeTypesOf(setup));
  try {
    const model = new ModuleModel(relPath, text, tree, modelQuery, moduleName);
    const suppressions: SuppressionMap = !mayHaveSuppressions(text)
      ? new Map()
      : collectSuppressions(model.lines, (line, column) => {
      const node = tree.rootNode.descendantForPosition({ row: line - 1, column: column + 1 });
      return node?.type === 'comment';
    });
    const findings = runRules(model, setup, suppressions, budget.expired);
    const result: FileResult = { relPath, analysed: true, lines: model.lineCount, findings, notices: syntaxNotices(model, tree) };
    if (setup.rules.some(isAccessRule)) {
      result.app = moduleAppFacts(model);
      if (!setup.project) mergeApp([result]);
    }
    if (setup.rules.some(isTaintRule) && !budget.expired()) {
      if (setup.taintReady) await setup.taintReady;
      const taintSetup = setup.taint ?? {};
      try {
        result.taint = moduleTaintFacts(model, setup.rules, taintSetup, suppressions, (node) => nodeLocation(node, relPath, model.lines), budget.expired);
      } catch (err) {
        // A failure of the taint extraction must not cost the file its other findings.
        const message = err instanceof Error ? err.message : String(err);
        result.notices.push({ kind: 'internal-error', path: relPath, message: `taint analysis failed: ${message.split('\n')[0]}`, skipped: false });
      }
      if (!taintSetup.projectModules) result.notices.push(...mergeTaint([result], setup.rules));
    }
    if (budget.spent()) result.notices.push(timeBudgetNotice(relPath, setup));
    return result;
  } finally {
    tree.delete();
  }
}
