import type { Node } from 'web-tree-sitter';
import { REQUEST_DATA } from '../../access/behaviour.js';
import { handlerAt } from '../../access/handlers.js';
import { unparen } from '../../syntax/nodes.js';
import type { ModuleModel } from '../../semantics/module.js';
import type { Rule, RuleContext } from '../types.js';
import { reportAllFieldsForms } from './shared.js';

/** Classes that take keyword arguments but hold no record: responses, errors, forms (which validate). */
const NOT_A_RECORD = /(?:Response|Error|Exception|Form|Serializer|Schema)$/;
/** Calls that build or write a record from keyword arguments. */
const WRITER = /^(?:create|update|get_or_create|update_or_create|insert|values|filter_by)$/;

/** Request data splatted into a constructor or a write: `Model(**request.json)`, `objects.create(**data)`. */
function splatted(call: Node): Node[] {
  const out: Node[] = [];
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (a?.type === 'dictionary_splat' && a.namedChildren[0]) out.push(a.namedChildren[0]);
  }
  return out;
}

/**
 * The request's data as a whole, whose keys the client chooses: `request.json`, `request.get_json()`,
 * `request.form`, `request.POST.dict()`, `json.loads(request.body)`, `await request.json()`. A dict built in the
 * view from request values (`{"content_type": ct}`) has keys the code chose: not mass assignment.
 */
const WHOLE_REQUEST =
  /^(?:await\s+)?(?:json\.loads\(\s*)?request\s*\.\s*(?:json|get_json\([^)]*\)|form|values|data|body|POST|query_params|json\(\)|form\(\))(?:\s*\.\s*(?:dict|to_dict|copy)\(\))?\s*\)?$/;

function wholeRequest(node: Node, model: ModuleModel): boolean {
  const n = unparen(node);
  const text = n.text.replace(/\s*\.\s*(?:items|keys)\(\)$/, '');
  if (WHOLE_REQUEST.test(text)) return !/\bvalidated_data\b|\bcleaned_data\b/.test(text);
  const name = /^[A-Za-z_]\w*$/.test(text) ? text : undefined;
  if (!name) return false;
  const value = model.lookup(name, n.startIndex)?.value;
  return value !== undefined && WHOLE_REQUEST.test(unparen(value).text);
}

function checkCalls(ctx: RuleContext): void {
  const model = ctx.model;
  for (const c of model.calls) {
    // The callee's name first: arguments and the enclosing handler are read only for the calls that can matter.
    const splatTarget = (/^[A-Z]/.test(c.name) && !NOT_A_RECORD.test(c.name)) || WRITER.test(c.name);
    if (!splatTarget && c.name !== 'update' && c.name !== 'setattr') continue;
    const h = handlerAt(model, c.node);
    if (!h) continue;
    if (splatTarget && c.hasStarKwargs) {
      const src = splatted(c.node).find((e) => wholeRequest(e, model));
      if (src) {
        ctx.report({ node: c.node, message: `request data (\`${src.text.slice(0, 40)}\`) is spread into \`${c.calleeNode.text.slice(0, 40)}(...)\`: a client can set any field it names, privileges and balances included; copy the fields the form allows one by one, or validate with a schema that lists them` });
        continue;
      }
    }
    // `obj.__dict__.update(request.json)`, `vars(obj).update(...)`
    if (c.name === 'update' && c.calleeNode.type === 'attribute' && /(?:__dict__|^vars\s*\(.*\))$/.test(c.calleeNode.childForFieldName('object')?.text ?? '')) {
      const arg = c.args[0];
      if (arg && wholeRequest(arg, model)) ctx.report({ node: c.node, message: `request data is copied into an object's attributes: a client can set any of them, privileges included; copy the allowed fields one by one` });
      continue;
    }
    // `for key, value in request.json.items(): setattr(obj, key, value)`
    if (c.callee === 'setattr' && c.args.length === 3 && c.args[1].type === 'identifier') {
      let loop: Node | null = c.node.parent;
      while (loop && loop.type !== 'for_statement' && loop.id !== h.node.id) loop = loop.parent;
      if (loop?.type !== 'for_statement') continue;
      const left = loop.childForFieldName('left');
      const right = loop.childForFieldName('right');
      if (!left || !right || !new RegExp(`\\b${c.args[1].text}\\b`).test(left.text)) continue;
      if (!wholeRequest(right, model)) continue;
      if (/\bif\b[^\n]*\b(?:in|not in)\b/.test(loop.childForFieldName('body')?.text ?? '')) continue;
      ctx.report({ node: c.node, message: `attributes named by the request are set in a loop: a client can set any attribute, privileges included; loop over an allow-list of fields instead` });
    }
  }
}

