import type { Node } from 'web-tree-sitter';
import type { CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { argumentOf, dataOrigin, isNone, keywordArgument } from '../deserialization/shared.js';
import { boundValue, calleeOf, constantTruth } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';

/** Calls that make an lxml XML parser from keyword settings. */
const CONSTRUCTORS = new Set([
  'lxml.etree.XMLParser',
  'lxml.etree.ETCompatXMLParser',
  'lxml.etree.XMLPullParser',
  'lxml.objectify.makeparser',
]);

const ITERPARSE = 'lxml.etree.iterparse';

/** Parsing calls: where their XML is, and where their parser is (`object` for `parser.feed(data)`). */
interface Parse {
  data: [number, string[]];
  parser: [number, string[]] | 'object';
}

const PARSE_FUNCTIONS: ReadonlyMap<string, Parse> = new Map<string, Parse>([
  ...['lxml.etree', 'lxml.objectify'].flatMap((m): [string, Parse][] => [
    [`${m}.parse`, { data: [0, ['source']], parser: [1, ['parser']] }],
    [`${m}.fromstring`, { data: [0, ['text']], parser: [1, ['parser']] }],
    [`${m}.XML`, { data: [0, ['text']], parser: [1, ['parser']] }],
  ]),
  ['lxml.etree.fromstringlist', { data: [0, ['strings']], parser: [1, ['parser']] }],
  ['lxml.etree.XMLID', { data: [0, ['text']], parser: [1, ['parser']] }],
  ['lxml.etree.XMLDTDID', { data: [0, ['text']], parser: [1, ['parser']] }],
  ['lxml.etree.ElementTree', { data: [1, ['file']], parser: [2, ['parser']] }],
  ['lxml.etree.ElementTree.parse', { data: [0, ['source']], parser: [1, ['parser']] }],
  ['lxml.etree.XMLParser.feed', { data: [0, ['data']], parser: 'object' }],
  ['lxml.etree.ETCompatXMLParser.feed', { data: [0, ['data']], parser: 'object' }],
  ['lxml.etree.XMLPullParser.feed', { data: [0, ['data']], parser: 'object' }],
]);

interface Settings {
  /** `resolve_entities`: on, off (False or "internal"), left to lxml's default, or unreadable. */
  resolve: 'on' | 'off' | 'default' | 'unknown';
  network: boolean;
  huge: boolean;
  html: boolean;
}

function settingsOf(call: Node, model: ModuleModel): Settings {
  const resolveNode = keywordArgument(call, 'resolve_entities');
  let resolve: Settings['resolve'] = 'default';
  if (resolveNode && !isNone(resolveNode)) {
    // "internal" is truthy but means "internal entities only": no files, no URLs.
    const truth = model.constantString(resolveNode) === 'internal' ? false : constantTruth(resolveNode, model);
    resolve = truth === true ? 'on' : truth === false ? 'off' : 'unknown';
  }
  const flag = (name: string, value: boolean): boolean => {
    const v = keywordArgument(call, name);
    return v !== undefined && !isNone(v) && constantTruth(v, model) === value;
  };
  return { resolve, network: flag('no_network', false), huge: flag('huge_tree', true), html: flag('html', true) };
}

/** What a parser does with external entities: safe, lxml's default, configured unsafe (reported where made), or unknown. */
type Verdict = 'safe' | 'default' | 'configured' | 'unknown';

function constructorVerdict(s: Settings): Verdict {
  if (s.html) return 'safe';
  if (s.resolve === 'on' || s.network || s.huge) return 'configured';
  if (s.resolve === 'off') return 'safe';
  return s.resolve;
}

function parserVerdict(node: Node | undefined, model: ModuleModel, moduleDefault: Verdict): Verdict {
  if (!node || isNone(node)) return moduleDefault;
  const n = boundValue(node, model);
  if (n.type === 'call') {
    const callee = calleeOf(n, model) ?? '';
    if (CONSTRUCTORS.has(callee)) return constructorVerdict(settingsOf(n, model));
    if (callee === 'lxml.etree.HTMLParser' || callee.startsWith('lxml.html.') || callee.startsWith('defusedxml.')) return 'safe';
    if (callee === 'lxml.etree.get_default_parser') return moduleDefault;
    return 'unknown';
  }
  const q = model.qualifiedName(n) ?? model.instanceType(n) ?? '';
  return q.startsWith('defusedxml.') ? 'safe' : 'unknown';
}

/** The verdict for "no parser given": lxml's default, unless the module installs its own default parser. */
function moduleDefault(model: ModuleModel): Verdict {
  const set = model.callsTo('lxml.etree.set_default_parser')[0];
  if (!set) return 'default';
  return parserVerdict(argumentOf(set, 0, ['parser']), model, 'default');
}

const SAFE_PARSER = 'etree.XMLParser(resolve_entities=False, no_network=True)';

/**
 * The lines of the parse calls that a parser made here is given to, when that is all its function does with it
 * (`parser = etree.XMLParser(...)`, then `etree.fromstring(data, parser)`): what the taint analysis proves of
 * the XML at those calls (untrusted, constant, or followed and clean) is then the verdict on the parser too.
 * Undefined when the parser may go anywhere else (returned, stored, passed on, used by `feed`).
 */
function parseLinesOf(call: CallSite, model: ModuleModel): number[] | undefined {
  const assignment = call.node.parent;
  const target = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
  const fn = call.scope.kind === 'function' ? call.scope.node : null;
  if (target?.type !== 'identifier' || !fn) return undefined;
  const name = target.text;
  const lines: number[] = [];
  for (const [callee, spec] of PARSE_FUNCTIONS) {
    if (spec.parser === 'object') continue;
    for (const use of model.callsTo(callee)) {
      if (use.scope !== call.scope) continue;
      const parser = argumentOf(use, spec.parser[0], spec.parser[1]);
      if (parser?.type === 'identifier' && parser.text === name) lines.push(use.node.startPosition.row + 1);
    }
  }
  if (lines.length === 0) return undefined;
  // Every mention of the name but the binding and a keyword's name must be one of those parse calls.
  const mention = new RegExp(`(?<![\\w.])${name}(?!\\w)(?!\\s*=[^=])`, 'g');
  const mentions = model.text.slice(fn.startIndex, fn.endIndex).match(mention)?.length ?? 0;
  return mentions === lines.length ? lines : undefined;
}

/** Reports a parser made with dangerous settings; true when it did. */
function reportSettings(node: Node, s: Settings, what: string, ctx: RuleContext, sinkLines?: number[]): boolean {
  if (s.html) return false;
  const problems: string[] = [];
  if (s.resolve === 'on') problems.push('resolve_entities=True makes it replace external entities with the files or URLs they name');
  if (s.network) problems.push('no_network=False lets it fetch DTDs and entities over the network');
  if (s.huge) problems.push("huge_tree=True turns off libxml2's limits on entity expansion and tree size");
  if (problems.length === 0) return false;
  const xxe = s.resolve === 'on' || s.network;
  ctx.report({
    node,
    message: `${what}: ${problems.join('; ')}; on untrusted XML use ${SAFE_PARSER}`,
    severity: xxe ? 'high' : 'medium',
    ...(sinkLines ? { sinkLines } : {}),
  });
  return true;
}

function reportDefault(node: Node, what: string, ctx: RuleContext): void {
  ctx.report({
    node,
    message:
      `${what} parses XML that is not constant with lxml's default entity handling, which before lxml 5.0 ` +
      `replaces external entities with the local files they name (XXE); pass parser=${SAFE_PARSER}`,
    confidence: 'low',
  });
}

export const lxmlExternalEntities: Rule = {
  meta: {
    id: 'K212',
    name: 'lxml-external-entities',
    summary: 'lxml parsers that resolve external entities or reach the network, and lxml parsing with the default parser',
    severity: 'high',
    confidence: 'medium',
    cwe: [611, 776],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: { bandit: ['B320'], ruff: ['S320'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports lxml XML parsing that can read files or URLs named by the document:\n\n' +
      '- `etree.XMLParser(...)`, `ETCompatXMLParser`, `XMLPullParser`, `objectify.makeparser(...)` and ' +
      '`etree.iterparse(...)` made with `resolve_entities=True` or `no_network=False` (high severity), or ' +
      '`huge_tree=True` (medium: it lifts the limits on entity expansion);\n' +
      '- `etree.parse`, `fromstring`, `XML`, `fromstringlist`, `XMLID`, `iterparse`, `ElementTree(file=...)`, ' +
      '`parser.feed()` and the `lxml.objectify` twins, on XML that is not constant, with no parser or a ' +
      'parser that leaves `resolve_entities` to lxml\'s default, at low confidence: lxml 5.0 (December ' +
      '2023) changed that default to `"internal"` (no external entities), but lxml 4 and earlier resolve ' +
      'external entities from local files by default, and the scanner cannot see which version runs.\n\n' +
      'Not reported: a parser built with `resolve_entities=False` or `"internal"` (also when installed with ' +
      '`etree.set_default_parser()`), `HTMLParser` and `lxml.html` (HTML has no entity declarations), ' +
      'defusedxml parsers, a parser the scanner cannot resolve (a parameter), and constant XML or files ' +
      'at paths fixed by the source. `no_network=True` is lxml\'s default and is assumed unless turned off. ' +
      'A parser made in a function that only hands it to parse calls there is judged by what reaches those ' +
      'calls: untrusted XML gives the taint finding (K713) instead, XML proven constant gives nothing, and XML ' +
      'the taint analysis followed from a request handler and found clean (an allow-list, a validator) gives ' +
      'this finding at low confidence.',
    why:
      'libxml2 can replace `&x;` with the content of `<!ENTITY x SYSTEM "file:///etc/shadow">`; the ' +
      'document\'s author then reads that file through whatever the application shows or stores, or, with ' +
      'network access allowed, makes the server request internal URLs (XXE, CWE-611). Without libxml2\'s ' +
      'size limits, nested entities also expand to gigabytes (CWE-776). Setting `resolve_entities=False` ' +
      'and keeping `no_network=True` makes the parser keep entity references as they are, on every lxml ' +
      'version.',
    bad:
      'from lxml import etree\n\n\n' +
      'def import_catalog(upload):\n' +
      '    parser = etree.XMLParser(resolve_entities=True)\n' +
      '    return etree.parse(upload, parser)\n',
    good:
      'from lxml import etree\n\n\n' +
      'def import_catalog(upload):\n' +
      '    parser = etree.XMLParser(resolve_entities=False, no_network=True)\n' +
      '    return etree.parse(upload, parser)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/611.html',
      'https://lxml.de/api/lxml.etree.XMLParser-class.html',
      'https://lxml.de/FAQ.html#how-do-i-use-lxml-safely-as-a-web-service-endpoint',
      'https://github.com/lxml/lxml/blob/master/CHANGES.txt',
      'https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html#python',
    ],
  },
  textHint: /lxml/,
  callees: [...CONSTRUCTORS, ITERPARSE, ...PARSE_FUNCTIONS.keys()],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    const short = `${callee.replace(/^lxml\./, '')}()`;
    if (CONSTRUCTORS.has(callee)) {
      reportSettings(call.node, settingsOf(call.node, model), `${short} makes a parser that is unsafe on untrusted XML`, ctx, parseLinesOf(call, model));
      return;
    }
    if (callee === ITERPARSE) {
      const s = settingsOf(call.node, model);
      if (reportSettings(call.node, s, `${short} is unsafe on untrusted XML`, ctx)) return;
      const data = argumentOf(call, 0, ['source']);
      // iterparse builds its own parser from its keywords: set_default_parser() does not apply.
      if (s.html || s.resolve !== 'default' || !data || dataOrigin(data, model) !== 'unknown') return;
      reportDefault(call.node, short, ctx);
      return;
    }
    const spec = PARSE_FUNCTIONS.get(callee);
    if (!spec) return;
    const data = argumentOf(call, spec.data[0], spec.data[1]);
    if (!data || isNone(data) || dataOrigin(data, model) !== 'unknown') return;
    let parser: Node | undefined;
    if (spec.parser === 'object') {
      parser = call.calleeNode.type === 'attribute' ? (call.calleeNode.childForFieldName('object') ?? undefined) : undefined;
      if (!parser) return;
    } else {
      if (call.hasStarKwargs && !call.keywords.has('parser')) return;
      parser = argumentOf(call, spec.parser[0], spec.parser[1]);
    }
    if (parserVerdict(parser, model, moduleDefault(model)) === 'default') reportDefault(call.node, short, ctx);
  },
};
