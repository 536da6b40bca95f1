import type { Rule } from '../types.js';
import { isPysnmp, usmArguments } from './snmp-shared.js';

const WEAK_PRIV: Readonly<Record<string, string>> = { usmDESPrivProtocol: 'DES', usm3DESEDEPrivProtocol: 'Triple DES' };
const WEAK_AUTH: Readonly<Record<string, string>> = { usmHMACMD5AuthProtocol: 'HMAC-MD5' };

export const snmpv3WeakProtocol: Rule = {
  meta: {
    id: 'K411',
    name: 'snmpv3-weak-protocol',
    summary: 'SNMPv3 encrypted with DES or 3DES, or authenticated with MD5 — often by pysnmp\'s defaults',
    severity: 'medium',
    confidence: 'high',
    cwe: [327, 328],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B509'], ruff: ['S509'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports pysnmp\'s `UsmUserData(...)` with a privacy key (so the session is encrypted) and:\n\n' +
      '- `privProtocol=usmDESPrivProtocol` or `usm3DESEDEPrivProtocol`, or no `privProtocol` at all — ' +
      'pysnmp then uses DES;\n' +
      '- `authProtocol=usmHMACMD5AuthProtocol`, or no `authProtocol` — pysnmp then uses HMAC-MD5.\n\n' +
      'Bandit\'s B509 checks only that the keys are there; the defaults they bring are the weaker part. ' +
      'Sessions without a privacy key are `snmpv3-no-privacy` (one finding per call).',
    why:
      'DES has a 56-bit key, found by exhaustive search in hours, so recorded SNMP traffic can be decrypted ' +
      'after the fact; Triple DES is deprecated (64-bit blocks). HMAC-MD5 still resists forgery today but ' +
      'is disallowed by current guidance and makes offline guessing of the shared password fast. Because ' +
      'pysnmp falls back to MD5 and DES when no protocol is named, code that looks complete is often weak. ' +
      'Name the protocols: `usmHMACSHAAuthProtocol` (or the SHA-2 variants) and `usmAesCfb128Protocol` or ' +
      'stronger, where the devices support them.',
    bad:
      'from pysnmp.hlapi import UsmUserData\n\n\n' +
      'def credentials(user: str, auth_key: str, priv_key: str) -> UsmUserData:\n' +
      '    return UsmUserData(user, auth_key, priv_key)\n',
    good:
      'from pysnmp.hlapi import UsmUserData, usmAesCfb128Protocol, usmHMAC192SHA256AuthProtocol\n\n\n' +
      'def credentials(user: str, auth_key: str, priv_key: str) -> UsmUserData:\n' +
      '    return UsmUserData(user, auth_key, priv_key, authProtocol=usmHMAC192SHA256AuthProtocol, privProtocol=usmAesCfb128Protocol)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/327.html',
      'https://www.rfc-editor.org/rfc/rfc3826',
      'https://pysnmp.readthedocs.io/en/latest/docs/api-reference.html#security-parameters',
    ],
  },
  callNames: ['UsmUserData'],
  call(call, ctx) {
    if (!isPysnmp(call, 'UsmUserData') || call.hasStarArgs || call.hasStarKwargs) return;
    const a = usmArguments(call, ctx.model);
    if (!a.privKey || a.privProtocol === 'usmNoPrivProtocol') return;
    const weak: string[] = [];
    if (a.privProtocol === undefined) weak.push('DES (the default when privProtocol is not given)');
    else if (WEAK_PRIV[a.privProtocol]) weak.push(WEAK_PRIV[a.privProtocol]);
    if (a.authKey) {
      if (a.authProtocol === undefined) weak.push('HMAC-MD5 (the default when authProtocol is not given)');
      else if (WEAK_AUTH[a.authProtocol]) weak.push(WEAK_AUTH[a.authProtocol]);
    }
    if (weak.length === 0) return;
    ctx.report({
      node: call.node,
      message: `SNMPv3 with ${weak.join(' and ')}: obsolete algorithms; name privProtocol=usmAesCfb128Protocol and authProtocol=usmHMACSHAAuthProtocol (or SHA-2)`,
    });
  },
};
