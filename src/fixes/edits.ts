/**
 * Building blocks of the fixes: changes computed from syntax nodes, so a fix never edits by searching text.
 * Every change keeps the file's own formatting outside the replaced range.
 */
import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../semantics/module.js';
import type { TextChange } from './types.js';

export function replaceNode(node: Node, text: string): TextChange {
  return { start: node.startIndex, end: node.endIndex, text };
}

/** The argument list of a call, when it is a plain list (not a bare generator argument). */
export function argumentList(call: Node): Node | undefined {
  const args = call.childForFieldName('arguments');
  return args?.type === 'argument_list' ? args : undefined;
}

function realArguments(list: Node): Node[] {
  return list.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
}

/** Removes one argument and the comma that separates it from its neighbour. */
export function removeArgument(arg: Node): TextChange | undefined {
  const list = arg.parent;
  if (list?.type !== 'argument_list') return undefined;
  const args = realArguments(list);
  const i = args.findIndex((a) => a.startIndex === arg.startIndex);
  if (i < 0) return undefined;
  if (i + 1 < args.length) return { start: arg.startIndex, end: args[i + 1].startIndex, text: '' };
  if (i > 0) return { start: args[i - 1].endIndex, end: arg.endIndex, text: '' };
  // The only argument: a trailing comma after it goes too.
  const close = list.lastChild;
  return { start: arg.startIndex, end: close && close.type === ')' ? close.startIndex : arg.endIndex, text: '' };
}

/** Appends `name=value` to a call's arguments (after a `**kwargs` too, which Python 3 allows). */
export function addKeyword(call: Node, keyword: string): TextChange | undefined {
  const list = argumentList(call);
  if (!list) return undefined;
  const args = realArguments(list);
  if (args.length === 0) {
    const open = list.firstChild;
    return open ? { start: open.endIndex, end: open.endIndex, text: keyword } : undefined;
  }
  const last = args[args.length - 1];
  return { start: last.endIndex, end: last.endIndex, text: `, ${keyword}` };
}

/** The keyword argument node (`name=value`) whose value is `value`. */
export function keywordArgument(value: Node): Node | undefined {
  const parent = value.parent;
  return parent?.type === 'keyword_argument' ? parent : undefined;
}

/**
 * The name under which a module is usable at the top of the file, with the change that imports it when it is not
 * imported yet. Undefined when the name is taken by something else (the fix would then change its meaning).
 */
export function ensureModule(model: ModuleModel, module: string): { name: string; changes: TextChange[] } | undefined {
  const top = model.imports.filter((i) => i.scope === model.moduleScope);
  const aliased = top.find((i) => i.qualified === module && i.local !== module.split('.')[0]);
  if (aliased) return { name: aliased.local, changes: [] };
  const head = module.split('.')[0];
  if (top.some((i) => i.module === module && i.local === head)) return { name: module, changes: [] };
  const bound = model.moduleScope.bindings.get(head);
  if (bound && !bound.every((b) => b.kind === 'import' && (b.qualified === head || b.qualified?.startsWith(`${head}.`)))) return undefined;
  return { name: module, changes: [importChange(model, `import ${module}`)] };
}

/** `from module import name`, or nothing when `name` is already bound at module level to that object. */
export function ensureFromImport(model: ModuleModel, module: string, name: string): TextChange[] | undefined {
  const bound = model.moduleScope.bindings.get(name);
  if (bound) return bound.some((b) => b.kind === 'import' && b.qualified === `${module}.${name}`) ? [] : undefined;
  return [importChange(model, `from ${module} import ${name}`)];
}

/** A new import line before the first statement after the docstring and `from __future__` imports. */
function importChange(model: ModuleModel, line: string): TextChange {
  const root = model.tree.rootNode;
  const statements = root.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
  for (const [i, stmt] of statements.entries()) {
    const isDocstring = i === 0 && stmt.type === 'expression_statement' && stmt.namedChild(0)?.type === 'string';
    if (isDocstring || stmt.type === 'future_import_statement') continue;
    return { start: stmt.startIndex, end: stmt.startIndex, text: `${line}\n` };
  }
  const end = model.text.length;
  return { start: end, end, text: `${end > 0 && !model.text.endsWith('\n') ? '\n' : ''}${line}\n` };
}

/** The leading whitespace of the line `index` sits on. */
export function indentAt(text: string, index: number): string {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** A Python string literal for a value: double quotes, escaped. */
export function pythonString(value: string): string {
  return JSON.stringify(value);
}
