import { argument } from '../../semantics/model.js';
import type { Rule } from '../types.js';
import { constantInt } from '../crypto/shared.js';
import { isPysnmp } from './snmp-shared.js';

export const snmpCommunity: Rule = {
  meta: {
    id: 'K409',
    name: 'snmp-community',
    summary: 'SNMP v1 or v2c (`pysnmp` `CommunityData`): a community string sent in clear text for authentication',
    severity: 'medium',
    confidence: 'high',
    cwe: [319],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B508'], ruff: ['S508'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `CommunityData(...)` from pysnmp (any of its API modules: `pysnmp.hlapi`, ' +
      '`pysnmp.hlapi.asyncio`, `pysnmp.hlapi.v3arch`…). With `mpModel=0` it is SNMPv1 (medium severity), ' +
      'otherwise SNMPv2c (low severity): both authenticate with a community string that travels in clear ' +
      'text and encrypt nothing.\n\n' +
      'Bandit\'s B508 reports only an explicit `mpModel` of 0 or 1; leaving it out gives the same v2c, so ' +
      'this rule reports that too. Not reported: `UsmUserData` (SNMPv3, see `snmpv3-no-privacy`).',
    why:
      'The community string is SNMP v1/v2c\'s only credential, and it is sent in every packet unencrypted: ' +
      'anyone who can see the traffic learns it, and with a read-write community can reconfigure the ' +
      'device. The replies (interface tables, routing, ARP caches, sometimes configuration) are in clear ' +
      'too. SNMPv3 with authentication and privacy (`UsmUserData` with SHA and AES) protects both.',
    bad:
      'from pysnmp.hlapi import CommunityData, SnmpEngine, UdpTransportTarget, getCmd\n\n\n' +
      'def poll(host: str, community: str, oid):\n' +
      '    return next(getCmd(SnmpEngine(), CommunityData(community, mpModel=0), UdpTransportTarget((host, 161)), oid))\n',
    good:
      'from pysnmp.hlapi import SnmpEngine, UdpTransportTarget, UsmUserData, getCmd, usmAesCfb128Protocol, usmHMACSHAAuthProtocol\n\n\n' +
      'def poll(host: str, user: str, auth_key: str, priv_key: str, oid):\n' +
      '    credentials = UsmUserData(user, auth_key, priv_key, authProtocol=usmHMACSHAAuthProtocol, privProtocol=usmAesCfb128Protocol)\n' +
      '    return next(getCmd(SnmpEngine(), credentials, UdpTransportTarget((host, 161)), oid))\n',
    references: [
      'https://cwe.mitre.org/data/definitions/319.html',
      'https://www.rfc-editor.org/rfc/rfc3414',
      'https://pysnmp.readthedocs.io/en/latest/docs/api-reference.html#security-parameters',
    ],
  },
  callNames: ['CommunityData'],
  call(call, ctx) {
    if (!isPysnmp(call, 'CommunityData')) return;
    const model = argument(call, 2, 'mpModel');
    const version = model ? constantInt(model, ctx.model) : 1;
    const v1 = version === 0;
    ctx.report({
      node: call.node,
      message: `SNMP${v1 ? 'v1' : 'v2c'} sends its community string in clear text and encrypts nothing; use SNMPv3 (UsmUserData with SHA authentication and AES privacy)`,
      severity: v1 ? 'medium' : 'low',
    });
  },
};
