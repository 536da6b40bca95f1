import type { Rule } from '../types.js';
import { importRule, OPT_IN_NOTE, underTypeChecking } from './shared.js';

const CGI_CLASSES = ['wsgiref.handlers.CGIHandler', 'twisted.web.twcgi.CGIScript', 'twisted.web.twcgi.CGIDirectory'];

const MESSAGE = (m: string) =>
  `${m} runs the application as CGI, where a client's "Proxy:" header becomes the HTTP_PROXY variable (httpoxy); ` +
  'serve it with a WSGI server, or make sure nothing reads proxy settings from the environment';

const base = importRule(
  {
    id: 'K262',
    name: 'import-httpoxy',
    summary: 'CGI handlers (`wsgiref.handlers.CGIHandler`, Twisted `CGIScript`) exposed to the httpoxy header attack',
    severity: 'medium',
    confidence: 'low',
    cwe: [454],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ['B412'], ruff: ['S412'] },
    defaultEnabled: false,
  },
  {
    what:
      'Reports imports of `wsgiref.handlers.CGIHandler`, `twisted.web.twcgi.CGIScript` and ' +
      '`twisted.web.twcgi.CGIDirectory`, and calls of them through their module ' +
      `(\`wsgiref.handlers.CGIHandler()\`).\n\n${OPT_IN_NOTE}`,
    why:
      'Under CGI, request headers become environment variables prefixed with `HTTP_`, so a client that ' +
      'sends `Proxy: evil.example:8080` sets `HTTP_PROXY`, the variable many HTTP libraries read to pick ' +
      'a proxy: the application\'s outgoing requests, with their credentials, then go through the ' +
      'attacker (httpoxy, 2016). Python\'s `urllib` ignores `HTTP_PROXY` inside CGI since 3.5.2, but other ' +
      'clients and subprocesses may not. Serve WSGI applications with a WSGI server instead of CGI.',
    bad: 'from wsgiref.handlers import CGIHandler\n\nfrom shop import app\n\nCGIHandler().run(app)\n',
    good: 'from waitress import serve\n\nfrom shop import app\n\nserve(app, listen="127.0.0.1:8080")\n',
    references: ['https://httpoxy.org/', 'https://nvd.nist.gov/vuln/detail/CVE-2016-1000110', 'https://cwe.mitre.org/data/definitions/454.html'],
  },
  { modules: CGI_CLASSES, message: MESSAGE },
  /CGIHandler|CGIScript|CGIDirectory/,
);

export const importHttpoxy: Rule = {
  ...base,
  callees: CGI_CLASSES,
  call(call, ctx) {
    // A class imported by name is reported at its import; calls through its module are reported here.
    if (call.calleeNode.type !== 'attribute' || underTypeChecking(call.node)) return;
    ctx.report({ node: call.node, message: MESSAGE(call.callee ?? 'CGIHandler') });
  },
};
