import { importRule, OPT_IN_NOTE } from './shared.js';

export const importXmlSax = importRule(
  {
    id: 'K256',
    name: 'import-xml-sax',
    summary: 'Import of `xml.sax`, whose parsers are not hardened against malicious XML',
    severity: 'low',
    confidence: 'low',
    cwe: [776, 611],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ['B406'], ruff: ['S406'] },
    defaultEnabled: false,
  },
  {
    what:
      'Reports `import xml.sax` and imports of its parsing functions. `xml.sax.saxutils` (escaping, ' +
      '`XMLGenerator`), `xml.sax.handler` and `xml.sax.xmlreader`, and the handler and exception classes ' +
      `(\`from xml.sax import ContentHandler\`) are not reported.\n\n${OPT_IN_NOTE} See also ` +
      '`xml-entity-expansion` (K210) and `xml-sax-external-entities` (K211).',
    why:
      'SAX parsers expand entity declarations (billion laughs with an expat older than 2.4.1) and, when ' +
      '`feature_external_ges` is turned on, fetch external entities. `defusedxml.sax` is a drop-in ' +
      'replacement that refuses both.',
    bad: 'import xml.sax\n\n\ndef scan(stream, handler):\n    xml.sax.parse(stream, handler)\n',
    good: 'import defusedxml.sax\n\n\ndef scan(stream, handler):\n    defusedxml.sax.parse(stream, handler)\n',
    references: ['https://docs.python.org/3/library/xml.html#xml-vulnerabilities', 'https://pypi.org/project/defusedxml/'],
  },
  {
    modules: ['xml.sax'],
    safeModules: ['xml.sax.saxutils', 'xml.sax.handler', 'xml.sax.xmlreader'],
    safeNames: {
      'xml.sax': [
        'ContentHandler',
        'ErrorHandler',
        'InputSource',
        'SAXException',
        'SAXParseException',
        'SAXNotRecognizedException',
        'SAXNotSupportedException',
        'SAXReaderNotAvailable',
      ],
    },
    message: (m) => `${m} parses with expat, which expands entities; parse untrusted XML with defusedxml.sax`,
  },
  /xml\.sax|from xml import/,
);
