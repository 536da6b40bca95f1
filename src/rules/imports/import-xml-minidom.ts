import { importRule, OPT_IN_NOTE } from './shared.js';

export const importXmlMinidom = importRule(
  {
    id: 'K258',
    name: 'import-xml-minidom',
    summary: 'Import of `xml.dom.minidom`, whose parser is not hardened against malicious XML',
    severity: 'low',
    confidence: 'low',
    cwe: [776, 611],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ['B408'], ruff: ['S408'] },
    defaultEnabled: false,
  },
  {
    what:
      'Reports imports of `xml.dom.minidom`, except `from` imports of only the classes used to build ' +
      `documents (\`Document\`, \`Element\`, \`getDOMImplementation\`…).\n\n${OPT_IN_NOTE} Parsing calls ` +
      'on data that is not constant are reported by `xml-entity-expansion` (K210).',
    why:
      '`minidom.parse` and `parseString` expand entity declarations through expat (billion laughs with an ' +
      'expat older than 2.4.1). `defusedxml.minidom` has the same functions and refuses such documents.',
    bad: 'from xml.dom import minidom\n\n\ndef load(body):\n    return minidom.parseString(body)\n',
    good: 'from defusedxml import minidom\n\n\ndef load(body):\n    return minidom.parseString(body)\n',
    references: ['https://docs.python.org/3/library/xml.html#xml-vulnerabilities', 'https://pypi.org/project/defusedxml/'],
  },
  {
    modules: ['xml.dom.minidom'],
    safeNames: {
      'xml.dom.minidom': ['Document', 'DocumentFragment', 'Element', 'Text', 'Comment', 'CDATASection', 'Attr', 'Node', 'getDOMImplementation', 'DOMImplementation'],
    },
    message: (m) => `${m} parses with expat, which expands entities; parse untrusted XML with defusedxml.minidom`,
  },
  /minidom/,
);
