import type { Rule } from '../types.js';
import { secretHooks } from './shared.js';

export const hardcodedJwt: Rule = {
  meta: {
    id: 'K606',
    name: 'hardcoded-jwt',
    summary: 'A JSON Web Token written in code or configuration',
    severity: 'medium',
    confidence: 'medium',
    cwe: [798],
    owasp: 'A07:2021-Identification and Authentication Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a JWT (three base64url segments, the first two JSON objects starting `eyJ`) whose header decodes ' +
      'to a JOSE header with an `alg`, in a Python string or comment or in a configuration file. Signed tokens ' +
      'are reported at medium confidence (a token may be expired or a sample, which the scanner cannot know); ' +
      'unsigned ones (`alg: none`, or an empty signature) at low confidence. The token is never printed.',
    why:
      'A JWT is a bearer credential: whoever presents it is the subject it names until it expires, and tokens ' +
      'issued for services and tests are often long-lived. A token in the source is also a sample of the ' +
      'issuer\'s claims and, when weakly signed, material for guessing its key. Request tokens at runtime, or ' +
      'read a service token from the environment.',
    bad: 'TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJrcmFpdC1kb2NzIn0.kR4itD0csS1gnatur3kR4itD0csS1gnatur3xyz"\n',
    good: 'import os\n\nTOKEN = os.environ["SERVICE_TOKEN"]\n',
    references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://datatracker.ietf.org/doc/html/rfc7519'],
  },
  ...secretHooks('jwt', (hit, shown, place) => `${hit.detail === 'unsigned' ? 'unsigned ' : ''}JSON Web Token ${shown} written ${place}: it is a bearer credential until it expires; request tokens at runtime or read them from the environment`),
};
