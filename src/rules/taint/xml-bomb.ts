import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const xmlBomb: Rule = {
  meta: {
    id: 'K714',
    name: 'tainted-xml-entity-expansion',
    summary: "Untrusted XML parsed by a standard-library parser that expands entities",
    severity: 'medium',
    confidence: 'high',
    cwe: [776],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ["B313", "B314", "B318", "B319"], ruff: ["S313", "S314", "S318", "S319"] },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted XML parsed with the standard library (`xml.etree.ElementTree`, `xml.dom.minidom`, `xml.sax`).",
    why: "Nested entity definitions (the \"billion laughs\") expand a few hundred bytes into gigabytes and exhaust memory. `defusedxml` offers the same functions with entity expansion refused.",
    bad: "import xml.etree.ElementTree as ET\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/feed\", methods=[\"POST\"])\ndef feed():\n    root = ET.fromstring(request.data)\n    return {\"items\": len(root)}\n",
    good: "import defusedxml.ElementTree as ET\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/feed\", methods=[\"POST\"])\ndef feed():\n    root = ET.fromstring(request.data)\n    return {\"items\": len(root)}\n",
    references: ["https://cwe.mitre.org/data/definitions/776.html", "https://docs.python.org/3/library/xml.html#xml-vulnerabilities"],
  },
  taint: true,
};
