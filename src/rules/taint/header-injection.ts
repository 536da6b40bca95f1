import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const headerInjection: Rule = {
  meta: {
    id: 'K716',
    name: 'header-injection',
    summary: "Untrusted input is written into an HTTP response header or cookie",
    severity: 'medium',
    confidence: 'high',
    cwe: [113],
    owasp: 'A03:2021-Injection',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input written into response headers or cookies: `response.headers[...] = x`, `headers.add/set`, `set_cookie`, Tornado `set_header`, Django `response[...] = x`.",
    why: "Carriage returns and line feeds in a header value end the header: the attacker adds headers of their own (a `Set-Cookie`, a `Location`) or a second response body. Reject or strip `\\r` and `\\n`, or percent-encode the value.",
    bad: "from flask import Flask, make_response, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/lang\")\ndef lang():\n    resp = make_response(\"ok\")\n    resp.headers[\"Content-Language\"] = request.args[\"lang\"]\n    return resp\n",
    good: "from flask import Flask, make_response, request\n\napp = Flask(__name__)\nLANGUAGES = {\"en\", \"fr\", \"de\"}\n\n\n@app.route(\"/lang\")\ndef lang():\n    resp = make_response(\"ok\")\n    value = request.args[\"lang\"]\n    if value in LANGUAGES:\n        resp.headers[\"Content-Language\"] = value\n    return resp\n",
    references: ["https://cwe.mitre.org/data/definitions/113.html", "https://owasp.org/www-community/attacks/HTTP_Response_Splitting"],
  },
  taint: true,
};
