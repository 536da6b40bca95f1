import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const pathTraversal: Rule = {
  meta: {
    id: 'K705',
    name: 'path-traversal',
    summary: "Untrusted input chooses a file path that is opened, written, deleted or extracted to",
    severity: 'high',
    confidence: 'high',
    cwe: [22],
    owasp: 'A01:2021-Broken Access Control',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input that reaches a file-system path: `open`, `io.open`, `os.*` file functions, `shutil.*`, `pathlib.Path` reads and writes, `flask.send_file`, Django `FileResponse`, saving an upload under a user-chosen path, and extracting an uploaded tar or zip archive without a member filter (tar-slip, zip-slip).",
    why: "`../` sequences and absolute paths let the requester read or overwrite any file the server can reach: configuration, keys, source code. Reduce the name to its last part (`os.path.basename`, `werkzeug.utils.secure_filename`), or resolve the full path with `os.path.realpath` and check that it starts with the allowed folder before using it.",
    bad: "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/files\")\ndef read_file():\n    name = request.args[\"name\"]\n    with open(\"/srv/files/\" + name) as f:\n        return {\"content\": f.read()}\n",
    good: "import os\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/files\")\ndef read_file():\n    name = os.path.basename(request.args[\"name\"])\n    with open(os.path.join(\"/srv/files\", name)) as f:\n        return {\"content\": f.read()}\n",
    references: ["https://cwe.mitre.org/data/definitions/22.html", "https://owasp.org/www-community/attacks/Path_Traversal"],
  },
  taint: true,
};