export const massAssignment: Rule = {
  meta: {
    id: 'K963',
    name: 'mass-assignment',
    summary: 'Request data sets every field of a model: `Model(**request.json)`, `setattr` over request keys, `fields = "__all__"` forms',
    severity: 'high',
    confidence: 'medium',
    cwe: [915],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports, in request handlers, request data (`request.json`, `request.get_json()`, `request.form`, ' +
      '`request.POST`, `request.data`, or a name assigned from them in the view) that sets whatever fields it ' +
      'names: spread into a class or a write (`User(**request.json)`, `Model.objects.create(**data)`, ' +
      '`query.update(**data)`), copied into `obj.__dict__` or `vars(obj)`, or applied with `setattr` in a loop over ' +
      'its keys. Also reports a DRF `ModelSerializer` or a Django `ModelForm` with `fields = "__all__"` on a model ' +
      'that has privilege fields (`is_admin`, `is_staff`, `is_superuser`, `role`, `permissions`, `balance`, ' +
      '`credits`…), found in the project\'s model classes or Django\'s `User`; fields listed in `read_only_fields` ' +
      'do not count. A `ModelForm` is reported at low confidence (model forms serve admin and staff pages as often ' +
      'as the public), a serializer at medium.\n\n' +
      '**Not reported:** dicts the view builds itself from request values (`{"name": request.form["name"]}`: ' +
      'the code chose the keys); responses, errors and forms built with `**` (forms validate); ' +
      'validated data (`serializer.validated_data`, `form.cleaned_data`), pydantic or marshmallow ' +
      'schemas, which list their fields; `setattr` loops that check the key against an allow-list; `"__all__"` ' +
      'forms on models without privilege fields; code outside request handlers.',
    why:
      'Binding a request to a model without a list of allowed fields lets a client set fields the form never ' +
      'showed: `{"email": "...", "is_admin": true}` makes an administrator, `{"balance": 1e9}` makes money. ' +
      'Name the fields a client may set, in the view, the form or the serializer.',
    bad:
      'from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/users", methods=["POST"])\ndef create_user():\n' +
      '    user = User(**request.get_json())\n    db.session.add(user)\n    db.session.commit()\n    return "created", 201\n',
    good:
      'from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/users", methods=["POST"])\ndef create_user():\n' +
      '    data = request.get_json()\n    user = User(email=data["email"], name=data["name"])\n    db.session.add(user)\n    db.session.commit()\n    return "created", 201\n',
    references: [
      'https://cwe.mitre.org/data/definitions/915.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html',
    ],
  },
  app: true,
  textHint: /flask|django|fastapi|rest_framework|starlette|quart|route/,
  module(ctx) {
    const model = ctx.model;
    if (model.text.includes('request') && REQUEST_DATA.test(model.text)) checkCalls(ctx);
    reportAllFieldsForms(
      ctx,
      'privilege',
      // Model forms serve the admin and staff pages as often as the public: one step less certain than an API serializer.
      (form) => (form.kind === 'form' ? 'low' : 'medium'),
      (form, fields) => `this ${form.kind === 'form' ? 'ModelForm' : 'serializer'} accepts every field of \`${form.model}\`, ${fields} included: list the fields a client may set`,
    );
  },
};
