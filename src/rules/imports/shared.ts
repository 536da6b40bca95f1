import type { Node } from 'web-tree-sitter';
import type { ImportRecord } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import type { Rule, RuleDocs, RuleMeta } from '../types.js';

/** What an import-warning rule looks for. */
export interface ImportSpec {
  /** Modules (or classes) whose import is reported; their submodules and members count too. */
  modules: readonly string[];
  /** Submodules that are not the risky part (`xml.sax.saxutils`): importing them, or anything in them, is fine. */
  safeModules?: readonly string[];
  /**
   * Names that can be imported from a module without a finding, because they cannot do the risky thing
   * (`from pickle import dumps`, `from subprocess import PIPE`), by module.
   */
  safeNames?: Readonly<Record<string, readonly string[]>>;
  /** A module-wide mitigation: when it returns true, nothing in the module is reported. */
  mitigated?(model: ModuleModel): boolean;
  /** The message for an import of `module`. */
  message(module: string): string;
}

function within(name: string, prefix: string): boolean {
  return name === prefix || name.startsWith(`${prefix}.`);
}

/** The reported module an import brings in, or undefined when it brings in none (or only safe names). */
export function matchImport(record: ImportRecord, spec: ImportSpec): string | undefined {
  const from = record.node.type === 'import_from_statement';
  // `import a.b.c` binds `a` but loads `a.b.c`; `from a.b import c` loads `a.b` and takes `c` from it.
  const target = from ? record.qualified : record.module;
  if (spec.safeModules?.some((m) => within(target, m))) return undefined;
  for (const m of spec.modules) {
    if (!within(target, m)) continue;
    if (from && target !== m && within(record.module, m)) {
      const name = target.slice(record.module.length + 1);
      if (spec.safeNames?.[record.module]?.includes(name)) return undefined;
    }
    return m;
  }
  return undefined;
}

/** True inside `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`): imports there never run. */
export function underTypeChecking(node: Node): boolean {
  let child: Node = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const consequence = p.childForFieldName('consequence');
    const cond = p.childForFieldName('condition');
    if (!consequence || !cond || consequence.id !== child.id) continue;
    if (/^(typing\.)?TYPE_CHECKING$/.test(unparen(cond).text)) return true;
  }
  return false;
}

/** A rule reporting import statements, from its metadata, documentation and import specification. */
export function importRule(meta: RuleMeta, docs: RuleDocs, spec: ImportSpec, textHint: RegExp): Rule {
  return {
    meta,
    docs,
    textHint,
    module(ctx) {
      const model = ctx.model;
      if (spec.mitigated?.(model)) return;
      for (const record of model.imports) {
        const module = matchImport(record, spec);
        if (module === undefined || underTypeChecking(record.node)) continue;
        ctx.report({ node: record.node, message: spec.message(module) });
      }
    },
  };
}

/** Text every import-warning rule's documentation shares: why it is opt-in. */
export const OPT_IN_NOTE =
  'This is an import-only warning, off by default: it exists so that Bandit users can keep the check they ' +
  'had (select it by its id or by its Bandit id). Where a rule looks at how the module is used, that rule ' +
  'says more, with fewer false alarms. Imports under `if TYPE_CHECKING:` are not reported.';
