import { describe, expect, it } from 'vitest';
import { classifyBound, findTokens, isTemplatePath, isTestPath } from '../../src/secrets/detect.js';
import { looksRandom, shannonEntropy } from '../../src/secrets/entropy.js';
import { ALL_RULES } from '../../src/rules/registry.js';
import { analyze } from '../helpers/analyze.js';

const SECRET_RULES = ALL_RULES.filter((r) => r.meta.id.startsWith('K6'));

// Fake tokens, assembled here so that no file holds a token-shaped literal outside the fixtures.
const GHP = `ghp_${'KRAITFIXTURE'}OxpMBtwLhfG4RHmhMQrtUmyE`;
const AWS_ID = 'AKIAKRAITFIXF7QCAJ6X';
const AWS_SECRET = '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';

async function findings(source: string, relPath = 'app/settings.py') {
  const r = await analyze(source, { relPath, rules: SECRET_RULES });
  return r.findings.map((f) => ({ id: f.ruleId, line: f.location.startLine, confidence: f.confidence, message: f.message }));
}

describe('token detection', () => {
  it('labels what it found and where the secret is', () => {
    const text = `x = "${GHP}"`;
    const [hit] = findTokens(text);
    expect(hit.label).toBe('GitHub token');
    expect(text.slice(hit.secret.start, hit.secret.end)).toBe(GHP);
  });

  it('redacts only the key of an Azure connection string and the secret part of a Slack webhook', () => {
    const key = `KRAITFIXTURE${'l3gA4ICh9GIUM2Vm1uJhOhkoh43lwHTaiINSXZjoK/5GNEbgWtCLbnHrpdZG+BiJwrtmdBP18+'}==`;
    const azure = `DefaultEndpointsProtocol=https;AccountName=kraitfixture;AccountKey=${key};EndpointSuffix=core.windows.net`;
    const [a] = findTokens(azure);
    expect(azure.slice(a.secret.start, a.secret.end)).toBe(key);
    const hook = 'https://hooks.slack.com/services/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';
    const [h] = findTokens(hook);
    expect(hook.slice(h.secret.start, h.secret.end)).toBe('KRAITFIXTUREj8rNaBZYZ0HF');
  });

  it('reports tokens in strings and comments, not in identifiers or code', async () => {
    expect(await findings(`a = "${GHP}"\n# ${GHP}\n`)).toMatchObject([
      { id: 'K601', line: 1 },
      { id: 'K601', line: 2 },
    ]);
    expect(await findings(`${GHP} = 1\nprint(${GHP})\n`)).toEqual([]);
  });

  it('pairs an AWS secret key with the access key id near it, and leaves a lone 40-character string alone', async () => {
    const paired = await findings(`KEY_ID = "${AWS_ID}"\nSECRET = "${AWS_SECRET}"\n`);
    expect(paired.map((f) => [f.id, f.line, f.confidence])).toEqual([
      ['K601', 1, 'high'],
      ['K601', 2, 'high'],
    ]);
    expect(paired[0].message).toContain('its secret access key is on line 2');
    expect(paired[1].message).toContain('paired with the access key id on line 1');
    const far = await findings(`KEY_ID = "${AWS_ID}"\n${'\n'.repeat(10)}VALUE = "${AWS_SECRET}"\n`);
    expect(far.map((f) => f.line)).toEqual([1]);
    expect(await findings(`VALUE = "${AWS_SECRET}"\n`)).toEqual([]);
    expect((await findings(`aws_secret_access_key = "${AWS_SECRET}"\n`)).map((f) => [f.id, f.confidence])).toEqual([['K601', 'high']]);
  });

  it('reports test code one confidence step lower, not dropped', async () => {
    const source = `TOKEN = "${GHP}"\npassword = "kraitFixturePw11"\n`;
    expect((await findings(source)).map((f) => f.confidence)).toEqual(['high', 'medium']);
    for (const path of ['tests/test_api.py', 'app/tests/helpers.py', 'test_api.py', 'api_test.py', 'conftest.py', 'fixtures/data.py']) {
      expect((await findings(source, path)).map((f) => f.confidence)).toEqual(['medium', 'low']);
    }
  });

  it('knows test and template paths', () => {
    expect(isTestPath('pkg/tests/x.py')).toBe(true);
    expect(isTestPath('pkg/testing_utils.py')).toBe(false);
    expect(isTestPath('pkg/contest.py')).toBe(false);
    expect(isTemplatePath('.env.example')).toBe(true);
    expect(isTemplatePath('config.sample.yaml')).toBe(true);
    expect(isTemplatePath('.env')).toBe(false);
  });

  it('grades private keys, JWTs and URLs', async () => {
    const body = 'MIIEpAIBAAKCAQEAkraitFixturef2djkpym9Qx4AbCPBLtadLnZBA0/l3vrzK1M';
    expect((await findings(`K = "-----BEGIN RSA PRIVATE KEY-----\\n${body}\\n"\n`))[0]).toMatchObject({ id: 'K602', confidence: 'high' });
    expect((await findings(`K = "-----BEGIN ENCRYPTED PRIVATE KEY-----\\n${body}\\n"\n`))[0]).toMatchObject({ id: 'K602', confidence: 'medium' });
    const none = 'eyJhbGciOiAibm9uZSJ9.eyJzdWIiOiAia3JhaXQtZml4dHVyZSJ9.';
    expect((await findings(`T = "${none}"\n`))[0]).toMatchObject({ id: 'K606', confidence: 'low' });
    expect((await findings('U = "postgres://app:Xq7-kraitFixture-pw@db.internal.lan/app"\n'))[0]).toMatchObject({ id: 'K603', confidence: 'high' });
    expect((await findings('U = "postgres://app:Xq7-kraitFixture-pw@localhost/app"\n'))[0]).toMatchObject({ id: 'K603', confidence: 'medium' });
  });

  it('grades passwords by how they are bound', async () => {
    const graded = await findings('password = "kraitFixturePw1"\nconnect(password="kraitFixturePw2")\ndef f(password="kraitFixturePw3"): pass\nif password == "kraitFixturePw4": pass\n');
    expect(graded.map((f) => [f.id, f.confidence])).toEqual([
      ['K604', 'medium'],
      ['K604', 'medium'],
      ['K604', 'low'],
      ['K604', 'low'],
    ]);
    expect(graded[1].message).toContain('passed as `password=`');
    expect(graded[2].message).toContain('default of parameter `password`');
    const pair = await findings('requests.get(u, auth=("app", "kraitFixturePw5"))\n');
    expect(pair.map((f) => [f.id, f.confidence])).toEqual([['K604', 'medium']]);
    expect(pair[0].message).toContain('as the password of `auth=(user, password)`');
  });
});

