import { cleartextHttpUrl } from './cleartext-http-url.js';
import { cleartextProtocol } from './cleartext-protocol.js';
import { requestWithoutTimeout } from './request-without-timeout.js';
import { snmpCommunity } from './snmp-community.js';
import { snmpv3NoPrivacy } from './snmpv3-no-privacy.js';
import { snmpv3WeakProtocol } from './snmpv3-weak-protocol.js';
import { sshHostKeyNotVerified } from './ssh-host-key-not-verified.js';
import { sslInsecureVersion } from './ssl-insecure-version.js';
import { sslUnverifiedContext } from './ssl-unverified-context.js';
import { sslWrapSocket } from './ssl-wrap-socket.js';
import { tlsCertCheckDisabled } from './tls-cert-check-disabled.js';
import { tlsHostnameCheckDisabled } from './tls-hostname-check-disabled.js';
import { tlsVerifyDisabled } from './tls-verify-disabled.js';
import { urlopenAnyScheme } from './urlopen-any-scheme.js';
import type { Rule } from '../types.js';

export const TRANSPORT_RULES: readonly Rule[] = [
  tlsVerifyDisabled,
  sslInsecureVersion,
  sslWrapSocket,
  sslUnverifiedContext,
  tlsCertCheckDisabled,
  tlsHostnameCheckDisabled,
  sshHostKeyNotVerified,
  cleartextProtocol,
  snmpCommunity,
  snmpv3NoPrivacy,
  snmpv3WeakProtocol,
  requestWithoutTimeout,
  urlopenAnyScheme,
  cleartextHttpUrl,
];
