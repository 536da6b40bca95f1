import type { Node } from 'web-tree-sitter';
import { classAttribute, metaOf } from '../../access/facts.js';
import { KNOWN_MODELS } from '../../access/facts.js';
import { FIELDS_PLACEHOLDER } from '../../access/types.js';
import type { Confidence } from '../../findings/types.js';
import type { ModuleModel } from '../../semantics/module.js';
import type { RuleContext } from '../types.js';

/** A DRF model serializer or a Django model form whose `Meta` takes every field of its model. */
export interface AllFieldsForm {
  cls: Node;
  /** `fields = "__all__"`, to point at. */
  fieldsNode: Node;
  /** The model as written, and its qualified name when it resolves. */
  model: string;
  qualified?: string;
  kind: 'serializer' | 'form';
  readOnly: string[];
}

const FORM_BASE = /(?:^|\.)(?:ModelForm|ModelSerializer|HyperlinkedModelSerializer)$/;

export function allFieldsForm(model: ModuleModel, cls: Node): AllFieldsForm | undefined {
  const bases = (cls.childForFieldName('superclasses')?.namedChildren ?? []).flatMap((b) => (b ? [b.text] : []));
  const base = bases.find((b) => FORM_BASE.test(b));
  if (!base) return undefined;
  const meta = metaOf(cls);
  const fields = meta ? classAttribute(meta, 'fields') : undefined;
  const target = meta ? classAttribute(meta, 'model') : undefined;
  if (!fields || !target || model.constantString(fields) !== '__all__') return undefined;
  const readOnlyNode = meta ? classAttribute(meta, 'read_only_fields') : undefined;
  const readOnly = (readOnlyNode?.namedChildren ?? []).flatMap((c) => {
    const s = c ? model.constantString(c) : undefined;
    return s ? [s] : [];
  });
  const qualified = model.qualifiedName(target);
  return {
    cls,
    fieldsNode: fields.parent ?? fields,
    model: target.text.slice(target.text.lastIndexOf('.') + 1),
    ...(qualified ? { qualified } : {}),
    kind: /Form$/.test(base) ? 'form' : 'serializer',
    readOnly,
  };
}

/**
 * Reports every `fields = "__all__"` form or serializer of the module whose model has fields of the given kind:
 * at once for a model krait knows (Django's `User`), through a requirement for a project model, whose fields
 * another module may define. `message` gets the form and the fields as Markdown.
 */
export function reportAllFieldsForms(
  ctx: RuleContext,
  fieldKind: 'privilege' | 'secret',
  accept: (form: AllFieldsForm) => Confidence | undefined,
  message: (form: AllFieldsForm, fields: string) => string,
): void {
  const model = ctx.model;
  // `__all__` is mostly a module's export list; a form's field list is `fields = "__all__"`.
  if (!model.text.includes('__all__') || !/fields\s*=\s*["']__all__["']/.test(model.text)) return;
  for (const scope of model.moduleScope.children) {
    if (scope.kind !== 'class' || !scope.node) continue;
    const form = allFieldsForm(model, scope.node);
    const confidence = form ? accept(form) : undefined;
    if (!form || !confidence) continue;
    const known = form.qualified ? KNOWN_MODELS[form.qualified] : undefined;
    if (known) {
      const fields = known[fieldKind].filter((f) => !form.readOnly.includes(f));
      if (fields.length > 0) ctx.report({ node: form.fieldsNode, confidence, message: message(form, fields.map((f) => `\`${f}\``).join(', ')) });
      continue;
    }
    ctx.report({
      node: form.fieldsNode,
      confidence,
      message: message(form, FIELDS_PLACEHOLDER),
      requires: { kind: 'model-fields', model: form.model, fields: fieldKind, except: form.readOnly },
    });
  }
}
