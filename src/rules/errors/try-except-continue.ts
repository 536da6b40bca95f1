import type { Rule } from '../types.js';
import { reportSwallowed } from './shared.js';

export const tryExceptContinue: Rule = {
  meta: {
    id: 'K921',
    name: 'try-except-continue',
    summary: '`except:` or `except Exception:` whose body is only `continue`, silently skipping every failing item',
    severity: 'low',
    confidence: 'high',
    cwe: [703],
    owasp: 'A09:2021-Security Logging and Monitoring Failures',
    sources: { bandit: ['B112'], ruff: ['S112'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `except` clauses inside loops that catch everything — bare `except:`, `except Exception`, ' +
      '`except BaseException`, with or without `as e`, also in a tuple — and whose body is only `continue`. ' +
      'The severity is medium when the try block makes a security check.\n\n' +
      'Not reported: specific exceptions (`except ValueError: continue`), try blocks that only import or ' +
      'only release resources, and teardown functions (`__del__`, `__exit__`, `close`…). Without a security check in ' +
      'the try block the finding is reported at low confidence.',
    why:
      'Skipping to the next item on any error makes every failure look like an item that did not matter: a ' +
      'record that failed validation, a file that could not be verified, a bug in the loop body. The loop ' +
      'completes "successfully" with part of its work silently missing, and nothing is logged. Catch the ' +
      'errors that mean "skip this one", and log or re-raise the others.',
    bad:
      'def parse_ports(values: list[str]) -> list[int]:\n' +
      '    ports = []\n' +
      '    for value in values:\n' +
      '        try:\n' +
      '            ports.append(int(value))\n' +
      '        except Exception:\n' +
      '            continue\n' +
      '    return ports\n',
    good:
      'def parse_ports(values: list[str]) -> list[int]:\n' +
      '    ports = []\n' +
      '    for value in values:\n' +
      '        try:\n' +
      '            ports.append(int(value))\n' +
      '        except ValueError:\n' +
      '            continue\n' +
      '    return ports\n',
    references: ['https://cwe.mitre.org/data/definitions/703.html', 'https://docs.python.org/3/tutorial/errors.html#handling-exceptions'],
  },
  nodeTypes: ['except_clause'],
  node(node, ctx) {
    reportSwallowed(node, ctx, (s) => s.type === 'continue_statement', 'with only `continue`', 'catch the exceptions that mean "skip this item", and log the others');
  },
};
