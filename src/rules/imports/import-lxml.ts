import { importRule, OPT_IN_NOTE } from './shared.js';

export const importLxml = importRule(
  {
    id: 'K260',
    name: 'import-lxml',
    summary: "Import of lxml's XML parsing API (`lxml.etree`, `lxml.objectify`)",
    severity: 'low',
    confidence: 'low',
    cwe: [611, 776],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ['B410'], ruff: ['S410'] },
    defaultEnabled: false,
  },
  {
    what:
      'Reports imports of `lxml` and its XML modules. Not reported: `lxml.html` (an HTML parser: no entity ' +
      'declarations), `lxml.builder` and `lxml.cssselect`, and `from lxml.etree import ...` of only names ' +
      `that build, query or write trees (\`Element\`, \`SubElement\`, \`tostring\`, \`XPath\`…).\n\n${OPT_IN_NOTE} ` +
      'Unsafe parser settings and parsing with the default parser are reported by `lxml-external-entities` (K212).',
    why:
      'Before lxml 5.0 the default XML parser replaced external entities with the files they name (XXE); ' +
      'every version does so with `resolve_entities=True`. Parse untrusted XML with ' +
      '`etree.XMLParser(resolve_entities=False, no_network=True)`.',
    bad: 'from lxml import etree\n\n\ndef load(body):\n    return etree.fromstring(body)\n',
    good: 'from lxml.etree import Element, SubElement, tostring\n\n\ndef render(name):\n    root = Element("user")\n    SubElement(root, "name").text = name\n    return tostring(root)\n',
    references: ['https://lxml.de/FAQ.html#how-do-i-use-lxml-safely-as-a-web-service-endpoint', 'https://cwe.mitre.org/data/definitions/611.html'],
  },
  {
    modules: ['lxml'],
    safeModules: ['lxml.html', 'lxml.builder', 'lxml.cssselect', 'lxml.doctestcompare', 'lxml.usedoctest'],
    safeNames: {
      'lxml.etree': [
        'Element',
        'SubElement',
        'QName',
        'CDATA',
        'Comment',
        'ProcessingInstruction',
        'PI',
        'Entity',
        'ElementBase',
        'XPath',
        'XPathEvaluator',
        'XPathElementEvaluator',
        'ETXPath',
        'tostring',
        'tostringlist',
        'iselement',
        'indent',
        'strip_tags',
        'strip_elements',
        'strip_attributes',
        'cleanup_namespaces',
        'register_namespace',
        'HTMLParser',
        'LxmlError',
        'XMLSyntaxError',
        'ParseError',
        'XPathEvalError',
        '_Element',
        '_ElementTree',
      ],
    },
    message: (m) => `${m} parses XML with libxml2; make sure untrusted XML goes through XMLParser(resolve_entities=False, no_network=True)`,
  },
  /lxml/,
);
