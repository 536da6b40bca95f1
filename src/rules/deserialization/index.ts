import { marshalLoad } from './marshal-load.js';
import { pickleLoad } from './pickle-load.js';
import { torchUnsafeLoad } from './torch-unsafe-load.js';
import { yamlUnsafeLoad } from './yaml-unsafe-load.js';
import type { Rule } from '../types.js';

export const DESERIALIZATION_RULES: readonly Rule[] = [
  yamlUnsafeLoad,
  pickleLoad,
  marshalLoad,
  torchUnsafeLoad,
];
