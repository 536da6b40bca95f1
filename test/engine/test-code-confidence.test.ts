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

const GHP = `ghp_${'KRAITFIXTURE'}OxpMBtwLhfG4RHmhMQrtUmyE`;

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

  it('rates a private key in test code low as a fixture key, while a provider token there keeps the secret rules\' own step', async () => {
    const result = await analyze(`${KEY}\nTOKEN = "${GHP}"\n`, { relPath: 'tests/test_keys.py' });
    const key = result.findings.filter((f) => f.ruleId === 'K602');
    expect(key.map((f) => f.confidence)).toEqual(['low']);
    expect(key[0].message).toContain('a test fixture key that protects nothing');
    // Near-miss: a token names an account that may be real; the detectors lower it one step only (high to medium).
    expect((await rated(`TOKEN = "${GHP}"\n`, 'tests/test_keys.py')).map((k) => k.replace(/^\d+:/, ''))).toEqual(['K601:medium']);
    // The same key in application code keeps its confidence.
    expect((await rated(KEY, 'myapp/keys.py')).filter((k) => k.includes(':K602:'))).toEqual(['1:K602:high']);
  });
});
