/**
 * Configuration files scanned for secrets (and nothing else): which names count, which are skipped (lock files
 * hold checksums, not secrets; minified files are generated), and how `key = value` pairs are read from each
 * format without a full parser: a secret scanner must read broken and templated files too.
 */
import { awsSecretKeys, type BoundValue, classifyBound, findTokens, inTestCode, isTemplatePath, isTestPath, lowerConfidence, type SecretHit } from './detect.js';

export type ConfigFormat = 'env' | 'ini' | 'toml' | 'yaml' | 'json' | 'dockerfile';

/** Lock files: generated, full of checksums and URLs, never hand-edited to hold a credential. */
export const LOCK_FILES: ReadonlySet<string> = new Set([
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'pdm.lock',
  'pylock.toml',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'composer.lock',
  'Cargo.lock',
  'Gemfile.lock',
  'flake.lock',
  'deno.lock',
  'conda-lock.yml',
]);

const EXTENSIONS: Readonly<Record<string, ConfigFormat>> = {
  '.ini': 'ini',
  '.cfg': 'ini',
  '.conf': 'ini',
  '.toml': 'toml',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
};

/** The configuration format of a file name, or undefined when it is not a configuration file we scan. */
export function configFormat(name: string): ConfigFormat | undefined {
  if (isLockFile(name)) return undefined;
  // `.env`, `.env.local`, `prod.env`, `prod.env.example`
  if (/(?:^|\.)env(?:\.[\w-]+)*$/.test(name)) return 'env';
  if (name === 'Dockerfile' || name.startsWith('Dockerfile.') || name.endsWith('.dockerfile') || name === 'Containerfile') return 'dockerfile';
  const dot = name.lastIndexOf('.');
  if (dot <= 0 && !name.startsWith('.')) return undefined;
  if (/\.min\.[a-z]+$/i.test(name)) return undefined;
  return EXTENSIONS[name.slice(dot).toLowerCase()];
}

export function isLockFile(name: string): boolean {
  return LOCK_FILES.has(name) || /\.lock\.json$/i.test(name);
}

/** A `.min.json` name, or text whose lines average over 1,000 characters: generated, not written by hand. */
export function isMinified(name: string, text: string): boolean {
  if (/\.min\.[a-z]+$/i.test(name)) return true;
  if (text.length < 4096) return false;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.length / lines > 1000;
}

/** `key = value`, `key: value`, `export KEY=value`, `ENV KEY=value`, `- KEY=value` (compose), one per line. */
const LINE_PAIR = /^[ \t]*(?:-[ \t]+["']?)?(?:export[ \t]+|ENV[ \t]+|ARG[ \t]+|set[ \t]+)?(["']?)([A-Za-z_][\w.-]{0,99})\1[ \t]*(?:=|:(?![:/]))[ \t]*(.*)$/gm;
/** Dockerfile's legacy `ENV KEY value` form. */
const DOCKER_ENV = /^[ \t]*ENV[ \t]+([A-Za-z_]\w*)[ \t]+([^=\s][^\n]*)$/gm;
/** `"key": "value"` anywhere (JSON, and JSON-style YAML). */
const JSON_PAIR = /"((?:[^"\\\n]|\\.){1,100})"\s*:\s*"((?:[^"\\\n]|\\.)*)"/g;

/** A value as written after the separator: quotes removed, inline comment and trailing comma dropped. */
function parseValue(raw: string, offset: number, format: ConfigFormat): { value: string; start: number; end: number } | undefined {
  const q = raw[0];
  if (q === '"' || q === "'") {
    if (raw.startsWith(q.repeat(3))) return undefined;
    let i = 1;
    while (i < raw.length && raw[i] !== q) i += raw[i] === '\\' && q === '"' ? 2 : 1;
    if (i >= raw.length) return undefined;
    return { value: raw.slice(1, i), start: offset + 1, end: offset + i };
  }
  // A comment where the value would be (`KEY=  # note`): no value.
  if (format !== 'json' && /^[#;]/.test(raw)) return undefined;
  // Arrays, tables, YAML block scalars, anchors, aliases and tags other than a vault reference.
  if (/^[[{|>&*]/.test(raw) || (raw.startsWith('!') && !raw.startsWith('!vault'))) return undefined;
  let value = raw;
  const comment = format === 'json' ? -1 : value.search(/\s[#;]/);
  if (comment !== -1) value = value.slice(0, comment);
  value = value.replace(/[\s,]+$/, '');
  if (format === 'ini' && /^[\w.-]+\s*=/.test(value)) return undefined;
  return value.length > 0 ? { value, start: offset, end: offset + value.length } : undefined;
}

function boundPairs(text: string, format: ConfigFormat): BoundValue[] {
  const out: BoundValue[] = [];
  const seen = new Set<number>();
  const add = (name: string, raw: string, offset: number) => {
    const parsed = parseValue(raw, offset, format);
    if (!parsed || seen.has(parsed.start)) return;
    seen.add(parsed.start);
    out.push({ name, value: parsed.value, span: { start: parsed.start, end: parsed.end }, binding: 'setting' });
  };
  if (format === 'json' || text.includes('":')) {
    JSON_PAIR.lastIndex = 0;
    for (let m = JSON_PAIR.exec(text); m !== null; m = JSON_PAIR.exec(text)) {
      const valueOffset = m.index + m[0].length - m[2].length - 2;
      let name = m[1];
      try {
        name = JSON.parse(`"${m[1]}"`) as string;
      } catch {
        // Keep the key as written.
      }
      add(name, `"${m[2]}"`, valueOffset);
    }
    if (format === 'json') return out;
  }
  LINE_PAIR.lastIndex = 0;
  for (let m = LINE_PAIR.exec(text); m !== null; m = LINE_PAIR.exec(text)) {
    const raw = m[3].replace(/\r$/, '');
    add(m[2], raw, m.index + m[0].length - m[3].length);
  }
  if (format === 'dockerfile') {
    DOCKER_ENV.lastIndex = 0;
    for (let m = DOCKER_ENV.exec(text); m !== null; m = DOCKER_ENV.exec(text)) add(m[1], m[2].replace(/\r$/, ''), m.index + m[0].length - m[2].length);
  }
  return out;
}

/** Every secret in a configuration file's text. */
export function configSecrets(text: string, relPath: string, format: ConfigFormat): SecretHit[] {
  const tokens = findTokens(text);
  const bound = boundPairs(text, format);
  const hits = [...tokens, ...awsSecretKeys(text, tokens, bound)];
  for (const b of bound) {
    const hit = classifyBound(b);
    if (hit) hits.push(hit);
  }
  if (isTestPath(relPath)) for (const h of hits) inTestCode(h);
  else if (isTemplatePath(relPath)) for (const h of hits) h.confidence = lowerConfidence(h.confidence);
  return hits;
}
