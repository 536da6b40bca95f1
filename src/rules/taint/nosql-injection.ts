import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const nosqlInjection: Rule = {
  meta: {
    id: 'K712',
    name: 'nosql-injection',
    summary: "Untrusted input shapes a MongoDB query",
    severity: 'high',
    confidence: 'high',
    cwe: [943],
    owasp: 'A03:2021-Injection',
    sources: {  },
    defaultEnabled: true,
  },
  docs: {
    what: "Reports untrusted input that reaches the filter or pipeline of a pymongo query (`find*`, `aggregate`, `count_documents`, `update_*`, `delete_*`), including `$where` JavaScript.",
    why: "A JSON body can carry operators instead of values: `{\"password\": {\"$ne\": null}}` matches every user, and `$where` runs JavaScript on the database. Convert values to the expected type (`str()`, `int()`, `ObjectId`) before building the query and never pass request documents through.",
    bad: "from flask import Flask, request\nfrom pymongo import MongoClient\n\napp = Flask(__name__)\ndb = MongoClient().shop\n\n\n@app.route(\"/login\", methods=[\"POST\"])\ndef login():\n    body = request.get_json()\n    user = db.users.find_one({\"name\": body[\"name\"], \"password\": body[\"password\"]})\n    return {\"ok\": user is not None}\n",
    good: "from flask import Flask, request\nfrom pymongo import MongoClient\n\napp = Flask(__name__)\ndb = MongoClient().shop\n\n\n@app.route(\"/orders/<int:order_id>\")\ndef order(order_id):\n    found = db.orders.find_one({\"number\": order_id})\n    return {\"ok\": found is not None}\n",
    references: ["https://cwe.mitre.org/data/definitions/943.html", "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection"],
  },
  taint: true,
};
