import { argument } from '../../semantics/model.js';
import { isPlaceholder, isRepeatedOrSequential } from '../../secrets/placeholders.js';
import { DECODERS, ENCODERS } from '../auth/jwt-unverified.js';
import type { Rule } from '../types.js';

/** Public keys verify tokens but cannot sign them: writing one down is no secret. */
const PUBLIC_KEY = /^\s*(-----BEGIN (?:RSA )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----|ssh-(?:rsa|ed25519)|ecdsa-sha2-)/;

export const jwtLiteralKey: Rule = {
  meta: {
    id: 'K607',
    name: 'jwt-literal-key',
    summary: 'A JWT signed or verified with a key written in the source (`jwt.encode(claims, "secret")`)',
    severity: 'high',
    confidence: 'high',
    cwe: [798, 321],
    owasp: 'A07:2021-Identification and Authentication Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports the key argument of PyJWT and python-jose signing and verification calls (`jwt.encode`, ' +
      '`jwt.decode`, `jose.jws.sign`…) when it is a string literal or a module constant holding one. Public ' +
      'keys and certificates (which only verify), empty strings and obvious stand-ins are not reported. The ' +
      'value itself is never printed.',
    why:
      'With an HMAC algorithm, whoever knows the key can mint tokens for any user and any role. A key in the ' +
      'source is known to everyone with access to the repository, its history, its forks and its build ' +
      'artefacts, and it is the same in every deployment. Load the key from the environment or a secret ' +
      'manager and rotate any key that was committed.',
    bad: 'import jwt\n\n\ndef issue(user_id: str) -> str:\n    return jwt.encode({"sub": user_id}, "k3y-f0r-s1gning-t0kens", algorithm="HS256")\n',
    good:
      'import os\n\nimport jwt\n\n\ndef issue(user_id: str) -> str:\n    return jwt.encode({"sub": user_id}, os.environ["JWT_SIGNING_KEY"], algorithm="HS256")\n',
    references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://www.rfc-editor.org/rfc/rfc8725#section-3.5'],
  },
  textHint: /jwt|jose/,
  callees: [...DECODERS.keys(), ...ENCODERS.keys()],
  call(call, ctx) {
    const key = argument(call, 1, 'key');
    if (!key) return;
    const value = ctx.model.constantString(key);
    if (value === undefined || value.length < 4 || PUBLIC_KEY.test(value) || isPlaceholder(value) || isRepeatedOrSequential(value)) return;
    const signing = ENCODERS.has(call.callee ?? '');
    ctx.report({
      node: key,
      message: `${call.callee}() ${signing ? 'signs' : 'verifies'} tokens with a key written in the source: anyone who reads the code can forge tokens; load the key from the environment or a secret manager and rotate it`,
    });
  },
};
