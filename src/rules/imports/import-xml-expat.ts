import { importRule, OPT_IN_NOTE } from './shared.js';

export const importXmlExpat = importRule(
  {
    id: 'K257',
    name: 'import-xml-expat',
    summary: 'Import of the raw expat parser (`xml.dom.expatbuilder`, `xml.parsers.expat`)',
    severity: 'low',
    confidence: 'low',
    cwe: [776, 611],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ['B407'], ruff: ['S407'] },
    defaultEnabled: false,
  },
  {
    what:
      'Reports imports of `xml.dom.expatbuilder` (Bandit\'s B407) and of the expat binding itself, ' +
      '`xml.parsers.expat` and `pyexpat`, except imports of only its exception and version names ' +
      `(\`from xml.parsers.expat import ExpatError\`).\n\n${OPT_IN_NOTE}`,
    why:
      'These are the lowest layer under every standard XML parser: they expand entity declarations, which ' +
      'an expat older than 2.4.1 does without limits. `defusedxml.expatbuilder` and `defusedxml.expatreader` ' +
      'are the hardened twins.',
    bad: 'from xml.dom import expatbuilder\n\n\ndef load(body):\n    return expatbuilder.parseString(body)\n',
    good: 'from defusedxml import expatbuilder\n\n\ndef load(body):\n    return expatbuilder.parseString(body)\n',
    references: ['https://docs.python.org/3/library/xml.html#xml-vulnerabilities', 'https://pypi.org/project/defusedxml/'],
  },
  {
    modules: ['xml.dom.expatbuilder', 'xml.parsers.expat', 'pyexpat'],
    safeNames: {
      'xml.parsers.expat': ['ExpatError', 'error', 'errors', 'model', 'version_info', 'EXPAT_VERSION'],
      pyexpat: ['ExpatError', 'error', 'errors', 'model', 'version_info', 'EXPAT_VERSION'],
    },
    message: (m) => `${m} is the expat parser, which expands entities; parse untrusted XML with defusedxml`,
  },
  /expat/,
);
