import { djangoExtraSql } from './django-extra-sql.js';
import { djangoRawSql } from './django-raw-sql.js';
import { sqlFormattedQuery } from './sql-formatted-query.js';
import type { Rule } from '../types.js';

export const INJECTION_RULES: readonly Rule[] = [
  sqlFormattedQuery,
  djangoExtraSql,
  djangoRawSql,
];
