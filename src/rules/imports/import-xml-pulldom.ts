import { importRule, OPT_IN_NOTE } from './shared.js';

export const importXmlPulldom = importRule(
  {
    id: 'K259',
    name: 'import-xml-pulldom',
    summary: 'Import of `xml.dom.pulldom`, whose parser is not hardened against malicious XML',
    severity: 'low',
    confidence: 'low',
    cwe: [776, 611],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ['B409'], ruff: ['S409'] },
    defaultEnabled: false,
  },
  {
    what: `Reports imports of \`xml.dom.pulldom\`.\n\n${OPT_IN_NOTE} Parsing calls on data that is not constant are reported by \`xml-entity-expansion\` (K210).`,
    why:
      '`pulldom` parses through a SAX reader: it expands entity declarations (billion laughs with an expat ' +
      'older than 2.4.1) and, given a reader with `feature_external_ges` on, fetches external entities. ' +
      '`defusedxml.pulldom` is the hardened twin.',
    bad: 'from xml.dom import pulldom\n\n\ndef events(stream):\n    return pulldom.parse(stream)\n',
    good: 'from defusedxml import pulldom\n\n\ndef events(stream):\n    return pulldom.parse(stream)\n',
    references: ['https://docs.python.org/3/library/xml.html#xml-vulnerabilities', 'https://pypi.org/project/defusedxml/'],
  },
  {
    modules: ['xml.dom.pulldom'],
    message: (m) => `${m} parses with expat, which expands entities; parse untrusted XML with defusedxml.pulldom`,
  },
  /pulldom/,
);
