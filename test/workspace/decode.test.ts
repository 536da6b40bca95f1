import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codingCookie, decodePython, type ReadResult, readSource } from '../../src/workspace/decode.js';

/** Bytes from text where \xNN escapes are raw bytes (latin1 maps each char to one byte). */
function b(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

function ok(r: ReadResult): Extract<ReadResult, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.notice)}`);
  return r;
}

const BOM = '\xef\xbb\xbf';

describe('codingCookie (PEP 263, as CPython tokenize finds it)', () => {
  it.each([
    ['# -*- coding: latin-1 -*-\nx = 1\n', 'latin-1'],
    ['# vim: set fileencoding=utf-8 :\n', 'utf-8'],
    ['#!/usr/bin/env python\n# coding=cp1252\n', 'cp1252'],
    ['\n# coding: euc-jp\n', 'euc-jp'],
    ['   \t# coding:latin_1\n', 'latin_1'],
    ['# encoding: utf-8\n', 'utf-8'],
    [`${BOM}# coding: utf-8\n`, 'utf-8'],
    ['# coding: utf-8-unix\n', 'utf-8-unix'],
    ['x = 1\n# coding: latin-1\n', undefined],
    ["coding = 'latin-1'\n", undefined],
    ['x = 1  # coding: latin-1\n', undefined],
    ['#\n#\n# coding: latin-1\n', undefined],
    ['# no cookie\n', undefined],
    ['', undefined],
  ])('%j → %s', (src, expected) => {
    expect(codingCookie(b(src))).toBe(expected);
  });
});

