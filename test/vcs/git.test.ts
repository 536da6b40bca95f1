import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff, unquoteGitPath } from '../../src/vcs/git.js';

describe('parseUnifiedDiff', () => {
  it('collects the added lines of each new-side file, skipping deletions', () => {
    const diff = [
      'diff --git a/app.py b/app.py',
      'index 1..2 100644',
      '--- a/app.py',
      '+++ b/app.py',
      '@@ -3 +3,2 @@ def f():',
      '-x',
      '+y',
      '+z',
      '@@ -10,2 +11,0 @@',
      '-gone',
      '-gone',
      '@@ -20,0 +19 @@',
      '+added',
      'diff --git a/old.py b/old.py',
      'deleted file mode 100644',
      '--- a/old.py',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      'diff --git a/x.py b/y.py',
      'similarity index 100%',
      'rename from x.py',
      'rename to y.py',
    ].join('\n');
    const out = parseUnifiedDiff(diff);
    expect([...(out.get('app.py') ?? [])]).toEqual([3, 4, 19]);
    expect(out.has('old.py')).toBe(false);
    // A pure rename has no hunk and so no changed line.
    expect(out.has('y.py')).toBe(false);
  });

  it('reads quoted paths with escapes and UTF-8 octal bytes', () => {
    expect(unquoteGitPath('"b/caf\\303\\251 \\"x\\".py"')).toBe('b/café "x".py');
    expect(unquoteGitPath('b/plain.py')).toBe('b/plain.py');
    const out = parseUnifiedDiff('diff --git a/t b/t\n+++ "b/tab\\there.py"\n@@ -0,0 +1 @@\n+x\n');
    expect([...(out.get('tab\there.py') ?? [])]).toEqual([1]);
  });
});
