import type { Node } from 'web-tree-sitter';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { boundValue } from '../helpers.js';
import type { Rule } from '../types.js';
import { isLocalHost } from './shared.js';

/** Logins that send the password in clear unless the connection was upgraded first: login → upgrade method. */
const LOGINS: ReadonlyMap<string, [string, string]> = new Map([
  ['smtplib.SMTP.login', ['smtplib.SMTP.starttls', 'SMTP']],
  ['imaplib.IMAP4.login', ['imaplib.IMAP4.starttls', 'IMAP']],
  ['poplib.POP3.pass_', ['poplib.POP3.stls', 'POP3']],
]);

/** The host a client object was created for, when it is a constant (`smtplib.SMTP("localhost")`). */
function constantHost(receiver: Node, model: ModuleModel): string | undefined {
  const v = boundValue(receiver, model);
  if (v.type !== 'call') return undefined;
  const first = v.childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'comment');
  const host = first?.type === 'keyword_argument' ? first.childForFieldName('value') : first;
  return host ? model.constantString(host) : undefined;
}

function compact(node: Node): string {
  return node.text.replace(/\s+/g, '');
}

export const cleartextProtocol: Rule = {
  meta: {
    id: 'K408',
    name: 'cleartext-protocol',
    summary: 'Telnet or FTP clients, and SMTP/IMAP/POP3 logins without STARTTLS: credentials and data sent in clear',
    severity: 'medium',
    confidence: 'high',
    cwe: [319],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B312', 'B321'], ruff: ['S312', 'S321'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports clients of protocols that carry passwords and data unencrypted:\n\n' +
      '- `telnetlib.Telnet(...)` (high severity);\n' +
      '- `ftplib.FTP(...)` (`FTP_TLS` is the encrypted variant);\n' +
      '- `login()` on an `smtplib.SMTP` or `imaplib.IMAP4` connection, and `pass_()` on a `poplib.POP3` one, ' +
      'when the module never calls `starttls()` (`stls()` for POP3) on that connection: the password ' +
      'crosses the network in clear (high severity).\n\n' +
      'Not reported: `FTP_TLS`, `SMTP_SSL`, `IMAP4_SSL`, `POP3_SSL`, logins after `starttls()`, and mail ' +
      'connections to a local relay (`localhost`, `127.0.0.1`, a private address). The `import telnetlib` ' +
      'and `import ftplib` warnings are separate, opt-in rules.',
    why:
      'Telnet, FTP and unupgraded SMTP, IMAP and POP3 send everything — user names, passwords, commands and ' +
      'files — as plain text. Anyone on the path (the same Wi-Fi, a compromised switch, the ISP) can read ' +
      'the credentials and reuse them, and can also change the data in transit, for example a file being ' +
      'downloaded. Use SSH/SFTP instead of Telnet and FTP (or `ftplib.FTP_TLS`), and the `_SSL` classes or ' +
      '`starttls()` for mail. `telnetlib` was also removed from Python 3.13.',
    bad:
      'import ftplib\n\n\n' +
      'def upload(host: str, user: str, password: str, path: str) -> None:\n' +
      '    with ftplib.FTP(host) as ftp, open(path, "rb") as f:\n' +
      '        ftp.login(user, password)\n' +
      '        ftp.storbinary("STOR report.csv", f)\n',
    good:
      'import ftplib\n\n\n' +
      'def upload(host: str, user: str, password: str, path: str) -> None:\n' +
      '    with ftplib.FTP_TLS(host) as ftp, open(path, "rb") as f:\n' +
      '        ftp.login(user, password)\n' +
      '        ftp.prot_p()\n' +
      '        ftp.storbinary("STOR report.csv", f)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/319.html',
      'https://docs.python.org/3/library/ftplib.html#ftplib.FTP_TLS',
      'https://docs.python.org/3/library/smtplib.html#smtplib.SMTP.starttls',
      'https://peps.python.org/pep-0594/#telnetlib',
    ],
  },
  callees: ['telnetlib.Telnet', 'ftplib.FTP', ...LOGINS.keys()],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    if (callee === 'telnetlib.Telnet') {
      ctx.report({ node: call.node, message: 'Telnet sends passwords and session data in clear text; use SSH (paramiko, asyncssh)', severity: 'high' });
      return;
    }
    if (callee === 'ftplib.FTP') {
      ctx.report({ node: call.node, message: 'FTP sends the password and the files in clear text; use ftplib.FTP_TLS (with prot_p()) or SFTP' });
      return;
    }
    const login = LOGINS.get(callee);
    if (!login || call.calleeNode.type !== 'attribute') return;
    const receiver = call.calleeNode.childForFieldName('object');
    if (!receiver) return;
    const name = compact(receiver);
    // An upgrade of the same connection in the same function (or module body) counts, wherever it is.
    const upgraded = model.callsTo(login[0]).some(
      (c) => c.scope === call.scope && c.calleeNode.type === 'attribute' && compact(c.calleeNode.childForFieldName('object') ?? c.calleeNode) === name,
    );
    if (upgraded) return;
    const host = constantHost(receiver, model);
    if (host !== undefined && isLocalHost(host.toLowerCase())) return;
    const password = callee.endsWith('pass_') ? argument(call, 0, 'pswd') : argument(call, 1, 'password');
    if (!password) return;
    ctx.report({
      node: call.node,
      message: `${login[1]} login without starttls() sends the password in clear text; call starttls() first or connect with the ${login[1] === 'POP3' ? 'POP3_SSL' : `${login[1] === 'SMTP' ? 'SMTP' : 'IMAP4'}_SSL`} class`,
      severity: 'high',
    });
  },
};
