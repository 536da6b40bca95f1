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

  it('K202: a module that reads back the pickles it writes (a cache of its own) is low; one that only reads is medium', async () => {
    const cache = [
      'import pickle',
      'class FileCache:',
      '    def set(self, key, value):',
      '        with open(self.path(key), "wb") as f:',
      '            pickle.dump(value, f)',
      '    def get(self, key):',
      '        with open(self.path(key), "rb") as f:',
      '            return pickle.load(f)',
    ].join('\n');
    expect(await confidences('K202', cache)).toEqual(['8:low']);
    const codec = ['import pickle', 'class PickleSerializer:', '    def dumps(self, obj):', '        return pickle.dumps(obj)', '    def loads(self, data):', '        return pickle.loads(data)'];
    expect(await confidences('K202', codec.join('\n'))).toEqual(['6:medium']);
    const reader = cache.split('\n').filter((_, i) => i < 2 || i > 4).join('\n');
    expect(await confidences('K202', reader)).toEqual(['5:medium']);
  });

  it('K203: marshal read back by the module that writes it is low; marshal read alone is medium', async () => {
    const cache = ['import marshal', 'def save(path, code):', '    marshal.dump(code, open(path, "wb"))', 'def load(path):', '    return marshal.load(open(path, "rb"))'].join('\n');
    expect(await confidences('K203', cache)).toEqual(['5:low']);
    expect(await confidences('K203', ['import marshal', 'def load(f):', '    return marshal.load(f)'].join('\n'))).toEqual(['3:medium']);
  });
});

describe('legacy password hashing a library keeps for compatibility', () => {
  it('K308: a hasher class implementing the named algorithm is low; an application class hashing passwords is high', async () => {
    const source = [
      'import hashlib',
      'class SHA1PasswordHasher:',
      '    algorithm = "sha1"',
      '    def encode(self, password, salt):',
      '        return hashlib.sha1((salt + password).encode()).hexdigest()',
      'class UnsaltedMD5PasswordHasher:',
      '    algorithm = "unsalted_md5"',
      '    def encode(self, password, salt):',
      '        return hashlib.md5(password.encode()).hexdigest()',
      'class SaltedHasher:',
      '    algorithm = "pbkdf2_sha256"',
      '    def encode(self, password, salt):',
      '        return hashlib.sha1(password.encode()).hexdigest()',
      'class Account:',
      '    def set_password(self, password):',
      '        self.hash = hashlib.sha1(password.encode()).hexdigest()',
    ].join('\n');
    expect(await confidences('K308', source)).toEqual(['5:low', '9:low', '13:high', '16:high']);
  });

  it('K308: a protocol that fixes the digest (APOP, encrypted PEM keys) is low, the same hash elsewhere is high', async () => {
    const apop = [
      'from hashlib import md5',
      'class Client:',
      '    def apop(self, user, password, magic):',
      '        digest = md5(magic + password).hexdigest()',
      '        self.send(b"APOP " + user + b" " + digest.encode())',
      'class Plain:',
      '    def login(self, user, password, magic):',
      '        digest = md5(magic + password).hexdigest()',
      '        self.send(b"LOGIN " + user + b" " + digest.encode())',
    ].join('\n');
    expect(await confidences('K308', apop)).toEqual(['4:low', '8:high']);
    const pem = [
      'from hashlib import md5',
      'class Key:',
      '    def decrypt(self, lines, passphrase, iv):',
      '        if lines[1].startswith(b"Proc-Type: 4,ENCRYPTED") and lines[2].startswith(b"DEK-Info"):',
      '            return md5(passphrase + iv[:8]).digest()',
    ].join('\n');
    expect(await confidences('K308', pem)).toEqual(['5:low']);
  });

  it('K302: a cipher an encrypted PEM key fixes is low; the same cipher in other code is high', async () => {
    const source = [
      'from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes',
      'class Key:',
      '    def write_pem(self, key, iv):',
      '        lines = [b"Proc-Type: 4,ENCRYPTED", b"DEK-Info: DES-EDE3-CBC," + iv.hex().encode()]',
      '        return lines, Cipher(algorithms.TripleDES(key), modes.CBC(iv)).encryptor()',
      'def seal(key, iv):',
      '    return Cipher(algorithms.TripleDES(key), modes.CBC(iv)).encryptor()',
    ].join('\n');
    expect(await confidences('K302', source)).toEqual(['5:low', '7:high']);
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

describe('K517 in a framework\'s own code', () => {
  it('an exception class the module defines is a response only when a base is one', async () => {
    const source = [
      'from urllib.parse import parse_qs',
      'from tornado.web import HTTPError',
      'class HTTPInputError(Exception):',
      '    pass',
      'class HTTPTeapot(HTTPError):',
      '    pass',
      'def parse(body, arguments):',
      '    try:',
      '        arguments.update(parse_qs(body, strict_parsing=True))',
      '    except Exception as e:',
      '        raise HTTPInputError("Invalid body: %s" % e) from e',
      'def parse_teapot(body, arguments):',
      '    try:',
      '        arguments.update(parse_qs(body, strict_parsing=True))',
      '    except Exception as e:',
      '        raise HTTPTeapot("Invalid body: %s" % e) from e',
      'def parse_framework_error(body, arguments):',
      '    try:',
      '        arguments.update(parse_qs(body, strict_parsing=True))',
      '    except Exception as e:',
      '        raise HTTPError(400, "Invalid body: %s" % e) from e',
    ].join('\n');
    // Outside a view the confidence is one step lower: medium for a broad `except Exception`.
    expect(await confidences('K517', source, 'tornado/httputil.py')).toEqual(['16:medium', '21:medium']);
  });
});
