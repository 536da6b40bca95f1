import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../semantics/module.js';
import type { Scope } from '../semantics/model.js';
import { named } from './expressions.js';
import { CHOICE_TYPES, CONSTRAINED_TYPES, FIELD_MODULES, SHAPE_VALIDATORS, shapeProvingPattern, TYPED_FIELDS } from './models/forms.js';
import { annotationVerdict } from './route-detection.js';

/** Why a declared field is clean: always ('typed'), or once the form's validators ran ('validated'). */
export type FieldSafety = 'typed' | 'validated';

/** Words a module declaring data models mentions; others skip the class walk. */
const MODEL_WORDS = /pydantic|sqlmodel|wtforms|flask_wtf|forms|serializers/;

/**
 * The fields of the module's classes declared with a shape-proving type (`qty: int`, `age = IntegerField()`,
 * `code = StringField(validators=[Regexp(r"^[a-z]+$")])`). Whether a class is a data model at all is decided
 * by the solver from its bases, which may live in other modules.
 */
export function modelFields(model: ModuleModel, classScopes: readonly Scope[]): Record<string, Record<string, FieldSafety>> {
  const out: Record<string, Record<string, FieldSafety>> = {};
  if (!MODEL_WORDS.test(model.text)) return out;
  for (const scope of classScopes) {
    const body = scope.node?.childForFieldName('body');
    if (!body || !scope.node?.childForFieldName('superclasses')) continue;
    const fields: Record<string, FieldSafety> = {};
    for (const stmt of named(body)) {
      const a = stmt.type === 'expression_statement' ? named(stmt)[0] : undefined;
      if (a?.type !== 'assignment') continue;
      const left = a.childForFieldName('left');
      if (left?.type !== 'identifier') continue;
      const ann = a.childForFieldName('type');
      const right = a.childForFieldName('right');
      const safety = (ann ? annotationSafety(model, ann) : undefined) ?? (right?.type === 'call' ? fieldCallSafety(model, right) : undefined);
      if (safety) fields[left.text] = safety;
    }
    if (Object.keys(fields).length > 0) out[scope.qualname] = fields;
  }
  return out;
}

function annotationSafety(model: ModuleModel, ann: Node): FieldSafety | undefined {
  const t = ann.type === 'type' ? (named(ann)[0] ?? ann) : ann;
  if (t.type === 'generic_type') {
    const base = named(t)[0];
    if (base && CHOICE_TYPES.has(model.qualifiedName(base) ?? base.text)) return 'typed';
  }
  if (t.type === 'call') {
    const kind = CONSTRAINED_TYPES[model.qualifiedName(t.childForFieldName('function') ?? t) ?? ''];
    if (kind === 'typed') return 'typed';
    if (kind === 'pattern') return proven(model, t, ['pattern', 'regex']) ? 'typed' : undefined;
    return undefined;
  }
  return annotationVerdict(model, t) === 'safe' ? 'typed' : undefined;
}

/** `IntegerField(...)`, or a text field whose declared validators prove the shape. */
function fieldCallSafety(model: ModuleModel, call: Node): FieldSafety | undefined {
  const q = model.qualifiedName(call.childForFieldName('function') ?? call) ?? '';
  if (!FIELD_MODULES.test(q)) return undefined;
  if (TYPED_FIELDS.has(q.slice(q.lastIndexOf('.') + 1))) return 'typed';
  const args = call.childForFieldName('arguments');
  for (const arg of args ? named(args) : []) {
    const list = arg.type === 'keyword_argument' ? arg.childForFieldName('value') : arg;
    if (list?.type !== 'list' && list?.type !== 'tuple') continue;
    for (const v of named(list)) {
      if (v.type !== 'call') continue;
      const kind = SHAPE_VALIDATORS[model.qualifiedName(v.childForFieldName('function') ?? v) ?? ''];
      if (kind === 'choices' && named(v.childForFieldName('arguments') ?? v).some((x) => x.type !== 'keyword_argument' && model.isConstant(x))) return 'validated';
      if (kind === 'pattern' && proven(model, v, ['regex', 'pattern'])) return 'validated';
    }
  }
  return undefined;
}

/** The call's first positional argument, or one of the keywords, is a constant shape-proving pattern. */
function proven(model: ModuleModel, call: Node, keywords: string[]): boolean {
  const args = call.childForFieldName('arguments');
  for (const a of args ? named(args) : []) {
    const value = a.type === 'keyword_argument' ? (keywords.includes(a.childForFieldName('name')?.text ?? '') ? a.childForFieldName('value') : null) : a;
    if (!value) continue;
    const pattern = model.constantString(value);
    return pattern !== undefined && shapeProvingPattern(pattern);
  }
  return false;
}
