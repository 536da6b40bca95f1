import { normalizeName } from '../names.js';
import { isValidSpecifier } from '../pep440.js';
import { addPep508, fromPep508 } from './build.js';
import { clip, parsePep508 } from './pep508.js';
import { isTable, keyPattern, LineFinder, parseTomlManifest } from './toml.js';
import type { ParsedManifest } from './types.js';

/**
 * pyproject.toml: PEP 621 `[project] dependencies` and `optional-dependencies`, PEP 735 `[dependency-groups]`,
 * and Poetry's `[tool.poetry.dependencies]`, `dev-dependencies` and `[tool.poetry.group.<name>.dependencies]`.
 */
export function parsePyproject(file: string, text: string): ParsedManifest {
  const out: ParsedManifest = { file, isLock: false, requirements: [], notices: [], includes: [] };
  const toml = parseTomlManifest(text);
  if (!toml.ok) {
    out.notices.push({ file, line: toml.line, kind: 'manifest-error', message: toml.message });
    return out;
  }
  const finder = new LineFinder(text);
  const data = toml.data;
  const project = isTable(data.project) ? data.project : undefined;
  if (project) {
    pep508List(project.dependencies, 'project.dependencies', undefined, file, finder, out);
    if (isTable(project['optional-dependencies'])) {
      for (const [extra, list] of Object.entries(project['optional-dependencies'])) {
        pep508List(list, `project.optional-dependencies.${extra}`, `optional: ${extra}`, file, finder, out);
      }
    }
  }
  if (isTable(data['dependency-groups'])) {
    for (const [group, list] of Object.entries(data['dependency-groups'])) {
      pep508List(list, `dependency-groups.${group}`, `group: ${group}`, file, finder, out);
    }
  }
  const tool = isTable(data.tool) ? data.tool : undefined;
  const poetry = tool && isTable(tool.poetry) ? tool.poetry : undefined;
  if (poetry) {
    poetryTable(poetry.dependencies, 'tool.poetry.dependencies', undefined, file, finder, out);
    poetryTable(poetry['dev-dependencies'], 'tool.poetry.dev-dependencies', 'group: dev', file, finder, out);
    if (isTable(poetry.group)) {
      for (const [group, spec] of Object.entries(poetry.group)) {
        if (isTable(spec)) poetryTable(spec.dependencies, `tool.poetry.group.${group}.dependencies`, `group: ${group}`, file, finder, out);
      }
    }
  }
  return out;
}

function pep508List(list: unknown, where: string, group: string | undefined, file: string, finder: LineFinder, out: ParsedManifest): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    out.notices.push({ file, line: finder.literal(where) || undefined, kind: 'manifest-error', message: `${where} is not an array` });
    return;
  }
  for (const item of list) {
    // PEP 735 `{include-group = "x"}` entries pull in another group, which is audited on its own.
    if (isTable(item) && 'include-group' in item) continue;
    if (typeof item !== 'string') {
      out.notices.push({ file, kind: 'manifest-error', message: `${where}: expected a requirement string` });
      continue;
    }
    const line = finder.literal(item) || 1;
    addPep508(item, { file, line, text: finder.text(line), anchor: item }, out, group);
  }
}

function poetryTable(table: unknown, header: string, group: string | undefined, file: string, finder: LineFinder, out: ParsedManifest): void {
  if (!isTable(table)) return;
  const headerLine = finder.header(`[${header}]`);
  for (const [name, spec] of Object.entries(table)) {
    if (name.toLowerCase() === 'python') continue;
    const line = (headerLine ? finder.within(headerLine, keyPattern(name)) : 0) || headerLine || 1;
    const place = { file, line, text: finder.text(line), anchor: name };
    const constraints = Array.isArray(spec) ? spec : [spec];
    for (const c of constraints) {
      let version: unknown = c;
      let marker: string | undefined;
      if (isTable(c)) {
        if ('git' in c || 'path' in c || 'url' in c) {
          out.notices.push({ file, line, kind: 'unchecked-dependency', message: `${name} from ${'git' in c ? 'git' : 'path' in c ? 'a path' : 'a URL'} cannot be checked against advisories` });
          continue;
        }
        version = c.version ?? '*';
        if (typeof c.markers === 'string') marker = c.markers;
        else if (typeof c.python === 'string') marker = `python_version ${c.python}`;
      }
      if (typeof version !== 'string') {
        out.notices.push({ file, line, kind: 'manifest-error', message: `${name}: expected a version constraint string` });
        continue;
      }
      const specifier = poetryToPep440(version);
      if (specifier === null) {
        out.notices.push({ file, line, kind: 'manifest-error', message: `${name}: cannot read version constraint "${clip(version)}"` });
        continue;
      }
      const parsed = parsePep508(`${name}${specifier}`);
      if (!parsed.ok) {
        out.notices.push({ file, line, kind: 'manifest-error', message: parsed.error });
        continue;
      }
      out.requirements.push(fromPep508({ ...parsed.value, name: normalizeName(name), marker }, place, group));
    }
  }
}

/**
 * Poetry's constraint syntax as a PEP 440 specifier set: `^1.2.3` → `>=1.2.3,<2.0.0`, `~1.2` → `>=1.2,<1.3`,
 * a bare `1.2.3` → `==1.2.3`, `*` → any. Null when the text is none of these.
 */
export function poetryToPep440(constraint: string): string | null {
  const parts = constraint.split(',').map((p) => p.trim()).filter(Boolean);
  if (constraint.includes('||')) return null;
  const out: string[] = [];
  for (const p of parts.length ? parts : ['*']) {
    if (p === '*' || p === '') continue;
    let m = /^\^\s*(\d+(?:\.\d+)*)(.*)$/.exec(p);
    if (m) {
      const rel = m[1].split('.').map(Number);
      const idx = rel.findIndex((n) => n !== 0);
      const bump = idx === -1 ? Math.max(rel.length - 1, 0) : idx;
      out.push(`>=${m[1]}${m[2]}`, `<${upper(rel, bump)}`);
      continue;
    }
    m = /^~(?!=)\s*(\d+(?:\.\d+)*)(.*)$/.exec(p);
    if (m) {
      const rel = m[1].split('.').map(Number);
      out.push(`>=${m[1]}${m[2]}`, `<${upper(rel, rel.length > 1 ? 1 : 0)}`);
      continue;
    }
    if (/^\d/.test(p)) {
      out.push(`==${p}`);
      continue;
    }
    out.push(p.replace(/\s+/g, ''));
  }
  const spec = out.join(',');
  return isValidSpecifier(spec) ? spec : null;
}

function upper(rel: number[], index: number): string {
  const parts = rel.slice(0, index + 1);
  parts[index] = (parts[index] ?? 0) + 1;
  while (parts.length < Math.max(rel.length, 2)) parts.push(0);
  return parts.join('.');
}
