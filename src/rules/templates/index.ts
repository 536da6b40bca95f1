import { djangoMarkSafe } from './django-mark-safe.js';
import { jinja2AutoescapeOff } from './jinja2-autoescape-off.js';
import { makoTemplateUnescaped } from './mako-template-unescaped.js';
import { markupDynamicHtml } from './markup-dynamic-html.js';
import { templateStringInjection } from './template-string-injection.js';
import type { Rule } from '../types.js';

export const TEMPLATE_RULES: readonly Rule[] = [
  jinja2AutoescapeOff,
  makoTemplateUnescaped,
  djangoMarkSafe,
  markupDynamicHtml,
  templateStringInjection,
];
