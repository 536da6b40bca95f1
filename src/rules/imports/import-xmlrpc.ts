import { importRule, OPT_IN_NOTE } from './shared.js';

/** Names of `xmlrpc.client` that only build requests or describe errors: they parse nothing. */
const HARMLESS = ['Fault', 'ProtocolError', 'ResponseError', 'Error', 'Binary', 'DateTime', 'Boolean', 'dumps', 'MAXINT', 'MININT'];

export const importXmlrpc = importRule(
  {
    id: 'K261',
    name: 'import-xmlrpc',
    summary: 'Import of `xmlrpc` (client or server) in a module that does not call `defusedxml.xmlrpc.monkey_patch()`',
    severity: 'low',
    confidence: 'low',
    cwe: [776, 409],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ['B411'], ruff: ['S411'] },
    defaultEnabled: false,
  },
  {
    what:
      'Reports imports of `xmlrpc.client`, `xmlrpc.server` and their Python 2 names (`xmlrpclib`, ' +
      '`SimpleXMLRPCServer`, `DocXMLRPCServer`), unless the module calls `defusedxml.xmlrpc.monkey_patch()`. ' +
      `Imports of only the error and value classes (\`Fault\`, \`Binary\`, \`dumps\`…) are not reported.\n\n${OPT_IN_NOTE} ` +
      'The patch may be applied once in another module (the program\'s entry point); suppress the finding ' +
      'there, or select this rule only where the patch is expected.',
    why:
      'The XML-RPC client and server parse every response and request with expat (entity expansion with an ' +
      'expat older than 2.4.1), and the client inflates gzip-encoded responses without a size limit ' +
      '(decompression bomb). An XML-RPC server reads XML from anyone who can reach it. ' +
      '`defusedxml.xmlrpc.monkey_patch()` swaps in a parser that refuses entity declarations and caps the ' +
      'decompressed size.',
    bad: 'from xmlrpc.server import SimpleXMLRPCServer\n\n\ndef serve(port):\n    SimpleXMLRPCServer(("127.0.0.1", port)).serve_forever()\n',
    good:
      'from defusedxml.xmlrpc import monkey_patch\nfrom xmlrpc.server import SimpleXMLRPCServer\n\nmonkey_patch()\n\n\n' +
      'def serve(port):\n    SimpleXMLRPCServer(("127.0.0.1", port)).serve_forever()\n',
    references: [
      'https://docs.python.org/3/library/xml.html#xml-vulnerabilities',
      'https://github.com/tiran/defusedxml#defusedxmlxmlrpc',
      'https://cwe.mitre.org/data/definitions/776.html',
    ],
  },
  {
    modules: ['xmlrpc', 'xmlrpclib', 'SimpleXMLRPCServer', 'DocXMLRPCServer'],
    safeNames: { 'xmlrpc.client': HARMLESS, xmlrpclib: HARMLESS },
    mitigated: (model) => model.callsTo('defusedxml.xmlrpc.monkey_patch').length > 0,
    message: (m) => `${m} parses XML-RPC messages with expat and no size limits; call defusedxml.xmlrpc.monkey_patch() before using it`,
  },
  /xmlrpc|XMLRPC/,
);
