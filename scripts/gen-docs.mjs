// Writes docs/rules.md and the README's rules table from the rules' own metadata and documentation
// (`npm run docs`); a test fails when either is stale.
import fs from 'node:fs';
import path from 'node:path';
import { rulesReference, rulesTable } from '../dist/rules/docs.js';

const root = path.resolve(import.meta.dirname, '..');
fs.writeFileSync(path.join(root, 'docs/rules.md'), rulesReference());
const readmePath = path.join(root, 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const updated = readme.replace(/(<!-- rules-table[^>]*-->\n)[\s\S]*?(\n<!-- \/rules-table -->)/, `$1${rulesTable()}$2`);
if (updated === readme && !readme.includes(rulesTable())) throw new Error('README.md has no rules-table markers');
fs.writeFileSync(readmePath, updated);
console.log('wrote docs/rules.md and the README rules table');
