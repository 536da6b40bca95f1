/**
 * The main thread's half of the access rules: the modules' facts merged into the application's, and each finding
 * that depends on them kept (with its message completed) or dropped.
 */
import type { Finding } from '../findings/types.js';
import type { Rule } from '../rules/types.js';
import { KNOWN_MODELS } from './facts.js';
import { type AppRequirement, AUTH_PLACEHOLDER, FIELDS_PLACEHOLDER, type Framework, type ModuleAppFacts, type PendingFinding } from './types.js';

export function isAccessRule(rule: Rule): boolean {
  return rule.app === true;
}

interface AppFacts {
  /** Authentication on routes, by the folder of the module the routes are in. */
  auth: Map<string, Map<Framework, Map<string, number>>>;
  guards: Map<Framework, string>;
  limiters: Set<string>;
  models: Map<string, { privilege: Set<string>; secret: Set<string> }>;
}

function folderOf(relPath: string): string {
  return relPath.slice(0, Math.max(0, relPath.lastIndexOf('/')));
}

/**
 * Whether two folders belong to one application as far as authentication goes: the same folder, or one inside the
 * other (a Flask package and its blueprints, a Django project and its apps). Sibling folders are separate
 * applications: the test apps of a framework's own test suite, the services of a monorepo.
 */
function sameApp(a: string, b: string): boolean {
  return a === b || a === '' || b === '' || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function appFacts(modules: readonly { relPath: string; app: ModuleAppFacts }[]): AppFacts {
  const app: AppFacts = { auth: new Map(), guards: new Map(), limiters: new Set(), models: new Map() };
  for (const { relPath, app: m } of modules) {
    const folder = folderOf(relPath);
    const byFramework = app.auth.get(folder) ?? new Map<Framework, Map<string, number>>();
    app.auth.set(folder, byFramework);
    for (const [fw, labels] of Object.entries(m.auth) as [Framework, Record<string, number>][]) {
      const map = byFramework.get(fw) ?? new Map<string, number>();
      for (const [label, n] of Object.entries(labels)) map.set(label, (map.get(label) ?? 0) + n);
      byFramework.set(fw, map);
    }
    for (const [fw, label] of Object.entries(m.guards) as [Framework, string][]) app.guards.set(fw, label);
    for (const l of m.limiters) app.limiters.add(l);
    for (const [name, f] of Object.entries(m.models)) {
      const entry = app.models.get(name) ?? { privilege: new Set<string>(), secret: new Set<string>() };
      for (const x of f.privilege) entry.privilege.add(x);
      for (const x of f.secret) entry.secret.add(x);
      app.models.set(name, entry);
    }
  }
  return app;
}

/** Authentication used by the application's routes, as a message names it: "@login_required (4 routes)". */
function authSummary(app: AppFacts, fw: Framework, folder: string): string | undefined {
  // Django function views and DRF views share the project's authentication.
  const related: Framework[] = fw === 'django' || fw === 'drf' ? ['django', 'drf'] : [fw];
  const all = new Map<string, number>();
  for (const [where, byFramework] of app.auth) {
    if (!sameApp(where, folder)) continue;
    for (const f of related) for (const [label, n] of byFramework.get(f) ?? []) all.set(label, (all.get(label) ?? 0) + n);
  }
  if (all.size === 0) return undefined;
  return [...all]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 3)
    .map(([label, n]) => `${label} (${n} route${n === 1 ? '' : 's'})`)
    .join(', ');
}

/** The message a finding keeps, or undefined when the application says it does not stand. */
function resolve(req: AppRequirement, message: string, folder: string, app: AppFacts, seenLimiter: { done: boolean }): string | undefined {
  switch (req.kind) {
    case 'auth-elsewhere': {
      if (app.guards.has(req.framework)) return undefined;
      const summary = authSummary(app, req.framework, folder);
      return summary ? message.replace(AUTH_PLACEHOLDER, summary) : undefined;
    }
    case 'no-limiter':
      if (app.limiters.size > 0 || seenLimiter.done) return undefined;
      seenLimiter.done = true;
      return message;
    case 'model-fields': {
      const known = app.models.get(req.model) ?? KNOWN_MODELS[req.model];
      const fields = known ? [...known[req.fields]].filter((f) => !req.except?.includes(f)) : [];
      return fields.length > 0 ? message.replace(FIELDS_PLACEHOLDER, fields.map((f) => `\`${f}\``).join(', ')) : undefined;
    }
  }
}

/** Resolves the findings of every file that depend on application facts; files are in path order. */
export function mergeApp(files: { relPath: string; findings: Finding[]; app?: ModuleAppFacts }[]): void {
  const modules = files.flatMap((f) => (f.app ? [{ relPath: f.relPath, app: f.app }] : []));
  if (modules.length === 0) return;
  const app = appFacts(modules);
  const seenLimiter = { done: false };
  for (const file of files) {
    delete file.app;
    const findings: PendingFinding[] = file.findings;
    if (!findings.some((f) => f.requires)) continue;
    file.findings = findings.filter((f) => {
      if (!f.requires) return true;
      const message = resolve(f.requires, f.message, folderOf(file.relPath), app, seenLimiter);
      delete f.requires;
      if (message === undefined) return false;
      f.message = message;
      return true;
    });
  }
}
