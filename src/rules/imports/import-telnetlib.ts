import { importRule, OPT_IN_NOTE } from './shared.js';

export const importTelnetlib = importRule(
  {
    id: 'K251',
    name: 'import-telnetlib',
    summary: 'Import of `telnetlib`: Telnet sends credentials and data in clear text',
    severity: 'medium',
    confidence: 'medium',
    cwe: [319],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B401'], ruff: ['S401'] },
    defaultEnabled: false,
  },
  {
    what: `Reports \`import telnetlib\` and \`from telnetlib import ...\`.\n\n${OPT_IN_NOTE}`,
    why:
      'Telnet has no encryption and no server authentication: the login, the password and every command ' +
      'cross the network readable by anyone on the path, who can also inject commands into the session. ' +
      '`telnetlib` was deprecated in Python 3.11 and removed in 3.13 (PEP 594). Use SSH (`paramiko`, ' +
      '`asyncssh`, or the `ssh` command) instead.',
    bad: 'import telnetlib\n\n\ndef reboot(host, password):\n    session = telnetlib.Telnet(host)\n    session.write(password.encode() + b"\\n")\n',
    good: 'import paramiko\n\n\ndef reboot(client: paramiko.SSHClient):\n    client.exec_command("reboot")\n',
    references: ['https://cwe.mitre.org/data/definitions/319.html', 'https://peps.python.org/pep-0594/#telnetlib'],
  },
  { modules: ['telnetlib'], message: () => 'telnetlib speaks Telnet, which sends passwords and data unencrypted; use SSH (paramiko, asyncssh)' },
  /telnetlib/,
);
