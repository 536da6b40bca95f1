import type { Pep508 } from './pep508.js';
import { clip, parsePep508, pinnedVersion } from './pep508.js';
import type { ParsedManifest, Requirement } from './types.js';

export interface Place {
  file: string;
  line: number;
  /** The full text of that line. */
  text: string;
  /** Where on the line the requirement starts (the first occurrence of this text), when known. */
  anchor?: string;
}

/** Column span of the anchor (or the trimmed line), 1-based, in code points. */
export function spanOf(place: Place): { column: number; endColumn: number } {
  const chars = [...place.text];
  const lineText = place.text;
  const at = place.anchor ? lineText.indexOf(place.anchor) : -1;
  if (at >= 0) {
    const column = [...lineText.slice(0, at)].length + 1;
    return { column, endColumn: column + [...place.anchor!].length };
  }
  const lead = lineText.length - lineText.trimStart().length;
  return { column: lead + 1, endColumn: chars.length + 1 - ([...lineText].length - [...lineText.trimEnd()].length) };
}

export function fromPep508(p: Pep508, place: Place, group?: string): Requirement {
  const version = pinnedVersion(p.specifier);
  return {
    name: p.name,
    displayName: p.displayName,
    kind: version !== undefined ? 'pinned' : 'range',
    version,
    specifier: p.specifier,
    extras: p.extras,
    marker: p.marker,
    file: place.file,
    line: place.line,
    ...spanOf(place),
    text: place.text,
    group,
  };
}

export function locked(name: string, displayName: string, version: string, place: Place, group?: string, marker?: string): Requirement {
  return {
    name,
    displayName,
    kind: 'locked',
    version,
    specifier: `==${version}`,
    extras: [],
    marker,
    file: place.file,
    line: place.line,
    ...spanOf(place),
    text: place.text,
    group,
  };
}

/**
 * One PEP 508 requirement string into a manifest's results: a requirement, a "cannot be checked" notice for a
 * direct URL (`name @ url`), or a notice naming the line when it does not parse.
 */
export function addPep508(text: string, place: Place, out: ParsedManifest, group?: string): Requirement | undefined {
  const parsed = parsePep508(text);
  if (!parsed.ok) {
    out.notices.push({ file: place.file, line: place.line, kind: 'manifest-error', message: parsed.error });
    return undefined;
  }
  if (parsed.value.url !== undefined) {
    out.notices.push({
      file: place.file,
      line: place.line,
      kind: 'unchecked-dependency',
      message: `${parsed.value.displayName} @ ${clip(parsed.value.url, 50)} cannot be checked against advisories`,
    });
    return undefined;
  }
  const req = fromPep508(parsed.value, place, group);
  out.requirements.push(req);
  return req;
}
