import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, Hover, InitializeResult, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver/node';
import { repoRoot } from '../helpers/cli.js';

/**
 * The language server as an editor runs it: `krait lsp` from the built bundle, a child process driven over stdio
 * by a real JSON-RPC client. Set KRAIT_LSP_TRANSCRIPT=<file> to save the session's messages.
 */
// A copy, since one test edits the workspace's configuration.
const workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'krait-lsp-')));
fs.cpSync(path.join(repoRoot, 'test/fixtures/lsp/shop'), workspace, { recursive: true });
const uri = (name: string) => pathToFileURL(path.join(workspace, name)).href;
const STORE = uri('store.py');
const APP = uri('app.py');
const WAIT_MS = 30_000;

let child: ChildProcess;
let conn: MessageConnection;
const transcript: unknown[] = [];
const registrations: string[] = [];
const diagnostics: PublishDiagnosticsParams[] = [];
const waiters: { test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];

function log(direction: '->' | '<-', kind: string, body: unknown) {
  transcript.push({ direction, kind, body });
}

async function request<R>(method: string, params: unknown): Promise<R> {
  log('->', `request ${method}`, params);
  const result = await conn.sendRequest<R>(method, params);
  log('<-', `response ${method}`, result);
  return result;
}

async function notify(method: string, params: unknown): Promise<void> {
  log('->', `notification ${method}`, params);
  await conn.sendNotification(method, params);
}

