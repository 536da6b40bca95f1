import { addPep508 } from './build.js';
import { clip } from './pep508.js';
import type { ParsedManifest } from './types.js';

/**
 * setup.cfg: `install_requires` under `[options]` and each key of `[options.extras_require]`, written as
 * an INI value continued on indented lines (or `;`-separated on one line, which setuptools also reads).
 */
export function parseSetupCfg(file: string, text: string): ParsedManifest {
  const out: ParsedManifest = { file, isLock: false, requirements: [], notices: [], includes: [] };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let section = '';
  let key: string | undefined;
  const take = (value: string, line: number, oneLine: boolean) => {
    const group = section === 'options.extras_require' ? `optional: ${key}` : undefined;
    const cleaned = value.replace(/(^|\s)#.*$/, '');
    for (const piece of oneLine ? splitSemicolons(cleaned) : [cleaned]) {
      const item = piece.trim();
      if (item === '') continue;
      addPep508(item, { file, line, text: lines[line - 1], anchor: item }, out, group);
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      section = header[1].trim().toLowerCase();
      key = undefined;
      continue;
    }
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') continue;
    const continued = /^\s/.test(raw);
    const inScope = section === 'options' || section === 'options.extras_require';
    if (!continued) {
      const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
      if (!kv) {
        if (inScope) out.notices.push({ file, line: i + 1, kind: 'manifest-error', message: `cannot read line: ${clip(raw)}` });
        key = undefined;
        continue;
      }
      key = kv[1].trim();
      if (!inScope || (section === 'options' && key !== 'install_requires')) continue;
      // A single-line value (`install_requires = a; b`) is separated by semicolons; setuptools reads it so.
      if (kv[2].trim() !== '') take(kv[2], i + 1, true);
      continue;
    }
    if (key === undefined || !inScope || (section === 'options' && key !== 'install_requires')) continue;
    take(raw.trim(), i + 1, false);
  }
  return out;
}

/**
 * `a>=1; b` on one line lists two requirements, but `a; python_version<"3.8"` is one with a marker: a piece
 * holding a quoted string or a marker variable belongs to the requirement before it.
 */
function splitSemicolons(value: string): string[] {
  const out: string[] = [];
  for (const piece of value.split(';')) {
    const isMarker = /["']|\b(?:python_version|python_full_version|sys_platform|platform_\w+|os_name|implementation_\w+|extra)\b/.test(piece);
    if (isMarker && out.length > 0) out[out.length - 1] += `;${piece}`;
    else out.push(piece);
  }
  return out;
}
