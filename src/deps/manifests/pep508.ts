import { isValidSpecifier } from '../pep440.js';
import { NAME_PATTERN, normalizeName } from '../names.js';

/** A PEP 508 requirement string, taken apart. `url` is set for `name @ url` requirements. */
export interface Pep508 {
  displayName: string;
  name: string;
  extras: string[];
  specifier: string;
  url?: string;
  marker?: string;
}

export type Pep508Result = { ok: true; value: Pep508 } | { ok: false; error: string };

const HEAD = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*/;

export function parsePep508(text: string): Pep508Result {
  const head = HEAD.exec(text);
  if (!head || !NAME_PATTERN.test(head[1])) return { ok: false, error: `not a requirement: ${clip(text)}` };
  const displayName = head[1];
  const extras = (head[2] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  let rest = text.slice(head[0].length);
  let marker: string | undefined;
  if (rest.startsWith('@')) {
    // `name @ url ; marker`: the marker needs whitespace before the `;` since URLs may hold semicolons.
    const m = /\s;\s*(.*)$/.exec(rest);
    const url = (m ? rest.slice(0, m.index) : rest).slice(1).trim();
    if (m) marker = m[1].trim();
    return { ok: true, value: { displayName, name: normalizeName(displayName), extras, specifier: '', url, marker } };
  }
  const semi = rest.indexOf(';');
  if (semi >= 0) {
    marker = rest.slice(semi + 1).trim();
    rest = rest.slice(0, semi);
  }
  let specifier = rest.trim();
  if (specifier.startsWith('(') && specifier.endsWith(')')) specifier = specifier.slice(1, -1).trim();
  specifier = specifier.replace(/\s+/g, '');
  if (specifier !== '' && !isValidSpecifier(specifier)) {
    return { ok: false, error: `invalid version specifier "${clip(specifier)}" for ${displayName}` };
  }
  if (marker === '') return { ok: false, error: `empty environment marker after ";" for ${displayName}` };
  return { ok: true, value: { displayName, name: normalizeName(displayName), extras, specifier, marker } };
}

/** The one version a specifier pins (`==1.2.3`, `===1.2.3`), or undefined for a range or a wildcard. */
export function pinnedVersion(specifier: string): string | undefined {
  const m = /^===?([^,*=<>!~]+)$/.exec(specifier.trim());
  return m ? m[1].trim() : undefined;
}

export function clip(s: string, n = 60): string {
  const t = s.trim();
  return t.length > n ? `${t.slice(0, n - 3)}...` : t;
}
