import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../src/rules/registry.js';
import { makeTree } from '../helpers/cli.js';
import { analyze, scanProject } from '../helpers/analyze.js';

const TAINT = ALL_RULES.filter((r) => r.taint);
const TAINT_IDS = TAINT.map((r) => r.meta.id);
const DEFAULT = ALL_RULES.filter((r) => r.meta.defaultEnabled);

async function keys(source: string): Promise<string[]> {
  const r = await analyze(source, { rules: TAINT });
  return r.findings.map((f) => `${f.location.startLine}:${f.ruleId}`).sort();
}

const FLASK = 'import os, sqlite3, subprocess, html, shlex\nfrom flask import Flask, request, redirect\napp = Flask(__name__)\n';

describe('taint inside one function', () => {
  it('follows assignments, string building and containers, and stops at a constant overwrite', async () => {
    const src = `${FLASK}
@app.route("/a")
def a():
    q = request.args["q"]
    parts = [q.strip()]
    sql = "SELECT " + ", ".join(parts)
    os.system(f"echo {sql[1:]}")
    q = "constant"
    os.system(q)
    return "ok"
`;
    expect(await keys(src)).toEqual(['10:K702']);
  });

  it('skips dead constant branches and follows live ones', async () => {
    const src = `${FLASK}
@app.route("/b")
def b():
    v = request.args["v"]
    if False:
        os.system(v)
    if 1 == 2:
        os.system(v)
    if True:
        os.popen(v)
    return "ok"
`;
    expect(await keys(src)).toEqual(['13:K702']);
  });

  it('follows tuple unpacking, the walrus, comprehensions, with and loops', async () => {
    const src = `${FLASK}
@app.route("/c")
def c():
    a, b = request.args["a"], "safe"
    os.system(b)
    os.system(a)
    if (n := request.args.get("n")):
        eval(n)
    cmds = [x.upper() for x in request.args.getlist("x")]
    for cmd in cmds:
        subprocess.run(cmd, shell=True)
    with open(request.args["p"]) as fh:
        eval(fh.name)
    return "ok"
`;
    // `fh` is the file object, not the path: eval(fh.name) is not reported.
    expect(await keys(src)).toEqual(['11:K704', '14:K702', '15:K705', '9:K702']);
  });

  it('stops at sanitizers, per rule where the sanitizer is specific', async () => {
    const src = `${FLASK}
@app.route("/d")
def d():
    n = int(request.args["n"])
    os.system(f"seq {n}")
    e = html.escape(request.args["e"])
    os.system("echo " + e)
    s = shlex.quote(request.args["s"])
    os.system("echo " + s)
    return "<p>" + e + "</p>"
`;
    // html.escape protects HTML, not the shell; shlex.quote protects the shell.
    expect(await keys(src)).toEqual(['10:K702']);
  });

  it('honours an allow-list, a real-path prefix check and a safe-URL check as guards', async () => {
    const src = `${FLASK}
ALLOWED = {"a.txt", "b.txt"}
BASE = "/srv/files"

@app.route("/e")
def e():
    name = request.args["name"]
    if name in ALLOWED:
        open(name)
    full = os.path.realpath(os.path.join(BASE, name))
    if not full.startswith(BASE):
        return "no"
    open(full)
    open(name)
    return redirect(request.args["next"])
`;
    expect(await keys(src)).toEqual(['17:K705', '18:K709']);
  });
  it('remembers a guard held in a variable', async () => {
    const src = `from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def login_done(request):
    nxt = request.GET.get("next", "/")
    ok = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})
    if not ok:
        return redirect(request.GET["back"])
    return redirect(nxt)
`;
    expect(await keys(src)).toEqual(['9:K709']);
  });
});

