import type { Rule } from '../rules/types.js';

/**
 * The dependency audit's rules. They have no check hooks: the audit (src/deps/audit.ts) produces their
 * findings from manifests and advisories, not from Python syntax. Registering them as rules gives them ids,
 * documentation (`krait rule K801`), selectors (`--select K8`, `--ignore K802`) and configuration like every
 * other rule. Their examples are manifest text (`docs.exampleFile` names the file they are written as); a test
 * audits them against a small advisory set kept in the repository.
 */

export const K801: Rule = {
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

export const K802: Rule = {
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

export const K803: Rule = {
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

export const DEPENDENCY_RULES: readonly Rule[] = [K801, K802, K803];
