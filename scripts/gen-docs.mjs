// Writes docs/rules.md from the rules' own metadata and documentation (run `npm run docs`).
import fs from 'node:fs';
import path from 'node:path';
import { rulesReference } from '../dist/rules/docs.js';

const out = path.resolve(import.meta.dirname, '../docs/rules.md');
fs.writeFileSync(out, rulesReference());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
