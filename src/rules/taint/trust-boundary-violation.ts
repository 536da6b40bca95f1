import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const trustBoundaryViolation: Rule = {
  meta: {
    id: 'K719',
    name: 'trust-boundary-violation',
    summary: "Untrusted input is stored in the server-side session",
    severity: 'medium',
    confidence: 'high',
    cwe: [501],
    owasp: 'A04:2021-Insecure Design',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input stored in the session without validation: Flask `session[...] = x`, Django `request.session[...] = x`, `session.update(...)`.\n\nNot reported: a value first checked with an early exit against an allow-list, a type (`isinstance(x, int)`), or a full-match pattern that admits no markup, quotes, backslashes, braces, `$`, `%`, `;` or line breaks (`re.fullmatch(r\"[A-Za-z0-9_]+\", x)`); a pattern that admits anything (`.+`) validates nothing.",
    why: "Code reads the session as data the server itself vouched for (a role, a user id, a price). Storing request values there unchecked lets the client plant them across that trust boundary. Validate or convert the value first.",
    bad: "from flask import Flask, request, session\n\napp = Flask(__name__)\n\n\n@app.route(\"/prefs\", methods=[\"POST\"])\ndef prefs():\n    session[\"role\"] = request.form[\"role\"]\n    return {\"ok\": True}\n",
    good: "from flask import Flask, request, session\n\napp = Flask(__name__)\nTHEMES = (\"light\", \"dark\")\n\n\n@app.route(\"/prefs\", methods=[\"POST\"])\ndef prefs():\n    theme = request.form[\"theme\"]\n    if theme in THEMES:\n        session[\"theme\"] = theme\n    return {\"ok\": True}\n",
    references: ["https://cwe.mitre.org/data/definitions/501.html"],
  },
  taint: true,
};
