import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const xss: Rule = {
  meta: {
    id: 'K707',
    name: 'xss',
    summary: "Untrusted input is sent back as HTML without escaping (cross-site scripting)",
    severity: 'high',
    confidence: 'high',
    cwe: [79],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ["B308", "B703", "B704"], ruff: ["S308", "S704"] },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input returned as HTML by a view without escaping: a Flask view returning text built from it, `make_response`, Django `HttpResponse`, `markupsafe.Markup`, `mark_safe`, Starlette `HTMLResponse`, Tornado `self.write`.\n\nNot reported: text that went through an escaping function first (`html.escape`, `markupsafe.escape`, Django's `escape`/`conditional_escape`, and Django's HTML-producing template filters such as `linebreaksbr`, `urlize` and `linenumbers`, which escape while autoescaping is on, their default when called from Python). Those filters called with `autoescape=False`, with a switch the code does not fix, or with `**options` are reported: their text comes back unescaped.",
    why: "Markup in the input becomes part of the page: a `<script>` runs in the victim's browser with their session and can act on their behalf. Render through a template with autoescaping, or escape with `html.escape`/`markupsafe.escape`.",
    bad: "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/hello\")\ndef hello():\n    name = request.args.get(\"name\", \"\")\n    return f\"<h1>Hello {name}</h1>\"\n",
    good: "from html import escape\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/hello\")\ndef hello():\n    name = escape(request.args.get(\"name\", \"\"))\n    return f\"<h1>Hello {name}</h1>\"\n",
    references: ["https://cwe.mitre.org/data/definitions/79.html", "https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html"],
  },
  taint: true,
};
