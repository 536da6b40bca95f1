import type { Rule } from '../types.js';

export const vulnerableDependencyRange: Rule = {
  meta: {
    id: 'K802',
    name: 'vulnerable-dependency-range',
    summary: 'A dependency range admits versions with known vulnerabilities',
    severity: 'medium',
    confidence: 'low',
    cwe: [1395],
    owasp: 'A06:2021-Vulnerable and Outdated Components',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a version range (`>=5.1`, `^3.2`, or no specifier at all) that admits at least one version covered by an ' +
      'advisory, when no lock file or pin beside it says which version is installed. A range is not a version: the ' +
      'finding does not guess what is installed, so its confidence is low. It suggests the smallest change to the ' +
      'specifier (usually a higher lower bound) that admits none of the affected versions.',
    why:
      'An installer resolving the range may pick an affected release: an old cached wheel, a constraint from another ' +
      'package, or a resolver that backtracks. Raising the lower bound past the fix makes the safe version the only ' +
      'possible one.',
    bad: 'PyYAML>=5.1\n',
    good: 'PyYAML>=5.4\n',
    exampleFile: 'requirements.txt',
    references: ['https://peps.python.org/pep-0440/#version-specifiers', 'https://cwe.mitre.org/data/definitions/1395.html'],
  },
};