describe('decodePython', () => {
  it('UTF-8 by default, no notice', () => {
    const r = ok(decodePython(b('s = "caf\xc3\xa9"\n'), 'a.py'));
    expect(r).toEqual({ ok: true, text: 's = "café"\n', encoding: 'utf-8' });
  });

  it('a latin-1 cookie decodes 0xE9 as é (true ISO-8859-1, not cp1252)', () => {
    const r = ok(decodePython(b('# -*- coding: latin-1 -*-\ns = "\xe9\x80"\n'), 'a.py'));
    expect(r.text).toBe('# -*- coding: latin-1 -*-\ns = "é\u0080"\n');
    expect(r.encoding).toBe('iso-8859-1');
    expect(r.notice).toBeUndefined();
  });

  it('normalises codec spellings as Python does', () => {
    for (const name of ['Latin_1', 'ISO-8859-1', 'iso8859_1', 'L1', 'latin-1-unix']) {
      expect(ok(decodePython(b(`# coding: ${name}\ns = "\xe9"\n`), 'a.py')).encoding).toBe('iso-8859-1');
    }
    expect(ok(decodePython(b('# coding: UTF8\n'), 'a.py')).encoding).toBe('utf-8');
    expect(ok(decodePython(b('# coding: utf-8-unix\n'), 'a.py')).encoding).toBe('utf-8');
    expect(ok(decodePython(b('# coding: ISO_8859_15\nx = "\xa4"\n'), 'a.py')).text).toContain('€');
  });

  it('honours a cookie on line 2 after a shebang or a blank line', () => {
    expect(ok(decodePython(b('#!/usr/bin/python\n# coding: latin-1\ns = "\xe9"\n'), 'a.py')).text).toContain('"é"');
    expect(ok(decodePython(b('\n# coding: latin-1\ns = "\xe9"\n'), 'a.py')).text).toContain('"é"');
  });

  it('ignores a cookie on line 2 when line 1 is code', () => {
    const r = ok(decodePython(b('x = 1\n# coding: latin-1\ns = "\xe9"\n'), 'a.py'));
    expect(r.encoding).toBe('utf-8');
    expect(r.text).toBe('x = 1\n# coding: latin-1\ns = "\uFFFD"\n');
    expect(r.notice).toMatchObject({ kind: 'decode-error', path: 'a.py', line: 3, skipped: false });
  });

  it('strips a UTF-8 BOM', () => {
    const r = ok(decodePython(b(`${BOM}s = "caf\xc3\xa9"\n`), 'a.py'));
    expect(r).toEqual({ ok: true, text: 's = "café"\n', encoding: 'utf-8-sig' });
    expect(ok(decodePython(b(`${BOM}# coding: utf-8\n`), 'a.py')).notice).toBeUndefined();
  });

  it('a BOM with a conflicting cookie decodes as UTF-8 with a notice', () => {
    const r = ok(decodePython(b(`${BOM}# coding: latin-1\ns = "caf\xc3\xa9"\n`), 'a.py'));
    expect(r.text).toBe('# coding: latin-1\ns = "café"\n');
    expect(r.encoding).toBe('utf-8-sig');
    expect(r.notice).toMatchObject({ kind: 'decode-error', line: 1, skipped: false });
    expect(r.notice?.message).toContain('latin-1');
  });

  it('replaces invalid UTF-8 and reports the line of the first bad byte', () => {
    const r = ok(decodePython(b('a = 1\nb = 2\nc = "\xff\xfe"\nd = "\xc3"\n'), 'pkg/m.py'));
    expect(r.text).toBe('a = 1\nb = 2\nc = "\uFFFD\uFFFD"\nd = "\uFFFD"\n');
    expect(r.notice).toEqual({
      kind: 'decode-error',
      path: 'pkg/m.py',
      line: 3,
      message: expect.stringContaining('line 3'),
      skipped: false,
    });
  });

  it('an ascii cookie turns high bytes into replacement characters with a notice', () => {
    const r = ok(decodePython(b('# coding: ascii\nok = 1\nbad = "\xe9"\n'), 'a.py'));
    expect(r.encoding).toBe('ascii');
    expect(r.text).toBe('# coding: ascii\nok = 1\nbad = "\uFFFD"\n');
    expect(r.notice).toMatchObject({ kind: 'decode-error', line: 3 });
    expect(ok(decodePython(b('# coding: us-ascii\nx = 1\n'), 'a.py')).notice).toBeUndefined();
  });

  it('an unknown encoding decodes as UTF-8 with a notice naming it', () => {
    const r = ok(decodePython(b('# coding: klingon-8\ns = "caf\xc3\xa9"\n'), 'a.py'));
    expect(r.text).toBe('# coding: klingon-8\ns = "café"\n');
    expect(r.encoding).toBe('utf-8');
    expect(r.notice).toMatchObject({ kind: 'decode-error', line: 1, skipped: false });
    expect(r.notice?.message).toContain('"klingon-8"');
  });

  it('does not accept the WHATWG "replacement" pseudo-encoding', () => {
    const r = ok(decodePython(b('# coding: iso-2022-kr\nx = 1\n'), 'a.py'));
    expect(r.text).toBe('# coding: iso-2022-kr\nx = 1\n');
    expect(r.notice?.message).toContain('iso-2022-kr');
  });

  it('a utf-16 cookie in an ASCII-readable file is decoded as UTF-8 with a notice', () => {
    const r = ok(decodePython(b('# coding: utf-16\nx = 1\n'), 'a.py'));
    expect(r.text).toBe('# coding: utf-16\nx = 1\n');
    expect(r.notice).toMatchObject({ kind: 'decode-error', line: 1 });
  });

  it('a file with a UTF-16 byte order mark is decoded with a notice', () => {
    const bytes = new Uint8Array([0xff, 0xfe, ...Buffer.from('x = "é"\n', 'utf16le')]);
    const r = ok(decodePython(bytes, 'a.py'));
    expect(r.text).toBe('x = "é"\n');
    expect(r.encoding).toBe('utf-16le');
    expect(r.notice?.kind).toBe('decode-error');
  });

  it('cp1252: 0x80 is €, smart quotes decode, and bytes Python leaves undefined are replaced', () => {
    const r = ok(decodePython(b('# coding: cp1252\ns = "\x93\x80\x94"\n'), 'a.py'));
    expect(r.text).toBe('# coding: cp1252\ns = "\u201c€\u201d"\n');
    expect(r.encoding).toBe('windows-1252');
    expect(r.notice).toBeUndefined();
    const bad = ok(decodePython(b('# coding: windows-1252\nx = 1\ns = "\x81"\n'), 'a.py'));
    expect(bad.text).toBe('# coding: windows-1252\nx = 1\ns = "\uFFFD"\n');
    expect(bad.notice).toMatchObject({ kind: 'decode-error', line: 3 });
  });

  it('ISO-8859-9 keeps 0x80-0x9F as C1 controls although WHATWG decodes it as windows-1254', () => {
    const r = ok(decodePython(b('# coding: latin5\ns = "\x80\xfd"\n'), 'a.py'));
    expect(r.text).toBe('# coding: latin5\ns = "\u0080ı"\n');
  });

  it('decodes the CJK encodings', () => {
    expect(ok(decodePython(b('# coding: shift_jis\ns = "\x93\xfa\x96\x7b"\n'), 'a.py')).text).toContain('"日本"');
    expect(ok(decodePython(b('# coding: sjis\ns = "\x93\xfa\x96\x7b"\n'), 'a.py')).text).toContain('"日本"');
    expect(ok(decodePython(b('# coding: euc-jp\ns = "\xc6\xfc\xcb\xdc"\n'), 'a.py')).text).toContain('"日本"');
    expect(ok(decodePython(b('# coding: gbk\ns = "\xd6\xd0\xce\xc4"\n'), 'a.py')).text).toContain('"中文"');
    expect(ok(decodePython(b('# coding: gb2312\ns = "\xd6\xd0\xce\xc4"\n'), 'a.py')).text).toContain('"中文"');
    expect(ok(decodePython(b('# coding: big5\ns = "\xa4\xa4\xa4\xe5"\n'), 'a.py')).text).toContain('"中文"');
    expect(ok(decodePython(b('# coding: koi8-r\ns = "\xf0\xd2\xc9"\n'), 'a.py')).text).toContain('"При"');
  });

  it('reports invalid bytes in a multi-byte encoding on the right line', () => {
    const r = ok(decodePython(b('# coding: shift_jis\nx = 1\ns = "\x93"\n'), 'a.py'));
    expect(r.text).toContain('\uFFFD');
    expect(r.notice).toMatchObject({ kind: 'decode-error', line: 3 });
  });

  it('a NUL byte in the first 8 KiB means binary; later ones do not', () => {
    const r = decodePython(b('abc\x00def'), 'x.py');
    expect(r).toEqual({
      ok: false,
      notice: { kind: 'binary', path: 'x.py', message: expect.any(String), skipped: true },
    });
    const late = new Uint8Array(9000).fill(0x20);
    late[8999] = 0;
    expect(decodePython(late, 'y.py').ok).toBe(true);
  });
});

