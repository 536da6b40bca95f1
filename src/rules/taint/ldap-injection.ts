import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const ldapInjection: Rule = {
  meta: {
    id: 'K710',
    name: 'ldap-injection',
    summary: "Untrusted input is built into an LDAP search filter or DN",
    severity: 'high',
    confidence: 'high',
    cwe: [90],
    owasp: 'A03:2021-Injection',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input that reaches the base DN or filter of an LDAP search (`python-ldap` `search*`, `ldap3.Connection.search`).",
    why: "Filter syntax in the input (`*`, `)(`, `|`) changes the query: `*)(uid=*` matches every entry and can bypass a login check. Escape values with `ldap.filter.escape_filter_chars` / `ldap3.utils.conv.escape_filter_chars`.",
    bad: "import ldap\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/people\")\ndef people():\n    conn = ldap.initialize(\"ldap://directory\")\n    found = conn.search_s(\"ou=people,dc=example\", ldap.SCOPE_SUBTREE, \"(uid=\" + request.args[\"user\"] + \")\")\n    return {\"count\": len(found)}\n",
    good: "import ldap\nfrom ldap.filter import escape_filter_chars\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/people\")\ndef people():\n    conn = ldap.initialize(\"ldap://directory\")\n    user = escape_filter_chars(request.args[\"user\"])\n    found = conn.search_s(\"ou=people,dc=example\", ldap.SCOPE_SUBTREE, \"(uid=\" + user + \")\")\n    return {\"count\": len(found)}\n",
    references: ["https://cwe.mitre.org/data/definitions/90.html", "https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html"],
  },
  taint: true,
};
