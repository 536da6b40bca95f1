import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectRequirements, fileSource, manifestKind } from '../../src/deps/manifests/index.js';
import { normalizeName } from '../../src/deps/names.js';
import { poetryToPep440 } from '../../src/deps/manifests/pyproject.js';
import type { CollectedRequirements } from '../../src/deps/manifests/index.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/deps');

function collect(dir: string, files: string[]): CollectedRequirements {
  return collectRequirements(files, fileSource(path.join(fixtures, dir)));
}

/** `file:line name kind version-or-specifier [group] [; marker]`, the shape the assertions read. */
function rows(c: CollectedRequirements): string[] {
  return c.requirements.map((r) => {
    const what = r.kind === 'range' ? r.specifier || '*' : r.version;
    return `${r.file}:${r.line} ${r.name} ${r.kind} ${what}${r.group ? ` [${r.group}]` : ''}${r.marker ? ` ; ${r.marker}` : ''}`;
  });
}

function notes(c: CollectedRequirements): string[] {
  return c.notices.map((n) => `${n.file}:${n.line ?? '-'} ${n.kind}: ${n.message}`);
}

describe('PEP 503 names', () => {
  it('folds case and runs of separators', () => {
    expect(normalizeName('Flask_Login')).toBe('flask-login');
    expect(normalizeName('zope.interface')).toBe('zope-interface');
    expect(normalizeName('A-_.B')).toBe('a-b');
    expect(normalizeName('PyYAML')).toBe('pyyaml');
  });
});

describe('manifest names', () => {
  it('recognises every supported manifest and nothing else', () => {
    for (const f of ['requirements.txt', 'a/requirements-dev.txt', 'requirements/base.txt', 'dev.in', 'pyproject.toml', 'setup.cfg', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'pdm.lock', 'pylock.toml', 'pylock.dev.toml']) {
      expect(manifestKind(f), f).toBeDefined();
    }
    for (const f of ['MANIFEST.in', 'Makefile.in', 'config.h.in', 'notes.txt', 'Pipfile', 'setup.py', 'package-lock.json']) {
      expect(manifestKind(f), f).toBeUndefined();
    }
  });
});

describe('requirements files', () => {
  const c = collect('requirements', ['requirements.txt', 'requirements.in', 'nested/base.txt', 'constraints.txt']);
  it('reads pins, ranges, extras, markers, hashes, continuations and nested -r/-c files', () => {
    expect(rows(c)).toEqual([
      'constraints.txt:1 urllib3 pinned 1.24.1 [constraint]',
      'nested/base.txt:2 jinja2 pinned 2.10',
      // requirements.in's django range gives way to the pin beside it; httpx has no pin, so its range stays.
      'requirements.in:3 httpx range >=0.20',
      'requirements.txt:6 django pinned 3.2.12',
      'requirements.txt:9 requests range >=2.0,<3 ; python_version >= "3.8"',
      'requirements.txt:10 flask-login pinned 0.6.2',
      'requirements.txt:11 pyyaml pinned 5.3.1 ; sys_platform != "win32"',
    ]);
  });
  it('says which requirements cannot be checked, on their lines', () => {
    expect(notes(c)).toEqual([
      'nested/base.txt:4 manifest-error: -r ../../outside.txt: not followed (outside the scanned folder)',
      'requirements.txt:12 unchecked-dependency: editable requirement git+https://github.com/example/tool.git#egg=tool cannot be checked against advisories',
      'requirements.txt:13 unchecked-dependency: URL or path requirement git+https://github.com/example/other.git@v1.0#egg=other cannot be checked against advisories',
      'requirements.txt:14 unchecked-dependency: URL or path requirement https://example.com/packages/thing-1.0-py3-none-any.whl cannot be checked against advisories',
      'requirements.txt:15 unchecked-dependency: URL or path requirement ./vendor/localpkg cannot be checked against advisories',
      'requirements.txt:16 unchecked-dependency: mylib @ https://example.com/mylib-2.0.tar.gz cannot be checked against advisories',
    ]);
  });
  it('a constraint file pins what a requirement leaves open (urllib3 on line 17 has no specifier)', () => {
    const alone = rows(collect('requirements', ['requirements.txt']));
    expect(alone).toContain('constraints.txt:1 urllib3 pinned 1.24.1 [constraint]');
    expect(alone.filter((r) => r.includes('urllib3'))).toHaveLength(1);
  });
  it('points at the name on the line', () => {
    const django = c.requirements.find((r) => r.name === 'django');
    expect(django).toMatchObject({ column: 1, endColumn: 7, text: 'Django==3.2.12 \\' });
  });
});

