import type { Node } from 'web-tree-sitter';
import { KNOWN_MODELS } from '../../access/facts.js';
import { handlerAt } from '../../access/handlers.js';
import { FIELDS_PLACEHOLDER } from '../../access/types.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import type { Rule, RuleContext } from '../types.js';
import { reportAllFieldsForms } from './shared.js';

/** Calls that send their argument to the client. */
const RESPONDERS = new Set(['jsonify', 'JsonResponse', 'Response', 'JSONResponse', 'make_response', 'dumps', 'ORJSONResponse']);
/** Keys of a serialised dict that carry a secret. */
const SECRET_KEY = /^(?:password|passwd|password_hash|pw_hash|hashed_password|pwhash|secret|\w+_secret|token|\w+_token|api_key|apikey|private_key|otp_secret|totp_secret|salt)$/i;
const SERIALISER_METHOD = /^(?:to_dict|as_dict|to_json|serialize|serialise|dict|to_api|as_json)$/;

/** Every attribute of an object: `obj.__dict__`, `vars(obj)`, `model_to_dict(obj)` without a field list. */
function wholeObject(node: Node): Node | undefined {
  const n = unparen(node);
  if (n.type === 'attribute' && n.childForFieldName('attribute')?.text === '__dict__') return n.childForFieldName('object') ?? undefined;
  if (n.type !== 'call') return undefined;
  const fn = n.childForFieldName('function')?.text ?? '';
  const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null);
  if (fn === 'vars' && args.length === 1) return args[0];
  if (/(?:^|\.)model_to_dict$/.test(fn) && args[0] && !args.some((a) => a.type === 'keyword_argument' && /^(?:fields|exclude)$/.test(a.childForFieldName('name')?.text ?? ''))) return args[0];
  return undefined;
}

