import type { Rule } from '../types.js';

export const maliciousDependency: Rule = {
  meta: {
    id: 'K803',
    name: 'malicious-dependency',
    summary: 'A dependency is a known malicious package (OSV MAL advisory)',
    severity: 'critical',
    confidence: 'high',
    cwe: [506, 1395],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a dependency named in a malicious-package advisory (`MAL-` ids in the OSV PyPI export): typosquats and ' +
      'packages published to steal credentials or run code at install time.',
    why:
      'Installing the package runs its code on developer machines and build servers. No version is safe; the name ' +
      'itself is the problem, often one letter away from a popular package.',
    bad: 'reqeusts==2.31.0\n',
    good: 'requests==2.31.0\n',
    exampleFile: 'requirements.txt',
    references: ['https://cwe.mitre.org/data/definitions/506.html', 'https://github.com/ossf/malicious-packages'],
  },
};