describe('entropy', () => {
  it('measures bits per character', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
  });

  it('tells generated values from words and identifiers', () => {
    expect(looksRandom('kFSzQcCnmtoVBxWdP6uxUwzBwHA1sYjM')).toBe(true);
    expect(looksRandom('86e504278e06911fc3ba490848a2b3079662d0ba')).toBe(true);
    expect(looksRandom('AbCdEfGhIjKlMnOpQrStUvWx')).toBe(false);
    expect(looksRandom('my-application-name')).toBe(false);
    expect(looksRandom('short1Ab')).toBe(false);
    expect(looksRandom('with spaces 1234567890 abcdef')).toBe(false);
  });

  it('needs a secret name and a random value', () => {
    const span = { start: 0, end: 1 };
    const value = 'kFSzQcCnmtoVBxWdP6uxUwzBwHA1sYjM';
    expect(classifyBound({ name: 'client_secret', value, span, binding: 'assigned' })).toMatchObject({ kind: 'entropy', confidence: 'medium' });
    expect(classifyBound({ name: 'token', value, span, binding: 'assigned' })).toMatchObject({ kind: 'entropy', confidence: 'low' });
    expect(classifyBound({ name: 'request_id', value, span, binding: 'assigned' })).toBeUndefined();
    expect(classifyBound({ name: 'client_secret', value: 'application-name', span, binding: 'assigned' })).toBeUndefined();
    expect(classifyBound({ name: 'HEROKU_API_KEY', value: '8c2f1a7e-3b9d-4e6f-a1c5-d7e9b0f3a2c4', span, binding: 'setting' })).toMatchObject({ kind: 'provider', label: 'Heroku API key' });
  });
});
