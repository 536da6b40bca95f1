import type { Rule } from '../types.js';
import { isPysnmp, usmArguments } from './snmp-shared.js';

const ADVICE = 'pass an authKey and a privKey with authProtocol=usmHMACSHAAuthProtocol (or SHA-2) and privProtocol=usmAesCfb128Protocol';

export const snmpv3NoPrivacy: Rule = {
  meta: {
    id: 'K410',
    name: 'snmpv3-no-privacy',
    summary: 'SNMPv3 without encryption (`UsmUserData` without a privacy key: noAuthNoPriv or authNoPriv)',
    severity: 'medium',
    confidence: 'high',
    cwe: [319],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B509'], ruff: ['S509'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports pysnmp\'s `UsmUserData(userName, ...)` without a privacy key (`privKey`, third argument), or ' +
      'with `privProtocol=usmNoPrivProtocol`: the SNMPv3 security level is then authNoPriv (messages are ' +
      'authenticated but readable) or, without an `authKey` too, noAuthNoPriv (at high severity: anyone ' +
      'can query the agent as that user). Weak algorithms in an encrypted session are `snmpv3-weak-protocol`.',
    why:
      'SNMPv3\'s security levels are chosen by the keys given. Without a privacy key nothing is encrypted, so ' +
      'the values read or written — device configuration, interface and routing tables, sometimes ' +
      'credentials — cross the network in clear; without an authentication key the requests are not even ' +
      'authenticated. Use authPriv: an authentication key and a privacy key, with SHA and AES.',
    bad:
      'from pysnmp.hlapi import UsmUserData, usmHMACSHAAuthProtocol\n\n\n' +
      'def credentials(user: str, auth_key: str) -> UsmUserData:\n' +
      '    return UsmUserData(user, auth_key, authProtocol=usmHMACSHAAuthProtocol)\n',
    good:
      'from pysnmp.hlapi import UsmUserData, usmAesCfb128Protocol, usmHMACSHAAuthProtocol\n\n\n' +
      'def credentials(user: str, auth_key: str, priv_key: str) -> UsmUserData:\n' +
      '    return UsmUserData(user, auth_key, priv_key, authProtocol=usmHMACSHAAuthProtocol, privProtocol=usmAesCfb128Protocol)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/319.html',
      'https://www.rfc-editor.org/rfc/rfc3414',
      'https://pysnmp.readthedocs.io/en/latest/docs/api-reference.html#security-parameters',
    ],
  },
  callNames: ['UsmUserData'],
  call(call, ctx) {
    if (!isPysnmp(call, 'UsmUserData') || call.hasStarArgs || call.hasStarKwargs) return;
    const a = usmArguments(call, ctx.model);
    const noPriv = !a.privKey || a.privProtocol === 'usmNoPrivProtocol';
    if (!noPriv) return;
    const noAuth = !a.authKey || a.authProtocol === 'usmNoAuthProtocol';
    ctx.report({
      node: call.node,
      message: noAuth
        ? `UsmUserData without keys is SNMPv3 noAuthNoPriv: requests are neither authenticated nor encrypted; ${ADVICE}`
        : `UsmUserData without a privacy key is SNMPv3 authNoPriv: everything is sent unencrypted; ${ADVICE}`,
      severity: noAuth ? 'high' : 'medium',
    });
  },
};
