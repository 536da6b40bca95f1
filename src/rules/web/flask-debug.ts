import type { Node } from 'web-tree-sitter';
import {
  attributeName,
  constantTruth,
  excerpt,
  FLASK_CONFIG_SETTERS,
  isFlaskApp,
  isFlaskConfig,
  mappingEntries,
  subscriptKey,
  truthyKeyword,
  underMainGuard,
} from '../helpers.js';
import type { ReportInput, Rule } from '../types.js';

const FLASK_RUN = new Set(['flask.Flask.run', 'flask.app.Flask.run']);
const RUN_SIMPLE = new Set(['werkzeug.serving.run_simple', 'werkzeug.run_simple']);
const DEBUGGED_APP = new Set(['werkzeug.debug.DebuggedApplication', 'werkzeug.DebuggedApplication']);
const SETTERS = new Set(FLASK_CONFIG_SETTERS);

const RISK = 'the Werkzeug debugger lets anyone who reaches an error page run Python code on the server';
const ADVICE = 'read the setting from the environment and keep it off in production';

/**
 * `__main__`-guarded code runs only as `python app.py`: usually a developer's machine, so one step less
 * certain; an application object the scanner could not resolve costs one more step.
 */
function where(node: Node, resolved = true): Pick<ReportInput, 'confidence'> {
  const steps = (underMainGuard(node) ? 1 : 0) + (resolved ? 0 : 1);
  return steps === 0 ? {} : { confidence: steps === 1 ? 'medium' : 'low' };
}

export const flaskDebug: Rule = {
  meta: {
    id: 'K501',
    name: 'flask-debug',
    summary: 'A Flask application run with the interactive Werkzeug debugger enabled',
    severity: 'high',
    confidence: 'high',
    cwe: [489, 215],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ['B201'], ruff: ['S201'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports debug mode switched on with a literally true value (also through a constant name) for a ' +
      '`flask.Flask` application (or `flask.current_app`):\n\n' +
      '- `app.run(debug=True)`;\n' +
      '- `app.debug = True`, `app.config["DEBUG"] = True`;\n' +
      '- `app.config.update(DEBUG=True)` / `from_mapping(DEBUG=True)`, keywords or a dict literal;\n' +
      '- Werkzeug directly: `run_simple(..., use_debugger=True)` and `DebuggedApplication(app, evalex=True)`.\n\n' +
      '`app.run(debug=True)` inside `if __name__ == "__main__":` is still reported, at medium confidence: ' +
      'that block runs only when the file is started as a script, which is usually a developer\'s machine, ' +
      'but `python app.py` is also a common container command, and then the debugger is in production. ' +
      'Filter it with a confidence threshold if your deployment never does that.\n\n' +
      '`run(debug=True)` on an object whose type the scanner cannot tell, in a module that imports `flask` ' +
      '(typically `app = create_app()` with an application factory), is reported one step less certain ' +
      '(medium confidence, low inside the `__main__` guard).\n\n' +
      'Not reported: `debug=False`, a value computed at run time (`debug=os.environ.get("FLASK_DEBUG") == "1"`), ' +
      'and `run(debug=True)` on objects known to be something else (a typed parameter, an instance of a class of ' +
      'the project).',
    why:
      'In debug mode Flask serves the Werkzeug debugger: every unhandled exception shows an interactive ' +
      'console in the browser that runs arbitrary Python in the server process. It is guarded by a PIN, ' +
      'but the PIN is derived from facts about the machine that an attacker can often read (for example ' +
      'through a path traversal bug), and error pages leak source code, settings and stack variables even ' +
      'without it. Debug mode also turns on the reloader and relaxes other defaults; it is meant for a ' +
      'development machine only.',
    bad: 'from flask import Flask\n\napp = Flask(__name__)\napp.run(host="0.0.0.0", port=8000, debug=True)\n',
    good:
      'import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\n' +
      'app.run(host="0.0.0.0", port=8000, debug=os.environ.get("FLASK_DEBUG") == "1")\n',
    references: [
      'https://cwe.mitre.org/data/definitions/489.html',
      'https://flask.palletsprojects.com/en/latest/debugging/',
      'https://werkzeug.palletsprojects.com/en/latest/debug/#debugger-pin',
    ],
  },
  textHint: /debug/i,
  callees: [...FLASK_RUN, ...RUN_SIMPLE, ...DEBUGGED_APP, ...SETTERS],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    if (FLASK_RUN.has(callee)) {
      if (!truthyKeyword(call, 'debug', model)) return;
      ctx.report({ node: call.node, message: `${excerpt(call.calleeNode)}(debug=True) starts the interactive debugger: ${RISK}; ${ADVICE}`, ...where(call.node) });
    } else if (RUN_SIMPLE.has(callee)) {
      if (!truthyKeyword(call, 'use_debugger', model)) return;
      ctx.report({ node: call.node, message: `run_simple(use_debugger=True) serves the interactive debugger: ${RISK}; ${ADVICE}`, ...where(call.node) });
    } else if (DEBUGGED_APP.has(callee)) {
      if (!truthyKeyword(call, 'evalex', model)) return;
      ctx.report({ node: call.node, message: `DebuggedApplication(evalex=True) serves an interactive console: ${RISK}; remove it from production code` });
    } else if (SETTERS.has(callee)) {
      for (const entry of mappingEntries(call, model)) {
        if (entry.key !== 'DEBUG' || constantTruth(entry.value, model) !== true) continue;
        ctx.report({ node: entry.node, message: `Setting DEBUG to True turns on Flask debug mode: ${RISK}; ${ADVICE}` });
      }
    }
  },
  /**
   * Application factories (`app = create_app(); app.run(debug=True)`) hide the type. In a module that
   * imports Flask, `run(debug=True)` on an object of unknown type is reported one step less certain.
   */
  module(ctx) {
    const model = ctx.model;
    if (!model.imports.some((i) => i.qualified === 'flask' || i.qualified.startsWith('flask.'))) return;
    for (const call of model.calls) {
      // `call.name` first: a plain string, so other calls are neither resolved nor read from the tree.
      if (call.name !== 'run' || call.calleeNode.type !== 'attribute' || call.callee !== undefined) continue;
      if (!truthyKeyword(call, 'debug', model)) continue;
      ctx.report({
        node: call.node,
        message: `${excerpt(call.calleeNode)}(debug=True) in a Flask module starts the interactive debugger: ${RISK}; ${ADVICE}`,
        ...where(call.node, false),
      });
    }
  },
  assignment(assignment, ctx) {
    const model = ctx.model;
    // Only an attribute or subscript target can be reported: plain names (most assignments) are skipped first.
    if (assignment.targets.every((t) => t.type === 'identifier')) return;
    if (!assignment.value || constantTruth(assignment.value, model) !== true) return;
    for (const target of assignment.targets) {
      const attr = attributeName(target, (obj) => isFlaskApp(obj, model));
      const key = subscriptKey(target, model, (obj) => isFlaskConfig(obj, model));
      if (attr !== 'debug' && key !== 'DEBUG') continue;
      ctx.report({ node: assignment.node, message: `${excerpt(target)} = True turns on Flask debug mode: ${RISK}; ${ADVICE}` });
      return;
    }
  },
};
