import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const commandInjection: Rule = {
  meta: {
    id: 'K702',
    name: 'command-injection',
    summary: "Untrusted input reaches an operating-system command",
    severity: 'critical',
    confidence: 'high',
    cwe: [78],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ["B602", "B605", "B601", "B606", "B609"], ruff: ["S602", "S605", "S601", "S606", "S609"] },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input that reaches a command run by the system: `os.system`, `os.popen`, `subprocess.*` with `shell=True` or a command string, `asyncio.create_subprocess_shell`, the program of `os.exec*`/`os.spawn*`, `pty.spawn` and paramiko `exec_command`.\n\nProcess input: a flow whose every source is input of the local user who runs the program (its command line, environment, standard input, or a file it reads) is reported at low confidence, and the message says so: whoever chooses that input can already run commands as that user. Data read from a socket is medium, and a request's data high.",
    why: "A shell reads `;`, `|`, `$(…)` and backticks as new commands, so input such as `x; rm -rf ~` runs whatever the attacker wrote with the rights of the server. Pass the program and its arguments as a list without a shell, and validate values against what is expected; `shlex.quote` makes one value safe inside a shell command.",
    bad: "import os\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/ping\")\ndef ping():\n    host = request.args[\"host\"]\n    os.system(\"ping -c 1 \" + host)\n    return {\"ok\": True}\n",
    good: "import subprocess\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/ping\")\ndef ping():\n    host = request.args[\"host\"]\n    subprocess.run([\"ping\", \"-c\", \"1\", \"--\", host], check=False)\n    return {\"ok\": True}\n",
    references: ["https://cwe.mitre.org/data/definitions/78.html", "https://docs.python.org/3/library/subprocess.html#security-considerations"],
  },
  taint: true,
};
