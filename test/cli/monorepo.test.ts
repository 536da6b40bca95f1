import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnnotations } from '../helpers/annotations.js';
import { repoRoot, runCli } from '../helpers/cli.js';

// A service (`shop`) and a second one (`billing`) with the same module names: `app/views.py`, `app/utils.py`,
// `app/settings.py`. billing's `clean_sku`, `label` and `run_report` do something else than shop's, so a shop
// import answered by billing's module changes shop's findings.
const FIXTURES = path.join(repoRoot, 'test/fixtures/monorepo');

interface Report {
  findings: { ruleId: string; message: string; confidence: string; location: { path: string; startLine: number; startColumn: number }; trace?: { location: { path: string; startLine: number }; message: string }[] }[];
}

function workspace(layout: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'krait-monorepo-')));
  for (const [to, from] of Object.entries(layout)) fs.cpSync(path.join(FIXTURES, from), path.join(dir, to), { recursive: true });
  return dir;
}

/** The findings under `prefix`, with the prefix taken off every path, as comparable lines. */
function findingsUnder(dir: string, prefix: string, extra: string[] = []): string[] {
  const r = runCli(['scan', '.', '--select', 'K7', '--format', 'json', '--no-deps', '--exit-zero', ...extra], { cwd: dir });
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as Report;
  const strip = (p: string) => p.slice(prefix.length);
  return report.findings
    .filter((f) => f.location.path.startsWith(prefix))
    .map((f) => {
      const trace = (f.trace ?? []).map((s) => `${strip(s.location.path)}:${s.location.startLine} ${s.message}`).join(' > ');
      return `${strip(f.location.path)}:${f.location.startLine}:${f.location.startColumn} ${f.ruleId} ${f.confidence} ${f.message.split(prefix).join('')} | ${trace}`;
    });
}

/** "relPath:line:ID" for every `# expect:` annotation of the shop service. */
function shopAnnotations(): string[] {
  const out: string[] = [];
  const root = path.join(FIXTURES, 'shop');
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.py')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const rel = path.relative(root, file).split(path.sep).join('/');
    for (const key of parseAnnotations(fs.readFileSync(file, 'utf8')).expected) out.push(`${rel}:${key}`);
  }
  return out.sort();
}

const keyOf = (line: string) => {
  const [where, id] = line.split(' ');
  const [file, row] = where.split(':');
  return `${file}:${row}:${id}`;
};

describe('monorepo: a service gives the same findings whatever is scanned beside it', () => {
  const alone = findingsUnder(workspace({ shop: 'shop' }), 'shop/');

  it('scanned alone, the service shows exactly its annotated flows', () => {
    expect(alone.map(keyOf).sort()).toEqual(shopAnnotations());
  });

  it('beside a renamed copy of itself', () => {
    const dir = workspace({ shop: 'shop', shop_copy: 'shop' });
    expect(findingsUnder(dir, 'shop/')).toEqual(alone);
    expect(findingsUnder(dir, 'shop_copy/')).toEqual(alone);
  });

  it('beside a second service with the same module names', () => {
    expect(findingsUnder(workspace({ shop: 'shop', billing: 'billing' }), 'shop/')).toEqual(alone);
  });

  it('in a src/ layout beside the second service', () => {
    const dir = workspace({ 'services/shop/src': 'shop', 'services/billing': 'billing' });
    fs.renameSync(path.join(dir, 'services/shop/src/pyproject.toml'), path.join(dir, 'services/shop/pyproject.toml'));
    const moved = findingsUnder(dir, 'services/shop/src/');
    expect(moved).toEqual(alone);
  });

  it('with namespace packages placed by configured source-roots', () => {
    const dir = workspace({ 'svc/shop': 'shop', 'svc/billing': 'billing' });
    for (const s of ['shop', 'billing']) fs.rmSync(path.join(dir, 'svc', s, 'app/__init__.py'));
    fs.rmSync(path.join(dir, 'svc/shop/pyproject.toml'));
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.krait]\nsource-roots = ["svc/shop", "svc/billing"]\n');
    expect(findingsUnder(dir, 'svc/shop/')).toEqual(alone);
  });

  it('rejects source-roots that are not a list of paths, in one line with exit status 2', () => {
    const dir = workspace({ shop: 'shop' });
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.krait]\nsource-roots = "shop"\n');
    const r = runCli(['scan', '.', '--no-deps'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/source-roots/);
  });
});
