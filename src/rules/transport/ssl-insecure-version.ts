import type { Node } from 'web-tree-sitter';
import type { Severity } from '../../findings/types.js';
import { unparen } from '../../syntax/nodes.js';
import type { Rule } from '../types.js';
import { constantUses, isDiscardedProbe } from './shared.js';

interface Version {
  shown: string;
  severity: Severity;
}

const SSL2: Version = { shown: 'SSL 2.0', severity: 'high' };
const SSL3: Version = { shown: 'SSL 3.0', severity: 'high' };
const TLS10: Version = { shown: 'TLS 1.0', severity: 'medium' };
const TLS11: Version = { shown: 'TLS 1.1', severity: 'medium' };

/** Constants that pin a connection to an obsolete protocol version. */
const PINNED: ReadonlyMap<string, Version> = new Map([
  ['ssl.PROTOCOL_SSLv2', SSL2],
  ['ssl.PROTOCOL_SSLv3', SSL3],
  ['ssl.PROTOCOL_TLSv1', TLS10],
  ['ssl.PROTOCOL_TLSv1_1', TLS11],
  ['OpenSSL.SSL.SSLv2_METHOD', SSL2],
  ['OpenSSL.SSL.SSLv3_METHOD', SSL3],
  ['OpenSSL.SSL.TLSv1_METHOD', TLS10],
  ['OpenSSL.SSL.TLSv1_1_METHOD', TLS11],
]);

/** Version bounds (`ctx.minimum_version = ssl.TLSVersion.TLSv1`, `set_min_proto_version(SSL.TLS1_VERSION)`). */
const BOUNDS: ReadonlyMap<string, Version> = new Map([
  ['ssl.TLSVersion.SSLv3', SSL3],
  ['ssl.TLSVersion.TLSv1', TLS10],
  ['ssl.TLSVersion.TLSv1_1', TLS11],
  ['ssl.TLSVersion.MINIMUM_SUPPORTED', { shown: 'the oldest version OpenSSL still supports (often TLS 1.0)', severity: 'medium' }],
  ['OpenSSL.SSL.SSL3_VERSION', SSL3],
  ['OpenSSL.SSL.TLS1_VERSION', TLS10],
  ['OpenSSL.SSL.TLS1_1_VERSION', TLS11],
]);

const NAMES = new Set([...PINNED.keys(), ...BOUNDS.keys()]);
const PATTERN = /\b(PROTOCOL_(SSLv2|SSLv3|TLSv1|TLSv1_1)|(SSLv2|SSLv3|TLSv1|TLSv1_1)_METHOD|SSLv3|TLSv1|TLSv1_1|MINIMUM_SUPPORTED|(SSL3|TLS1|TLS1_1)_VERSION)\b/g;

const ADVICE = 'use ssl.create_default_context() or PROTOCOL_TLS_CLIENT, which negotiate TLS 1.2 or newer';

/** The attribute name of an assignment target (`ctx.minimum_version` → minimum_version), if any. */
function targetAttribute(target: Node): string | undefined {
  return target.type === 'attribute' ? target.childForFieldName('attribute')?.text : undefined;
}

