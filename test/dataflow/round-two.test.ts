import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../src/rules/registry.js';
import { analyze, scanProject } from '../helpers/analyze.js';
import { makeTree } from '../helpers/cli.js';

const DEFAULT = ALL_RULES.filter((r) => r.meta.defaultEnabled);
const FLASK = 'import os, subprocess\nfrom flask import Flask, request\nfrom settings import BACKUP_DIR\napp = Flask(__name__)\n';

function summary(findings: { ruleId: string; location: { startLine: number }; confidence: string }[]): string[] {
  return findings.map((f) => `${f.location.startLine}:${f.ruleId}:${f.confidence}`).sort();
}

describe('pattern and taint findings on the same sink', () => {
  it('reports a call spread over lines once, with the taint rule', async () => {
    const src = `${FLASK}
@app.route("/a")
def a():
    name = request.args["name"]
    subprocess.call(
        "convert " +
        name,
        shell=True,
    )
    return "ok"
`;
    const r = await analyze(src, { rules: DEFAULT });
    expect(r.findings.map((f) => `${f.location.startLine}:${f.ruleId}`)).toEqual(['9:K702']);
  });

  it('drops a pattern finding to low confidence, and says why, where the taint analysis proved the sink clean', async () => {
    const src = `${FLASK}
@app.route("/b")
def b():
    target = BACKUP_DIR + "/nightly"
    os.system("tar czf /tmp/backup.tgz " + target)
    return "ok"
`;
    const r = await analyze(src, { rules: DEFAULT });
    expect(summary(r.findings)).toEqual(['9:K111:low']);
    expect(r.findings[0].message).toMatch(/taint analysis followed this call .* found no untrusted input/);
  });

  it('keeps the pattern finding as it was where the value comes from a parameter (callers are not all known)', async () => {
    const src = `${FLASK}
def run_backup(target):
    os.system("tar czf /tmp/backup.tgz " + target)
`;
    const r = await analyze(src, { rules: DEFAULT });
    const without = await analyze(src, { rules: DEFAULT.filter((rule) => !rule.taint) });
    expect(summary(r.findings)).toEqual(summary(without.findings));
    expect(summary(r.findings)).toEqual(['7:K111:medium']);
  });

  it('leaves files no web request reaches to the pattern rules alone', async () => {
    const dir = makeTree({
      'web.py': `${FLASK}\n@app.route("/c")\ndef c():\n    return "ok"\n`,
      'tools/cron.py': 'import os\nfrom settings import BACKUP_DIR\n\n\ndef nightly():\n    os.system("tar czf /tmp/b.tgz " + BACKUP_DIR)\n',
    });
    const r = await scanProject(dir, { select: ['K111', 'K7'] });
    expect(r.findings.map((f) => `${f.location.path}:${f.location.startLine}:${f.ruleId}:${f.confidence}`)).toEqual(['tools/cron.py:6:K111:medium']);
  });
});

describe('pattern rules ask the dataflow whether a value is constant', () => {
  it('drops a "non-constant command" finding where every value the name can hold is a constant', async () => {
    const src = `import os, subprocess

COMMANDS = {"full": "tar czf /tmp/all.tgz /srv", "quick": "tar czf /tmp/q.tgz /srv/q"}
PRESETS = {"nightly": "tar czf /tmp/n.tgz /srv"}


def backup(flag):
    if flag:
        cmd = "tar czf /tmp/a.tgz /srv/a"
    else:
        cmd = "tar czf /tmp/b.tgz /srv/b"
    os.system(cmd)
    os.system(PRESETS["nightly"])
    os.system(COMMANDS["full"])


def backup_live(target):
    cmd = "tar czf /tmp/a.tgz " + target
    os.system(cmd)
    COMMANDS["quick"] = target
`;
    const r = await analyze(src, { rules: DEFAULT });
    const keys = r.findings.map((f) => `${f.location.startLine}:${f.ruleId}`).sort();
    // Line 14 reads a dict another function writes to; line 19 runs a parameter.
    expect(keys).toEqual(['14:K111', '19:K111']);
    const patternOnly = await analyze(src, { rules: DEFAULT.filter((rule) => !rule.taint) });
    expect(patternOnly.findings.map((f) => `${f.location.startLine}:${f.ruleId}`).sort()).toEqual(['12:K111', '13:K111', '14:K111', '19:K111']);
  });
});

describe('constants the walk proves: containers filled by statements, folded branches', () => {
  const src = `import os


def filled(expr):
    parts = []
    parts.append("1")
    parts.extend(["+", "2"])
    eval(" ".join(parts))
    more = ["1"]
    more.append(expr)
    eval(" ".join(more))


def keyed(target, key):
    d = {}
    d["cmd"] = "tar czf /tmp/b.tgz /srv"
    os.system(d["cmd"])
    e = {"cmd": "tar czf /tmp/c.tgz /srv"}
    e[key] = "x"
    os.system(e["cmd"])
    f = {}
    f["cmd"] = target
    os.system(f["cmd"])


def folded(target):
    legacy = False
    cmd = "tar czf /tmp/d.tgz /srv"
    if legacy:
        cmd = target
    os.system(cmd)
    live = target.startswith("x")
    other = "tar czf /tmp/e.tgz /srv"
    if live:
        other = target
    os.system(other)


def aliased(expr):
    base = ["1", "+"]
    alias = base
    alias.append(expr)
    eval(" ".join(base))
    rest = ["1"]
    grow(rest)
    eval(" ".join(rest))
`;

  it('drops the pattern finding where every store was a constant under a constant key on a live path', async () => {
    const lines = (fs: { location: { startLine: number }; ruleId: string }[]) =>
      fs.map((f) => `${f.location.startLine}:${f.ruleId}`).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
    const r = await analyze(src, { rules: DEFAULT });
    // Kept: a parameter appended (11), an unknown-key store (20), an entry from a parameter (23), a live branch (36),
    // a constant list changed through an alias (43) or by a function it is passed to (46).
    expect(lines(r.findings)).toEqual(['11:K101', '20:K111', '23:K111', '36:K111', '43:K101', '46:K101']);
    // Without the dataflow the pattern rules report the constant ones too (8, 17, 31).
    const patternOnly = await analyze(src, { rules: DEFAULT.filter((rule) => !rule.taint) });
    expect(lines(patternOnly.findings)).toEqual(expect.arrayContaining(['8:K101', '17:K111', '31:K111']));
  });
});

