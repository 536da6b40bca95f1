import type { Rule } from '../types.js';
import { lxmlExternalEntities } from './lxml-external-entities.js';
import { xmlEntityExpansion } from './xml-entity-expansion.js';
import { xmlSaxExternalEntities } from './xml-sax-external-entities.js';

export const XML_RULES: readonly Rule[] = [
  xmlEntityExpansion,
  xmlSaxExternalEntities,
  lxmlExternalEntities,
];
