import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { it } from 'vitest';
import { repoRoot } from './cli.js';

export const sarifSchemaPath = path.resolve(repoRoot, '../shared/data/schemas/sarif-schema-2.1.0.json');

let compiled: ValidateFunction | undefined;

function sarifValidator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(sarifSchemaPath, 'utf8'));
    // The file declares draft-04 (`$schema`, `id`), which Ajv 8 does not load; its keywords are all valid
    // draft-07, so drop the two header keys and compile it as draft-07.
    delete schema.$schema;
    delete schema.id;
    compiled = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
  }
  return compiled;
}

/**
 * A test that needs the shared SARIF schema: runs when ../shared is there, fails under CI when it is not,
 * and is skipped with the reason on a user's fresh clone.
 */
export function itWithSarifSchema(title: string, body: (validate: ValidateFunction) => void | Promise<void>): void {
  if (existsSync(sarifSchemaPath)) {
    it(title, () => body(sarifValidator()));
  } else if (process.env.CI === 'true') {
    it(title, () => {
      throw new Error(`SARIF schema not found at ${sarifSchemaPath}; CI must provide it`);
    });
  } else {
    it.skip(`${title} (skipped: ${sarifSchemaPath} not found; on CI this fails)`, () => {});
  }
}
