import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const codeInjection: Rule = {
  meta: {
    id: 'K703',
    name: 'code-injection',
    summary: "Untrusted input is run as Python code or chooses a module to import",
    severity: 'critical',
    confidence: 'high',
    cwe: [94],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ["B102"], ruff: ["S102"] },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input that reaches `exec`, `compile`, `code.InteractiveInterpreter.runsource`, `importlib.import_module` or `__import__`.\n\nProcess input: a flow whose every source is input of the local user who runs the program (its command line, environment, standard input, or a file it reads) is reported at low confidence, and the message says so: whoever chooses that input can already run commands as that user. Data read from a socket is medium, and a request's data high.",
    why: "Code built from input runs with all the rights of the process: the attacker can read secrets, change data and take over the host. Importing a module named by the user runs that module's top-level code. Map user choices to a fixed table of functions or modules instead.",
    bad: "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/run\", methods=[\"POST\"])\ndef run():\n    exec(request.form[\"code\"])\n    return {\"ok\": True}\n",
    good: "from flask import Flask, request\n\napp = Flask(__name__)\nACTIONS = {\"ping\": lambda: \"pong\"}\n\n\n@app.route(\"/run\", methods=[\"POST\"])\ndef run():\n    action = ACTIONS.get(request.form[\"action\"])\n    return {\"result\": action() if action else None}\n",
    references: ["https://cwe.mitre.org/data/definitions/94.html"],
  },
  taint: true,
};
