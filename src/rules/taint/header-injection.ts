import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const headerInjection: Rule = {
  meta: {
    id: 'K716',
    name: 'header-injection',
    summary: "Untrusted input is written into an HTTP response header or cookie",
    severity: 'medium',
    confidence: 'high',
    cwe: [113],
    owasp: 'A03:2021-Injection',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input written into response headers or cookies by a writer that does not check it: `http.server`'s `send_header`, `wsgiref` `Headers`, a WSGI `start_response` header list, Starlette, FastAPI and aiohttp headers, `set_cookie`, and Flask responses whose type the analysis does not know.\n\nNot reported: header writers that refuse carriage returns and line feeds, because they raise an error instead of writing (the data table `CRLF_CHECKED_HEADER_WRITERS` in src/dataflow/models/sinks.ts): Tornado's `set_header`, `add_header` and `set_cookie` on a `RequestHandler`, Django's `response[name] = value` and `response.headers`, and the `headers` of a known Werkzeug or Flask `Response`.",
    why: "Carriage returns and line feeds in a header value end the header: the attacker adds headers of their own (a `Set-Cookie`, a `Location`) or a second response body. Reject or strip `\\r` and `\\n`, or percent-encode the value.",
    bad: "from http.server import BaseHTTPRequestHandler\nfrom urllib.parse import parse_qs, urlsplit\n\n\nclass LangHandler(BaseHTTPRequestHandler):\n    def do_GET(self):\n        lang = parse_qs(urlsplit(self.path).query).get(\"lang\", [\"en\"])[0]\n        self.send_response(200)\n        self.send_header(\"Content-Language\", lang)\n        self.end_headers()\n",
    good: "from http.server import BaseHTTPRequestHandler\nfrom urllib.parse import parse_qs, urlsplit\n\nLANGUAGES = {\"en\", \"fr\", \"de\"}\n\n\nclass LangHandler(BaseHTTPRequestHandler):\n    def do_GET(self):\n        lang = parse_qs(urlsplit(self.path).query).get(\"lang\", [\"en\"])[0]\n        self.send_response(200)\n        if lang in LANGUAGES:\n            self.send_header(\"Content-Language\", lang)\n        self.end_headers()\n",
    references: ["https://cwe.mitre.org/data/definitions/113.html", "https://owasp.org/www-community/attacks/HTTP_Response_Splitting"],
  },
  taint: true,
};