/** The next publication (from now on) for `uri` that satisfies `test`. */
function published(target: string, test: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no diagnostics for ${target} in time`)), WAIT_MS);
    waiters.push({
      test: (p) => p.uri === target && test(p),
      resolve: (p) => {
        clearTimeout(timer);
        resolve(p);
      },
    });
  });
}

const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => `${d.range.start.line + 1}:${d.code}`).sort();
const apply = (text: string, edits: TextEdit[]) => TextDocument.applyEdits(TextDocument.create('file:///x.py', 'python', 1, text), edits);
const storeText = fs.readFileSync(path.join(workspace, 'store.py'), 'utf8');
const appText = fs.readFileSync(path.join(workspace, 'app.py'), 'utf8');

const bundle = path.join(repoRoot, 'dist/bundle/main.js');

describe.skipIf(!fs.existsSync(bundle))('krait lsp, driven by a JSON-RPC client', () => {
  beforeAll(() => {
    child = spawn(process.execPath, [bundle, 'lsp', '--stdio'], { cwd: workspace, stdio: ['pipe', 'pipe', 'pipe'] });
    if (!child.stdout || !child.stdin) throw new Error('no pipes');
    conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      log('<-', 'notification textDocument/publishDiagnostics', p);
      diagnostics.push(p);
      for (const w of [...waiters]) {
        if (!w.test(p)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    });
    conn.onNotification((method, params) => log('<-', `notification ${method}`, params));
    conn.onRequest((method, params) => {
      log('<-', `request ${method}`, params);
      registrations.push(method);
      return null;
    });
    conn.listen();
  });

  afterAll(() => {
    if (process.env.KRAIT_LSP_TRANSCRIPT) fs.writeFileSync(process.env.KRAIT_LSP_TRANSCRIPT, JSON.stringify(transcript, null, 2));
    conn?.dispose();
    if (child && child.exitCode === null) child.kill();
  });

  let storeDiagnostics: PublishDiagnosticsParams;
  let version = 1;

  it('initializes with code actions and hover, reading the workspace', async () => {
    const result = await request<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'shop' }],
      capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } }, workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
    expect(result.serverInfo?.name).toBe('krait');
    expect(result.capabilities.hoverProvider).toBe(true);
    expect(result.capabilities.codeActionProvider).toBeTruthy();
    await notify('initialized', {});
  }, WAIT_MS);

  it('publishes diagnostics on open: rule id, severity, CWE, docs link, the trace across modules; the config ignores K412', async () => {
    const next = published(STORE);
    await notify('textDocument/didOpen', { textDocument: { uri: STORE, languageId: 'python', version, text: storeText } });
    storeDiagnostics = await next;
    expect(codes(storeDiagnostics)).toEqual(['11:K701', '17:K201']);
    const sql = storeDiagnostics.diagnostics.find((d) => d.code === 'K701') as Diagnostic;
    expect(sql.severity).toBe(1);
    expect(sql.source).toBe('krait');
    expect(sql.message).toContain('CWE-89');
    expect(sql.codeDescription?.href).toMatch(/docs\/rules\.md#k701-/);
    expect(fs.existsSync(new URL(sql.codeDescription?.href ?? '').pathname)).toBe(true);
    // The source is in app.py: the trace steps point there, then to the sink here.
    const steps = sql.relatedInformation ?? [];
    expect(steps.map((s) => s.location.uri)).toEqual([APP, APP, APP, STORE]);
    expect(steps[0].message).toContain('flask.request.args.get');
    expect(steps[0].location.range.start).toEqual({ line: 10, character: 11 });
  }, WAIT_MS);

  it('shows the rule documentation on hover', async () => {
    const hover = await request<Hover>('textDocument/hover', { textDocument: { uri: STORE }, position: { line: 16, character: 20 } });
    const value = (hover.contents as { value: string }).value;
    expect(value).toMatch(/^# K201 yaml-unsafe-load/);
    expect(value).toContain('## Fix');
    const none = await request<Hover | null>('textDocument/hover', { textDocument: { uri: STORE }, position: { line: 0, character: 2 } });
    expect(none).toBeNull();
  }, WAIT_MS);

  it('offers "apply fix" and "suppress on this line" code actions whose edits work', async () => {
    const yaml = storeDiagnostics.diagnostics.find((d) => d.code === 'K201') as Diagnostic;
    const actions = await request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: STORE },
      range: yaml.range,
      context: { diagnostics: [yaml] },
    });
    expect(actions.map((a) => a.title)).toEqual(['krait: use yaml.safe_load(), which builds only plain data', 'krait: suppress K201 on this line']);
    const [fix, suppress] = actions.map((a) => apply(storeText, a.edit?.changes?.[STORE] ?? []));
    expect(fix.split('\n')[16]).toBe('        return yaml.safe_load(fh)  # expect: K201');
    expect(suppress.split('\n')[16]).toBe('        return yaml.load(fh)  # expect: K201  # krait: ignore[K201]');
    // The fixed text, sent as the editor would, has no K201 left.
    version++;
    const next = published(STORE, (p) => p.version === version);
    await notify('textDocument/didChange', { textDocument: { uri: STORE, version }, contentChanges: [{ text: fix }] });
    expect(codes(await next)).toEqual(['11:K701']);
  }, WAIT_MS);

  it('puts the suppression of a multi-line statement on a row where a comment is a comment', async () => {
    const text = `${storeText}\n\ndef describe(doc):\n    return yaml.load("""\nname: {}\n""".format(doc))\n`;
    version++;
    const opened = published(STORE, (p) => p.version === version);
    await notify('textDocument/didChange', { textDocument: { uri: STORE, version }, contentChanges: [{ text }] });
    const d = (await opened).diagnostics.find((x) => x.code === 'K201' && x.range.start.line === 25) as Diagnostic;
    expect(d).toBeDefined();
    const actions = await request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: STORE }, range: d.range, context: { diagnostics: [d] } });
    const suppress = actions.find((a) => a.title.startsWith('krait: suppress')) as CodeAction;
    const edited = apply(text, suppress.edit?.changes?.[STORE] ?? []);
    // Lines 26 and 27 end inside the triple-quoted string; the comment goes after its end.
    expect(edited.split('\n').slice(25, 28)).toEqual(['    return yaml.load("""', 'name: {}', '""".format(doc))  # krait: ignore[K201]']);
    version++;
    const next = published(STORE, (p) => p.version === version);
    await notify('textDocument/didChange', { textDocument: { uri: STORE, version }, contentChanges: [{ text: edited }] });
    expect(codes(await next)).toEqual(['11:K701', '17:K201']);
  }, WAIT_MS);

  it('debounces changes: a burst of edits is analysed once, at its last version', async () => {
    const before = diagnostics.length;
    const first = version + 1;
    for (let i = 0; i < 3; i++) {
      version++;
      await notify('textDocument/didChange', { textDocument: { uri: STORE, version }, contentChanges: [{ text: `${storeText}\n# edit ${i}\n` }] });
    }
    const last = await published(STORE, (p) => p.version === version);
    expect(codes(last)).toEqual(['11:K701', '17:K201']);
    const burst = diagnostics.slice(before).filter((p) => p.uri === STORE && (p.version ?? 0) >= first);
    expect(burst.map((p) => p.version)).toEqual([version]);
  }, WAIT_MS);

  it('refreshes the files a change affects: the source made constant in app.py clears the taint finding in store.py', async () => {
    const opened = published(APP);
    await notify('textDocument/didOpen', { textDocument: { uri: APP, languageId: 'python', version: 1, text: appText } });
    expect(codes(await opened)).toEqual([]);
    const storeAgain = published(STORE);
    await notify('textDocument/didChange', {
      textDocument: { uri: APP, version: 2 },
      contentChanges: [{ range: { start: { line: 10, character: 11 }, end: { line: 10, character: 36 } }, text: '"shoes"' }],
    });
    // The taint finding (K701) goes; the query built by concatenation is still reported by the pattern rule
    // (K120), which the taint finding had covered.
    expect(codes(await storeAgain)).toEqual(['11:K120', '17:K201']);
  }, WAIT_MS);

  it('reads the configuration again when pyproject.toml changes', async () => {
    expect(registrations).toContain('client/registerCapability');
    const config = path.join(workspace, 'pyproject.toml');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('ignore = ["K412"]', 'ignore = ["K412", "K201"]'));
    const next = published(STORE);
    await notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(config).href, type: 2 }] });
    expect(codes(await next)).toEqual(['11:K120']);
  }, WAIT_MS);

  it('shuts down and exits cleanly', async () => {
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await request('shutdown', null);
    await notify('exit', null);
    expect(await exited).toBe(0);
  }, WAIT_MS);
});
