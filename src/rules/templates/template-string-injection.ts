import { argument } from '../../semantics/model.js';
import { excerpt } from '../helpers.js';
import { compose, judgeHoles, safety } from '../injection/strings.js';
import type { Rule } from '../types.js';

/** Numbers and constants are the only safe things to format into template source: HTML escaping does not stop `{{ … }}`. */
const NO_TRUST = { safe: new Set<string>() };

/** Functions that compile their argument as template source, with its position and keyword. */
const RENDER_STRING: ReadonlyMap<string, [number, string]> = new Map([
  ['flask.render_template_string', [0, 'source']],
  ['flask.templating.render_template_string', [0, 'source']],
  ['flask.stream_template_string', [0, 'source']],
  ['flask.templating.stream_template_string', [0, 'source']],
]);

const COMPILERS: ReadonlyMap<string, [number, string]> = new Map([
  ['jinja2.Template', [0, 'source']],
  ['jinja2.environment.Template', [0, 'source']],
  ['jinja2.Environment.from_string', [0, 'source']],
  ['jinja2.environment.Environment.from_string', [0, 'source']],
  ['flask.Flask.jinja_env.from_string', [0, 'source']],
  ['flask.current_app.jinja_env.from_string', [0, 'source']],
  ['mako.template.Template', [0, 'text']],
  ['django.template.Template', [0, 'template_string']],
  ['django.template.base.Template', [0, 'template_string']],
]);

export const templateStringInjection: Rule = {
  meta: {
    id: 'K134',
    name: 'template-string-injection',
    summary: 'Template source built from non-constant values (server-side template injection)',
    severity: 'high',
    confidence: 'medium',
    cwe: [1336, 94],
    owasp: 'A03:2021-Injection',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports template source compiled from text that has non-constant values formatted into it ' +
      '(f-string, `%`, `.format`, `+`, `join`), directly or through a variable: `flask.render_template_string`, ' +
      '`stream_template_string`, `jinja2.Template`, `Environment.from_string` (also `app.jinja_env`), ' +
      '`mako.template.Template` and Django `Template`. For `render_template_string`, source that is not ' +
      'constant at all (a parameter, a value read from a request or a database) is reported at low ' +
      'confidence.\n\n' +
      'Not reported: constant template source with the values passed as context ' +
      '(`render_template_string("Hello {{ name }}", name=name)`), source that only formats in numbers or ' +
      'constants, opaque source given to the other compilers (templates loaded from the project\'s own ' +
      'files are common there), and `SandboxedEnvironment.from_string`, Jinja2\'s way to render untrusted ' +
      'templates. HTML escaping does not make a value safe here: `{{` and `}}` survive it.',
    why:
      'A template engine runs its source as a small program. When user text becomes part of the source ' +
      'rather than a value passed to it, `{{ 7*7 }}` is evaluated, and in Jinja2 or Mako expressions reach ' +
      'Python objects: `{{ cycler.__init__.__globals__.os.popen("id").read() }}` runs a command on the ' +
      'server. Keep template source constant (or load it from the project\'s files) and pass values as ' +
      'context variables, which are only ever printed.',
    bad:
      'from flask import Flask, render_template_string, request\n\napp = Flask(__name__)\n\n\n' +
      '@app.route("/hello")\n' +
      'def hello():\n' +
      '    name = request.args.get("name", "world")\n' +
      '    return render_template_string(f"<h1>Hello {name}!</h1>")\n',
    good:
      'from flask import Flask, render_template_string, request\n\napp = Flask(__name__)\n\n\n' +
      '@app.route("/hello")\n' +
      'def hello():\n' +
      '    name = request.args.get("name", "world")\n' +
      '    return render_template_string("<h1>Hello {{ name }}!</h1>", name=name)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/1336.html',
      'https://portswigger.net/web-security/server-side-template-injection',
      'https://flask.palletsprojects.com/en/stable/api/#flask.render_template_string',
    ],
  },
  callees: [...RENDER_STRING.keys(), ...COMPILERS.keys()],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    const renders = RENDER_STRING.get(callee);
    const where = renders ?? COMPILERS.get(callee);
    if (!where) return;
    const source = argument(call, where[0], where[1]);
    if (!source || model.isConstant(source)) return;
    const name = excerpt(call.calleeNode, 40);
    const composed = compose(source, model);
    if (composed) {
      const judged = judgeHoles(composed, model, NO_TRUST);
      if (judged.safety === 'safe' || !judged.culprit) return;
      ctx.report({
        node: call.node,
        message: `${name}() compiles template source with ${excerpt(judged.culprit, 30)} formatted in: template syntax in that value runs on the server; keep the source constant and pass the value as a context variable`,
      });
      return;
    }
    if (!renders || safety(source, model, NO_TRUST) === 'safe') return;
    ctx.report({
      node: call.node,
      message: `${name}() compiles template source that is not constant (${excerpt(source, 30)}): if users can influence it they can run code on the server; render a fixed template and pass values as context`,
      confidence: 'low',
    });
  },
};
