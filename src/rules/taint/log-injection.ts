import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const logInjection: Rule = {
  meta: {
    id: 'K717',
    name: 'log-injection',
    summary: "Untrusted input is written to a log without removing line breaks",
    severity: 'low',
    confidence: 'high',
    cwe: [117],
    owasp: 'A09:2021-Security Logging and Monitoring Failures',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input passed to `logging` calls (module functions and logger methods), unless line breaks were removed first.\n\nNot reported: arguments that the call's constant format prints with `%r` or `%a` (`log.warning(\"bad cookie %r\", value)`, also through `logger.log(level, fmt, ...)`): repr writes CR and LF as escapes, so the value cannot start a forged line. Arguments printed with `%s`, and named placeholders (`%(name)r`, whose mapping the scanner does not pair with its keys), are still reported. Nor the fields of a parameter annotated as an outgoing request the program builds for an HTTP client (Tornado's `HTTPRequest`, `urllib.request.Request`, `requests.Request`, `httpx.Request`: the table `CLIENT_REQUEST_TYPES`), even when it is named `request`: its URL is the program's own choice.",
    why: "A value containing a newline writes a second, forged log line (`admin logged in`), which misleads whoever reads or parses the logs. Replace `\\r` and `\\n` before logging, or log the value with `%r`-style repr formatting.",
    bad: "import logging\nfrom flask import Flask, request\n\napp = Flask(__name__)\nlog = logging.getLogger(__name__)\n\n\n@app.route(\"/search\")\ndef search():\n    term = request.args.get(\"q\", \"\")\n    log.info(\"search for %s\", term)\n    return {\"results\": []}\n",
    good: "import logging\nfrom flask import Flask, request\n\napp = Flask(__name__)\nlog = logging.getLogger(__name__)\n\n\n@app.route(\"/search\")\ndef search():\n    term = request.args.get(\"q\", \"\").replace(\"\\r\", \"\").replace(\"\\n\", \"\")\n    log.info(\"search for %s\", term)\n    return {\"results\": []}\n",
    references: ["https://cwe.mitre.org/data/definitions/117.html", "https://owasp.org/www-community/attacks/Log_Injection"],
  },
  taint: true,
};
