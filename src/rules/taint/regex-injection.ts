import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const regexInjection: Rule = {
  meta: {
    id: 'K718',
    name: 'regex-injection',
    summary: "Untrusted input is used as a regular expression",
    severity: 'medium',
    confidence: 'high',
    cwe: [730],
    owasp: 'A03:2021-Injection',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input used as the pattern of `re.compile`, `re.match`, `re.search`, `re.sub` and the other `re` functions.",
    why: "A user-written pattern can backtrack for minutes on a short input (`(a+)+$`), tying up a worker per request, and it matches more than intended. Escape literal text with `re.escape`.",
    bad: "import re\nfrom flask import Flask, request\n\napp = Flask(__name__)\nNAMES = [\"alice\", \"bob\"]\n\n\n@app.route(\"/filter\")\ndef filter_names():\n    pattern = re.compile(request.args[\"q\"])\n    return {\"names\": [n for n in NAMES if pattern.search(n)]}\n",
    good: "import re\nfrom flask import Flask, request\n\napp = Flask(__name__)\nNAMES = [\"alice\", \"bob\"]\n\n\n@app.route(\"/filter\")\ndef filter_names():\n    pattern = re.compile(re.escape(request.args[\"q\"]))\n    return {\"names\": [n for n in NAMES if pattern.search(n)]}\n",
    references: ["https://cwe.mitre.org/data/definitions/730.html", "https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS"],
  },
  taint: true,
};
