import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const openRedirect: Rule = {
  meta: {
    id: 'K709',
    name: 'open-redirect',
    summary: "Untrusted input chooses where a redirect goes",
    severity: 'medium',
    confidence: 'high',
    cwe: [601],
    owasp: 'A01:2021-Broken Access Control',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input that reaches the target of a redirect: `flask.redirect`, Django `redirect`/`HttpResponseRedirect`, Starlette `RedirectResponse`, aiohttp `HTTPFound`, Tornado `self.redirect`.\n\nNot reported: input that can only land after the destination is fixed: after a host or path the code writes, or after a `?` it writes (`\"%s?%s\" % (url, query)`); a path built by Django's `reverse()`; and the URL captures filling a URL template the class is configured with (`self.url % kwargs`, as in Django's `RedirectView`), where the template, not the request, picks the destination. A template that is itself set from the request is reported.",
    why: "A link on the trusted domain that forwards to an attacker's site makes phishing convincing and can leak tokens in the URL. Redirect only to relative paths or allowed hosts (`url_has_allowed_host_and_scheme` in Django), or look the target up in a table.",
    bad: "from flask import Flask, redirect, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/login\")\ndef login():\n    return redirect(request.args.get(\"next\", \"/\"))\n",
    good: "from flask import Flask, redirect, request\n\napp = Flask(__name__)\nALLOWED = {\"/\", \"/account\", \"/orders\"}\n\n\n@app.route(\"/login\")\ndef login():\n    target = request.args.get(\"next\", \"/\")\n    if target in ALLOWED:\n        return redirect(target)\n    return redirect(\"/\")\n",
    references: ["https://cwe.mitre.org/data/definitions/601.html", "https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html"],
  },
  taint: true,
};