describe('taint across functions and modules', () => {
  it('follows helpers in other modules, methods, attributes set in one method and read in another', async () => {
    const dir = makeTree({
      'app.py': `from flask import Flask, request
from helpers import build, Runner
app = Flask(__name__)

@app.route("/x")
def x():
    runner = Runner(build(request.args["q"]))
    runner.go()
    return "ok"
`,
      'helpers.py': `import os


def build(term):
    return "grep " + term


class Runner:
    def __init__(self, command):
        self.command = command

    def go(self):
        os.system(self.command)
`,
    });
    const result = await scanProject(dir, { select: TAINT_IDS });
    const found = result.findings.map((f) => `${f.location.path}:${f.location.startLine}:${f.ruleId}`);
    expect(found).toEqual(['helpers.py:13:K702']);
    const trace = result.findings[0].trace ?? [];
    expect(trace[0]).toMatchObject({ location: { path: 'app.py', startLine: 7 }, message: 'source: flask.request.args' });
    expect(trace.at(-1)).toMatchObject({ location: { path: 'helpers.py', startLine: 13 }, message: 'sink: os.system' });
    expect(result.findings[0].confidence).toBe('high');
  });

  it('treats decorators as returning the wrapped function, and follows lambdas and closures', async () => {
    const src = `${FLASK}
import functools

def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper

@logged
def run(cmd):
    os.system(cmd)

@app.route("/f")
def f():
    run(request.args["c"])
    shout = lambda s: s.upper()
    eval(shout(request.args["e"]))
    def inner():
        subprocess.call(request.args["i"], shell=True)
    inner()
    return "ok"
`;
    expect(await keys(src)).toEqual(['15:K702', '21:K704', '23:K702']);
  });

  it('knows FastAPI parameter types: numbers, UUIDs and dependencies are not input', async () => {
    const src = `import os
from uuid import UUID
from fastapi import Depends, FastAPI
app = FastAPI()

def db():
    return "conn"

@app.get("/items/{item_id}")
def item(item_id: int, token: UUID, name: str, conn=Depends(db)):
    os.system(f"echo {item_id} {token} {conn}")
    os.system(f"echo {name}")
`;
    expect(await keys(src)).toEqual(['12:K702']);
  });

  it('reports process inputs with lower confidence, and only for rules where they matter', async () => {
    const src = 'import os, sys\nos.system(sys.argv[1])\nopen(sys.argv[2])\n';
    const r = await analyze(src, { rules: TAINT });
    expect(r.findings.map((f) => [f.location.startLine, f.ruleId, f.confidence])).toEqual([[2, 'K702', 'low']]);
    expect(r.findings[0].message).toContain('the data comes from the user who runs the program');
  });

  it('rates the local user\'s own input low, a socket peer\'s medium, and a request high at the same sink', async () => {
    const src = [
      'import os, sys, socket, pickle',
      'def local():',
      '    os.system("less " + sys.stdin.readline())',
      '    pickle.loads(open(sys.argv[1], "rb").read())',
      'def peer(conn: socket.socket):',
      '    os.system("less " + conn.recv(64).decode())',
      'def both(conn: socket.socket):',
      '    os.system(sys.argv[1] if len(sys.argv) > 1 else conn.recv(64).decode())',
    ].join('\n');
    const r = await analyze(src, { rules: TAINT });
    expect(r.findings.map((f) => [f.location.startLine, f.ruleId, f.confidence])).toEqual([
      [3, 'K702', 'low'],
      [4, 'K715', 'low'],
      [6, 'K702', 'medium'],
      [8, 'K702', 'medium'],
    ]);
    expect(r.findings.filter((f) => f.message.includes('the user who runs the program')).map((f) => f.location.startLine)).toEqual([3, 4]);
    const web = `${FLASK}
@app.route("/run")
def run():
    os.system("less " + request.args["f"] + sys.argv[1])
`;
    const w = await analyze(web, { rules: TAINT });
    expect(w.findings.map((f) => [f.ruleId, f.confidence])).toEqual([['K702', 'high']]);
  });

  it('gives environment variables low confidence, and the Host header medium confidence for redirects only', async () => {
    const env = 'import os, sys, importlib\nimportlib.import_module(os.environ["SETTINGS"])\nos.system(os.getenv("PAGER") + " x")\nos.system(sys.argv[1])\n';
    const r = await analyze(env, { rules: TAINT });
    expect(r.findings.map((f) => [f.location.startLine, f.ruleId, f.confidence])).toEqual([
      [2, 'K703', 'low'],
      [3, 'K702', 'low'],
      [4, 'K702', 'low'],
    ]);
    const host = `from django.http import HttpResponse, HttpResponseRedirect
def canonical(request):
    return HttpResponseRedirect("https://%s/" % request.get_host())
def echo(request):
    return HttpResponse("<p>%s</p>" % request.get_host())
def jump(request):
    return HttpResponseRedirect(request.GET["to"])
`;
    const h = await analyze(host, { rules: TAINT });
    expect(h.findings.map((f) => [f.location.startLine, f.ruleId, f.confidence])).toEqual([
      [3, 'K709', 'medium'],
      [5, 'K707', 'high'],
      [7, 'K709', 'high'],
    ]);
  });

  it('reports a sink once, with the taint rule, where a pattern rule covers it too', async () => {
    const src = `${FLASK}
@app.route("/g")
def g():
    return str(eval(request.args["e"]))
`;
    const r = await analyze(src, { rules: DEFAULT });
    expect(r.findings.filter((f) => !f.suppression).map((f) => f.ruleId)).toEqual(['K704']);
    const pattern = await analyze(src.replace('request.args["e"]', 'some_value()'), { rules: DEFAULT });
    expect(pattern.findings.map((f) => f.ruleId)).toEqual(['K101']);
  });
});

