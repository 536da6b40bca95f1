import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../semantics/module.js';
import { unparen } from '../syntax/nodes.js';
import { named } from './expressions.js';

/**
 * Where a piece of a built string lands in a URL. A value placed after a literal `?` or `#`, after a constant
 * `scheme://host/`, or after a constant site path (`/search?q=`, not a bare `/`) cannot choose where a redirect
 * goes: the host was fixed by the text before it. `RedirectView` appending the query string to its URL is this.
 */

/** `https://host/`, `//host/`: the host is written out and closed by `/`, `?` or `#`. */
const FIXED_HOST = /^([a-z][a-z0-9+.-]*:)?\/\/[^/?#\\@]+[/?#]/i;
/** A path on this site: one `/` followed by something other than a second slash or a backslash. */
const SITE_PATH = /^\/[^/\\]/;

/** True when text written before a value fixes the destination's host. */
export function fixesDestination(prefix: string): boolean {
  return /[?#]/.test(prefix) || FIXED_HOST.test(prefix) || SITE_PATH.test(prefix);
}

/**
 * The operands of a string built with `+`, `%`, an f-string or `str.format` that sit where they cannot change
 * the destination (see above). Empty when the expression is not such a string or nothing is fixed.
 */
export function pinnedOperands(model: ModuleModel, node: Node): Set<number> {
  const out = new Set<number>();
  const n = unparen(node);
  if (n.type === 'binary_operator') {
    const op = n.childForFieldName('operator')?.text;
    if (op === '+') {
      const parts: Node[] = [];
      const flatten = (x: Node, depth: number) => {
        const u = unparen(x);
        if (depth < 50 && u.type === 'binary_operator' && u.childForFieldName('operator')?.text === '+') {
          const l = u.childForFieldName('left');
          const r = u.childForFieldName('right');
          if (l) flatten(l, depth + 1);
          if (r) flatten(r, depth + 1);
        } else parts.push(x);
      };
      flatten(n, 0);
      let prefix = '';
      let pinned = false;
      for (const p of parts) {
        const text = model.constantString(p);
        if (text !== undefined) {
          prefix += text;
          if (!pinned && fixesDestination(prefix)) pinned = true;
          continue;
        }
        if (pinned) out.add(p.startIndex);
        // Only a leading constant can fix the host; a `?` fixes it wherever it comes.
        prefix += '\u0000';
      }
      return out;
    }
    if (op === '%') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      const format = left ? model.constantString(left) : undefined;
      if (format === undefined || !right) return out;
      const r = unparen(right);
      const values = r.type === 'tuple' ? named(r) : [r];
      const prefixes = percentPrefixes(format);
      if (prefixes === undefined || prefixes.length !== values.length) return out;
      values.forEach((v, i) => {
        if (fixesDestination(prefixes[i])) out.add(v.startIndex);
      });
    }
    return out;
  }
  if (n.type === 'string') {
    let prefix = '';
    for (const c of named(n)) {
      if (c.type === 'interpolation') {
        if (fixesDestination(prefix)) out.add(c.startIndex);
        prefix += '\u0000';
      } else if (c.type === 'string_content' || c.type === 'escape_sequence') prefix += c.text;
    }
    return out;
  }
  return out;
}

/** `"{}?{}".format(url, qs)`: the arguments (by index) and keywords (by name) whose placeholder is pinned. */
export function pinnedFormatArgs(format: string): { positions: Set<number>; names: Set<string> } | undefined {
  const positions = new Set<number>();
  const names = new Set<string>();
  let auto = 0;
  let prefix = '';
  const re = /\{\{|\}\}|\{([^{}!:]*)(![rsa])?(:[^{}]*)?\}/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    prefix += format.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[0] === '{{' || m[0] === '}}') {
      prefix += m[0][0];
      continue;
    }
    const field = m[1] ?? '';
    const pinned = fixesDestination(prefix);
    if (field === '') {
      if (pinned) positions.add(auto);
      auto++;
    } else if (/^\d+$/.test(field)) {
      if (pinned) positions.add(Number(field));
    } else if (/^[A-Za-z_]\w*$/.test(field)) {
      if (pinned) names.add(field);
    } else return undefined;
    prefix += '\u0000';
  }
  return { positions, names };
}

/** The literal text before each `%` conversion of a format string (undefined for `%(name)s` formats). */
function percentPrefixes(format: string): string[] | undefined {
  const out: string[] = [];
  let prefix = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== '%') {
      prefix += ch;
      continue;
    }
    const next = format[i + 1];
    if (next === '%') {
      prefix += '%';
      i++;
      continue;
    }
    if (next === '(') return undefined;
    const m = /^[-#0 +]*(\*|\d+)?(\.(\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]/.exec(format.slice(i + 1));
    if (!m || m[0].includes('*')) return undefined;
    out.push(prefix);
    prefix += '\u0000';
    i += m[0].length;
  }
  return out;
}
