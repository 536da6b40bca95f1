import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const templateInjection: Rule = {
  meta: {
    id: 'K708',
    name: 'template-injection',
    summary: "Untrusted input becomes the source of a server-side template",
    severity: 'critical',
    confidence: 'high',
    cwe: [1336],
    owasp: 'A03:2021-Injection',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input that becomes template source: `flask.render_template_string`, `jinja2.Template`, `Environment.from_string`, Mako `Template`, Django `Template`.\n\nProcess input: a flow whose every source is input of the local user who runs the program (its command line, environment, standard input, or a file it reads) is reported at low confidence, and the message says so: whoever chooses that input can already run commands as that user. Data read from a socket is medium, and a request's data high.",
    why: "Template languages reach Python objects: `{{ cycler.__init__.__globals__.os.popen(\"id\").read() }}` runs commands on the server. Keep templates constant and pass user data as context variables.",
    bad: "from flask import Flask, render_template_string, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/greet\")\ndef greet():\n    return render_template_string(\"Hello \" + request.args[\"name\"])\n",
    good: "from flask import Flask, render_template_string, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/greet\")\ndef greet():\n    return render_template_string(\"Hello {{ name }}\", name=request.args[\"name\"])\n",
    references: ["https://cwe.mitre.org/data/definitions/1336.html", "https://portswigger.net/web-security/server-side-template-injection"],
  },
  taint: true,
};