describe('pyproject.toml', () => {
  it('reads PEP 621 dependencies, optional dependencies and PEP 735 groups', () => {
    const c = collect('pyproject-pep621', ['pyproject.toml']);
    expect(rows(c)).toEqual([
      'pyproject.toml:5 django range >=3.2,<4',
      'pyproject.toml:6 pyyaml pinned 5.3.1',
      'pyproject.toml:7 pillow range ~=8.0 ; python_version < "3.12"',
      'pyproject.toml:12 sphinx pinned 3.0.0 [optional: docs]',
      'pyproject.toml:14 pytest range >=7 [optional: test]',
      'pyproject.toml:17 pytest range >=7 [group: dev]',
      'pyproject.toml:18 ruff pinned 0.1.0 [group: lint]',
    ]);
    expect(notes(c)).toEqual(['pyproject.toml:8 unchecked-dependency: mylib @ https://example.com/mylib.zip cannot be checked against advisories']);
  });
  it('reads Poetry dependencies and groups, and the lock beside them wins', () => {
    const manifestOnly = collect('poetry', ['pyproject.toml']);
    expect(rows(manifestOnly)).toEqual([
      'pyproject.toml:7 django range >=3.2,<4.0',
      'pyproject.toml:8 requests range >=2.25,<2.26',
      'pyproject.toml:9 jinja2 pinned 2.10',
      'pyproject.toml:13 pytest range *',
    ].map((r) => r.replace('pyproject.toml:13 pytest range *', 'pyproject.toml:13 pytest range * [group: dev]')));
    expect(notes(manifestOnly)).toEqual(['pyproject.toml:10 unchecked-dependency: tool from git cannot be checked against advisories']);
    const both = collect('poetry', ['pyproject.toml', 'poetry.lock']);
    expect(rows(both)).toEqual([
      'poetry.lock:4 django locked 3.2.12',
      'poetry.lock:11 jinja2 locked 2.10',
      'poetry.lock:16 requests locked 2.25.0',
      'pyproject.toml:13 pytest range * [group: dev]',
    ]);
  });
  it("translates Poetry's constraint syntax", () => {
    expect(poetryToPep440('^1.2.3')).toBe('>=1.2.3,<2.0.0');
    expect(poetryToPep440('^0.2.3')).toBe('>=0.2.3,<0.3.0');
    expect(poetryToPep440('^0.0.3')).toBe('>=0.0.3,<0.0.4');
    expect(poetryToPep440('~1.2.3')).toBe('>=1.2.3,<1.3.0');
    expect(poetryToPep440('~1')).toBe('>=1,<2.0');
    expect(poetryToPep440('1.2.3')).toBe('==1.2.3');
    expect(poetryToPep440('>=1.0,<2')).toBe('>=1.0,<2');
    expect(poetryToPep440('*')).toBe('');
    expect(poetryToPep440('^1.0 || ^2.0')).toBeNull();
  });
});

