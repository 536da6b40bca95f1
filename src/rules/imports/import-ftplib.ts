import { importRule, OPT_IN_NOTE } from './shared.js';

export const importFtplib = importRule(
  {
    id: 'K252',
    name: 'import-ftplib',
    summary: 'Import of `ftplib` for plain FTP, which sends credentials and files in clear text',
    severity: 'medium',
    confidence: 'medium',
    cwe: [319],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B402'], ruff: ['S402'] },
    defaultEnabled: false,
  },
  {
    what:
      'Reports `import ftplib` and imports of its plain-FTP names. Importing only `FTP_TLS` and the ' +
      `exception classes (\`from ftplib import FTP_TLS, error_perm\`) is not reported.\n\n${OPT_IN_NOTE}`,
    why:
      'FTP sends the user name, the password and the files unencrypted; anyone on the network path can read ' +
      'them or change the files in transit. Use SFTP (`paramiko`), HTTPS, or at least `ftplib.FTP_TLS` with ' +
      '`prot_p()` so the data channel is encrypted too.',
    bad: 'from ftplib import FTP\n\n\ndef upload(host, user, password, name, stream):\n    with FTP(host, user, password) as ftp:\n        ftp.storbinary(f"STOR {name}", stream)\n',
    good:
      'from ftplib import FTP_TLS\n\n\ndef upload(host, user, password, name, stream):\n' +
      '    with FTP_TLS(host, user, password) as ftp:\n        ftp.prot_p()\n        ftp.storbinary(f"STOR {name}", stream)\n',
    references: ['https://cwe.mitre.org/data/definitions/319.html', 'https://docs.python.org/3/library/ftplib.html#ftplib.FTP_TLS'],
  },
  {
    modules: ['ftplib'],
    safeNames: { ftplib: ['FTP_TLS', 'all_errors', 'error_reply', 'error_temp', 'error_perm', 'error_proto', 'Error'] },
    message: () => 'ftplib speaks plain FTP, which sends passwords and files unencrypted; use SFTP, HTTPS, or ftplib.FTP_TLS with prot_p()',
  },
  /ftplib/,
);
