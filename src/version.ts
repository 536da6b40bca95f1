import { existsSync, readFileSync } from 'node:fs';

/**
 * The package version, read once from package.json: one level above src/ and dist/ (tests, `tsc` output), two
 * above dist/bundle/ (the bundled CLI).
 */
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    const url = new URL(rel, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version: string };
    if (pkg.name === 'krait') return pkg.version;
  }
  throw new Error('krait: package.json not found next to the program');
}

export const VERSION: string = readVersion();
