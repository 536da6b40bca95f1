import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, calleeOf, mayContainWord } from '../helpers.js';
import type { Rule } from '../types.js';

const POLICIES: Readonly<Record<string, 'AutoAddPolicy' | 'WarningPolicy'>> = {
  'paramiko.AutoAddPolicy': 'AutoAddPolicy',
  'paramiko.client.AutoAddPolicy': 'AutoAddPolicy',
  'paramiko.WarningPolicy': 'WarningPolicy',
  'paramiko.client.WarningPolicy': 'WarningPolicy',
};
const ASYNCSSH = ['asyncssh.connect', 'asyncssh.connect_reverse', 'asyncssh.create_connection', 'asyncssh.SSHClientConnectionOptions', 'asyncssh.listen_reverse'];
const PYSFTP_OPTIONS = new Set(['pysftp.CnOpts']);
const ADVICE = 'load the known host keys (client.load_system_host_keys() or load_host_keys(path)) and keep the default RejectPolicy';

/** The paramiko policy an argument names: an instance (`AutoAddPolicy()`) or the class itself. */
function policyOf(node: Node, model: ModuleModel): string | undefined {
  const v = boundValue(node, model);
  const q = v.type === 'call' ? calleeOf(v, model) : model.qualifiedName(v);
  return q ? POLICIES[q] : undefined;
}

export const sshHostKeyNotVerified: Rule = {
  meta: {
    id: 'K407',
    name: 'ssh-host-key-not-verified',
    summary: 'An SSH client that accepts unknown host keys (paramiko `AutoAddPolicy`/`WarningPolicy`, asyncssh `known_hosts=None`)',
    severity: 'high',
    confidence: 'high',
    cwe: [322, 295],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B507'], ruff: ['S507'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports SSH connections that do not authenticate the server:\n\n' +
      '- paramiko: `client.set_missing_host_key_policy(paramiko.AutoAddPolicy())` (high severity) and ' +
      '`WarningPolicy()` (medium: it logs a warning and connects anyway), also with the class passed ' +
      'instead of an instance or through a variable;\n' +
      '- asyncssh: `known_hosts=None` on `connect`, `connect_reverse`, `create_connection`, ' +
      '`listen_reverse` and `SSHClientConnectionOptions`;\n' +
      '- pysftp: `cnopts.hostkeys = None` on a `pysftp.CnOpts`.\n\n' +
      'Not reported: `RejectPolicy` (paramiko\'s default), a policy class of the project\'s own (which may ' +
      'check keys against an inventory), and asyncssh `known_hosts` given a path or a list of keys.',
    why:
      'SSH authenticates the server by its host key. A client that accepts an unknown key — and with ' +
      '`AutoAddPolicy`, remembers it — trusts whoever answers first: an attacker who can redirect the ' +
      'connection (DNS spoofing, ARP spoofing, a rogue access point) sees the password or agent-forwarded ' +
      'keys, and every command and file. Ship the expected host keys with the deployment (a ' +
      '`known_hosts` file), load them, and let unknown keys fail the connection.',
    bad:
      'import paramiko\n\n\n' +
      'def run(host: str, command: str) -> bytes:\n' +
      '    client = paramiko.SSHClient()\n' +
      '    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())\n' +
      '    client.connect(host, username="deploy")\n' +
      '    return client.exec_command(command)[1].read()\n',
    good:
      'import paramiko\n\n\n' +
      'def run(host: str, command: str) -> bytes:\n' +
      '    client = paramiko.SSHClient()\n' +
      '    client.load_host_keys("/etc/deploy/known_hosts")\n' +
      '    client.connect(host, username="deploy")\n' +
      '    return client.exec_command(command)[1].read()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/322.html',
      'https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.MissingHostKeyPolicy',
      'https://asyncssh.readthedocs.io/en/latest/api.html#specifying-known-hosts',
    ],
  },
  textHint: /set_missing_host_key_policy|known_hosts|hostkeys/,
  call(call, ctx) {
    const model = ctx.model;
    const fn = call.calleeNode;
    const method = fn.type === 'attribute' ? call.name : undefined;
    if (method === 'set_missing_host_key_policy') {
      const arg = call.args[0] ?? call.keywords.get('policy');
      const policy = arg ? policyOf(arg, model) : undefined;
      if (!policy) return;
      ctx.report({
        node: call.node,
        message:
          policy === 'AutoAddPolicy'
            ? `AutoAddPolicy accepts and saves the host key of any server on first contact, so a man in the middle is trusted; ${ADVICE}`
            : `WarningPolicy only logs an unknown host key and connects anyway, so a man in the middle is trusted; ${ADVICE}`,
        severity: policy === 'AutoAddPolicy' ? 'high' : 'medium',
      });
      return;
    }
    // Only a call whose text has `known_hosts` in it can pass `known_hosts=`: the others are not resolved.
    if (!mayContainWord(model, call.node, 'known_hosts')) return;
    if (!call.callee || !ASYNCSSH.includes(call.callee)) return;
    const knownHosts = call.keywords.get('known_hosts');
    if (!knownHosts || unparen(boundValue(knownHosts, model)).type !== 'none') return;
    ctx.report({ node: call.node, message: `known_hosts=None makes asyncssh accept any server host key; pass a known_hosts file or the expected keys` });
  },
  assignment(assignment, ctx) {
    const model = ctx.model;
    if (!assignment.value || unparen(boundValue(assignment.value, model)).type !== 'none') return;
    for (const target of assignment.targets) {
      const t = unparen(target);
      if (t.type !== 'attribute' || t.childForFieldName('attribute')?.text !== 'hostkeys') continue;
      const obj = t.childForFieldName('object');
      if (!obj || !PYSFTP_OPTIONS.has(model.instanceType(obj) ?? '')) continue;
      ctx.report({ node: assignment.node, message: `hostkeys = None turns off host key checking for pysftp connections; load a known_hosts file (CnOpts(knownhosts=path))` });
    }
  },
};
