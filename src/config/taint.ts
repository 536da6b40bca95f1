import type { TaintConfig } from '../dataflow/spec.js';
import type { SourceKind } from '../dataflow/types.js';
import { type Context, describe, expectTable, type Path, type Validator } from './load.js';

/**
 * `[tool.krait.taint]`: what a project adds to the framework models, by qualified name.
 *
 *   sources = ["myapp.http.current_payload", { name = "myapp.cli.read_args", kind = "process" }]
 *   sinks = [{ name = "myapp.db.run_sql", rule = "K701", args = [0, "sql"] }]
 *   sanitizers = ["myapp.text.clean", { name = "myapp.paths.safe_join", rules = ["K705"] }]
 *   propagators = ["myapp.text.normalise"]
 */
const QUALIFIED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const KEYS = ['sources', 'sinks', 'sanitizers', 'propagators'];

function taintRuleId(value: unknown, at: Path, ctx: Context): string {
  if (typeof value !== 'string') throw ctx.error(at, `expected a taint rule id, got ${describe(value)}`);
  const meta = ctx.catalog.metas.find((m) => (m.id === value.toUpperCase() || m.name === value) && /^K7\d\d$/.test(m.id));
  if (!meta) throw ctx.error(at, `unknown taint rule ${JSON.stringify(value)} (expected K701-K719 or a taint rule name)`);
  return meta.id;
}

function qualifiedName(value: unknown, at: Path, ctx: Context): string {
  if (typeof value !== 'string') throw ctx.error(at, `expected a qualified name, got ${describe(value)}`);
  if (!QUALIFIED.test(value)) throw ctx.error(at, `${JSON.stringify(value)} is not a qualified name (expected dotted identifiers such as "myapp.db.run_sql")`);
  return value;
}

function list(value: unknown, at: Path, ctx: Context): unknown[] {
  if (!Array.isArray(value)) throw ctx.error(at, `expected an array, got ${describe(value)}`);
  return value;
}

function onlyKeys(table: Record<string, unknown>, keys: string[], at: Path, ctx: Context): void {
  for (const k of Object.keys(table)) {
    if (!keys.includes(k)) throw ctx.error(at, `unknown key ${JSON.stringify(k)} (expected ${keys.join(', ')})`);
  }
}

export const taintSection: Validator<TaintConfig> = (value, at, ctx) => {
  const table = expectTable(value, at, ctx, 'a table');
  onlyKeys(table, KEYS, at, ctx);
  const out: TaintConfig = {};
  if (table.sources !== undefined) {
    out.sources = list(table.sources, [...at, 'sources'], ctx).map((item, i) => {
      const where = [...at, 'sources', i];
      if (typeof item === 'string') return { name: qualifiedName(item, where, ctx), kind: 'web' as SourceKind };
      const t = expectTable(item, where, ctx, 'a qualified name or a table { name, kind }');
      onlyKeys(t, ['name', 'kind'], where, ctx);
      const kind = t.kind ?? 'web';
      if (kind !== 'web' && kind !== 'process') throw ctx.error([...where, 'kind'], `expected "web" or "process", got ${describe(kind)}`);
      return { name: qualifiedName(t.name, [...where, 'name'], ctx), kind: kind as SourceKind };
    });
  }
  if (table.sinks !== undefined) {
    out.sinks = list(table.sinks, [...at, 'sinks'], ctx).map((item, i) => {
      const where = [...at, 'sinks', i];
      const t = expectTable(item, where, ctx, 'a table { name, rule, args }');
      onlyKeys(t, ['name', 'rule', 'args'], where, ctx);
      if (t.rule === undefined) throw ctx.error(where, 'missing "rule" (the taint rule the sink reports, e.g. "K701")');
      const args = t.args === undefined ? [] : list(t.args, [...where, 'args'], ctx);
      args.forEach((a, j) => {
        const ok = (typeof a === 'number' && Number.isSafeInteger(a) && a >= 0) || (typeof a === 'string' && /^[A-Za-z_]\w*$/.test(a));
        if (!ok) throw ctx.error([...where, 'args', j], `expected an argument position (0, 1, ...) or a keyword name, got ${describe(a)}`);
      });
      return { name: qualifiedName(t.name, [...where, 'name'], ctx), rule: taintRuleId(t.rule, [...where, 'rule'], ctx), args: args as (number | string)[] };
    });
  }
  if (table.sanitizers !== undefined) {
    out.sanitizers = list(table.sanitizers, [...at, 'sanitizers'], ctx).map((item, i) => {
      const where = [...at, 'sanitizers', i];
      if (typeof item === 'string') return { name: qualifiedName(item, where, ctx), rules: [] };
      const t = expectTable(item, where, ctx, 'a qualified name or a table { name, rules }');
      onlyKeys(t, ['name', 'rules'], where, ctx);
      const rules = t.rules === undefined ? [] : list(t.rules, [...where, 'rules'], ctx).map((r, j) => taintRuleId(r, [...where, 'rules', j], ctx));
      return { name: qualifiedName(t.name, [...where, 'name'], ctx), rules };
    });
  }
  if (table.propagators !== undefined) {
    out.propagators = list(table.propagators, [...at, 'propagators'], ctx).map((item, i) => qualifiedName(item, [...at, 'propagators', i], ctx));
  }
  return out;
};
