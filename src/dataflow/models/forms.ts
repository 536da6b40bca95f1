/**
 * Data-model classes: forms, serializers and Pydantic models hold request data field by field, and a field
 * declared with a type that cannot carry text (a number, a UUID, one of fixed choices, a pattern that proves
 * the shape) is clean when read back after validation.
 */

/** Base classes whose subclasses are data models (their fields are read as `form.f.data`, `cleaned_data["f"]`, `model.f`). */
export const MODEL_BASES: ReadonlySet<string> = new Set([
  'pydantic.BaseModel', 'pydantic.main.BaseModel', 'sqlmodel.SQLModel',
  'wtforms.Form', 'wtforms.form.Form', 'flask_wtf.FlaskForm', 'flask_wtf.Form', 'flask_wtf.form.FlaskForm',
  'django.forms.Form', 'django.forms.ModelForm', 'django.forms.forms.Form', 'django.forms.models.ModelForm',
  'rest_framework.serializers.Serializer', 'rest_framework.serializers.ModelSerializer',
  'rest_framework.serializers.HyperlinkedModelSerializer',
]);

/** Flask-WTF forms read `request.form` and `request.files` themselves when constructed without data. */
export const REQUEST_BOUND_FORMS: ReadonlySet<string> = new Set(['flask_wtf.FlaskForm', 'flask_wtf.Form', 'flask_wtf.form.FlaskForm']);

/** Modules whose field classes are listed below (a field call resolving elsewhere is not one of them). */
export const FIELD_MODULES = /^(wtforms|flask_wtf|django\.forms|rest_framework\.serializers|rest_framework\.fields)(\.|$)/;

/** Field classes whose validated value is a number, boolean, date, UUID or one of the declared choices. */
export const TYPED_FIELDS: ReadonlySet<string> = new Set([
  'IntegerField', 'FloatField', 'DecimalField', 'BooleanField', 'NullBooleanField', 'DateField', 'DateTimeField',
  'DateTimeLocalField', 'TimeField', 'DurationField', 'UUIDField', 'IntegerRangeField', 'DecimalRangeField',
  'ChoiceField', 'TypedChoiceField', 'MultipleChoiceField', 'SelectField', 'SelectMultipleField', 'RadioField',
  'ModelChoiceField', 'PrimaryKeyRelatedField', 'IPAddressField', 'GenericIPAddressField',
]);

/** Validators that, declared on a text field, prove its shape once the form validated (`Regexp`, `AnyOf`). */
export const SHAPE_VALIDATORS: Readonly<Record<string, 'pattern' | 'choices'>> = {
  'wtforms.validators.Regexp': 'pattern',
  'wtforms.validators.regexp': 'pattern',
  'wtforms.validators.AnyOf': 'choices',
  'wtforms.validators.any_of': 'choices',
  'django.core.validators.RegexValidator': 'pattern',
};

/** Containers of a form's or serializer's validated values, read by field name (`form.cleaned_data["age"]`). */
export const FIELD_CONTAINERS: ReadonlySet<string> = new Set(['cleaned_data', 'validated_data', 'data']);

/** Constrained Pydantic types: numbers always, strings when their pattern proves the shape. */
export const CONSTRAINED_TYPES: Readonly<Record<string, 'typed' | 'pattern'>> = {
  'pydantic.conint': 'typed',
  'pydantic.confloat': 'typed',
  'pydantic.condecimal': 'typed',
  'pydantic.condate': 'typed',
  'pydantic.constr': 'pattern',
};

/** Annotations whose values are fixed choices. */
export const CHOICE_TYPES: ReadonlySet<string> = new Set(['typing.Literal', 'typing_extensions.Literal', 'Literal']);

/**
 * A pattern proves a value's shape when it is anchored at both ends and admits only word characters, digits,
 * hyphens and dots (no quote, space, slash or shell metacharacter can match).
 */
export function shapeProvingPattern(pattern: string): boolean {
  const m = /^(?:\^|\\A)(.*?)(?:\$|\\Z|\\z)$/s.exec(pattern);
  if (!m) return false;
  return /^(?:\\[dw]|\[\^?(?:\\[dw.\-_]|[\w.-])+\]|[\w-]|\\[.-]|[+*?]|\{\d+(?:,\d*)?\})+$/.test(m[1]) && !/\[\^/.test(m[1]);
}
