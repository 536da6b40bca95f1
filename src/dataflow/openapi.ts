import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type ReachFile, readSourceText } from './reach.js';

/**
 * Connexion routes requests by the OpenAPI specification an app loads (`app.add_api("openapi.yaml")`): each
 * operation's `operationId` (prefixed by `x-openapi-router-controller` where given) names the Python function
 * that handles it, and that function's parameters are the operation's parameters and body. Only specifications
 * a Python file of the project loads are read, and only inside the scanned root.
 */
const ADD_API = /\badd_api\(\s*(?:specification\s*=\s*)?(['"])([^'"\n]+)\1/g;
const SPEC_DIR = /\bspecification_dir\s*=\s*(['"])([^'"\n]*)\1/;
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const CONTROLLER = 'x-openapi-router-controller';

export function openApiOperations(files: readonly ReachFile[], readText: (absPath: string) => string | undefined = readSourceText): string[] {
  const ops = new Set<string>();
  const seen = new Set<string>();
  for (const f of files) {
    if (!/\.pyw?$/.test(f.relPath)) continue;
    const text = readText(f.absPath);
    if (!text?.includes('add_api')) continue;
    const root = rootOf(f);
    const dir = path.join(path.dirname(f.absPath), SPEC_DIR.exec(text)?.[2] ?? '');
    for (const m of text.matchAll(ADD_API)) {
      const spec = inside(root, path.resolve(dir, m[2]));
      if (!spec || seen.has(spec)) continue;
      seen.add(spec);
      for (const op of operationsOf(readSpec(spec))) ops.add(op);
    }
  }
  return [...ops].sort();
}

/** The handlers a specification names, `module.function`. */
export function operationsOf(text: string | undefined): string[] {
  if (text === undefined) return [];
  let doc: unknown;
  try {
    doc = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text);
  } catch {
    return [];
  }
  const out: string[] = [];
  const paths = record(record(doc)?.paths);
  for (const item of Object.values(paths ?? {})) {
    const pathItem = record(item);
    if (!pathItem) continue;
    for (const [method, value] of Object.entries(pathItem)) {
      const op = record(value);
      if (!METHODS.has(method) || !op || typeof op.operationId !== 'string') continue;
      const controller = op[CONTROLLER] ?? pathItem[CONTROLLER];
      out.push(typeof controller === 'string' ? `${controller}.${op.operationId}` : op.operationId);
    }
  }
  return out;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function rootOf(f: ReachFile): string {
  const parts = f.relPath.split('/').length;
  let root = f.absPath;
  for (let i = 0; i < parts; i++) root = path.dirname(root);
  return root;
}

/** The real path of a file when it lies inside the scanned root (no symlink leads out of it). */
function inside(root: string, file: string): string | undefined {
  try {
    const real = realpathSync(file);
    const realRoot = realpathSync(root);
    return real.startsWith(realRoot + path.sep) ? real : undefined;
  } catch {
    return undefined;
  }
}

/** A specification is YAML or JSON text: UTF-8. */
function readSpec(absPath: string): string | undefined {
  try {
    return readFileSync(absPath, 'utf8');
  } catch {
    return undefined;
  }
}

/** The project modules that define the named handlers (`api.pets` for `api.pets.find`), matched by suffix. */
export function operationModules(operations: readonly string[], modules: readonly string[] = []): Set<string> {
  const out = new Set<string>();
  for (const op of operations) {
    const mod = op.slice(0, op.lastIndexOf('.'));
    for (const m of modules) if (m === mod || m.endsWith(`.${mod}`) || mod.endsWith(`.${m}`)) out.add(m);
  }
  return out;
}
