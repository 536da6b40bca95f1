import { readFileSync } from 'node:fs';
import { isTestPath } from '../semantics/test-code.js';
import { moduleNameFor } from '../semantics/module.js';
import { ModuleIndex } from '../workspace/modules.js';

/**
 * Which files get the full taint analysis. Web input enters through framework code, so the files that mention
 * a web framework (or a Lambda handler, a CGI form, an http.server handler) and the project modules they import,
 * a few levels down, are analysed completely; everywhere else only functions that read process input or call
 * a sink of a rule where process input counts are followed. A cheap text pass on the main thread, before the
 * workers parse anything: it keeps the analysis off the bulk of a large library that never sees a request.
 */
// A framework counts where it is imported, and a handler class where it is subclassed or imported: a name in a
// comment, a docstring or a table of names (the stdlib's pickle compatibility map, unittest.mock's notes on
// Django) is no request handling.
const WEB_MARKER =
  /^[ \t]*(?:from|import)[ \t]+(?:flask|django|fastapi|starlette|aiohttp|tornado|quart|sanic|falcon|bottle|pyramid|rest_framework|werkzeug|litestar|chalice|azure\.functions|functions_framework|graphene|strawberry|ariadne|connexion)\b|^[ \t]*(?:from[ \t][^\n]*)?import[ \t][^\n]*\b(?:BaseHTTPRequestHandler|SimpleHTTPRequestHandler|CGIHTTPRequestHandler)\b|^[ \t]*class[ \t]+\w+[ \t]*\([^)]*\b(?:BaseHTTPRequestHandler|SimpleHTTPRequestHandler|CGIHTTPRequestHandler)\b|\bFieldStorage[ \t]*\(|def\s+\w+\s*\(\s*event\s*,\s*context\s*\)|\bPATH_INFO\b/m;
/** Words one of WEB_MARKER's alternatives needs: most files have none, and this test is much cheaper. */
const WEB_WORD = /flask|django|fastapi|starlette|aiohttp|tornado|quart|sanic|falcon|bottle|pyramid|rest_framework|werkzeug|litestar|chalice|azure|functions_framework|graphene|strawberry|ariadne|connexion|HTTPRequestHandler|FieldStorage|context|PATH_INFO/;
const IMPORT_LINE = /^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([^\n#)]*)|import[ \t]+([^\n#]+))/gm;

/** Levels of imports followed from a web module (views → services → repositories). */
const DEPTH = 2;

export interface ReachFile {
  relPath: string;
  absPath: string;
}

/**
 * `roots` (the dotted source-root prefix of each file, see workspace/modules.ts) makes imports resolve in their
 * own root first; without it a name is matched against full module names, then by a unique suffix.
 * `entryModules`: modules that handle requests without naming a framework (Connexion handlers named in a spec).
 */
export function webReachable(
  files: readonly ReachFile[],
  readText: (absPath: string) => string | undefined = readSourceText,
  roots?: readonly string[],
  entryModules?: ReadonlySet<string>,
): Set<string> {
  const index = roots ? new ModuleIndex(files.map((f) => moduleNameFor(f.relPath)), roots) : undefined;
  const byModule = new Map<string, string>();
  const bySuffix = new Map<string, string[]>();
  for (const f of files) {
    const m = moduleNameFor(f.relPath);
    byModule.set(m, f.relPath);
    const parts = m.split('.');
    for (let i = 1; i < parts.length; i++) {
      const s = parts.slice(i).join('.');
      const list = bySuffix.get(s);
      if (list) list.push(f.relPath);
      else bySuffix.set(s, [f.relPath]);
    }
  }
  const find = (name: string, root: string | undefined): string | undefined => {
    const full = index && root !== undefined ? index.canonical(name, root) : name;
    return byModule.get(full) ?? (bySuffix.get(full)?.length === 1 ? bySuffix.get(full)?.[0] : undefined);
  };
  const edges = new Map<string, string[]>();
  const frontier: string[] = [];
  files.forEach((f, i) => {
    const text = readText(f.absPath);
    if (text === undefined) return;
    // Tests drive an app through a test client; they are not where requests come in.
    if (((WEB_WORD.test(text) && WEB_MARKER.test(text)) || entryModules?.has(moduleNameFor(f.relPath))) && !isTestPath(f.relPath)) frontier.push(f.relPath);
    const own = moduleNameFor(f.relPath).split('.');
    const isInit = /(^|\/)__init__\.pyw?$/.test(f.relPath);
    const out: string[] = [];
    for (const m of text.matchAll(IMPORT_LINE)) {
      const names: string[] = [];
      if (m[1] !== undefined) {
        const dots = /^\.*/.exec(m[1])?.[0].length ?? 0;
        let base = m[1].slice(dots);
        if (dots > 0) {
          const pkg = own.slice(0, isInit ? own.length : own.length - 1);
          for (let i = 1; i < dots; i++) pkg.pop();
          base = [...pkg, ...(base ? [base] : [])].join('.');
        }
        if (base) names.push(base);
        for (const item of m[2].split(',')) {
          const n = item.trim().split(/\s+/)[0];
          if (n && n !== '*') names.push(base ? `${base}.${n}` : n);
        }
      } else {
        for (const item of m[3].split(',')) {
          const n = item.trim().split(/\s+/)[0];
          if (n) names.push(n);
        }
      }
      for (const n of names) {
        const target = find(n, roots?.[i]);
        if (target && target !== f.relPath) out.push(target);
      }
    }
    edges.set(f.relPath, out);
  });
  const reached = new Set<string>(frontier);
  let level = frontier;
  for (let d = 0; d < DEPTH && level.length > 0; d++) {
    const next: string[] = [];
    for (const f of level) {
      for (const t of edges.get(f) ?? []) {
        if (!reached.has(t)) {
          reached.add(t);
          next.push(t);
        }
      }
    }
    level = next;
  }
  return reached;
}

/** A Python file's text for the text-level pre-passes (latin1: every byte kept, nothing fails to decode). */
export function readSourceText(absPath: string): string | undefined {
  try {
    return readFileSync(absPath, 'latin1');
  } catch {
    return undefined;
  }
}
