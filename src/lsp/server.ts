/**
 * `krait lsp`: a Language Server Protocol server over stdio. Diagnostics for open Python files on open, on change
 * (debounced) and on save; code actions to suppress a finding on its line or apply its fix; hover with the rule's
 * documentation. The project index (project.ts) gives cross-module taint.
 */
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  type CodeAction,
  createConnection,
  DidChangeWatchedFilesNotification,
  type Diagnostic,
  type Hover,
  MarkupKind,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver/node';
import type { Finding } from '../findings/types.js';
import { maskFinding } from '../report/mask.js';
import { suppressionChange } from '../fixes/suppress.js';
import { ruleMarkdown } from '../rules/docs.js';
import { findRule } from '../rules/registry.js';
import { VERSION } from '../version.js';
import { changeToTextEdit, type DiagnosticData, fixEditsToTextEdits, quickFix, splitLines, toDiagnostic } from './convert.js';
import { analyzeLoose, Project } from './project.js';
import { displayFindings } from '../report/display.js';

/** Typing pauses shorter than this do not start an analysis. */
const DEBOUNCE_MS = 250;

interface Published {
  version: number;
  findings: Finding[];
  diagnostics: Diagnostic[];
}

export function startLanguageServer(): void {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  const documents = new TextDocuments(TextDocument);
  const published = new Map<string, Published>();
  const timers = new Map<string, NodeJS.Timeout>();
  let rootPath: string | undefined;
  let watchConfig = false;
  let project: Promise<Project | undefined> = Promise.resolve(undefined);
  // Analyses run one at a time, in the order asked, so a slow one cannot publish over a newer one.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job, job);
    queue = run.catch(() => undefined);
    return run;
  };

  const uriToPath = (uri: string): string | undefined => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined);
  const uriOfRel = (rel: string) => (rootPath ? pathToFileURL(path.join(rootPath, rel)).href : rel);
  const linesOfRel = (rel: string): string[] => {
    const uri = uriOfRel(rel);
    const open = documents.get(uri);
    if (open) return splitLines(open.getText());
    try {
      return splitLines(fs.readFileSync(path.join(rootPath ?? '', rel), 'utf8'));
    } catch {
      return [];
    }
  };

  const publish = (uri: string, findings: Finding[]) => {
    const doc = documents.get(uri);
    if (!doc) return;
    const lines = splitLines(doc.getText());
    // Diagnostics are a report like any other: every text they carry passes through the secret masker.
    const shown = displayFindings(findings).map(maskFinding);
    const diagnostics = shown.map((f) => toDiagnostic(f, lines, uriOfRel, linesOfRel));
    published.set(uri, { version: doc.version, findings: shown, diagnostics });
    void connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
  };

  const analyze = (uri: string) =>
    serial(async () => {
      const doc = documents.get(uri);
      const file = uriToPath(uri);
      if (!doc || !file) return;
      const p = await project;
      const rel = p?.relPath(file);
      if (!p || rel === undefined) {
        publish(uri, await analyzeLoose(doc.getText(), path.basename(file)));
        return;
      }
      const changed = await p.update(rel, doc.getText());
      // The edited file, and every open file whose findings the change moved (cross-module taint).
      for (const r of changed) {
        const u = uriOfRel(r);
        if (documents.get(u)) publish(u, p.findingsOf(r));
      }
    }).catch((err: unknown) => connection.console.error(`krait: analysis failed: ${err instanceof Error ? err.message : String(err)}`));

  const schedule = (uri: string, delay: number) => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        void analyze(uri);
      }, delay),
    );
  };

  connection.onInitialize((params) => {
    watchConfig = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    rootPath = folder ? uriToPath(folder) : undefined;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        hoverProvider: true,
      },
      serverInfo: { name: 'krait', version: VERSION },
    };
  });

  /** (Re)reads the configuration and the workspace; a broken configuration is shown, and files are then analysed alone. */
  const openProject = (root: string) => {
    project = serial(() => Project.open(root, (rel) => documents.get(uriOfRel(rel))?.getText())).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      void connection.window.showErrorMessage(`krait: ${message}`);
      return undefined;
    });
  };

  connection.onInitialized(() => {
    const root = rootPath;
    if (!root) return;
    openProject(root);
    if (watchConfig) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/{pyproject.toml,krait.toml}' }] });
    }
  });

  // An edited pyproject.toml or krait.toml: the settings are read again, and every open file is analysed again.
  connection.onDidChangeWatchedFiles((params) => {
    const root = rootPath;
    if (!root || !params.changes.some((c) => /(?:^|\/)(?:pyproject|krait)\.toml$/.test(c.uri))) return;
    openProject(root);
    for (const doc of documents.all()) schedule(doc.uri, 0);
  });

  documents.onDidOpen((e) => schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => schedule(e.document.uri, DEBOUNCE_MS));
  documents.onDidSave((e) => schedule(e.document.uri, 0));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    published.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCodeAction(async (params): Promise<CodeAction[]> => {
    const doc = documents.get(params.textDocument.uri);
    const state = published.get(params.textDocument.uri);
    if (!doc || !state || state.version !== doc.version) return [];
    const text = doc.getText();
    const lines = splitLines(text);
    const actions: CodeAction[] = [];
    for (const diagnostic of params.context.diagnostics) {
      const data = diagnostic.data as DiagnosticData | undefined;
      if (diagnostic.source !== 'krait' || !data) continue;
      const finding = state.findings.find((f) => f.fingerprint === data.fingerprint && f.ruleId === data.ruleId);
      if (!finding) continue;
      if (finding.fix?.edits && finding.fix.edits.length > 0) {
        const unsafe = finding.fix.applicability === 'unsafe' ? ' (may change behaviour)' : '';
        actions.push(quickFix(`krait: ${finding.fix.description}${unsafe}`, doc.uri, fixEditsToTextEdits(lines, finding.fix.edits), diagnostic, !unsafe));
      }
      const change = await suppressionChange(text, finding.location, finding.ruleId);
      if (change) actions.push(quickFix(`krait: suppress ${finding.ruleId} on this line`, doc.uri, [changeToTextEdit(text, change)], diagnostic));
    }
    return actions;
  });

  connection.onHover((params): Hover | null => {
    const state = published.get(params.textDocument.uri);
    if (!state) return null;
    const { line, character } = params.position;
    const hit = state.diagnostics.findIndex((d) => {
      const { start, end } = d.range;
      const after = line > start.line || (line === start.line && character >= start.character);
      const before = line < end.line || (line === end.line && character <= end.character);
      return after && before;
    });
    if (hit < 0) return null;
    const rule = findRule(state.findings[hit].ruleId);
    if (!rule) return null;
    return { contents: { kind: MarkupKind.Markdown, value: ruleMarkdown(rule) }, range: state.diagnostics[hit].range };
  });

  documents.listen(connection);
  connection.listen();
}
