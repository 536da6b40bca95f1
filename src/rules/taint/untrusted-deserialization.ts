import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const untrustedDeserialization: Rule = {
  meta: {
    id: 'K715',
    name: 'untrusted-deserialization',
    summary: "Untrusted data is deserialized with a format that can build arbitrary objects",
    severity: 'critical',
    confidence: 'high',
    cwe: [502],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: { bandit: ["B301", "B506", "B614"], ruff: ["S301", "S506"] },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted data that reaches `pickle`/`dill`/`marshal`/`jsonpickle`/`shelve` loading, `yaml.load` without a safe loader, `torch.load` without `weights_only=True`, `numpy.load(allow_pickle=True)` and `pandas.read_pickle`.\n\nProcess input: a flow whose every source is input of the local user who runs the program (its command line, environment, standard input, or a file it reads) is reported at low confidence, and the message says so: whoever chooses that input can already run commands as that user. Data read from a socket is medium, and a request's data high.",
    why: "Unpickling runs code chosen by whoever wrote the bytes (`__reduce__`), so loading a request body or an uploaded file hands the server to its sender. Exchange data as JSON, or `yaml.safe_load`, and keep pickle for data the program wrote itself.",
    bad: "import pickle\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/session\", methods=[\"POST\"])\ndef restore():\n    state = pickle.loads(request.get_data())\n    return {\"keys\": sorted(state)}\n",
    good: "import json\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/session\", methods=[\"POST\"])\ndef restore():\n    state = json.loads(request.get_data())\n    return {\"keys\": sorted(state)}\n",
    references: ["https://cwe.mitre.org/data/definitions/502.html", "https://docs.python.org/3/library/pickle.html"],
  },
  taint: true,
};