/** The model class an object in a view was loaded as: `Model.query...`, `Model.objects...`, `get_object_or_404(Model, ...)`, `session.get(Model, ...)`. */
function modelOf(model: ModuleModel, obj: Node): string | undefined {
  const text = obj.text;
  if (/^(?:request\.user|self\.request\.user)$/.test(text)) return 'django.contrib.auth.models.User';
  if (obj.type !== 'identifier') return undefined;
  const binding = model.lookup(text, obj.startIndex);
  const value = binding?.value?.text ?? '';
  const m = /^([A-Z]\w*)\s*\.\s*(?:query|objects)\b/.exec(value) ?? /^(?:get_object_or_404|\w*\.?session\.get|db\.get_or_404)\s*\(\s*([A-Z]\w*)/.exec(value);
  return m?.[1];
}

function checkResponses(ctx: RuleContext): void {
  const model = ctx.model;
  const report = (at: Node, obj: Node) => {
    const cls = modelOf(model, obj);
    if (!cls) return;
    const known = KNOWN_MODELS[cls];
    const shown = cls.slice(cls.lastIndexOf('.') + 1);
    if (known) {
      ctx.report({ node: at, message: `every field of \`${obj.text}\` (a \`${shown}\`) goes to the client, ${known.secret.map((f) => `\`${f}\``).join(', ')} included: return the fields the client needs` });
      return;
    }
    ctx.report({
      node: at,
      message: `every field of \`${obj.text}\` (a \`${shown}\`) goes to the client, ${FIELDS_PLACEHOLDER} included: return the fields the client needs`,
      requires: { kind: 'model-fields', model: shown, fields: 'secret' },
    });
  };
  for (const c of model.calls) {
    if (!RESPONDERS.has(c.name) || !handlerAt(model, c.node)) continue;
    for (const a of c.args) {
      const obj = wholeObject(a);
      if (obj) report(c.node, obj);
    }
  }
  for (const ret of returnsIn(model, 0, model.text.length, /\breturn\s+(?:vars\s*\(|model_to_dict|[\w.]+\.__dict__)/g)) {
    const value = ret.namedChildren[0];
    const obj = value ? wholeObject(value) : undefined;
    if (obj && handlerAt(model, ret)) report(ret, obj);
  }
}

/**
 * Return statements in a range whose text matches `pattern` (a global regex starting at `return`), found from the
 * text: no rule needs every return statement of every file, so none is asked of the engine's query.
 */
function returnsIn(model: ModuleModel, start: number, end: number, pattern: RegExp): Node[] {
  const out: Node[] = [];
  pattern.lastIndex = start;
  for (let m = pattern.exec(model.text); m !== null && m.index < end; m = pattern.exec(model.text)) {
    let n: Node | null = model.tree.rootNode.descendantForIndex(m.index, m.index + 6);
    while (n && n.type !== 'return_statement' && n.startIndex === m.index) n = n.parent;
    if (n?.type === 'return_statement') out.push(n);
  }
  return out;
}

/** `def to_dict(self): return {"password": self.password, ...}` in a class: the serialised form carries a secret. */
function checkSerialisers(ctx: RuleContext): void {
  const model = ctx.model;
  for (const fn of model.functions) {
    if (!SERIALISER_METHOD.test(fn.name) || fn.scope.parent?.kind !== 'class') continue;
    for (const ret of returnsIn(model, fn.node.startIndex, fn.node.endIndex, /\breturn\s*\{/g)) {
      const dict = ret.namedChildren[0];
      if (dict?.type !== 'dictionary') continue;
      for (const pair of dict.namedChildren) {
        if (pair?.type !== 'pair') continue;
        const key = pair.childForFieldName('key');
        const value = pair.childForFieldName('value');
        const name = key ? model.constantString(key) : undefined;
        if (!name || !value || !SECRET_KEY.test(name) || !/^self\.\w+$/.test(value.text)) continue;
        ctx.report({ node: pair, message: `\`${fn.name}()\` puts \`${value.text}\` under "${name}": whatever serialises the object sends the secret along; leave it out` });
      }
    }
  }
}

export const sensitiveDataExposure: Rule = {
  meta: {
    id: 'K964',
    name: 'sensitive-data-exposure',
    summary: 'A response serialises a whole model or a dict that carries password hashes, tokens or keys',
    severity: 'high',
    confidence: 'medium',
    cwe: [200, 359],
    owasp: 'A01:2021-Broken Access Control',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports, in request handlers, a response built from every attribute of a model object (`jsonify(user.__dict__)`, ' +
      '`JsonResponse(model_to_dict(user))`, `return vars(account)`) when the object\'s model has secret fields ' +
      '(`password`, `password_hash`, `api_key`, `*_token`, `*_secret`, `otp_secret`…); the model is the one the view ' +
      'loaded the object from (`User.query...`, `User.objects...`, `get_object_or_404(User, ...)`, ' +
      '`db.session.get(User, ...)`) or `request.user`, and its fields are read from the project\'s model classes. ' +
      'Also reports a `to_dict()`/`as_dict()`/`serialize()` method that puts `self.password` (or a token, a secret, ' +
      'a key) in the dict it returns, and a DRF `ModelSerializer` with `fields = "__all__"` on a model with secret ' +
      'fields.\n\n' +
      '**Not reported:** objects whose model krait cannot tell, or whose model has no secret fields; ' +
      '`model_to_dict(obj, fields=[...])` and serializers with a field list; `"__all__"` serializers whose secret ' +
      'fields are `write_only` is not understood yet, so list the fields instead; Django `ModelForm`s, which read ' +
      'input and do not send fields back.',
    why:
      'Password hashes can be cracked offline, tokens and keys can be used as they are. A response that ' +
      'serialises "everything" sends them to every client, and keeps sending new sensitive fields as the model ' +
      'grows. Return an explicit list of fields.',
    bad:
      'from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n' +
      '    email = db.Column(db.String)\n    password_hash = db.Column(db.String)\n\n\n@app.route("/users/<int:user_id>")\ndef show_user(user_id):\n' +
      '    user = User.query.get_or_404(user_id)\n    return jsonify(user.__dict__)\n',
    good:
      'from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n' +
      '    email = db.Column(db.String)\n    password_hash = db.Column(db.String)\n\n\n@app.route("/users/<int:user_id>")\ndef show_user(user_id):\n' +
      '    user = User.query.get_or_404(user_id)\n    return jsonify({"id": user.id, "email": user.email})\n',
    references: ['https://cwe.mitre.org/data/definitions/200.html', 'https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/'],
  },
  app: true,
  textHint: /flask|django|fastapi|rest_framework|starlette|quart|route|to_dict|as_dict|seriali[sz]e|to_json/,
  module(ctx) {
    const model = ctx.model;
    if (/__dict__|vars\s*\(|model_to_dict/.test(model.text)) checkResponses(ctx);
    if (/def\s+(?:to_dict|as_dict|to_json|seriali[sz]e|dict|to_api|as_json)\s*\(/.test(model.text)) checkSerialisers(ctx);
    reportAllFieldsForms(
      ctx,
      'secret',
      (form) => (form.kind === 'serializer' ? 'medium' : undefined),
      (form, fields) => `this serializer sends every field of \`${form.model}\` to clients, ${fields} included: list the fields to return`,
    );
  },
};
