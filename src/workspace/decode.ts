import fs from 'node:fs';
import type { Notice } from '../findings/types.js';

export type ReadResult =
  /** `notice` (kind 'decode-error', skipped: false) says bytes were replaced or the encoding was a guess. */
  | { ok: true; text: string; encoding: string; notice?: Notice }
  /** Not analysed: unreadable, binary or too large. */
  | { ok: false; notice: Notice };

/** Git's heuristic too: a NUL byte near the start means the file is not text. */
const BINARY_PROBE_BYTES = 8192;

/** The regular expressions of CPython's Lib/tokenize.py, applied to one line without its newline. */
const COOKIE_RE = /^[ \t\f]*#[^\n]*?coding[:=][ \t]*([-\w.]+)/;
const BLANK_RE = /^[ \t\f]*(?:[#\r\n]|$)/;

type Codec =
  | { kind: 'utf-8' }
  | { kind: 'latin-1' }
  | { kind: 'ascii' }
  | { kind: 'cp1252' }
  /** Python's UTF-16 codecs; a cookie can never truthfully name them (see decodePython). */
  | { kind: 'utf-16' }
  | {
      kind: 'whatwg';
      label: string;
      /** ISO-8859 parts WHATWG replaces with a Windows code page: bytes 0x80-0x9F are C1 controls in Python. */
      isoC1?: boolean;
    };

const UTF8: Codec = { kind: 'utf-8' };

/** Python codec name → decoder, then the aliases Python's `encodings.aliases` gives that codec. */
const CODEC_TABLE: [string, Codec, string[]][] = [
  ['utf_8', UTF8, ['u8', 'utf', 'utf8', 'utf8_ucs2', 'utf8_ucs4', 'cp65001']],
  ['utf_8_sig', UTF8, []],
  [
    'latin_1',
    { kind: 'latin-1' },
    ['8859', 'cp819', 'csisolatin1', 'ibm819', 'iso8859', 'iso8859_1', 'iso_8859_1', 'iso_8859_1_1987', 'iso_ir_100']
      .concat(['l1', 'latin', 'latin1']),
  ],
  [
    'ascii',
    { kind: 'ascii' },
    ['646', 'ansi_x3.4_1968', 'ansi_x3.4_1986', 'ansi_x3_4_1968', 'cp367', 'csascii', 'ibm367', 'iso646_us']
      .concat(['iso_646.irv_1991', 'iso_ir_6', 'us', 'us_ascii']),
  ],
  ['cp1252', { kind: 'cp1252' }, ['1252', 'windows_1252']],
  ['iso8859_15', { kind: 'whatwg', label: 'iso-8859-15' }, ['iso_8859_15', 'l9', 'latin9']],
  ['iso8859_9', { kind: 'whatwg', label: 'windows-1254', isoC1: true }, ['csisolatin5', 'iso_8859_9', 'iso_8859_9_1989', 'iso_ir_148', 'l5', 'latin5']],
  ['iso8859_11', { kind: 'whatwg', label: 'windows-874', isoC1: true }, ['iso_8859_11', 'iso_8859_11_2001', 'thai']],
  ['tis_620', { kind: 'whatwg', label: 'windows-874', isoC1: true }, ['iso_ir_166', 'tis620', 'tis_620_0', 'tis_620_2529_0', 'tis_620_2529_1']],
  ['euc_jp', { kind: 'whatwg', label: 'euc-jp' }, ['eucjp', 'u_jis', 'ujis']],
  ['shift_jis', { kind: 'whatwg', label: 'shift_jis' }, ['csshiftjis', 's_jis', 'shiftjis', 'sjis']],
  ['cp932', { kind: 'whatwg', label: 'shift_jis' }, ['932', 'ms932', 'ms_kanji', 'mskanji']],
  ['gbk', { kind: 'whatwg', label: 'gbk' }, ['936', 'cp936', 'ms936']],
  [
    'gb2312',
    { kind: 'whatwg', label: 'gbk' },
    ['chinese', 'csiso58gb231280', 'euc_cn', 'euccn', 'eucgb2312_cn', 'gb2312_1980', 'gb2312_80', 'iso_ir_58'],
  ],
  ['gb18030', { kind: 'whatwg', label: 'gb18030' }, ['gb18030_2000']],
  ['big5', { kind: 'whatwg', label: 'big5' }, ['big5_tw', 'csbig5']],
  ['big5hkscs', { kind: 'whatwg', label: 'big5' }, ['big5_hkscs', 'hkscs']],
  ['koi8_r', { kind: 'whatwg', label: 'koi8-r' }, ['cskoi8r']],
  ['koi8_u', { kind: 'whatwg', label: 'koi8-u' }, []],
  ['euc_kr', { kind: 'whatwg', label: 'euc-kr' }, ['euckr', 'korean', 'ks_c_5601', 'ks_c_5601_1987', 'ks_x_1001', 'ksc5601', 'ksx1001']],
  ['cp949', { kind: 'whatwg', label: 'euc-kr' }, ['949', 'ms949', 'uhc']],
  ['iso2022_jp', { kind: 'whatwg', label: 'iso-2022-jp' }, ['csiso2022jp', 'iso2022jp', 'iso_2022_jp']],
  ['mac_roman', { kind: 'whatwg', label: 'macintosh' }, ['macintosh', 'macroman']],
  ['mac_cyrillic', { kind: 'whatwg', label: 'x-mac-cyrillic' }, ['maccyrillic']],
  ['cp866', { kind: 'whatwg', label: 'ibm866' }, ['866', 'csibm866', 'ibm866']],
  ['cp874', { kind: 'whatwg', label: 'windows-874' }, []],
  ['utf_16', { kind: 'utf-16' }, ['u16', 'utf16']],
  ['utf_16_le', { kind: 'utf-16' }, ['unicodelittleunmarked', 'utf_16le']],
  ['utf_16_be', { kind: 'utf-16' }, ['unicodebigunmarked', 'utf_16be']],
];

const CODECS = new Map<string, Codec>();
for (const [name, codec, aliases] of CODEC_TABLE) {
  CODECS.set(name, codec);
  for (const alias of aliases) CODECS.set(alias, codec);
}
for (let n = 1250; n <= 1258; n++) {
  if (n === 1252) continue;
  const codec: Codec = { kind: 'whatwg', label: `windows-${n}` };
  for (const alias of [`cp${n}`, `${n}`, `windows_${n}`]) CODECS.set(alias, codec);
}

/** Python's `encodings.normalize_encoding` after `codecs.lookup` lowercases. */
function normalizeEncoding(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Python's tokenizer maps these spellings (also with suffixes such as `-unix` from Emacs) before lookup. */
function normalName(cookie: string): string {
  const enc = cookie.slice(0, 12).toLowerCase().replaceAll('_', '-');
  if (enc === 'utf-8' || enc.startsWith('utf-8-')) return 'utf-8';
  for (const latin of ['latin-1', 'iso-8859-1', 'iso-latin-1']) {
    if (enc === latin || enc.startsWith(`${latin}-`)) return 'iso-8859-1';
  }
  return cookie;
}

function lookupCodec(cookie: string): Codec | undefined {
  const norm = normalizeEncoding(normalName(cookie));
  const known = CODECS.get(norm) ?? CODECS.get(norm.replaceAll('.', '_'));
  if (known) return known;
  // Python codecs we do not list (iso8859_2, cp1256's cousins...) mostly have a WHATWG label of the same shape.
  for (const label of new Set([cookie, norm, norm.replaceAll('_', '-')])) {
    try {
      const decoder = new TextDecoder(label);
      return decoder.encoding === 'windows-1252' ? { kind: 'cp1252' } : { kind: 'whatwg', label: decoder.encoding };
    } catch {
      // Not a label TextDecoder knows (it also refuses the "replacement" pseudo-encoding); try the next one.
    }
  }
  return undefined;
}

function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

interface Cookie {
  name: string;
  line: number;
}

function findCookie(bytes: Uint8Array): Cookie | undefined {
  const start = hasUtf8Bom(bytes) ? 3 : 0;
  let end = bytes.indexOf(0x0a, start);
  if (end === -1) end = bytes.length;
  const first = latin1(bytes, start, end);
  const m1 = COOKIE_RE.exec(first);
  if (m1) return { name: m1[1], line: 1 };
  // The tokenizer only reads line 2's cookie when line 1 cannot be code (bpo-18960).
  if (!BLANK_RE.test(first) || end >= bytes.length) return undefined;
  let end2 = bytes.indexOf(0x0a, end + 1);
  if (end2 === -1) end2 = bytes.length;
  const m2 = COOKIE_RE.exec(latin1(bytes, end + 1, end2));
  return m2 ? { name: m2[1], line: 2 } : undefined;
}

/** The PEP 263 encoding declaration as written (not normalised), or undefined when there is none. */
export function codingCookie(bytes: Uint8Array): string | undefined {
  return findCookie(bytes)?.name;
}

function lineAtByte(bytes: Uint8Array, index: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < index; i = bytes.indexOf(0x0a, i + 1)) line++;
  return line;
}

function lineAtChar(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UTF8_LOSSY = new TextDecoder('utf-8', { ignoreBOM: true });

interface Decoded {
  text: string;
  /** Line of the first byte that could not be decoded, when any. */
  badLine?: number;
}

/** Only called once a strict decode failed: ASCII-compatible encodings never split a line across 0x0A. */
function firstBadLine(bytes: Uint8Array, label: string): number | undefined {
  const strict = new TextDecoder(label, { fatal: true, ignoreBOM: true });
  let line = 1;
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    try {
      strict.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    line++;
    start = end + 1;
  }
  return undefined;
}

function decodeWhatwg(bytes: Uint8Array, label: string): Decoded {
  const strict = label === 'utf-8' ? UTF8_FATAL : new TextDecoder(label, { fatal: true, ignoreBOM: true });
  try {
    return { text: strict.decode(bytes) };
  } catch {
    const lossy = label === 'utf-8' ? UTF8_LOSSY : new TextDecoder(label, { ignoreBOM: true });
    const text = lossy.decode(bytes);
    return { text, badLine: firstBadLine(bytes, label) ?? lineAtChar(text, text.indexOf('\uFFFD')) };
  }
}

/** Single-byte decoders map byte i to UTF-16 unit i, so restoring the C1 range afterwards is positional. */
function restoreC1(bytes: Uint8Array, decoded: Decoded): Decoded {
  const first = bytes.findIndex((b) => b >= 0x80 && b <= 0x9f);
  if (first === -1 || decoded.text.length !== bytes.length) return decoded;
  const chars = decoded.text.split('');
  for (let i = first; i < bytes.length; i++) {
    if (bytes[i] >= 0x80 && bytes[i] <= 0x9f) chars[i] = String.fromCharCode(bytes[i]);
  }
  return { text: chars.join(''), badLine: decoded.badLine };
}

/**
 * cp1252 bytes 0x80-0x9F; '' where Python's codec has no character. Done by hand because Node 20's
 * TextDecoder('windows-1252') decodes ISO-8859-1 instead.
 */
const CP1252_HIGH = [
  '\u20ac', '', '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021',
  '\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', '', '\u017d', '',
  '', '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014',
  '\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', '', '\u017e', '\u0178',
];

function decodeCp1252(bytes: Uint8Array): Decoded {
  const text = latin1(bytes).replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] || '\uFFFD');
  const bad = bytes.findIndex((b) => b >= 0x80 && b <= 0x9f && CP1252_HIGH[b - 0x80] === '');
  return bad === -1 ? { text } : { text, badLine: lineAtByte(bytes, bad) };
}

function decodeWith(bytes: Uint8Array, codec: Codec): Decoded {
  switch (codec.kind) {
    case 'utf-8':
    case 'utf-16':
      return decodeWhatwg(bytes, 'utf-8');
    case 'latin-1':
      // Every byte is valid: ISO-8859-1 is the first 256 code points. (TextDecoder's "latin1" is cp1252.)
      return { text: latin1(bytes) };
    case 'ascii': {
      const bad = bytes.findIndex((b) => b > 0x7f);
      if (bad === -1) return { text: latin1(bytes) };
      return { text: latin1(bytes).replace(/[\x80-\xff]/g, '\uFFFD'), badLine: lineAtByte(bytes, bad) };
    }
    case 'cp1252':
      return decodeCp1252(bytes);
    case 'whatwg': {
      const decoded = decodeWhatwg(bytes, codec.label);
      return codec.isoC1 ? restoreC1(bytes, decoded) : decoded;
    }
  }
}

function encodingName(codec: Codec, bom: boolean): string {
  switch (codec.kind) {
    case 'utf-8':
    case 'utf-16':
      return bom ? 'utf-8-sig' : 'utf-8';
    case 'latin-1':
      return 'iso-8859-1';
    case 'ascii':
      return 'ascii';
    case 'cp1252':
      return 'windows-1252';
    case 'whatwg':
      return codec.label;
  }
}

function decodeUtf16(bytes: Uint8Array, relPath: string): ReadResult {
  const label = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
  const body = bytes.subarray(2);
  let text: string;
  let replaced = false;
  try {
    text = new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    text = new TextDecoder(label, { ignoreBOM: true }).decode(body);
    replaced = true;
  }
  return {
    ok: true,
    text,
    encoding: label,
    notice: {
      kind: 'decode-error',
      path: relPath,
      line: 1,
      message:
        `UTF-16 text (byte order mark); Python cannot run a UTF-16 source file, analysed anyway` +
        (replaced ? '; invalid bytes replaced with U+FFFD' : ''),
      skipped: false,
    },
  };
}

/**
 * Decode a Python source file the way the interpreter would choose its encoding (BOM, then PEP 263 cookie,
 * then UTF-8). Never throws: bytes that do not decode become U+FFFD and the notice says where.
 */
export function decodePython(bytes: Uint8Array, relPath: string): ReadResult {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return decodeUtf16(bytes, relPath);
  }
  const probe = bytes.length > BINARY_PROBE_BYTES ? bytes.subarray(0, BINARY_PROBE_BYTES) : bytes;
  if (probe.indexOf(0) !== -1) {
    return {
      ok: false,
      notice: { kind: 'binary', path: relPath, message: 'binary file (NUL byte); skipped', skipped: true },
    };
  }

  const bom = hasUtf8Bom(bytes);
  const body = bom ? bytes.subarray(3) : bytes;
  const cookie = findCookie(bytes);
  const problems: string[] = [];
  let codec: Codec = UTF8;

  if (cookie) {
    const found = lookupCodec(cookie.name);
    if (found === undefined) {
      problems.push(`unknown encoding "${cookie.name}" in the coding cookie; decoded as UTF-8`);
    } else if (bom && found.kind !== 'utf-8') {
      problems.push(`the UTF-8 byte order mark contradicts the coding cookie "${cookie.name}"; decoded as UTF-8`);
    } else if (found.kind === 'utf-16') {
      // The cookie itself was read as ASCII bytes, so the file cannot be UTF-16; Python refuses it too.
      problems.push(`the coding cookie "${cookie.name}" cannot describe a file it is readable in; decoded as UTF-8`);
    } else {
      codec = found;
    }
  }

  const cookieProblem = problems.length > 0;
  const decoded = decodeWith(body, codec);
  const encoding = encodingName(codec, bom);
  if (decoded.badLine !== undefined) {
    problems.push(`bytes invalid in ${encoding} replaced with U+FFFD (first on line ${decoded.badLine})`);
  }
  if (problems.length === 0) return { ok: true, text: decoded.text, encoding };
  // A cookie we could not honour is the root cause, so point at it rather than at the first odd byte.
  const line = cookieProblem ? cookie?.line : decoded.badLine;
  return {
    ok: true,
    text: decoded.text,
    encoding,
    notice: { kind: 'decode-error', path: relPath, line, message: problems.join('; '), skipped: false },
  };
}

/** Read and decode one file; any failure becomes a notice, never an exception or a stack trace. */
export function readSource(absPath: string, relPath: string, maxFileSize: number): ReadResult {
  const unreadable = (why: string): ReadResult => ({
    ok: false,
    notice: { kind: 'unreadable', path: relPath, message: `cannot read file (${why}); skipped`, skipped: true },
  });
  const tooLarge = (size: number): ReadResult => ({
    ok: false,
    notice: {
      kind: 'too-large',
      path: relPath,
      message: `file is ${size} bytes, over the ${maxFileSize}-byte limit; skipped`,
      skipped: true,
    },
  });

  let bytes: Uint8Array;
  let fd: number | undefined;
  try {
    // Non-blocking open, then a check of what was opened: a file swapped for a FIFO after discovery must not
    // hang the scan.
    fd = fs.openSync(absPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) return unreadable('EISDIR');
    if (!st.isFile()) return unreadable('not a regular file');
    if (st.size > maxFileSize) return tooLarge(st.size);
    bytes = fs.readFileSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    return unreadable(typeof code === 'string' ? code : 'error');
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  // The file may have grown between stat and read.
  if (bytes.length > maxFileSize) return tooLarge(bytes.length);
  return decodePython(bytes, relPath);
}
