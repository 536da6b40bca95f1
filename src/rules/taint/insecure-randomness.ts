import type { Rule } from '../types.js';

/** Taint rule: the engine (src/dataflow) finds the flows; this file holds the rule's metadata and documentation. */
export const insecureRandomness: Rule = {
  meta: {
    id: 'K720',
    name: 'insecure-randomness-flow',
    summary: 'A predictable value from the `random` module reaches a cookie, session, header, secret-named value or e-mail',
    severity: 'medium',
    confidence: 'high',
    cwe: [330, 338],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B311'], ruff: ['S311'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Follows values of the `random` module (`random.random()`, `randint`, `choice`, `choices`, `sample`, `getrandbits`, ' +
      '`Random().…`) and of `numpy.random` through assignments, string building, containers and calls, and reports ' +
      'them where a secret is expected: a cookie value (`set_cookie`), a session entry, a response header, a ' +
      'variable or attribute named for a token, password, key, nonce, salt or OTP, and the body of an e-mail ' +
      '(`send_mail`, `EmailMessage`, `smtplib`). The finding carries the path from the call to the place, ' +
      'whatever the value was called on the way. Where the insecure-random pattern rule (K307) reports the same ' +
      'place, only this finding is shown.',
    why:
      'The `random` module is a Mersenne Twister: after 624 outputs its whole state is known, and every past and ' +
      'future value follows. A password-reset link, a session id or an API key made from it can be predicted by ' +
      'anyone who sees a few other values of the same process. Use the `secrets` module ' +
      '(`secrets.token_urlsafe()`, `secrets.choice()`).',
    bad:
      'import random\nimport string\n\nfrom flask import Flask, make_response\n\napp = Flask(__name__)\n\n\n' +
      '@app.post("/login")\ndef login():\n    chars = [random.choice(string.ascii_letters) for _ in range(32)]\n' +
      '    value = "".join(chars)\n    response = make_response("welcome")\n    response.set_cookie("sid", value, secure=True, httponly=True, samesite="Lax")\n' +
      '    return response\n',
    good:
      'import secrets\n\nfrom flask import Flask, make_response\n\napp = Flask(__name__)\n\n\n' +
      '@app.post("/login")\ndef login():\n    value = secrets.token_urlsafe(32)\n    response = make_response("welcome")\n' +
      '    response.set_cookie("sid", value, secure=True, httponly=True, samesite="Lax")\n    return response\n',
    references: ['https://cwe.mitre.org/data/definitions/330.html', 'https://docs.python.org/3/library/random.html', 'https://docs.python.org/3/library/secrets.html'],
  },
  taint: true,
};
