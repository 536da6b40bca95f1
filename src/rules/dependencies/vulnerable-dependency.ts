import type { Rule } from '../types.js';

export const vulnerableDependency: Rule = {
  meta: {
    id: 'K801',
    name: 'vulnerable-dependency',
    summary: 'A pinned or locked dependency version has a known vulnerability (OSV advisory)',
    severity: 'high',
    confidence: 'high',
    cwe: [1395],
    owasp: 'A06:2021-Vulnerable and Outdated Components',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a dependency whose pinned (`==`) or locked version is covered by a published advisory: inside one of the ' +
      "advisory's affected ranges, or named in its list of affected versions. The finding points at the manifest line " +
      'and carries the advisory id and aliases (CVE, GHSA, PYSEC), its summary, a severity computed from its CVSS v3 or ' +
      'v4 vector, the affected ranges, the fixed versions and the smallest upgrade that fixes every known advisory for ' +
      'the package. Requirements files, pyproject.toml (PEP 621, PEP 735, Poetry), setup.cfg and the poetry, uv, pdm, ' +
      'pylock and Pipfile lock files are read; a lock file wins over the ranges of the manifest beside it.',
    why:
      'A known vulnerability in a dependency is exploitable in every application that installs the affected version, ' +
      'and the advisory tells attackers where to look. The fix is usually a version bump, so keeping a vulnerable pin is ' +
      'the cheapest risk to remove.',
    bad: 'PyYAML==5.3.1\n',
    good: 'PyYAML==5.4\n',
    exampleFile: 'requirements.txt',
    references: [
      'https://cwe.mitre.org/data/definitions/1395.html',
      'https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/',
      'https://ossf.github.io/osv-schema/',
    ],
  },
};
