import { NAME_PATTERN, normalizeName } from '../names.js';
import { locked } from './build.js';
import { isTable, keyPattern, LineFinder, parseTomlManifest } from './toml.js';
import type { ParsedManifest } from './types.js';

/**
 * Lock files: every entry is a resolved version. The TOML locks (poetry.lock, uv.lock, pdm.lock, pylock.toml)
 * share one shape, an array of package tables with `name` and `version`; Pipfile.lock is JSON.
 */
export function parseTomlLock(file: string, text: string, arrayKey: 'package' | 'packages'): ParsedManifest {
  const out: ParsedManifest = { file, isLock: true, requirements: [], notices: [], includes: [] };
  const toml = parseTomlManifest(text);
  if (!toml.ok) {
    out.notices.push({ file, line: toml.line, kind: 'manifest-error', message: toml.message });
    return out;
  }
  const list = toml.data[arrayKey];
  if (list === undefined) return out;
  const finder = new LineFinder(text);
  if (!Array.isArray(list)) {
    out.notices.push({ file, kind: 'manifest-error', message: `"${arrayKey}" is not an array of tables` });
    return out;
  }
  list.forEach((pkg, i) => {
    const header = finder.header(`[[${arrayKey}]]`, i);
    const line = (header ? finder.within(header, keyPattern('name')) : 0) || header || 1;
    const place = { file, line, text: finder.text(line) };
    if (!isTable(pkg) || typeof pkg.name !== 'string' || !NAME_PATTERN.test(pkg.name)) {
      out.notices.push({ file, line, kind: 'manifest-error', message: `${arrayKey} entry ${i + 1} has no valid "name"` });
      return;
    }
    const source = isTable(pkg.source) ? pkg.source : undefined;
    // The project itself (uv: editable/virtual source) is not a dependency to audit.
    if (source && ('editable' in source || 'virtual' in source)) return;
    if (pkg.version !== undefined && typeof pkg.version !== 'string') {
      out.notices.push({ file, line, kind: 'manifest-error', message: `${pkg.name}: "version" is not a string` });
      return;
    }
    if (typeof pkg.version !== 'string' || pkg.version === '') {
      const from = source && 'git' in source ? 'git' : pkg.vcs ? 'a VCS' : pkg.directory || (source && 'path' in source) ? 'a path' : 'an unversioned source';
      out.notices.push({ file, line, kind: 'unchecked-dependency', message: `${pkg.name} from ${from} has no version and cannot be checked against advisories` });
      return;
    }
    const marker = typeof pkg.marker === 'string' ? pkg.marker : undefined;
    const groups = Array.isArray(pkg.groups) ? pkg.groups.filter((g) => typeof g === 'string').join(', ') : typeof pkg.category === 'string' ? pkg.category : undefined;
    out.requirements.push(locked(normalizeName(pkg.name), pkg.name, pkg.version, { ...place, anchor: pkg.name }, groups || undefined, marker));
  });
  return out;
}

/** Pipfile.lock: `{"default": {name: {"version": "==1.2.3", "markers": ...}}, "develop": {...}}`. */
export function parsePipfileLock(file: string, text: string): ParsedManifest {
  const out: ParsedManifest = { file, isLock: true, requirements: [], notices: [], includes: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    out.notices.push({ file, line, kind: 'manifest-error', message: `invalid JSON: ${msg}` });
    return out;
  }
  if (!isTable(data)) {
    out.notices.push({ file, line: 1, kind: 'manifest-error', message: 'expected a JSON object' });
    return out;
  }
  const finder = new LineFinder(text);
  for (const section of ['default', 'develop']) {
    const table = data[section];
    if (table === undefined) continue;
    if (!isTable(table)) {
      out.notices.push({ file, kind: 'manifest-error', message: `"${section}" is not an object` });
      continue;
    }
    const start = finder.lines.findIndex((l) => l.includes(`"${section}"`)) + 1;
    for (const [name, entry] of Object.entries(table)) {
      const pattern = new RegExp(`^\\s*${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`);
      let line = 0;
      for (let i = Math.max(start, 1); i <= finder.lines.length && !line; i++) if (pattern.test(finder.text(i))) line = i;
      line ||= start || 1;
      const place = { file, line, text: finder.text(line), anchor: name };
      if (!isTable(entry)) {
        out.notices.push({ file, line, kind: 'manifest-error', message: `${name}: expected an object` });
        continue;
      }
      const group = section === 'develop' ? 'develop' : undefined;
      if (typeof entry.version !== 'string') {
        const from = 'git' in entry ? 'git' : 'path' in entry ? 'a path' : 'file' in entry ? 'a URL' : 'an unversioned source';
        out.notices.push({ file, line, kind: 'unchecked-dependency', message: `${name} from ${from} cannot be checked against advisories` });
        continue;
      }
      const m = /^===?\s*(.+)$/.exec(entry.version.trim());
      if (!m) {
        out.notices.push({ file, line, kind: 'manifest-error', message: `${name}: locked version "${entry.version}" is not "==X"` });
        continue;
      }
      const marker = typeof entry.markers === 'string' ? entry.markers : undefined;
      out.requirements.push(locked(normalizeName(name), name, m[1], place, group, marker));
    }
  }
  return out;
}
