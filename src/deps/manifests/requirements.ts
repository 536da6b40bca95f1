import path from 'node:path';
import { addPep508 } from './build.js';
import { clip } from './pep508.js';
import type { ManifestNotice, ManifestSource, ParsedManifest } from './types.js';

/**
 * pip requirements files (`requirements*.txt`, `*.in`): one requirement per logical line, `\` continuations,
 * `#` comments (after whitespace, so `#egg=` in a URL survives), per-requirement options (`--hash`), global
 * options, and nested `-r` / `-c` files, read relative to the including file and never outside the scan root.
 */
export function parseRequirementsFile(file: string, source: ManifestSource): ParsedManifest {
  const out: ParsedManifest = { file, isLock: false, requirements: [], notices: [], includes: [] };
  walk(file, source, out, new Set([file]), undefined);
  return out;
}

const OPTION_WITH_VALUE = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(.+)$/;
const EDITABLE = /^(-e|--editable)(?:\s*=\s*|\s+)(.+)$/;
/** Global options pip accepts in a requirements file; they say nothing about versions. */
const GLOBAL_OPTION =
  /^(-i|--index-url|--extra-index-url|--no-index|-f|--find-links|--pre|--no-binary|--only-binary|--prefer-binary|--require-hashes|--trusted-host|--use-feature|-Z|--always-unzip)\b/;
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git\+|hg\+|svn\+|bzr\+|file:|\.{1,2}[\\/]|\/|[A-Za-z]:[\\/])/i;
const ARCHIVE = /\.(?:whl|zip|tar\.gz|tgz|tar\.bz2|tar)$/i;

interface Logical {
  line: number;
  text: string;
  /** The first physical line, for the snippet. */
  physical: string;
}

function logicalLines(text: string): Logical[] {
  const physical = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: Logical[] = [];
  let buf = '';
  let start = -1;
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i];
    if (start < 0) start = i;
    if (/(^|[^\\])\\$/.test(raw)) {
      buf += `${raw.slice(0, -1)} `;
      continue;
    }
    buf += raw;
    out.push({ line: start + 1, text: buf, physical: physical[start] });
    buf = '';
    start = -1;
  }
  if (start >= 0 && buf.trim() !== '') out.push({ line: start + 1, text: buf, physical: physical[start] });
  return out;
}

function stripComment(s: string): string {
  const m = /(^|\s)#/.exec(s);
  return (m ? s.slice(0, m.index) : s).trim();
}

function walk(file: string, source: ManifestSource, out: ParsedManifest, seen: Set<string>, constraintOf: string | undefined): void {
  const text = source.read(file);
  if (text === null) {
    out.notices.push({ file, kind: 'manifest-error', message: `cannot read ${file}` });
    return;
  }
  for (const l of logicalLines(text)) {
    const body = stripComment(l.text);
    if (body === '') continue;
    const note = (kind: ManifestNotice['kind'], message: string) => out.notices.push({ file, line: l.line, kind, message });
    const nested = OPTION_WITH_VALUE.exec(body);
    if (nested) {
      const target = nested[2].trim();
      const rel = path.posix.normalize(path.posix.join(path.posix.dirname(file), target.replace(/\\/g, '/')));
      if (rel.startsWith('../') || path.isAbsolute(target) || URL_LIKE.test(target) && !target.startsWith('.')) {
        note('manifest-error', `${nested[1]} ${clip(target)}: not followed (outside the scanned folder)`);
        continue;
      }
      if (seen.has(rel)) continue;
      seen.add(rel);
      out.includes.push(rel);
      const isConstraint = nested[1] === '-c' || nested[1] === '--constraint';
      walk(rel, source, out, seen, isConstraint ? rel : constraintOf);
      continue;
    }
    const editable = EDITABLE.exec(body);
    if (editable) {
      note('unchecked-dependency', `editable requirement ${clip(editable[2])} cannot be checked against advisories`);
      continue;
    }
    if (GLOBAL_OPTION.test(body)) continue;
    if (body.startsWith('-')) {
      note('manifest-error', `unknown option ${clip(body.split(/\s/)[0])}`);
      continue;
    }
    // Per-requirement options follow the requirement: `--hash=sha256:...`, `--config-settings ...`.
    const reqText = body.split(/\s+--[a-z]/i)[0].trim();
    const direct = /^[A-Za-z0-9][\w.-]*\s*(?:\[[^\]]*\])?\s*@/.test(reqText);
    if (!direct && (URL_LIKE.test(reqText) || ARCHIVE.test(reqText))) {
      note('unchecked-dependency', `URL or path requirement ${clip(reqText)} cannot be checked against advisories`);
      continue;
    }
    const req = addPep508(reqText, { file, line: l.line, text: l.physical, anchor: reqText.split(/[\s[=<>!~;@(]/)[0] }, out);
    if (req && constraintOf !== undefined) req.group = 'constraint';
  }
}
