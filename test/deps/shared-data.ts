import { existsSync } from 'node:fs';
import path from 'node:path';
import { it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

export { advisoryFixtures } from '../helpers/deps.js';
export const pypaZip = path.resolve(repoRoot, '../shared/data/osv/pypa-advisory-database.zip');
export const osvSchemaPath = path.resolve(repoRoot, '../shared/data/schemas/osv-schema.json');

/**
 * A test that needs a file from ../shared: runs when it is there, fails under CI when it is not, and is skipped
 * with the reason on a user's fresh clone.
 */
export function itWithShared(file: string, title: string, body: () => void | Promise<void>, timeout?: number): void {
  if (existsSync(file)) {
    it(title, body, timeout);
  } else if (process.env.CI === 'true') {
    it(title, () => {
      throw new Error(`${file} not found; CI must provide ../shared`);
    });
  } else {
    it.skip(`${title} (skipped: ${file} not found; on CI this fails)`, () => {});
  }
}