export const sslInsecureVersion: Rule = {
  meta: {
    id: 'K402',
    name: 'ssl-insecure-version',
    summary: 'An SSL/TLS connection pinned to or allowed down to SSL 2.0, SSL 3.0, TLS 1.0 or TLS 1.1',
    severity: 'high',
    confidence: 'high',
    cwe: [327],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: { bandit: ['B502', 'B503'], ruff: ['S502', 'S503'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports the obsolete protocol constants where they configure a connection:\n\n' +
      '- `ssl.PROTOCOL_SSLv2`, `PROTOCOL_SSLv3`, `PROTOCOL_TLSv1`, `PROTOCOL_TLSv1_1` and pyOpenSSL\'s ' +
      '`SSL.SSLv2_METHOD`, `SSLv3_METHOD`, `TLSv1_METHOD`, `TLSv1_1_METHOD`, when passed to a call ' +
      '(`ssl.SSLContext(ssl.PROTOCOL_TLSv1)`, `ssl.wrap_socket(s, ssl_version=...)`, `SSL.Context(...)`), ' +
      'used as a parameter default (`def connect(host, version=ssl.PROTOCOL_SSLv3)`, Bandit\'s B503) or ' +
      'assigned (`PROTOCOL = ssl.PROTOCOL_TLSv1`);\n' +
      '- `ssl.TLSVersion.SSLv3`, `TLSv1`, `TLSv1_1` and `MINIMUM_SUPPORTED`, and pyOpenSSL\'s ' +
      '`SSL3_VERSION`, `TLS1_VERSION`, `TLS1_1_VERSION`, used the same way — typically ' +
      '`ctx.minimum_version = ssl.TLSVersion.TLSv1` or `ctx.set_min_proto_version(SSL.TLS1_VERSION)`.\n\n' +
      'SSL 2.0 and 3.0 are reported at high severity, TLS 1.0 and 1.1 at medium. Not reported: the ' +
      'constants in comparisons, lists, dictionaries and translation tables (`table[ssl.PROTOCOL_TLSv1] = ...`) (code that recognises old versions, or offers them ' +
      'as a choice), a choice made at run time (`ssl.PROTOCOL_TLSv1 if legacy else ssl.PROTOCOL_TLS_CLIENT`), ' +
      'and `PROTOCOL_TLS`, `PROTOCOL_SSLv23` and pyOpenSSL\'s `SSLv23_METHOD`, which negotiate the best version ' +
      'both sides support. Nor a probe of the installed library: `Connection(Context(TLSv1_METHOD), None)` as a ' +
      'statement of its own (its value dropped, no socket, only constant arguments) makes objects that never ' +
      'connect; the same context kept or given a socket is reported.',
    why:
      'SSL 2.0 and 3.0 are broken (DROWN, POODLE) and TLS 1.0 and 1.1 were formally deprecated by RFC 8996 ' +
      'in 2021: they rely on MD5 and SHA-1 in the handshake, lack modern cipher suites, and expose CBC ' +
      'attacks such as BEAST. Pinning a connection to one of them, or allowing negotiation down to them, ' +
      'lets an attacker on the path downgrade and attack the connection, and current servers refuse them ' +
      'anyway. Let the library negotiate: `ssl.create_default_context()` uses TLS 1.2 or newer.',
    bad:
      'import socket\nimport ssl\n\n\n' +
      'def connect(host: str) -> ssl.SSLSocket:\n' +
      '    context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)\n' +
      '    return context.wrap_socket(socket.create_connection((host, 443)), server_hostname=host)\n',
    good:
      'import socket\nimport ssl\n\n\n' +
      'def connect(host: str) -> ssl.SSLSocket:\n' +
      '    context = ssl.create_default_context()\n' +
      '    return context.wrap_socket(socket.create_connection((host, 443)), server_hostname=host)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/327.html',
      'https://www.rfc-editor.org/rfc/rfc8996',
      'https://docs.python.org/3/library/ssl.html#ssl.SSLContext.minimum_version',
      'https://www.pyopenssl.org/en/latest/api/ssl.html',
    ],
  },
  textHint: /SSLv2|SSLv3|TLSv1|SSL3_VERSION|TLS1_VERSION|TLS1_1_VERSION|MINIMUM_SUPPORTED/,
  module(ctx) {
    for (const use of constantUses(ctx.model, PATTERN, NAMES)) {
      const version = PINNED.get(use.qualified) ?? BOUNDS.get(use.qualified);
      if (!version) continue;
      const c = use.context;
      let message: string | undefined;
      if (c.kind === 'argument') {
        if (isDiscardedProbe(c.call, ctx.model)) continue;
        message = `${use.node.text} selects ${version.shown}, an obsolete protocol that attackers can break or downgrade; ${ADVICE}`;
      } else if (c.kind === 'default') {
        message = `a parameter defaults to ${use.node.text}, so callers get ${version.shown} unless they override it; ${ADVICE}`;
      } else if (c.kind === 'assigned') {
        // `versions[ssl.PROTOCOL_TLSv1] = SSL.TLSv1_METHOD` fills a translation table; it configures nothing.
        const t = unparen(c.target);
        if (t.type !== 'identifier' && t.type !== 'attribute') continue;
        const attr = targetAttribute(t);
        message =
          attr === 'minimum_version'
            ? `minimum_version = ${use.node.text} lets connections fall back to ${version.shown}; set ssl.TLSVersion.TLSv1_2 or newer`
            : `${use.node.text} selects ${version.shown}, an obsolete protocol that attackers can break or downgrade; ${ADVICE}`;
      }
      if (message) ctx.report({ node: use.node, message, severity: version.severity });
    }
  },
};
