import { boundValue, calleeOf, constantTruth } from '../helpers.js';
import type { Rule } from '../types.js';

/** The SAX features that make the parser fetch external entities, by constant name and by URI. */
const FEATURES: ReadonlyMap<string, string> = new Map([
  ['xml.sax.handler.feature_external_ges', 'general'],
  ['xml.sax.handler.feature_external_pes', 'parameter'],
  ['http://xml.org/sax/features/external-general-entities', 'general'],
  ['http://xml.org/sax/features/external-parameter-entities', 'parameter'],
]);

export const xmlSaxExternalEntities: Rule = {
  meta: {
    id: 'K211',
    name: 'xml-sax-external-entities',
    summary: 'A SAX parser told to fetch external entities (`feature_external_ges`/`feature_external_pes` set to true)',
    severity: 'high',
    confidence: 'medium',
    cwe: [611],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `reader.setFeature(feature, True)` where the feature is `xml.sax.handler.feature_external_ges` ' +
      'or `feature_external_pes` (by name or by their `http://xml.org/sax/features/...` URIs), on any SAX ' +
      'reader (`xml.sax.make_parser()`, a reader stored on `self`…), and so also the readers handed to ' +
      '`xml.dom.pulldom` and `xml.dom.minidom`.\n\n' +
      'Not reported: setting the features to false (the default since Python 3.7.1), a value the scanner ' +
      'cannot read, and readers made by `defusedxml.sax.make_parser()`, which refuse external references ' +
      'whatever the feature says.',
    why:
      'With external general entities on, a document that declares `<!ENTITY x SYSTEM "file:///etc/passwd">` ' +
      'and uses `&x;` gets the file\'s content pasted into the parsed text, which the application often ' +
      'echoes back or stores; `http://` system ids make the server fetch URLs of the attacker\'s choosing ' +
      '(SSRF, including cloud metadata endpoints). This is XML external entity injection (XXE). Leave the ' +
      'features off, or parse untrusted XML with defusedxml.',
    bad:
      'import xml.sax\nfrom xml.sax.handler import feature_external_ges\n\n\n' +
      'def parse_feed(stream, handler):\n' +
      '    reader = xml.sax.make_parser()\n' +
      '    reader.setFeature(feature_external_ges, True)\n' +
      '    reader.setContentHandler(handler)\n' +
      '    reader.parse(stream)\n',
    good:
      'from defusedxml.sax import make_parser\n\n\n' +
      'def parse_feed(stream, handler):\n' +
      '    reader = make_parser()\n' +
      '    reader.setContentHandler(handler)\n' +
      '    reader.parse(stream)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/611.html',
      'https://docs.python.org/3/library/xml.sax.handler.html#xml.sax.handler.feature_external_ges',
      'https://docs.python.org/3/library/xml.html#xml-vulnerabilities',
      'https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html#python',
    ],
  },
  callNames: ['setFeature'],
  call(call, ctx) {
    // `call.name` (the attribute as written, a plain string) first: other calls are not read from the tree.
    if (call.name !== 'setFeature') return;
    const fn = call.calleeNode;
    if (fn.type !== 'attribute') return;
    const [feature, state] = call.args;
    if (!feature || !state) return;
    const model = ctx.model;
    const kind = FEATURES.get(model.qualifiedName(feature) ?? model.constantString(feature) ?? '');
    if (!kind || constantTruth(state, model) !== true) return;
    const obj = fn.childForFieldName('object');
    if (obj) {
      const reader = boundValue(obj, model);
      const maker = reader.type === 'call' ? calleeOf(reader, model) : undefined;
      if (maker?.startsWith('defusedxml.')) return;
    }
    ctx.report({
      node: call.node,
      message: `the SAX reader is told to fetch external ${kind} entities: an XML document can then read local files or make the server request URLs (XXE); leave the feature off, or use defusedxml`,
    });
  },
};
