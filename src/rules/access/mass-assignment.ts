import type { Node } from 'web-tree-sitter';
import { isRequestData, REQUEST_DATA, requestNames } from '../../access/behaviour.js';
import { KNOWN_MODELS } from '../../access/facts.js';
import { handlerAt } from '../../access/handlers.js';
import { FIELDS_PLACEHOLDER } from '../../access/types.js';
import { unparen } from '../../syntax/nodes.js';
import type { Rule, RuleContext } from '../types.js';
import { allFieldsForm } from './shared.js';

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

function requestValued(node: Node, names: ReadonlySet<string>): boolean {
  return isRequestData(unparen(node), names) && !/\bsecure_filename|\bvalidated_data\b|\bcleaned_data\b/.test(node.text);
}

function checkCalls(ctx: RuleContext): void {
  const model = ctx.model;
  for (const c of model.calls) {
    const h = handlerAt(model, c.node);
    if (!h) continue;
    let names: Set<string> | undefined;
    const nm = () => (names ??= requestNames(model, h));
    if (c.hasStarKwargs && (/^[A-Z]/.test(c.name) || WRITER.test(c.name))) {
      const src = splatted(c.node).find((e) => requestValued(e, nm()));
      if (src) {
        ctx.report({ node: c.node, message: `request data (\`${src.text.slice(0, 40)}\`) is spread into \`${c.calleeNode.text.slice(0, 40)}(...)\`: a client can set any field it names, privileges and balances included; copy the fields the form allows one by one, or validate with a schema that lists them` });
        continue;
      }
    }
    // `obj.__dict__.update(request.json)`, `vars(obj).update(...)`
    if (c.name === 'update' && c.calleeNode.type === 'attribute' && /(?:__dict__|^vars\s*\(.*\))$/.test(c.calleeNode.childForFieldName('object')?.text ?? '')) {
      const arg = c.args[0];
      if (arg && requestValued(arg, nm())) ctx.report({ node: c.node, message: `request data is copied into an object's attributes: a client can set any of them, privileges included; copy the allowed fields one by one` });
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
      if (!requestValued(right, nm())) continue;
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
      'do not count.\n\n' +
      '**Not reported:** validated data (`serializer.validated_data`, `form.cleaned_data`), pydantic or marshmallow ' +
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
  textHint: /flask|django|fastapi|rest_framework|starlette|quart/,
  module(ctx) {
    const model = ctx.model;
    if (REQUEST_DATA.test(model.text)) checkCalls(ctx);
    if (!/__all__/.test(model.text)) return;
    for (const scope of model.moduleScope.children) {
      if (scope.kind !== 'class' || !scope.node) continue;
      const form = allFieldsForm(model, scope.node);
      if (!form) continue;
      const known = form.qualified ? KNOWN_MODELS[form.qualified] : undefined;
      const what = form.kind === 'form' ? 'ModelForm' : 'serializer';
      if (known) {
        const fields = known.privilege.filter((f) => !form.readOnly.includes(f));
        if (fields.length > 0) ctx.report({ node: form.fieldsNode, message: `this ${what} accepts every field of \`${form.model}\`, ${fields.map((f) => `\`${f}\``).join(', ')} included: list the fields a client may set` });
        continue;
      }
      ctx.report({
        node: form.fieldsNode,
        message: `this ${what} accepts every field of \`${form.model}\`, ${FIELDS_PLACEHOLDER} included: list the fields a client may set`,
        requires: { kind: 'model-fields', model: form.model, fields: 'privilege', except: form.readOnly },
      });
    }
  },
};
