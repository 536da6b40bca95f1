import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const xpathInjection: Rule = {
  meta: {
    id: 'K711',
    name: 'xpath-injection',
    summary: "Untrusted input is built into an XPath expression",
    severity: 'high',
    confidence: 'high',
    cwe: [643],
    owasp: 'A03:2021-Injection',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input in XPath expressions: `lxml.etree.XPath`, `tree.xpath()`, ElementTree `find`/`findall` paths.",
    why: "Quotes and operators in the input rewrite the expression (`' or '1'='1`) and expose other nodes of the document. Pass values as XPath variables (`tree.xpath(\"//user[@name=$name]\", name=value)`).",
    bad: "from lxml import etree\nfrom flask import Flask, request\n\napp = Flask(__name__)\nTREE = etree.parse(\"users.xml\")\n\n\n@app.route(\"/user\")\ndef user():\n    nodes = TREE.xpath(\"//user[@name='\" + request.args[\"name\"] + \"']\")\n    return {\"count\": len(nodes)}\n",
    good: "from lxml import etree\nfrom flask import Flask, request\n\napp = Flask(__name__)\nTREE = etree.parse(\"users.xml\")\n\n\n@app.route(\"/user\")\ndef user():\n    nodes = TREE.xpath(\"//user[@name=$name]\", name=request.args[\"name\"])\n    return {\"count\": len(nodes)}\n",
    references: ["https://cwe.mitre.org/data/definitions/643.html", "https://owasp.org/www-community/attacks/XPATH_Injection"],
  },
  taint: true,
};