describe('readSource', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-decode-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads and decodes a file', () => {
    const f = path.join(dir, 'ok.py');
    fs.writeFileSync(f, Buffer.from('# coding: latin-1\ns = "\xe9"\n', 'latin1'));
    expect(readSource(f, 'ok.py', 1000)).toEqual({
      ok: true,
      text: '# coding: latin-1\ns = "é"\n',
      encoding: 'iso-8859-1',
    });
  });

  it('skips a file over the size limit without reading it', () => {
    const f = path.join(dir, 'big.py');
    fs.writeFileSync(f, 'x = 1\n'.repeat(100));
    const r = readSource(f, 'big.py', 100);
    expect(r).toEqual({
      ok: false,
      notice: { kind: 'too-large', path: 'big.py', message: expect.stringContaining('600'), skipped: true },
    });
  });

  it('turns read errors into unreadable notices with the error code', () => {
    const missing = readSource(path.join(dir, 'gone.py'), 'gone.py', 1000);
    expect(missing).toEqual({
      ok: false,
      notice: { kind: 'unreadable', path: 'gone.py', message: expect.stringContaining('ENOENT'), skipped: true },
    });
    const isDir = readSource(dir, 'd', 1000);
    expect(isDir.ok).toBe(false);
    expect(isDir.ok === false && isDir.notice.message).toContain('EISDIR');
  });

  it('reports binary content', () => {
    const f = path.join(dir, 'bin.py');
    fs.writeFileSync(f, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]));
    const r = readSource(f, 'bin.py', 1000);
    expect(r.ok === false && r.notice.kind).toBe('binary');
  });
});
