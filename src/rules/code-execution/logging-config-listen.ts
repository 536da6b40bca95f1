import type { Node } from 'web-tree-sitter';
import { argument } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue } from '../helpers.js';
import type { Rule } from '../types.js';

/** `lambda b: b` (or a `def` that only returns its argument): a verify hook that accepts everything. */
function acceptsEverything(node: Node, model: ModuleModel): boolean {
  const v = boundValue(node, model);
  let params: Node | null = null;
  let result: Node | null = null;
  if (v.type === 'lambda') {
    params = v.childForFieldName('parameters');
    result = v.childForFieldName('body');
  } else if (v.type === 'identifier') {
    const b = model.lookup(v.text, v.startIndex);
    const fn = b?.kind === 'def' ? model.functions.find((f) => f.qualname === b.qualified) : undefined;
    const body = fn?.node.childForFieldName('body');
    const statements = body?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment' && c.type !== 'expression_statement') ?? [];
    if (!fn || statements.length !== 1 || statements[0].type !== 'return_statement') return false;
    params = fn.node.childForFieldName('parameters');
    result = statements[0].namedChildren[0] ?? null;
  }
  const first = params?.namedChildren.find((c) => c !== null && c.type === 'identifier');
  return !!first && !!result && unparen(result).type === 'identifier' && unparen(result).text === first.text;
}

export const loggingConfigListen: Rule = {
  meta: {
    id: 'K103',
    name: 'logging-config-listen',
    summary: '`logging.config.listen()` accepting logging configuration from a socket without verifying it',
    severity: 'medium',
    confidence: 'high',
    cwe: [94],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: { bandit: ['B612'], ruff: ['S612'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `logging.config.listen()` without a `verify` function, with `verify=None`, or with a ' +
      '`verify` that hands back its input unchanged (`lambda data: data`).\n\n' +
      'Not reported: a real `verify` function (one that checks a signature or decrypts, and returns `None` ' +
      'to reject); the rule cannot judge its strength, and the Python documentation names it as the remedy.',
    why:
      '`listen()` starts a socket server (on `localhost`, port 9030 by default) that applies any logging ' +
      'configuration sent to it. Configuration files name classes and handlers to import and call, and the ' +
      '`fileConfig` format is evaluated with `eval()`: whoever can connect — another local user, a ' +
      'container sharing the network namespace, an SSRF in a web app on the host — runs code in the ' +
      'process. Pass `verify=` with a function that checks an HMAC or signature, or do not listen at all.',
    bad:
      'import logging.config\n\n\n' +
      'def start_log_control() -> None:\n' +
      '    thread = logging.config.listen(9999)\n' +
      '    thread.start()\n',
    good:
      'import hmac\nimport logging.config\n\nKEY = b"loaded-from-a-secret-store"\n\n\n' +
      'def verified(data: bytes) -> bytes | None:\n' +
      '    signature, _, body = data.partition(b"\\n")\n' +
      '    expected = hmac.new(KEY, body, "sha256").hexdigest().encode()\n' +
      '    return body if hmac.compare_digest(signature, expected) else None\n\n\n' +
      'def start_log_control() -> None:\n' +
      '    thread = logging.config.listen(9999, verify=verified)\n' +
      '    thread.start()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/94.html',
      'https://docs.python.org/3/library/logging.config.html#logging.config.listen',
    ],
  },
  callees: ['logging.config.listen'],
  call(call, ctx) {
    const verify = argument(call, 1, 'verify');
    const model = ctx.model;
    if (verify && unparen(boundValue(verify, model)).type !== 'none' && !acceptsEverything(verify, model)) return;
    ctx.report({
      node: call.node,
      message: verify
        ? 'logging.config.listen() with a verify function that accepts everything: anyone who can connect can run code through the configuration; check a signature in verify'
        : 'logging.config.listen() applies any configuration sent to its socket, which can run code; pass verify= with a signature check, or do not listen',
    });
  },
};
