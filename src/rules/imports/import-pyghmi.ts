import { importRule, OPT_IN_NOTE } from './shared.js';

export const importPyghmi = importRule(
  {
    id: 'K265',
    name: 'import-pyghmi',
    summary: 'Import of `pyghmi`: IPMI, whose authentication leaks password hashes',
    severity: 'medium',
    confidence: 'medium',
    cwe: [327],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B415'], ruff: ['S415'] },
    defaultEnabled: false,
  },
  {
    what: `Reports imports of \`pyghmi\`, a client for IPMI, the baseboard-management protocol.\n\n${OPT_IN_NOTE}`,
    why:
      'IPMI 2.0\'s RAKP handshake sends a salted hash of the user\'s password to anyone who asks, before ' +
      'authentication, so the password can be cracked offline (CVE-2013-4786); older IPMI versions and ' +
      '"cipher 0" send commands unprotected. Keep management interfaces on an isolated network and prefer ' +
      'Redfish over HTTPS.',
    bad: 'from pyghmi.ipmi import command\n\n\ndef power_cycle(host, user, password):\n    command.Command(host, user, password).set_power("reset")\n',
    good: 'import requests\n\n\ndef power_cycle(host, session):\n    session.post(f"https://{host}/redfish/v1/Systems/1/Actions/ComputerSystem.Reset", json={"ResetType": "ForceRestart"}, timeout=10)\n',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2013-4786', 'https://cwe.mitre.org/data/definitions/327.html'],
  },
  {
    modules: ['pyghmi'],
    message: () => 'pyghmi speaks IPMI, whose handshake leaks password hashes; isolate the management network or use Redfish over HTTPS',
  },
  /pyghmi/,
);
