import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../src/rules/registry.js';
import { analyze } from '../helpers/analyze.js';

/** Findings of one rule as "line:confidence", to check how sure each one is, not only that it is there. */
async function confidences(id: string, source: string, relPath = 'app/module.py'): Promise<string[]> {
  const rules = ALL_RULES.filter((r) => r.meta.id === id);
  const result = await analyze(source, { relPath, rules });
  return result.findings.map((f) => `${f.location.startLine}:${f.confidence}`);
}

describe('confidence of the noisy cases the noise benchmark measured', () => {
  it('K301: high when the digest is compared, low when it leaves the function unseen or a protocol mandates it', async () => {
    const source = [
      'import hashlib',
      'def check(data, expected):',
      '    return hashlib.md5(data).hexdigest() == expected',
      'def leaves(data):',
      '    return hashlib.md5(data).hexdigest()',
      'class WsseAuth:',
      '    def header(self, nonce, created, password):',
      '        digest = hashlib.sha1(nonce + created + password).digest()',
      '        return {"X-WSSE": \'UsernameToken PasswordDigest="%s"\' % digest}',
    ].join('\n');
    expect(await confidences('K301', source)).toEqual(['3:high', '5:low', '8:low']);
    const result = await analyze(source, { relPath: 'app/module.py', rules: ALL_RULES.filter((r) => r.meta.id === 'K301') });
    expect(result.findings[2]?.message).toMatch(/mandated here by WS-Security/);
  });

  it('K301: a top-level helper is judged by the protocol of the code that calls it', async () => {
    const helper = [
      'import hashlib',
      'def _token_digest(nonce, created, password):',
      '    return hashlib.sha1(nonce + created + password).digest()',
    ];
    const wsse = [...helper, 'class Wsse:', '    def header(self, n, c, p):', '        return {"X-WSSE": _token_digest(n, c, p)}'];
    const plain = [...helper, 'class Plain:', '    def header(self, n, c, p):', '        return {"X-Token": _token_digest(n, c, p)}'];
    expect(await confidences('K301', wsse.join('\n'))).toEqual(['3:low']);
    expect(await confidences('K301', plain.join('\n'))).toEqual(['3:high']);
  });

  it('K301: a token fed to a PyCryptodome or cryptography hash object protects something; other data leaves unseen', async () => {
    const source = [
      'from Crypto.Hash import MD5',
      'from cryptography.hazmat.primitives import hashes',
      'def a(token):',
      '    h = MD5.new()',
      '    h.update(token.encode())',
      '    return h.hexdigest()',
      'def b(reset_token):',
      '    digest = hashes.Hash(hashes.MD5())',
      '    digest.update(reset_token)',
      '    return digest.finalize()',
      'def c(body):',
      '    digest = hashes.Hash(hashes.MD5())',
      '    digest.update(body)',
      '    return digest.finalize()',
      'def d(token_count):',
      '    return MD5.new(str(token_count).encode()).hexdigest()',
    ].join('\n');
    expect(await confidences('K301', source)).toEqual(['4:high', '8:high', '12:low', '16:low']);
  });

  it('K301: HMAC over MD5 is medium, HMAC-SHA1 is not reported, a mandated CRAM-MD5 is low', async () => {
    const source = [
      'import hashlib, hmac',
      'def sign(key, payload):',
      '    return hmac.new(key, payload, hashlib.md5).hexdigest()',
      'def sign_sha1(key, payload):',
      '    return hmac.new(key, payload, hashlib.sha1).hexdigest()',
      'class Client:',
      '    def login(self, password, challenge):',
      '        self.send("AUTH CRAM-MD5")',
      '        return hmac.HMAC(password, challenge, "md5").hexdigest()',
    ].join('\n');
    expect(await confidences('K301', source)).toEqual(['3:medium', '9:low']);
  });

  it('K301: test code is low confidence', async () => {
    const source = 'import hashlib\ndef check(data, expected):\n    return hashlib.md5(data).hexdigest() == expected\n';
    expect(await confidences('K301', source, 'tests/test_x.py')).toEqual(['3:low']);
  });

  it('K920: low confidence without a security check in the try block, medium severity with one', async () => {
    const source = [
      'def a(path):',
      '    try:',
      '        load(path)',
      '    except Exception:',
      '        pass',
      'def b(token):',
      '    try:',
      '        verify_signature(token)',
      '    except Exception:',
      '        pass',
    ].join('\n');
    expect(await confidences('K920', source)).toEqual(['4:low', '9:high']);
  });

  it('K202: test code is low confidence, application code is not', async () => {
    const source = 'import pickle\ndef f(blob):\n    return pickle.loads(blob)\n';
    expect(await confidences('K202', source, 'tests/test_cache.py')).toEqual(['3:low']);
    expect(await confidences('K202', source, 'app/cache.py')).toEqual(['3:medium']);
  });
});

describe('credentials in URLs in documentation', () => {
  it('K603: a docstring example is low confidence, the same URL in code is not', async () => {
    const source = [
      'def connect():',
      '    """Connect with create_engine("postgresql://scott:kraitDocPw77@db.internal.lan/test")."""',
      'URL = "postgresql://scott:kraitDocPw77@db.internal.lan/test"',
    ].join('\n');
    expect(await confidences('K603', source)).toEqual(['2:low', '3:high']);
  });
  it('K120: an administrative statement from configuration is low confidence, from a request or a view argument medium', async () => {
    const source = [
      'def create_db(cfg, conn, ident):',
      '    conn.exec_driver_sql("CREATE DATABASE %s" % ident)',
      '    conn.exec_driver_sql("pragma key=\'%s\'" % cfg.password)',
      'def view(request, name):',
      '    cursor.execute("CREATE USER %s" % request.POST["user"])',
      '    cursor.execute("DROP DATABASE %s" % name)',
      'def report(cursor, name):',
      '    cursor.execute("SELECT * FROM %s" % name)',
    ].join('\n');
    expect(await confidences('K120', source)).toEqual(['2:low', '3:low', '5:medium', '6:medium', '8:medium']);
    const result = await analyze(source, { relPath: 'app/module.py', rules: ALL_RULES.filter((r) => r.meta.id === 'K120') });
    expect(result.findings[0]?.message).toMatch(/administrative statement \(CREATE DATABASE\)/);
  });
  it('K102: a template defining a function is low confidence, the same template filled from a request medium', async () => {
    const source = [
      'SETTER = "def set(obj, value):\\n    obj.%s = value\\n"',
      'def attrsetter(attrname):',
      '    exec(SETTER % attrname, {})',
      'def view(request):',
      '    exec(SETTER % request.args["attr"], {})',
      'def run(code):',
      '    exec("result = " + code, {})',
      'def _exec_in_env(code, env):',
      '    exec(code, env)',
      'def attrgetter(attrname):',
      '    return _exec_in_env(SETTER % attrname, {})',
    ].join('\n');
    expect(await confidences('K102', source)).toEqual(['3:low', '5:medium', '7:medium', '9:low']);
  });
});
