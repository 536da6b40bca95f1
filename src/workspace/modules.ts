import { lstatSync } from 'node:fs';
import path from 'node:path';
import { moduleNameFor } from '../semantics/module.js';

/**
 * The project's module map: which source root each Python file belongs to, and what an absolute import means
 * from a given root. A monorepo holds several services that each have their own `app/`, `views.py` and
 * `settings.py`; an import resolves within its own root first and in another root only where exactly one root
 * has the module, so two modules with the same dotted name never answer for each other.
 *
 * A module is known by its full name (from its path below the scan root, unique in the scan) and by its name
 * within its root (what `import` statements write). Function and class names in the taint facts use full names.
 */

/** Files that make their folder a project of its own. */
const MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg'];

export interface RootOptions {
  /** Configured `source-roots`, relative to the scan root with forward slashes ('' for the scan root). */
  configured?: readonly string[];
  /** Whether a file exists at a path relative to the scan root (markers such as `pyproject.toml`). */
  exists?: (relPath: string) => boolean;
}

function parentOf(dir: string): string {
  const i = dir.lastIndexOf('/');
  return i < 0 ? '' : dir.slice(0, i);
}

function under(relPath: string, dir: string): boolean {
  return dir === '' || relPath.startsWith(`${dir}/`);
}

/**
 * The source root (a folder relative to the scan root, '' for the scan root itself) of each file, in order:
 * the deepest configured root holding it; else the deepest folder with a project marker (or its `src/`) that is
 * not itself inside a package; else the folder above its top-level package (a folder without `__init__.py`).
 */
export function sourceRoots(relPaths: readonly string[], options: RootOptions = {}): string[] {
  const files = new Set(relPaths);
  const exists = options.exists ?? ((p: string) => files.has(p));
  const configured = [...(options.configured ?? [])].sort((a, b) => b.length - a.length);
  const isPackage = new Map<string, boolean>();
  const packageDir = (dir: string): boolean => {
    let known = isPackage.get(dir);
    if (known === undefined) {
      const prefix = dir === '' ? '' : `${dir}/`;
      known = files.has(`${prefix}__init__.py`) || files.has(`${prefix}__init__.pyi`);
      isPackage.set(dir, known);
    }
    return known;
  };
  const markerOf = new Map<string, boolean>();
  const hasMarker = (dir: string): boolean => {
    let known = markerOf.get(dir);
    if (known === undefined) {
      const prefix = dir === '' ? '' : `${dir}/`;
      known = !packageDir(dir) && MARKERS.some((m) => exists(`${prefix}${m}`));
      markerOf.set(dir, known);
    }
    return known;
  };
  const byDir = new Map<string, string>();
  const rootOfDir = (dir: string): string => {
    let root = byDir.get(dir);
    if (root !== undefined) return root;
    let top = dir;
    while (top !== '' && packageDir(top)) top = parentOf(top);
    root = top;
    for (let d = top; ; d = parentOf(d)) {
      if (hasMarker(d)) {
        const src = d === '' ? 'src' : `${d}/src`;
        root = under(top, src) || top === src ? src : d;
        break;
      }
      if (d === '') break;
    }
    byDir.set(dir, root);
    return root;
  };
  return relPaths.map((rel) => {
    const own = configured.find((r) => under(rel, r));
    if (own !== undefined) return own;
    return rootOfDir(parentOf(rel));
  });
}

/** Whether a path relative to `scanRoot` names a regular file, without following a symbolic link. */
export function fileExistsUnder(scanRoot: string): (relPath: string) => boolean {
  return (relPath) => {
    try {
      return lstatSync(path.join(scanRoot, ...relPath.split('/'))).isFile();
    } catch {
      return false;
    }
  };
}

/** A file's module name within its root, or undefined when it is the name its path gives (the root is the scan root). */
export function moduleWithin(relPath: string, root: string): string | undefined {
  if (root === '') return undefined;
  return moduleNameFor(relPath).slice(rootPrefix(root).length + 1);
}

/** `services/a/src` → `services.a.src`: a root folder as the dotted prefix of its modules' full names. */
export function rootPrefix(root: string): string {
  return root.split('/').filter((p) => p.length > 0).join('.');
}

/** Marks a name that several other roots define: it resolves to none of them. */
export const AMBIGUOUS = '!';

interface Entry {
  root: string;
  full: string;
}

/** Module names by root, answering "which module does this dotted name mean, imported from that root". */
export class ModuleIndex {
  /** Name within its root → the modules of that name (one per root at most). */
  private readonly local = new Map<string, Entry[]>();
  /** Full name → the module's root. */
  private readonly fullRoot = new Map<string, string>();
  private readonly cache = new Map<string, string>();

  /** `modules[i]` is a full module name, `roots[i]` the dotted prefix of its root. */
  constructor(modules: readonly string[], roots: readonly string[]) {
    modules.forEach((full, i) => {
      const root = roots[i] ?? '';
      this.fullRoot.set(full, root);
      const name = root === '' ? full : full.slice(root.length + 1);
      if (name === '') return;
      const list = this.local.get(name);
      if (!list) this.local.set(name, [{ root, full }]);
      else if (!list.some((e) => e.root === root)) list.push({ root, full });
    });
  }

  /** The root (dotted prefix) of a module given by its full name. */
  rootOf(fullModule: string): string | undefined {
    return this.fullRoot.get(fullModule);
  }

  /**
   * The full qualified name a dotted name refers to when written in a module of `root`: its longest module
   * prefix is looked up in that root, then as a full name of that root (relative imports and a module's own
   * names are full already), then in the other roots where only one has it. A name no root defines comes back
   * unchanged (a library, or a layout the map does not know); a name several other roots define comes back
   * behind AMBIGUOUS, so that nothing matches it.
   */
  canonical(name: string, root: string): string {
    const key = `${root}\0${name}`;
    let found = this.cache.get(key);
    if (found === undefined) {
      found = this.resolve(name, root);
      if (this.cache.size > 200_000) this.cache.clear();
      this.cache.set(key, found);
    }
    return found;
  }

  private resolve(name: string, root: string): string {
    const cuts: number[] = [name.length];
    for (let i = name.lastIndexOf('.'); i > 0; i = name.lastIndexOf('.', i - 1)) cuts.push(i);
    for (const cut of cuts) {
      const own = this.local.get(name.slice(0, cut))?.find((e) => e.root === root);
      if (own) return own.full + name.slice(cut);
    }
    for (const cut of cuts) if (this.fullRoot.get(name.slice(0, cut)) === root) return name;
    for (const cut of cuts) {
      const entries = this.local.get(name.slice(0, cut));
      if (entries) return entries.length === 1 ? entries[0].full + name.slice(cut) : AMBIGUOUS + name;
    }
    return name;
  }
}
