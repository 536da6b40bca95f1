import type { Scope } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';
import type { FunctionPlan, LocalContext } from './context.js';
import { named } from './expressions.js';
import { modelFields } from './model-fields.js';
import { detectRoute, djangoRoutes, parameterNames, registeredRoutes } from './route-detection.js';
import { bucketCalls, mayMatter, mentions, PROCESS_TOKENS, processFunctions } from './select.js';
import type { ModuleFacts } from './types.js';
import { OutOfTime, OverBudget } from './taint-values.js';
import { FunctionAnalysis } from './statements.js';

export type { LocalContext } from './context.js';

/** Extracts the taint facts of one module (runs in a worker, next to the pattern rules). */
export function extractTaintFacts(model: ModuleModel, ctx: LocalContext): ModuleFacts {
  // Nothing in test code is walked, and nothing outside it calls into it: its classes need not be read either.
  if (ctx.mode === 'none') return { path: model.relPath, module: model.moduleName, functions: [], classes: {}, routes: [], instances: {}, overBudget: [] };
  const classes: Record<string, string[]> = {};
  const classScopes: Scope[] = [];
  const collect = (scope: Scope) => {
    for (const child of scope.children) {
      if (child.kind === 'class' && child.node) {
        classScopes.push(child);
        const supers = child.node.childForFieldName('superclasses');
        const bases: string[] = [];
        for (const b of supers ? named(supers) : []) {
          if (b.type === 'keyword_argument') continue;
          const q = model.qualifiedName(b);
          if (q) bases.push(q);
        }
        classes[child.qualname] = bases;
      }
      collect(child);
    }
  };
  collect(model.moduleScope);

  const facts: ModuleFacts = { path: model.relPath, module: model.moduleName, functions: [], classes, routes: [], instances: {}, overBudget: [] };
  for (const a of model.assignments) {
    if (a.scope !== model.moduleScope || a.targets.length !== 1 || a.targets[0].type !== 'identifier' || a.value?.type !== 'call') continue;
    // Only class instantiations (`pricing = PriceBook()`) are worth resolving.
    const written = a.value.childForFieldName('function')?.text ?? '';
    if (!/(^|\.)_?[A-Z]\w*$/.test(written)) continue;
    const type = model.instanceType(a.value);
    if (type && ctx.isProject(type)) facts.instances[`${model.moduleName}.${a.targets[0].text}`] = type;
  }
  const plans: FunctionPlan[] = [];
  const selected = ctx.mode === 'process' ? processFunctions(model, ctx) : undefined;
  const callsByFunction = selected ? undefined : bucketCalls(model);
  for (const fn of model.functions) {
    if (selected && !selected.has(fn.node.startIndex)) continue;
    const body = fn.node.childForFieldName('body');
    if (!body) continue;
    const plan: FunctionPlan = { info: fn, q: fn.qualname, body, scope: fn.scope, params: parameterNames(fn.node) };
    const parent = fn.scope.parent;
    if (parent?.kind === 'class') {
      plan.cls = parent.qualname;
      plan.clsBases = allBases(parent.qualname, classes);
    }
    detectRoute(model, plan, ctx);
    if (callsByFunction && !mayMatter(model, ctx, plan, callsByFunction.get(fn.node.startIndex) ?? [])) continue;
    plans.push(plan);
  }
  const moduleBody = model.tree.rootNode;
  if (!selected || mentions(model, PROCESS_TOKENS, 0, model.text.length)) plans.push({ info: null, q: `${model.moduleName || model.relPath}.<module>`, body: moduleBody, scope: model.moduleScope, params: [] });
  facts.routes = [...djangoRoutes(model, ctx), ...registeredRoutes(model, ctx)];
  const fields = modelFields(model, classScopes);
  if (Object.keys(fields).length > 0) facts.modelFields = fields;

  const checked = new Set<string>();
  const constantSinks = new Set<string>();
  const notConstant = new Set<string>();
  for (const plan of plans) {
    if (ctx.expired?.()) break;
    const analysis = new FunctionAnalysis(model, ctx, plan, facts.instances);
    analysis.checked = checked;
    analysis.constantSinks = constantSinks;
    analysis.notConstant = notConstant;
    try {
      facts.functions.push(analysis.run());
    } catch (err) {
      if (err instanceof OutOfTime) {
        const partial = analysis.partial();
        if (partial) facts.functions.push(partial);
        break;
      }
      if (!(err instanceof OverBudget) && !(err instanceof RangeError)) throw err;
      facts.overBudget.push(plan.q);
      const partial = analysis.partial();
      if (partial) facts.functions.push(partial);
    }
  }
  if (checked.size > 0) facts.checked = [...checked];
  // A sink is constant only if every visit proved it (a loop's second pass may not).
  for (const k of notConstant) constantSinks.delete(k);
  if (constantSinks.size > 0) facts.constantSinks = [...constantSinks];
  return facts;
}

function allBases(cls: string, classes: Record<string, string[]>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (c: string, depth: number) => {
    if (depth > 10 || seen.has(c)) return;
    seen.add(c);
    for (const b of classes[c] ?? []) {
      out.push(b);
      walk(b, depth + 1);
    }
  };
  walk(cls, 0);
  return out;
}
