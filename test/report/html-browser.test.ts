import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/engine/types.js';
import { renderHtml } from '../../src/report/html.js';
import { makeTree } from '../helpers/cli.js';
import { scanProject } from '../helpers/analyze.js';
import { repoRoot } from './sample.js';

/**
 * The HTML report in a real browser: Debian's Chromium, headless, with no network and a fresh profile. Skipped
 * with a message where Chromium is not installed, except under CI=true, where it must run (.ci/run installs it).
 */
const CHROMIUM = process.env.KRAIT_CHROMIUM ?? '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
const required = process.env.CI === 'true';
if (!available && !required) console.warn(`html-browser: ${CHROMIUM} not found, browser tests skipped (apt-get install chromium)`);

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-html-'));
let browser: BrowserContext;

/** A hostile project: every string the report shows from the code tries to become markup or script. */
const HOSTILE_NAME = '</script><img src=x onerror=window.__pwned=1>.py';
const HOSTILE_FILES: Record<string, string> = {
  [HOSTILE_NAME]: 'import yaml\n\n\ndef f(s):\n    return yaml.load(s + "</script><script>window.__pwned=2</script>")\n',
  'views.py':
    'from flask import request\n\n\ndef view():\n' +
    '    return eval(request.args["q"] + "<img src=x onerror=window.__pwned=3>")  # <a href="javascript:window.__pwned=4">x</a>\n',
};

async function open(file: string): Promise<{ page: Page; violations: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  const violations: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => void d.dismiss());
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto(pathToFileURL(file).href);
  return { page, violations, requests };
}

function write(name: string, result: ScanResult): string {
  const file = path.join(out, name);
  fs.writeFileSync(file, renderHtml(result));
  return file;
}

const visible = (page: Page) => page.locator('.finding:visible').count();

describe.skipIf(!available && !required)('HTML report in headless Chromium', () => {
  beforeAll(async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'krait-chromium-'));
    // A fresh profile (--user-data-dir) for every run.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1200, height: 900 },
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  for (const example of ['flask-app', 'django-project']) {
    it(`shows every finding of examples/${example}, with counts, frames, traces and working filters`, async () => {
      const result = await scanProject(path.join(repoRoot, 'examples', example));
      const reported = result.findings.filter((f) => !f.suppression);
      expect(reported.length).toBeGreaterThan(0);
      const { page, violations, requests } = await open(write(`${example}.html`, result));
      expect(await page.locator('.finding').count()).toBe(result.findings.length);
      expect(await visible(page)).toBe(reported.length);
      expect(await page.locator('#shown').textContent()).toBe(String(reported.length));
      for (const s of ['critical', 'high', 'medium', 'low'] as const) {
        expect(await page.locator(`#count-${s}`).textContent()).toBe(String(reported.filter((f) => f.severity === s).length));
      }
      // Frames and traces: one frame per finding with a snippet, one trace list per finding with a trace.
      expect(await page.locator('.finding .frame').count()).toBe(result.findings.filter((f) => f.snippet).length);
      expect(await page.locator('.finding ol.trace').count()).toBe(result.findings.filter((f) => f.trace?.length).length);
      expect(await page.locator('.finding details.docs').count()).toBe(result.findings.length);

      // Severity filter: unchecking "high" hides exactly the high findings.
      await page.locator('input[name=severity][value=high]').uncheck();
      expect(await visible(page)).toBe(reported.filter((f) => f.severity !== 'high').length);
      await page.locator('input[name=severity][value=high]').check();
      // Rule and file filters.
      const rule = reported[0].ruleId;
      await page.locator('#f-rule').selectOption(rule);
      expect(await visible(page)).toBe(reported.filter((f) => f.ruleId === rule).length);
      await page.locator('#f-rule').selectOption('');
      const file = reported[reported.length - 1].location.path;
      await page.locator('#f-file').selectOption(file);
      expect(await visible(page)).toBe(reported.filter((f) => f.location.path === file).length);
      await page.locator('#f-file').selectOption('');
      await page.locator('#f-text').fill(rule.toLowerCase());
      expect(await visible(page)).toBeGreaterThanOrEqual(reported.filter((f) => f.ruleId === rule).length);
      await page.locator('#f-text').fill('');
      expect(await visible(page)).toBe(reported.length);

      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(out, `${example}.png`), fullPage: false });
      if (process.env.KRAIT_HTML_SCREENSHOT_DIR) fs.copyFileSync(path.join(out, `${example}.png`), path.join(process.env.KRAIT_HTML_SCREENSHOT_DIR, `${example}.png`));
      expect(violations).toEqual([]);
      expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
      await page.close();
    }, 120_000);
  }

  it('escapes a hostile project: no injected element, link or script, the text shown as text', async () => {
    const dir = makeTree(HOSTILE_FILES);
    const result = await scanProject(dir);
    // A dependency advisory whose URL is a javascript: link and whose summary is markup.
    result.findings.push({
      ...result.findings[0],
      ruleId: 'K801',
      ruleName: 'vulnerable-dependency',
      message: 'pkg <b onmouseover=window.__pwned=5>1.0</b> is vulnerable',
      fingerprint: 'x',
      fix: { description: 'upgrade to 1.1' },
      dependency: {
        ecosystem: 'PyPI',
        package: '<svg onload=window.__pwned=6>',
        name: 'pkg',
        version: '1.0',
        fixVersion: '1.1"><script>window.__pwned=7</script>',
        advisories: [{ id: 'GHSA-x', aliases: [], summary: '<iframe src=javascript:window.__pwned=8>', affected: ['<1.1'], fixed: ['1.1'], url: 'javascript:window.__pwned=9' }],
      },
    });
    const names = new Set(result.findings.map((f) => f.location.path));
    expect(names.has(HOSTILE_NAME)).toBe(true);
    const { page, violations } = await open(write('hostile.html', result));
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img, svg, iframe, b, script:not(:last-of-type)').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain(HOSTILE_NAME);
    expect(text).toContain('</script><script>window.__pwned=2</script>');
    expect(text).toContain('javascript:window.__pwned=9');
    // The report's own script ran (the filter wrote the count), so the policy admits it and nothing else.
    expect(await page.locator('#shown').textContent()).toBe(String(result.findings.filter((f) => !f.suppression).length));
    await page.locator('#f-file').selectOption(HOSTILE_NAME);
    expect(await visible(page)).toBe(result.findings.filter((f) => f.location.path === HOSTILE_NAME && !f.suppression).length);
    await page.screenshot({ path: path.join(out, 'hostile.png') });
    if (process.env.KRAIT_HTML_SCREENSHOT_DIR) fs.copyFileSync(path.join(out, 'hostile.png'), path.join(process.env.KRAIT_HTML_SCREENSHOT_DIR, 'hostile.png'));
    expect(violations).toEqual([]);
    await page.close();
  }, 120_000);

  it('blocks a script that escaping would have let through: the policy admits only the report\'s own', async () => {
    const result = await scanProject(makeTree({ 'a.py': 'import yaml\nyaml.load(x)\n' }));
    const html = renderHtml(result).replace('</main>', '<script>window.__pwned = 10</script></main>');
    const file = path.join(out, 'tampered.html');
    fs.writeFileSync(file, html);
    const { page, violations } = await open(file);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(violations.length).toBeGreaterThan(0);
    expect(await page.locator('#shown').textContent()).toBe('1');
    await page.close();
  }, 120_000);
});