describe('insecure randomness as data flow', () => {
  it('follows a random value through a helper into a cookie, and the insecure-random pattern gives way on the same line', async () => {
    const src = `import random
from flask import Flask, make_response
app = Flask(__name__)


def new_token():
    return "%032x" % random.getrandbits(128)


@app.post("/login")
def login():
    token = random.random()
    response = make_response("ok")
    response.set_cookie("sid", new_token(), secure=True, httponly=True, samesite="Lax")
    return response
`;
    const r = await analyze(src, { rules: DEFAULT });
    const keys = r.findings.map((f) => `${f.location.startLine}:${f.ruleId}`).sort();
    expect(keys).toEqual(['12:K720', '14:K720']);
    const cookie = r.findings.find((f) => f.location.startLine === 14);
    expect(cookie?.trace?.map((s) => s.location.startLine)).toEqual([7, 14, 14]);
    expect(cookie?.cwe[0]).toBe(330);
  });

  it('never reports request data for K720, nor random values for the injection rules', async () => {
    const src = `import os, random
from flask import Flask, request
app = Flask(__name__)


@app.post("/x")
def x():
    token = request.form["token"]
    os.system("echo %d" % random.randint(1, 6))
    return {"token": token}
`;
    const r = await analyze(src, { rules: ALL_RULES.filter((rule) => rule.taint) });
    expect(r.findings.map((f) => f.ruleId)).toEqual([]);
  });
});

describe('a parser made on one line and used on another (K212 and the taint verdict on its parse calls)', () => {
  const XML = 'from lxml import etree\nfrom flask import Flask, request\napp = Flask(__name__)\nALLOWED = {"a", "b"}\n';

  it('gives way to the taint finding when request data reaches the parse call', async () => {
    const src = `${XML}
@app.route("/x", methods=["POST"])
def x():
    parser = etree.XMLParser(resolve_entities=True)
    doc = etree.fromstring(request.get_data(), parser=parser)
    return str(len(doc))
`;
    const r = await analyze(src, { rules: DEFAULT });
    expect(summary(r.findings).filter((k) => /K21\d|K71\d/.test(k))).toEqual(['9:K713:high']);
  });

  it('is no finding when the parse call only ever sees constant XML', async () => {
    const src = `${XML}
@app.route("/y")
def y():
    body = b"<config><mode>fast</mode></config>"
    parser = etree.XMLParser(resolve_entities=True)
    doc = etree.fromstring(body, parser)
    return str(len(doc))
`;
    const r = await analyze(src, { rules: DEFAULT });
    expect(summary(r.findings).filter((k) => /K21\d|K71\d/.test(k))).toEqual([]);
  });

  it('drops to low confidence where the taint analysis followed the parse call and found no input', async () => {
    const src = `${XML}
@app.route("/z", methods=["POST"])
def z():
    body = request.get_data(as_text=True)
    if body not in ALLOWED:
        return "no"
    parser = etree.XMLParser(resolve_entities=True)
    doc = etree.fromstring(body.encode(), parser)
    return str(len(doc))
`;
    const r = await analyze(src, { rules: DEFAULT });
    expect(summary(r.findings).filter((k) => /K21\d|K71\d/.test(k))).toEqual(['11:K212:low']);
  });

  it('keeps its own verdict when the parser also goes elsewhere (the near miss)', async () => {
    const src = `${XML}
PARSERS = []


@app.route("/w")
def w():
    body = "<config/>"
    parser = etree.XMLParser(resolve_entities=True)
    PARSERS.append(parser)
    doc = etree.fromstring(body.encode(), parser)
    return str(len(doc))
`;
    const r = await analyze(src, { rules: DEFAULT });
    expect(summary(r.findings).filter((k) => /K21\d|K71\d/.test(k))).toEqual(['12:K212:medium']);
  });
});

describe('class bases that name their own class', () => {
  it('scans a class whose base, written through its module, resolves to the class itself', async () => {
    // `class Form(mod.Form)` in pkg/mod.py with `import mod`: the base `mod.Form` is the class itself by suffix.
    const dir = makeTree({
      'pkg/__init__.py': '',
      'pkg/mod.py': 'import mod\n\n\nclass Form(mod.Form):\n    pass\n',
      'pkg/web.py':
        'import os\nfrom flask import Flask, request\nfrom pkg.mod import Form\napp = Flask(__name__)\n\n\n' +
        '@app.route("/x")\ndef x():\n    f = Form(request.form)\n    os.system(f.name)\n    return "ok"\n',
    });
    const r = await scanProject(dir, { select: ['K7'] });
    expect(r.findings.map((f) => `${f.location.path}:${f.location.startLine}:${f.ruleId}`)).toEqual(['pkg/web.py:10:K702']);
  });
});
