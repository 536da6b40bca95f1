import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const evalInjection: Rule = {
  meta: {
    id: 'K704',
    name: 'eval-injection',
    summary: "Untrusted input is evaluated with `eval()`",
    severity: 'critical',
    confidence: 'high',
    cwe: [95],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ["B307"], ruff: ["S307"] },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input that reaches `eval()`.\n\nProcess input: a flow whose every source is input of the local user who runs the program (its command line, environment, standard input, or a file it reads) is reported at low confidence, and the message says so: whoever chooses that input can already run commands as that user. Data read from a socket is medium, and a request's data high.",
    why: "`eval` runs any Python expression, and an expression can import modules and call functions (`__import__(\"os\").system(...)`). To read numbers or literals use `int()`, `float()`, `json.loads` or `ast.literal_eval`.",
    bad: "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/calc\")\ndef calc():\n    return {\"value\": eval(request.args[\"expr\"])}\n",
    good: "import ast\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/calc\")\ndef calc():\n    return {\"value\": ast.literal_eval(request.args[\"expr\"])}\n",
    references: ["https://cwe.mitre.org/data/definitions/95.html", "https://docs.python.org/3/library/ast.html#ast.literal_eval"],
  },
  taint: true,
};
