import { describe, expect, it } from 'vitest';
import { analyze } from '../helpers/analyze.js';

/** Findings as "line:ID:confidence", to compare the same source scanned under different paths. */
async function rated(source: string, relPath: string): Promise<string[]> {
  const result = await analyze(source, { relPath });
  return result.findings.map((f) => `${f.location.startLine}:${f.ruleId}:${f.confidence}`).sort();
}

const SOURCE = [
  'import requests, tempfile',
  'def fetch(url):',
  '    return requests.get(url, verify=False, timeout=5)',
  'def scratch():',
  '    return tempfile.mktemp()',
].join('\n');

const KEY = [
  'KEY = """-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQABAoIBAQCe',
  '-----END RSA PRIVATE KEY-----"""',
].join('\n');

describe('findings in test code', () => {
  it('are low confidence, whatever the rule found, while the same code elsewhere keeps its confidence', async () => {
    const app = await rated(SOURCE, 'myapp/client.py');
    // The check below needs findings above low in application code, or it could not fail.
    expect(app.filter((k) => !k.endsWith(':low')).length).toBeGreaterThan(0);
    const lowered = app.map((k) => k.replace(/:(high|medium)$/, ':low'));
    for (const path of ['tests/test_client.py', 'myapp/tests/helpers.py', 'client_test.py', 'myapp/tests.py', 'conftest.py']) {
      expect(await rated(SOURCE, path), path).toEqual(lowered);
    }
  });

  it('keeps its confidence in a sample application that a test suite scans (fixtures are application code)', async () => {
    expect(await rated(SOURCE, 'tests/fixtures/app/client.py')).toEqual(await rated(SOURCE, 'myapp/client.py'));
  });

  it('leaves the secret rules their own judgement: a private key committed in a test is a leak all the same', async () => {
    // The secret detectors rate a key in test code themselves (one step lower); the engine does not lower it again.
    const inTest = (await rated(KEY, 'tests/test_keys.py')).filter((k) => k.includes(':K602:'));
    expect(inTest).toHaveLength(1);
    expect(inTest[0]).not.toMatch(/:low$/);
  });
});
