import type { Node, Tree } from 'web-tree-sitter';
import { fingerprint } from '../findings/fingerprint.js';
import { collectSuppressions, findSuppression, mayHaveSuppressions, type SuppressionMap } from '../findings/suppressions.js';
import type { Finding, Location, Notice } from '../findings/types.js';
import type { ReportInput, Rule, RuleContext, RuleOptions } from '../rules/types.js';
import { ModuleModel } from '../semantics/module.js';
import { enclosingStatement, statementHeaderRows } from '../syntax/nodes.js';
import { parsePython } from '../syntax/parser.js';
import { isTaintRule, mergeTaint, moduleTaintFacts, type TaintSetup } from '../dataflow/engine.js';
import type { ModuleFacts } from '../dataflow/types.js';

export interface FileTask {
  absPath: string;
  relPath: string;
}

export interface FileResult {
  relPath: string;
  /** False when the file was skipped (unreadable, binary, too large): a notice says why. */
  analysed: boolean;
  lines: number;
  findings: Finding[];
  notices: Notice[];
  /** Taint facts for the project-wide solve (project scans only; a single-file analysis solves at once). */
  taint?: ModuleFacts;
}

export interface AnalyzerSetup {
  rules: readonly Rule[];
  ruleOptions: ReadonlyMap<string, RuleOptions>;
  maxFileSize: number;
  /** Taint settings; without `projectModules` the file is solved on its own. */
  taint?: TaintSetup;
}

const SNIPPET_MAX_LINES = 5;

/** Column in code points (what editors show), 1-based, from tree-sitter's UTF-16 column. */
function codePointColumn(line: string, utf16Column: number): number {
  let cp = 0;
  for (let i = 0; i < utf16Column && i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < utf16Column) i++;
    cp++;
  }
  return cp + 1 + Math.max(0, utf16Column - line.length);
}

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

/** Which rules want which callees, indexed both ways, built once per setup. */
interface DispatchPlan {
  /** callee last name → the (rule, qualified name) pairs that end with it */
  byLast: Map<string, { rule: Rule; qualified: string }[]>;
  /** qualified name → rules, for calls made through an alias name */
  byQualified: Map<string, Rule[]>;
}

const plans = new WeakMap<AnalyzerSetup, DispatchPlan>();

function dispatchPlan(setup: AnalyzerSetup): DispatchPlan {
  let plan = plans.get(setup);
  if (!plan) {
    plan = { byLast: new Map(), byQualified: new Map() };
    for (const rule of setup.rules) {
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
export function runRules(model: ModuleModel, setup: AnalyzerSetup, suppressions: SuppressionMap): Finding[] {
  const raw: { rule: Rule; input: ReportInput }[] = [];
  const seen = new Set<string>();
  const runs = new Map<Rule, RuleRun>();
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
            const key = `${rule.meta.id}:${input.node.startIndex}:${input.node.endIndex}`;
            if (seen.has(key)) return;
            seen.add(key);
            raw.push({ rule, input });
          },
        },
        allowed: () => {
          hint ??= !rule.textHint || rule.textHint.test(model.text);
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
  }

  for (const rule of setup.rules) {
    if (rule.call && !rule.callees) {
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
  raw.sort((a, b) => a.input.node.startIndex - b.input.node.startIndex || a.rule.meta.id.localeCompare(b.rule.meta.id));
  const occurrences = new Map<string, number>();
  return raw.map(({ rule, input }) => {
    const location = nodeLocation(input.node, model.relPath, model.lines);
    const first = location.startLine - 1;
    const last = Math.min(location.endLine - 1, first + SNIPPET_MAX_LINES - 1);
    const snippet = model.lines.slice(first, last + 1).join('\n');
    const key = `${rule.meta.id}\0${model.lines[first]?.trim()}`;
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    const finding: Finding = {
      ruleId: rule.meta.id,
      ruleName: rule.meta.name,
      message: input.message,
      severity: input.severity ?? rule.meta.severity,
      confidence: input.confidence ?? rule.meta.confidence,
      cwe: [...rule.meta.cwe],
      location,
      snippet,
      fingerprint: fingerprint(rule.meta.id, model.relPath, model.lines[first] ?? '', occurrence),
    };
    // A comment anywhere on the statement's own lines (not inside a compound statement's body) suppresses.
    const [from, to] = statementHeaderRows(enclosingStatement(input.node));
    const sources = [...(rule.meta.sources.bandit ?? []), ...(rule.meta.sources.ruff ?? [])];
    const suppression = findSuppression(
      suppressions,
      Math.min(from + 1, location.startLine),
      Math.max(to + 1, location.endLine),
      rule.meta.id,
      rule.meta.name,
      sources,
    );
    if (suppression) finding.suppression = suppression;
    return finding;
  });
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

/** Parses and analyses source text (already decoded). */
export async function analyzeText(text: string, relPath: string, setup: AnalyzerSetup): Promise<FileResult> {
  const { tree, modelQuery } = await parsePython(text, nodeTypesOf(setup));
  try {
    const model = new ModuleModel(relPath, text, tree, modelQuery);
    const suppressions: SuppressionMap = !mayHaveSuppressions(text)
      ? new Map()
      : collectSuppressions(model.lines, (line, column) => {
      const node = tree.rootNode.descendantForPosition({ row: line - 1, column: column + 1 });
      return node?.type === 'comment';
    });
    const findings = runRules(model, setup, suppressions);
    const result: FileResult = { relPath, analysed: true, lines: model.lineCount, findings, notices: syntaxNotices(model, tree) };
    if (setup.rules.some(isTaintRule)) {
      const taintSetup = setup.taint ?? {};
      try {
        result.taint = moduleTaintFacts(model, setup.rules, taintSetup, suppressions, (node) => nodeLocation(node, relPath, model.lines));
      } catch (err) {
        // A failure of the taint extraction must not cost the file its other findings.
        const message = err instanceof Error ? err.message : String(err);
        result.notices.push({ kind: 'internal-error', path: relPath, message: `taint analysis failed: ${message.split('\n')[0]}`, skipped: false });
      }
      if (!taintSetup.projectModules) result.notices.push(...mergeTaint([result], setup.rules));
    }
    return result;
  } finally {
    tree.delete();
  }
}
