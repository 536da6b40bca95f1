import type { Node } from 'web-tree-sitter';
import type { CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { argumentOf, dataOrigin, isNone } from '../deserialization/shared.js';
import { boundValue, calleeOf } from '../helpers.js';
import type { Rule } from '../types.js';

/** Where a parsing call finds its XML (position, keywords) and, when it takes one, its parser. */
interface Parse {
  data: [number | undefined, string[]];
  parser?: [number, string[]];
}

const ET_FUNCTIONS: Record<string, Parse> = {
  parse: { data: [0, ['source']], parser: [1, ['parser']] },
  iterparse: { data: [0, ['source']], parser: [2, ['parser']] },
  fromstring: { data: [0, ['text']], parser: [1, ['parser']] },
  XML: { data: [0, ['text']], parser: [1, ['parser']] },
  fromstringlist: { data: [0, ['sequence']], parser: [1, ['parser']] },
  XMLID: { data: [0, ['text']], parser: [1, ['parser']] },
  canonicalize: { data: [0, ['xml_data', 'from_file']] },
  ElementTree: { data: [1, ['file']] },
  'ElementTree.parse': { data: [0, ['source']], parser: [1, ['parser']] },
  'XMLParser.feed': { data: [0, ['data']] },
  'XMLPullParser.feed': { data: [0, ['data']] },
};

/** Stdlib parsing entry points (all use expat) by qualified name. */
const PARSERS: ReadonlyMap<string, Parse> = new Map<string, Parse>([
  ...['xml.etree.ElementTree', 'xml.etree.cElementTree'].flatMap((m) => Object.entries(ET_FUNCTIONS).map(([f, p]): [string, Parse] => [`${m}.${f}`, p])),
  ['xml.sax.parse', { data: [0, ['source']] }],
  ['xml.sax.parseString', { data: [0, ['string']] }],
  ['xml.sax.expatreader.ExpatParser.parse', { data: [0, ['source']] }],
  ['xml.sax.expatreader.ExpatParser.feed', { data: [0, ['data']] }],
  ['xml.dom.minidom.parse', { data: [0, ['file']], parser: [1, ['parser']] }],
  ['xml.dom.minidom.parseString', { data: [0, ['string']], parser: [1, ['parser']] }],
  ['xml.dom.pulldom.parse', { data: [0, ['stream_or_string']], parser: [1, ['parser']] }],
  ['xml.dom.pulldom.parseString', { data: [0, ['string']], parser: [1, ['parser']] }],
  ['xml.dom.expatbuilder.parse', { data: [0, ['file']] }],
  ['xml.dom.expatbuilder.parseString', { data: [0, ['string']] }],
]);

/** `defusedxml.defuse_stdlib()` patches the stdlib modules in place for the whole process. */
const DEFUSE_STDLIB = 'defusedxml.defuse_stdlib';

/** True when a parser argument is one of defusedxml's (`parser=DefusedXMLParser()`). */
function isDefusedParser(node: Node, model: ModuleModel): boolean {
  const n = boundValue(node, model);
  const q = n.type === 'call' ? calleeOf(n, model) : model.qualifiedName(n);
  const t = model.instanceType(n);
  return (q?.startsWith('defusedxml.') ?? false) || (t?.startsWith('defusedxml.') ?? false);
}

/** How to name a parsing call in a message. */
function display(callee: string): string {
  const reader = /^xml\.sax\.expatreader\.ExpatParser\.(\w+)$/.exec(callee);
  if (reader) return `the ${reader[1]}() of an xml.sax reader`;
  return `${callee.replace(/^xml\.etree\.c?ElementTree\./, 'ElementTree.')}()`;
}

export const xmlEntityExpansion: Rule = {
  meta: {
    id: 'K210',
    name: 'xml-entity-expansion',
    summary: "Non-constant XML parsed with the standard library's expat-based parsers instead of defusedxml",
    severity: 'medium',
    confidence: 'low',
    cwe: [776, 611],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: {
      bandit: ['B313', 'B314', 'B315', 'B316', 'B317', 'B318', 'B319'],
      ruff: ['S313', 'S314', 'S315', 'S316', 'S317', 'S318', 'S319'],
    },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports the standard library\'s XML parsers applied to data that is not fixed by the source:\n\n' +
      '- `xml.etree.ElementTree` (and the old `cElementTree`): `parse`, `iterparse`, `fromstring`, `XML`, ' +
      '`fromstringlist`, `XMLID`, `canonicalize`, `ElementTree(file=...)`, `ElementTree().parse()`, and ' +
      '`XMLParser().feed()`/`XMLPullParser().feed()`;\n' +
      '- `xml.sax.parse`, `xml.sax.parseString`, and `parse()`/`feed()` on a reader from ' +
      '`xml.sax.make_parser()` or `xml.sax.expatreader.create_parser()`;\n' +
      '- `xml.dom.minidom`, `xml.dom.pulldom` and `xml.dom.expatbuilder` `parse`/`parseString`.\n\n' +
      'The finding is medium severity and **low confidence** on purpose. Since Python 3.7.1 none of these ' +
      'parsers fetch external entities by default, so the classic XXE file read does not apply (a SAX ' +
      'parser with `feature_external_ges` turned on is a different rule, at high severity). What remains is ' +
      'entity expansion ("billion laughs", quadratic blowup): a few hundred bytes of DTD that expand to ' +
      'gigabytes. Expat 2.4.1 (2021) and later limit that amplification, so the risk depends on the expat ' +
      'your Python links to (`pyexpat.EXPAT_VERSION`): current CPython builds are protected, older or ' +
      'distribution builds may not be.\n\n' +
      'Not reported: constant XML and files at paths fixed by the source (data shipped with the program); ' +
      'a defusedxml parser passed as `parser=`; modules that call `defusedxml.defuse_stdlib()`; ' +
      '`defusedxml.ElementTree` and the other defusedxml modules; building and writing XML ' +
      '(`Element`, `SubElement`, `tostring`). The constructors (`XMLParser()`, `make_parser()`) are not ' +
      'reported: the call that feeds them data is.',
    why:
      'An XML document can declare entities that refer to each other, each doubling or multiplying the ' +
      'text of the one before: a 1 kB request becomes gigabytes of memory and minutes of CPU in a parser ' +
      'without limits, which takes a worker or a whole server down (CWE-776). `defusedxml` wraps the same ' +
      'parsers and rejects entity declarations, external references and DTDs outright, which removes the ' +
      'question of which expat version is installed.',
    bad:
      'from xml.etree import ElementTree\n\n\n' +
      'def read_order(body: bytes):\n' +
      '    return ElementTree.fromstring(body)\n',
    good:
      'from defusedxml import ElementTree\n\n\n' +
      'def read_order(body: bytes):\n' +
      '    return ElementTree.fromstring(body)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/776.html',
      'https://docs.python.org/3/library/xml.html#xml-vulnerabilities',
      'https://pypi.org/project/defusedxml/',
      'https://github.com/libexpat/libexpat/blob/R_2_4_1/expat/Changes',
    ],
  },
  textHint: /xml/,
  callees: [...PARSERS.keys()],
  call(call: CallSite, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    const spec = PARSERS.get(callee);
    if (!spec) return;
    if (model.callsTo(DEFUSE_STDLIB).length > 0) return;
    const data = argumentOf(call, spec.data[0], spec.data[1]);
    if (!data || isNone(data)) return;
    if (dataOrigin(data, model) !== 'unknown') return;
    const parser = spec.parser ? argumentOf(call, spec.parser[0], spec.parser[1]) : undefined;
    if (parser && isDefusedParser(parser, model)) return;
    ctx.report({
      node: call.node,
      message:
        `${display(callee)} parses XML that is not constant with expat, which expands entities: without the ` +
        'limits of expat 2.4.1+, a small document can exhaust memory and CPU (billion laughs); parse untrusted XML with defusedxml',
    });
  },
};