describe('bounded cost', () => {
  it('mutual recursion settles and still finds the sink', async () => {
    const src = `${FLASK}
def ping(x, n):
    if n:
        return pong(x, n - 1)
    os.system(x)

def pong(x, n):
    return ping(x, n)

@app.route("/h")
def h():
    ping(request.args["x"], 3)
    return "ok"
`;
    expect(await keys(src)).toEqual(['8:K702']);
  });

  it('a deep call chain neither overflows nor hangs; past the round budget it says so', async () => {
    const depth = 400;
    const lines = [FLASK];
    // Callers first: each round of the solve carries the sink one level up, so the chain outruns the rounds.
    lines.push(`@app.route("/deep")\ndef entry():\n    f0(request.args["x"])\n    return "ok"\n`);
    for (let i = 0; i < depth; i++) lines.push(`def f${i}(v):\n    return f${i + 1}(v)\n`);
    lines.push(`def f${depth}(v):\n    os.system(v)\n`);
    const r = await analyze(lines.join('\n'), { rules: TAINT });
    expect(r.notices.some((n) => n.kind === 'taint-budget' && /did not settle/.test(n.message))).toBe(true);
  });

  it('a huge generated function stops at its budget with a notice, and the rest of the file is analysed', async () => {
    const n = 25_000;
    const body = Array.from({ length: n }, (_, i) => `    v${i + 1} = v${i} + "x"`).join('\n');
    const src = `${FLASK}
def generated(v0):
${body}
    os.system(v${n})

@app.route("/i")
def i():
    os.system(request.args["c"])
    return "ok"
`;
    const r = await analyze(src, { rules: TAINT });
    expect(r.notices.some((n) => n.kind === 'taint-budget' && n.message.includes('generated'))).toBe(true);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['K702']);
  });

  it('a deeply nested expression does not overflow the stack', async () => {
    const nested = `${'('.repeat(300)}request.args["q"]${')'.repeat(300)}`;
    const src = `${FLASK}
@app.route("/j")
def j():
    os.system("a" + ${nested})
    return "ok"
`;
    const r = await analyze(src, { rules: TAINT });
    expect(r.notices.filter((n) => n.kind === 'internal-error')).toEqual([]);
  });
});
