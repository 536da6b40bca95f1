import type { Node } from 'web-tree-sitter';
import type { FixApplicability } from '../findings/types.js';
import type { CallSite } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';

/** A replacement in offsets of the module's text (UTF-16 code units, as tree-sitter indexes a JS string). */
export interface TextChange {
  start: number;
  end: number;
  text: string;
}

export interface FixInput {
  model: ModuleModel;
  /** The node the rule reported. */
  node: Node;
  /** The call site when the node is a call the model knows. */
  call?: CallSite;
}

export interface FixResult {
  /** What the fix does, for the report and the editor's code action title. */
  description: string;
  changes: TextChange[];
}

/** One automatic fix, for one rule: `create` returns nothing where the finding's shape is not one it can rewrite. */
export interface FixProvider {
  ruleId: string;
  /** kebab-case, shown in rule docs. */
  name: string;
  applicability: FixApplicability;
  /** One sentence for the rule's documentation: what the fix rewrites, and when it is offered. */
  summary: string;
  create(input: FixInput): FixResult | undefined;
}