describe('lock files', () => {
  it('Pipfile.lock: default and develop sections, markers, VCS entries as notices', () => {
    const c = collect('pipfile', ['Pipfile.lock']);
    expect(rows(c)).toEqual([
      'Pipfile.lock:7 django locked 3.2.12',
      "Pipfile.lock:12 pyyaml locked 5.3.1 ; python_version >= '3.6'",
      'Pipfile.lock:22 pytest locked 7.0.0 [develop]',
    ]);
    expect(notes(c)).toEqual(['Pipfile.lock:16 unchecked-dependency: tool from git cannot be checked against advisories']);
  });
  it('uv.lock: skips the project itself, reports git sources, wins over pyproject ranges', () => {
    const c = collect('uv', ['pyproject.toml', 'uv.lock']);
    expect(rows(c)).toEqual([
      'pyproject.toml:4 httpx range >=0.20',
      'uv.lock:10 django locked 3.2.12',
      'uv.lock:19 pyyaml locked 5.3.1',
    ]);
    expect(notes(c)).toEqual(['uv.lock:15 unchecked-dependency: tool from git has no version and cannot be checked against advisories']);
  });
  it('pdm.lock: groups', () => {
    expect(rows(collect('pdm', ['pdm.lock']))).toEqual(['pdm.lock:7 jinja2 locked 2.10 [default]', 'pdm.lock:13 pytest locked 7.0.0 [dev]']);
  });
  it('pylock.toml: packages, VCS without a version', () => {
    const c = collect('pylock', ['pylock.toml']);
    expect(rows(c)).toEqual(['pylock.toml:5 pyyaml locked 5.3.1']);
    expect(notes(c)).toEqual(['pylock.toml:9 unchecked-dependency: tool from a VCS has no version and cannot be checked against advisories']);
  });
});

describe('setup.cfg', () => {
  it('reads install_requires and extras_require', () => {
    const c = collect('setup-cfg', ['setup.cfg']);
    expect(rows(c)).toEqual([
      'setup.cfg:7 django range >=3.2,<4',
      'setup.cfg:8 pyyaml pinned 5.3.1',
      'setup.cfg:9 pywin32 range >=300 ; sys_platform == "win32"',
      'setup.cfg:13 sphinx pinned 3.0.0 [optional: docs]',
    ]);
  });
});

describe('malformed manifests', () => {
  it('name the file and line, and the rest is still read', () => {
    const c = collect('malformed', ['requirements.txt', 'pyproject.toml', 'setup.cfg', 'lock/Pipfile.lock', 'lock/poetry.lock']);
    expect(rows(c)).toEqual([
      'lock/poetry.lock:2 django locked 3.2.12',
      'lock/poetry.lock:9 pyyaml locked 5.3.1',
      'requirements.txt:1 django pinned 3.2.12',
      'requirements.txt:5 pyyaml pinned 5.3.1',
      'setup.cfg:3 django pinned 3.2.12',
    ]);
    const n = notes(c);
    expect(n).toHaveLength(7);
    expect(n[0]).toMatch(/^lock\/Pipfile\.lock:4 manifest-error: invalid JSON/);
    expect(n[1]).toBe('lock/poetry.lock:5 manifest-error: package entry 2 has no valid "name"');
    expect(n[2]).toMatch(/^pyproject\.toml:4 manifest-error: invalid TOML/);
    expect(n.slice(3)).toEqual([
      'requirements.txt:2 manifest-error: invalid version specifier "isnotarequirement" for this',
      'requirements.txt:3 manifest-error: invalid version specifier ">>2" for requests',
      'requirements.txt:4 manifest-error: unknown option --frobnicate',
      'setup.cfg:4 manifest-error: not a requirement: ???bad',
    ]);
  });

  it('uv.lock, pdm.lock and pylock.toml: broken TOML, entries without a usable version, a wrong shape', () => {
    const c = collect('malformed', ['uv/uv.lock', 'pdm/pdm.lock', 'pylock/pylock.toml']);
    expect(rows(c)).toEqual(['pdm/pdm.lock:2 jinja2 locked 2.10']);
    const n = notes(c);
    expect(n[0]).toBe('pdm/pdm.lock:6 unchecked-dependency: flask from an unversioned source has no version and cannot be checked against advisories');
    expect(n[1]).toBe('pdm/pdm.lock:10 manifest-error: pytest: "version" is not a string');
    expect(n[2]).toBe('pylock/pylock.toml:- manifest-error: "packages" is not an array of tables');
    expect(n[3]).toMatch(/^uv\/uv\.lock:5 manifest-error: invalid TOML/);
    expect(n).toHaveLength(4);
  });
});
