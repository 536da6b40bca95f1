import type { Node } from 'web-tree-sitter';
import { classAttribute, metaOf } from '../../access/facts.js';
import type { ModuleModel } from '../../semantics/module.js';

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
