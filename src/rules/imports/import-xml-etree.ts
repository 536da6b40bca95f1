import { importRule, OPT_IN_NOTE } from './shared.js';

/** ElementTree names that build, inspect or write XML and cannot parse it. */
const BUILDING = [
  'Element',
  'SubElement',
  'Comment',
  'ProcessingInstruction',
  'PI',
  'QName',
  'TreeBuilder',
  'tostring',
  'tostringlist',
  'dump',
  'indent',
  'iselement',
  'register_namespace',
  'ParseError',
];

export const importXmlEtree = importRule(
  {
    id: 'K255',
    name: 'import-xml-etree',
    summary: 'Import of `xml.etree.ElementTree`/`cElementTree`, whose parsers are not hardened against malicious XML',
    severity: 'low',
    confidence: 'low',
    cwe: [776, 611],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ['B405'], ruff: ['S405'] },
    defaultEnabled: false,
  },
  {
    what:
      'Reports imports of `xml.etree.ElementTree` and `xml.etree.cElementTree`. A `from` import of only ' +
      'names that build or write XML (`Element`, `SubElement`, `tostring`, `indent`…) is not reported: ' +
      `only parsing is at risk.\n\n${OPT_IN_NOTE} Parsing calls on data that is not constant are reported ` +
      'by `xml-entity-expansion` (K210).',
    why:
      'ElementTree parses with expat, which expands entity declarations; with an expat older than 2.4.1, a ' +
      'small document can expand to gigabytes. `defusedxml.ElementTree` has the same API and refuses ' +
      'such documents.',
    bad: 'import xml.etree.ElementTree as ET\n\n\ndef parse(body):\n    return ET.fromstring(body)\n',
    good: 'import defusedxml.ElementTree as ET\n\n\ndef parse(body):\n    return ET.fromstring(body)\n',
    references: ['https://docs.python.org/3/library/xml.html#xml-vulnerabilities', 'https://pypi.org/project/defusedxml/'],
  },
  {
    modules: ['xml.etree.ElementTree', 'xml.etree.cElementTree'],
    safeNames: { 'xml.etree.ElementTree': BUILDING, 'xml.etree.cElementTree': BUILDING },
    message: (m) => `${m} parses with expat, which expands entities; parse untrusted XML with defusedxml.ElementTree`,
  },
  /ElementTree/,
);
