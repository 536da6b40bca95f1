import type { Rule } from '../types.js';
import { isPass, reportSwallowed } from './shared.js';

export const tryExceptPass: Rule = {
  meta: {
    id: 'K920',
    name: 'try-except-pass',
    summary: '`except:` or `except Exception:` whose body is only `pass`, silencing every error',
    severity: 'low',
    confidence: 'high',
    cwe: [703],
    owasp: 'A09:2021-Security Logging and Monitoring Failures',
    sources: { bandit: ['B110'], ruff: ['S110'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `except` clauses that catch everything — bare `except:`, `except Exception`, `except ' +
      'BaseException`, with or without `as e`, also in a tuple, and `except*` — and whose body is only `pass` ' +
      'or `...`. The severity is medium when the try block makes a security check (names such as verify, ' +
      'validate, authenticate, authorize, permission, signature, csrf, decrypt, jwt).\n\n' +
      'Not reported: specific exceptions (`except KeyError: pass`, `except ImportError: pass`, ' +
      '`contextlib.suppress(FileNotFoundError)`), which say what is expected; a try block that only imports ' +
      '(an optional dependency) or only releases resources (`close()`, `os.remove()`, `kill()`, ' +
      '`shutdown()`…: best-effort cleanup); and clauses inside `__del__`, `__exit__`, `close` and other ' +
      'teardown functions, where an error has nowhere to go. When the try block makes no security check, the ' +
      'finding is reported at low confidence: an ignored error there is worth a look, rarely worth a change.',
    why:
      'Catching every exception and doing nothing hides the errors nobody anticipated along with the one the ' +
      'author had in mind: a failed signature check, a permission error, a lost database write, a bug. The ' +
      'program carries on in a state it did not plan for, and nothing in the logs says so, which defeats both ' +
      'security controls and incident investigation. Catch the exceptions you expect, and log the rest.',
    bad:
      'import json\n\n\n' +
      'def load_settings(path: str) -> dict:\n' +
      '    settings = {}\n' +
      '    try:\n' +
      '        with open(path) as fh:\n' +
      '            settings = json.load(fh)\n' +
      '    except Exception:\n' +
      '        pass\n' +
      '    return settings\n',
    good:
      'import json\n\n\n' +
      'def load_settings(path: str) -> dict:\n' +
      '    settings = {}\n' +
      '    try:\n' +
      '        with open(path) as fh:\n' +
      '            settings = json.load(fh)\n' +
      '    except FileNotFoundError:\n' +
      '        pass\n' +
      '    return settings\n',
    references: [
      'https://cwe.mitre.org/data/definitions/703.html',
      'https://docs.python.org/3/tutorial/errors.html#handling-exceptions',
      'https://docs.python.org/3/library/contextlib.html#contextlib.suppress',
    ],
  },
  nodeTypes: ['except_clause'],
  node(node, ctx) {
    reportSwallowed(node, ctx, isPass, 'with only `pass`', 'catch the specific exceptions you expect, or at least log the error');
  },
};
