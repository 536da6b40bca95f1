import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionsToSolve, type PruneGraph } from '../../src/dataflow/prune.js';
import { solveTaint } from '../../src/dataflow/solve.js';
import { webReachable } from '../../src/dataflow/reach.js';
import type { Atom, CallFacts, FunctionFacts, ModuleFacts, Taint } from '../../src/dataflow/types.js';
import { analyzeFile } from '../../src/engine/analyze-file.js';
import { toAnalyzerSetup } from '../../src/engine/setup.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { moduleNameFor } from '../../src/semantics/module.js';
import { discover } from '../../src/workspace/discover.js';
import { moduleWithin, rootPrefix, sourceRoots } from '../../src/workspace/modules.js';

const loc = { path: 'm.py', startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 };
const src: Atom = { k: 'src', src: { kind: 'web', label: 'request.args', loc }, steps: [], san: 0 };
const param = (i: number): Atom => ({ k: 'param', i, steps: [], san: 0 });
const result = (c: number): Atom => ({ k: 'call', c, steps: [], san: 0 });
const field = (f: string): Atom => ({ k: 'field', f, steps: [], san: 0 });
const call = (callee: string, ...args: Taint[]): CallFacts => ({ callee, loc, args, kw: {}, star: [] });
const sink = (taint: Taint) => ({ rule: 'K702', label: 'os.system', loc, taint, snippet: '', lineText: '' });

function fn(q: string, parts: Partial<FunctionFacts> = {}): FunctionFacts {
  return { q, params: ['x'], loc, ret: [], sinks: [], calls: [], fields: [], ...parts };
}

/** The pruning's choice over hand-written facts, resolved by exact name. */
function kept(fns: FunctionFacts[]): string[] {
  const byName = new Map(fns.map((f) => [f.q, f]));
  const graph: PruneGraph<FunctionFacts> = {
    facts: (f) => f,
    target: (_f, callee) => byName.get(callee),
    hasSourceParams: (f) => (f.sourceParams?.length ?? 0) > 0,
    readsRequest: () => false,
    module: () => 'm',
  };
  return [...functionsToSolve(fns, graph)].map((f) => f.q).sort();
}

describe('which functions the solve evaluates', () => {
  it('keeps a source-to-sink path and the callees whose summaries it reads, not the helpers no source reaches', () => {
    const fns = [
      fn('m.view', { calls: [call('m.clean', [src]), call('m.run', [result(0)])] }),
      fn('m.clean', { ret: [param(0)], calls: [call('m.strip', [param(0)])] }),
      fn('m.strip', { ret: [param(0)] }),
      fn('m.run', { sinks: [sink([param(0)])] }),
      // Passes its parameter on, but nothing that sees a source calls it.
      fn('m.unused', { ret: [param(0)], calls: [call('m.run', [param(0)])] }),
      // A sink, but no source can reach it: called by nobody kept.
      fn('m.admin', { sinks: [sink([param(0)])] }),
    ];
    expect(kept(fns)).toEqual(['m.clean', 'm.run', 'm.strip', 'm.view']);
  });

  it('keeps a function whose callee returns a source, and drops it when the callee returns only its parameter', () => {
    const reading = [fn('m.read', { ret: [src] }), fn('m.handler', { calls: [call('m.read')], sinks: [sink([result(0)])] })];
    expect(kept(reading)).toEqual(['m.handler', 'm.read']);
    const passing = [fn('m.read', { ret: [param(0)] }), fn('m.handler', { calls: [call('m.read')], sinks: [sink([result(0)])] })];
    expect(kept(passing)).toEqual([]);
  });

  it('follows attributes: a store of a source feeds the method that reads it into a sink; an attribute nobody fills does not', () => {
    const fns = [
      fn('m.view', { calls: [call('m.Store.save', [src])] }),
      fn('m.Store.save', { params: ['self', 'v'], fields: [{ f: 'm.Store.v', taint: [param(1)] }] }),
      fn('m.Store.show', { params: ['self'], sinks: [sink([field('m.Store.v')])] }),
      fn('m.Other.show', { params: ['self'], sinks: [sink([field('m.Other.v')])] }),
    ];
    expect(kept(fns)).toEqual(['m.Store.save', 'm.Store.show', 'm.view']);
  });

  it('keeps a source parameter and the dependency that decides it', () => {
    const fns = [
      fn('m.endpoint', { sourceParams: [{ i: 0, label: 'q', kind: 'web', dep: 'm.get_q' }], sinks: [sink([param(0)])] }),
      fn('m.get_q', { ret: [src] }),
    ];
    expect(kept(fns)).toEqual(['m.endpoint', 'm.get_q']);
  });
});

const TAINT_RULES = ALL_RULES.filter((r) => r.taint);
const META = new Map(TAINT_RULES.map((r) => [r.meta.id, r.meta]));

/** Every file's taint facts, as a scan of the folder extracts them. */
async function projectFacts(dir: string): Promise<ModuleFacts[]> {
  const d = discover([dir], { include: [], exclude: [], respectGitignore: true, maxFileSize: 1 << 24, configFiles: false }, dir);
  const roots = sourceRoots(d.files.map((f) => f.relPath));
  const taint = { projectModules: d.files.map((f) => moduleNameFor(f.relPath)), moduleRoots: roots.map(rootPrefix), webFiles: [] as string[] };
  taint.webFiles = [...webReachable(d.files, undefined, taint.moduleRoots)];
  const setup = toAnalyzerSetup({ ruleIds: TAINT_RULES.map((r) => r.meta.id), ruleOptions: [], maxFileSize: 1 << 24, project: true, taint });
  const out: ModuleFacts[] = [];
  for (const [i, f] of d.files.entries()) {
    const module = moduleWithin(f.relPath, roots[i]);
    const r = await analyzeFile({ absPath: f.absPath, relPath: f.relPath, ...(module !== undefined ? { module } : {}) }, setup);
    if (r.taint) out.push(r.taint);
  }
  return out;
}

describe('the pruned solve reports what the full solve reports', () => {
  const fixtures = path.resolve(__dirname, '../fixtures');
  const projects = [
    ...readdirSync(path.join(fixtures, 'taint'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(fixtures, 'taint', e.name)),
    path.join(fixtures, 'bench-cases'),
    path.resolve(__dirname, '../../examples'),
  ];

  it('gives identical findings, traces and notices on every taint fixture app, the scored cases and the examples', async () => {
    let findings = 0;
    for (const dir of projects) {
      const facts = await projectFacts(dir);
      const full = solveTaint(structuredClone(facts), { rules: META, prune: false });
      const pruned = solveTaint(facts, { rules: META });
      expect(pruned, dir).toEqual(full);
      findings += full.findings.length;
    }
    // The comparison is not vacuous: the fixtures are full of flows.
    expect(findings).toBeGreaterThan(300);
  }, 60_000);
});
