import { describe, expect, it } from 'vitest';
import { AMBIGUOUS, ModuleIndex, moduleWithin, rootPrefix, sourceRoots } from '../../src/workspace/modules.js';

describe('sourceRoots', () => {
  it('places a file above its top-level package, or in its own folder outside any package', () => {
    const files = ['s1/importlib/__init__.py', 's1/importlib/util.py', 's1/timeit.py', 'tools/run.py', 'top.py'];
    expect(sourceRoots(files)).toEqual(['s1', 's1', 's1', 'tools', '']);
  });

  it('a folder with pyproject.toml, setup.py or setup.cfg is a root, and its src/ where the code lives there', () => {
    const files = [
      'svc/a/pyproject.toml',
      'svc/a/src/app/__init__.py',
      'svc/a/src/app/views.py',
      'svc/b/setup.py',
      'svc/b/scripts/tool.py',
      'svc/c/setup.cfg',
      'svc/c/app/views.py',
    ];
    expect(sourceRoots(files)).toEqual(['svc/a', 'svc/a/src', 'svc/a/src', 'svc/b', 'svc/b', 'svc/c', 'svc/c']);
  });

  it('a setup.py inside a package is a module, not a marker', () => {
    expect(sourceRoots(['lib/__init__.py', 'lib/setup.py', 'lib/core.py'])).toEqual(['', '', '']);
  });

  it('a configured root wins, the deepest one first', () => {
    const files = ['repo/a/app/views.py', 'repo/a/deep/x.py', 'repo/b/y.py'];
    expect(sourceRoots(files, { configured: ['repo/a', 'repo/a/deep'] })).toEqual(['repo/a', 'repo/a/deep', 'repo/b']);
  });

  it('markers are asked of the file system where they are not among the files', () => {
    const asked: string[] = [];
    const exists = (p: string) => {
      asked.push(p);
      return p === 'x/pyproject.toml';
    };
    const roots = sourceRoots(['x/app/__init__.py', 'x/app/v.py'], { exists });
    expect(roots).toEqual(['x', 'x']);
    expect(asked).toContain('x/pyproject.toml');
  });
});

describe('ModuleIndex', () => {
  const modules = ['s1.app.utils', 's1.app', 's2.app.utils', 's2.app', 's3.app.views', 'shared.log', 'top'];
  const roots = ['s1', 's1', 's2', 's2', 's3', 'shared', ''];
  const index = new ModuleIndex(modules, roots);

  it('resolves an import in its own root first', () => {
    expect(index.canonical('app.utils.run', 's1')).toBe('s1.app.utils.run');
    expect(index.canonical('app.utils.run', 's2')).toBe('s2.app.utils.run');
  });

  it('keeps full names of the own root (relative imports) and leaves unknown names alone', () => {
    expect(index.canonical('s1.app.utils.run', 's1')).toBe('s1.app.utils.run');
    expect(index.canonical('os.path.join', 's1')).toBe('os.path.join');
  });

  it('uses another root only where exactly one has the module', () => {
    expect(index.canonical('log.write', 's3')).toBe('shared.log.write');
    expect(index.canonical('app.utils.run', 's3')).toBe(`${AMBIGUOUS}app.utils.run`);
  });

  it('knows each full module name by its root', () => {
    expect(index.rootOf('s2.app.utils')).toBe('s2');
    expect(index.rootOf('top')).toBe('');
  });

  it('names modules within their root', () => {
    expect(moduleWithin('svc/a/src/app/views.py', 'svc/a/src')).toBe('app.views');
    expect(moduleWithin('app/views.py', '')).toBeUndefined();
    expect(rootPrefix('svc/a/src')).toBe('svc.a.src');
  });
});
