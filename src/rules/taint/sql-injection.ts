import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const sqlInjection: Rule = {
  meta: {
    id: 'K701',
    name: 'sql-injection',
    summary: "Untrusted input reaches the text of a SQL query",
    severity: 'critical',
    confidence: 'high',
    cwe: [89],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ["B608", "B610", "B611"], ruff: ["S608", "S610", "S611"] },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports SQL text built from untrusted input (a request parameter, a header, a command-line argument…) that reaches a database call: DB-API `execute`/`executemany`/`executescript`, asyncpg `fetch`/`execute`, SQLAlchemy `text()` and `exec_driver_sql`, Django `raw()`, `extra()`, `RawSQL`, and `pandas.read_sql`. The finding carries the path the data took, across functions and modules.\n\nProcess input: a flow whose every source is input of the local user who runs the program (its command line, environment, standard input, or a file it reads) is reported at low confidence, and the message says so: whoever chooses that input can already run commands as that user. Data read from a socket is medium, and a request's data high.",
    why: "Whoever controls part of the SQL text controls the query: they can read other users' rows, change or delete data, and on some databases run commands. Quoting by hand fails on edge cases. Placeholders (`?`, `%s`, `:name`) send the values separately from the SQL, so the database never parses them as SQL.",
    bad: "import sqlite3\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/users\")\ndef users():\n    name = request.args.get(\"name\", \"\")\n    db = sqlite3.connect(\"app.db\")\n    rows = db.execute(f\"SELECT id FROM users WHERE name = '{name}'\").fetchall()\n    return {\"ids\": [r[0] for r in rows]}\n",
    good: "import sqlite3\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/users\")\ndef users():\n    name = request.args.get(\"name\", \"\")\n    db = sqlite3.connect(\"app.db\")\n    rows = db.execute(\"SELECT id FROM users WHERE name = ?\", (name,)).fetchall()\n    return {\"ids\": [r[0] for r in rows]}\n",
    references: ["https://cwe.mitre.org/data/definitions/89.html", "https://cheatsheetseries.owasp.org/cheatsheets/Query_Parameterization_Cheat_Sheet.html"],
  },
  taint: true,
};
