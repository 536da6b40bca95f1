import { ensureModule, replaceNode } from '../edits.js';
import type { FixProvider } from '../types.js';

/** Stdlib module → the defusedxml module with the same functions. */
const MODULES: Readonly<Record<string, string>> = {
  'xml.etree.ElementTree': 'defusedxml.ElementTree',
  'xml.etree.cElementTree': 'defusedxml.ElementTree',
  'xml.dom.minidom': 'defusedxml.minidom',
  'xml.dom.pulldom': 'defusedxml.pulldom',
  'xml.dom.expatbuilder': 'defusedxml.expatbuilder',
  'xml.sax': 'defusedxml.sax',
};

/** Functions defusedxml provides under the same name (its modules do not copy everything of the stdlib's). */
const PROVIDED = new Set(['parse', 'iterparse', 'fromstring', 'XML', 'parseString', 'make_parser']);

/** Unsafe: the project gains a dependency (`defusedxml`), and documents with a DTD entity are now refused. */
export const defusedXml: FixProvider = {
  ruleId: 'K210',
  name: 'use-defusedxml',
  applicability: 'unsafe',
  summary: 'Calls the same function from `defusedxml` (`defusedxml.ElementTree.parse`…), which refuses entity tricks; adds the import. Needs the `defusedxml` package.',
  create({ model, call }) {
    const callee = call?.callee;
    if (!call || !callee) return undefined;
    const dot = callee.lastIndexOf('.');
    const target = MODULES[callee.slice(0, dot)];
    const fn = callee.slice(dot + 1);
    if (!target || !PROVIDED.has(fn)) return undefined;
    const module = ensureModule(model, target);
    if (!module) return undefined;
    return {
      description: `parse with ${target}.${fn}() (needs the defusedxml package)`,
      changes: [...module.changes, replaceNode(call.calleeNode, `${module.name}.${fn}`)],
    };
  },
};
