import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const xxe: Rule = {
  meta: {
    id: 'K713',
    name: 'xxe',
    summary: "Untrusted XML parsed by a parser that resolves external entities",
    severity: 'high',
    confidence: 'high',
    cwe: [611],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ["B320"], ruff: ["S320"] },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted XML parsed with lxml told to resolve entities or reach the network (`resolve_entities=True`, `no_network=False`), `xml.sax` with external entities switched on, and `xml.dom.pulldom`.",
    why: "An external entity (`<!ENTITY x SYSTEM \"file:///etc/passwd\">`) makes the parser read local files or fetch URLs and put them in the document. Parse untrusted XML with `defusedxml`, or with entity resolution and network access off.",
    bad: "from lxml import etree\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/import\", methods=[\"POST\"])\ndef import_xml():\n    parser = etree.XMLParser(resolve_entities=True)\n    doc = etree.fromstring(request.get_data(), parser)\n    return {\"root\": doc.tag}\n",
    good: "import defusedxml.ElementTree as ET\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/import\", methods=[\"POST\"])\ndef import_xml():\n    doc = ET.fromstring(request.get_data())\n    return {\"root\": doc.tag}\n",
    references: ["https://cwe.mitre.org/data/definitions/611.html", "https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html"],
  },
  taint: true,
};
