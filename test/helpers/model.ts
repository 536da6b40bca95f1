import type { Node } from 'web-tree-sitter';
import { ModuleModel } from '../../src/semantics/module.js';
import { parsePython } from '../../src/syntax/parser.js';

/** Builds the semantic model of a source string. Trees are tiny; the test process frees them at exit. */
export async function modelOf(source: string, relPath = 'pkg/mod.py'): Promise<ModuleModel> {
  const { tree, modelQuery } = await parsePython(source);
  return new ModuleModel(relPath, source, tree, modelQuery);
}

/** Resolved callees of every call, in source order, as "line: callee". */
export function callees(model: ModuleModel): string[] {
  return model.calls
    .slice()
    .sort((a, b) => a.node.startIndex - b.node.startIndex)
    .map((c) => `${c.node.startPosition.row + 1}: ${c.callee ?? '?'}`);
}

/** The expression node on the right of the last `name = …` assignment. */
export function assignedValue(model: ModuleModel, name: string): Node {
  const a = model.assignments.filter((x) => x.targets.some((t) => t.text === name)).pop();
  if (!a?.value) throw new Error(`no assignment to ${name}`);
  return a.value;
}
