import { describe, expect, it } from 'vitest';
import { configFormat, isLockFile, isMinified } from '../../src/secrets/config.js';
import { analyzeConfig } from '../helpers/analyze.js';

describe('configuration files', () => {
  it.each([
    ['.env', 'env'],
    ['.env.production', 'env'],
    ['prod.env', 'env'],
    ['prod.env.example', 'env'],
    ['setup.cfg', 'ini'],
    ['tox.ini', 'ini'],
    ['nginx.conf', 'ini'],
    ['pyproject.toml', 'toml'],
    ['docker-compose.yml', 'yaml'],
    ['compose.yaml', 'yaml'],
    ['settings.json', 'json'],
    ['Dockerfile', 'dockerfile'],
    ['Dockerfile.prod', 'dockerfile'],
  ])('%s is read as %s', (name, format) => {
    expect(configFormat(name)).toBe(format);
  });

  it.each([['poetry.lock'], ['Pipfile.lock'], ['package-lock.json'], ['uv.lock'], ['pdm.lock'], ['yarn.lock'], ['pnpm-lock.yaml'], ['app.min.json'], ['README.md'], ['app.py'], ['requirements.txt'], ['environment.py'], ['venv'], ['app.environ']])(
    '%s is not read for secrets',
    (name) => {
      expect(configFormat(name)).toBeUndefined();
    },
  );

  it('knows lock files by name', () => {
    expect(isLockFile('poetry.lock')).toBe(true);
    expect(isLockFile('package-lock.json')).toBe(true);
    expect(isLockFile('package.json')).toBe(false);
  });

  it('treats very long lines as generated', () => {
    const minified = `{${Array.from({ length: 400 }, (_, i) => `"k${i}":"v${i}"`).join(',')}}`;
    const readable = minified.replaceAll(',', ',\n');
    expect(isMinified('data.json', minified)).toBe(true);
    expect(isMinified('data.json', readable)).toBe(false);
  });

  it('skips a minified file with a notice and counts it as skipped', () => {
    const text = `{"password": "kraitFixture-Pw-21", ${Array.from({ length: 400 }, (_, i) => `"k${i}":"v${i}"`).join(',')}}`;
    const result = analyzeConfig(text, 'static/data.json', 'json');
    expect(result.analysed).toBe(false);
    expect(result.findings).toEqual([]);
    expect(result.notices.map((n) => [n.kind, n.skipped])).toEqual([['minified', true]]);
  });

  it('points at the value, with line and column, and masks it in the snippet', () => {
    const result = analyzeConfig('# db\nDB_PASSWORD=kraitFixture-Pw-12\n', '.env', 'env');
    expect(result.findings).toHaveLength(1);
    const f = result.findings[0];
    expect(f.ruleId).toBe('K604');
    expect(f.location).toEqual({ path: '.env', startLine: 2, startColumn: 13, endLine: 2, endColumn: 31 });
    expect(f.snippet).toBe(`DB_PASSWORD=krai${'*'.repeat(14)}`);
  });

  it('says where a token was written', () => {
    const token = `npm_${'KRAITFIXTURE'}Wad4PbEODudar5Ugy7NvgV12`;
    const [f] = analyzeConfig(`NPM_TOKEN=${token}\n`, '.env', 'env').findings;
    expect(f.message).toMatch(/^npm access token `npm_…` \(40 characters\) written in a configuration file: /);
  });

  it('honours suppression comments in formats with # comments', () => {
    const result = analyzeConfig('DB_PASSWORD=kraitFixture-Pw-12  # krait: ignore[K604]\n', '.env', 'env');
    expect(result.findings.map((f) => f.suppression?.kind)).toEqual(['krait']);
  });

  it('reports a configuration template one confidence step lower', () => {
    const real = analyzeConfig('SMTP_PASSWORD=kraitFixture-Pw-14\n', 'deploy/.env', 'env');
    const template = analyzeConfig('SMTP_PASSWORD=kraitFixture-Pw-14\n', 'deploy/.env.example', 'env');
    expect(real.findings.map((f) => f.confidence)).toEqual(['medium']);
    expect(template.findings.map((f) => f.confidence)).toEqual(['low']);
  });
});
