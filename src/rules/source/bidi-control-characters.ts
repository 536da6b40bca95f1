import type { Node } from 'web-tree-sitter';
import type { Rule } from '../types.js';

/** The embedding, override and isolate controls of the Unicode bidirectional algorithm. */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;

const NAMES: Record<string, string> = {
  '\u202A': 'LEFT-TO-RIGHT EMBEDDING',
  '\u202B': 'RIGHT-TO-LEFT EMBEDDING',
  '\u202C': 'POP DIRECTIONAL FORMATTING',
  '\u202D': 'LEFT-TO-RIGHT OVERRIDE',
  '\u202E': 'RIGHT-TO-LEFT OVERRIDE',
  '\u2066': 'LEFT-TO-RIGHT ISOLATE',
  '\u2067': 'RIGHT-TO-LEFT ISOLATE',
  '\u2068': 'FIRST STRONG ISOLATE',
  '\u2069': 'POP DIRECTIONAL ISOLATE',
};

/** Hebrew, Arabic, Syriac, Thaana, N'Ko and the presentation forms: text that legitimately needs direction controls. */
const RTL_SCRIPT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;

function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The token that holds a position: the whole string literal or comment, not a fragment of it. */
function holder(node: Node): Node {
  let n = node;
  for (let p: Node | null = n; p; p = p.parent) {
    if (p.type === 'string' || p.type === 'comment') return p;
    if (p.type === 'module' || p.type.endsWith('_statement') || p.type === 'block') break;
  }
  if (n.type === 'string_content' || n.type === 'string_start' || n.type === 'string_end') n = n.parent ?? n;
  return n;
}

interface Occurrence {
  node: Node;
  chars: Set<string>;
  count: number;
  lines: Set<number>;
}

export const bidiControlCharacters: Rule = {
  meta: {
    id: 'K940',
    name: 'bidi-control-character',
    summary: 'Unicode bidirectional control characters in the source (Trojan Source)',
    severity: 'high',
    confidence: 'high',
    cwe: [838],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: { bandit: ['B613'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports the Unicode bidirectional embedding, override and isolate controls — U+202A to U+202E ' +
      '(LRE, RLE, PDF, LRO, RLO) and U+2066 to U+2069 (LRI, RLI, FSI, PDI) — written literally anywhere in a ' +
      'module: comments, strings, docstrings, or outside any token. One finding per comment or literal, with ' +
      'the characters and the lines they are on.\n\n' +
      'The same characters written as escapes (`"\\u202e"`) are not reported: they are visible in the source. ' +
      'The implicit marks U+200E, U+200F and U+061C are not reported either: they cannot reorder a run of ' +
      'code. A literal that also contains Hebrew, Arabic or other right-to-left text is reported at medium ' +
      'confidence, since localised text may need the controls (escaping them is still the safer spelling).',
    why:
      'These characters change the order in which text is displayed. Placed in a comment or a string, they ' +
      'make an editor, a terminal or a code-review page show the line in a different order from the one the ' +
      'Python tokenizer reads: a condition appears to be inside a comment, an early `return` appears to be ' +
      'part of a string, an access check looks present when it is not (CVE-2021-42574, "Trojan Source"). ' +
      'Reviewers approve code they did not actually see.',
    bad: 'def is_admin(user):\n    access = "user"\n    if access != "user\u202E \u2066# admin only\u2069 \u2066":  # check role\n        return True\n    return False\n',
    good: 'def is_admin(user):\n    access = "user"\n    if access != "user":  # check role\n        return True\n    return False\n',
    references: [
      'https://cwe.mitre.org/data/definitions/838.html',
      'https://trojansource.codes/',
      'https://nvd.nist.gov/vuln/detail/CVE-2021-42574',
      'https://www.unicode.org/reports/tr9/',
    ],
  },
  textHint: /[\u202A-\u202E\u2066-\u2069]/,
  module(ctx) {
    const model = ctx.model;
    const root = model.tree.rootNode;
    const found = new Map<number, Occurrence>();
    model.lines.forEach((line, row) => {
      BIDI.lastIndex = 0;
      for (let m = BIDI.exec(line); m; m = BIDI.exec(line)) {
        const at = root.descendantForPosition({ row, column: m.index });
        const node = holder(at ?? root);
        let occ = found.get(node.id);
        if (!occ) {
          occ = { node, chars: new Set(), count: 0, lines: new Set() };
          found.set(node.id, occ);
        }
        occ.chars.add(m[0]);
        occ.count++;
        occ.lines.add(row + 1);
      }
    });
    for (const occ of found.values()) {
      const kind = occ.node.type === 'comment' ? 'comment' : occ.node.type === 'string' ? 'string literal' : 'code';
      const chars = [...occ.chars].map((c) => `${codePoint(c)} ${NAMES[c]}`).join(', ');
      const lines = [...occ.lines];
      const where = lines.length === 1 && lines[0] === occ.node.startPosition.row + 1 ? '' : ` (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')})`;
      const rtl = kind !== 'code' && RTL_SCRIPT.test(occ.node.text);
      ctx.report({
        node: occ.node,
        message: `${occ.count === 1 ? 'a bidirectional control character' : `${occ.count} bidirectional control characters`} (${chars}) in this ${kind}${where}: editors and code review show the line in another order than Python reads it (Trojan Source); remove ${occ.count === 1 ? 'it' : 'them'}, or write ${occ.count === 1 ? 'it' : 'them'} as \\u escapes if the text needs ${occ.count === 1 ? 'it' : 'them'}`,
        confidence: rtl ? 'medium' : 'high',
      });
    }
  },
};
