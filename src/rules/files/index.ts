import { archiveExtraction } from './archive-extraction.js';
import { chmodPermissive } from './chmod-permissive.js';
import { hardcodedTempPath } from './hardcoded-temp-path.js';
import { tempfileMktemp } from './tempfile-mktemp.js';
import type { Rule } from '../types.js';

export const FILE_RULES: readonly Rule[] = [
  chmodPermissive,
  hardcodedTempPath,
  tempfileMktemp,
  archiveExtraction,
];
