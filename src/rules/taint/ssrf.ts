import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const ssrf: Rule = {
  meta: {
    id: 'K706',
    name: 'ssrf',
    summary: "Untrusted input chooses the URL or host of a server-side request",
    severity: 'high',
    confidence: 'high',
    cwe: [918],
    owasp: 'A10:2021-Server-Side Request Forgery',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input that reaches the URL or host of an outgoing request: `requests.*`, `httpx.*`, `urllib.request.urlopen`/`Request`, `aiohttp.ClientSession.*` and `http.client.HTTP(S)Connection`.",
    why: "A server that fetches any URL it is given can be pointed at internal services, cloud metadata endpoints (`169.254.169.254`) and `file://` URLs, from inside the network perimeter. Build URLs from a fixed base and validated parts, or check the host against an allow-list.",
    bad: "import requests\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/preview\")\ndef preview():\n    page = requests.get(request.args[\"url\"], timeout=5)\n    return {\"status\": page.status_code}\n",
    good: "import requests\nfrom flask import Flask, request\n\napp = Flask(__name__)\nPAGES = {\"home\": \"https://example.com/\", \"docs\": \"https://example.com/docs\"}\n\n\n@app.route(\"/preview\")\ndef preview():\n    page = requests.get(PAGES.get(request.args[\"page\"], \"https://example.com/\"), timeout=5)\n    return {\"status\": page.status_code}\n",
    references: ["https://cwe.mitre.org/data/definitions/918.html", "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html"],
  },
  taint: true,
};
