/**
 * The language server: LSP wiring only. All analysis is in ./service.
 * Runs over IPC from the VS Code client, or over stdio (`--stdio`) for any LSP editor.
 */
import {
  CodeActionKind,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
  type Range,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { LanguageService, type Diagnostic, type RuleSettings, type Severity } from './service';
import { nodeFileSystem } from './nodeFs';
import { findConfig, loadConfig, ruleSettingsFrom } from './config';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Span } from './service/model/types';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

/** Open editors' text takes precedence over the disk. */
const openText = (path: string): string | undefined => documents.get(URI.file(path).toString())?.getText();
const service = new LanguageService({ fs: nodeFileSystem(openText) });

let workspaceRoots: string[] = [];
let canPullConfiguration = false;

connection.onInitialize((params) => {
  workspaceRoots = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
  if (workspaceRoots.length === 0 && params.rootUri) workspaceRoots = [URI.parse(params.rootUri).fsPath];
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'Lambda Lens', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (canPullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'lambdaLens' });
  void refreshSettings();
});

/** Project file (`.lambda-lens.json` at a workspace root) first, editor settings over it. */
async function refreshSettings(): Promise<void> {
  let rules: Record<string, Severity | 'off'> = {};
  const configPath = workspaceRoots.map((r) => findConfig(r)).find((p) => p !== undefined);
  const fileConfig = loadConfig(configPath);
  for (const p of fileConfig.problems) connection.console.warn(p);
  rules = { ...fileConfig.rules };
  if (canPullConfiguration) {
    try {
      const editor: unknown = await connection.workspace.getConfiguration('lambdaLens.rules');
      const fromEditor = ruleSettingsFrom(editor ?? {}, 'lambdaLens.rules');
      for (const p of fromEditor.problems) connection.console.warn(p);
      rules = { ...rules, ...fromEditor.rules };
    } catch (e) {
      connection.console.warn(`Could not read lambdaLens settings: ${String(e)}`);
    }
  }
  service.configure(rules satisfies RuleSettings);
  for (const doc of documents.all()) schedule(doc);
}

connection.onDidChangeConfiguration(() => void refreshSettings());

/**
 * Validation is scheduled per document and runs once for the latest version, so a burst
 * of keystrokes costs one validation; results are cached by version in the service.
 */
const pending = new Map<string, NodeJS.Immediate>();

function schedule(doc: TextDocument): void {
  const existing = pending.get(doc.uri);
  if (existing) clearImmediate(existing);
  pending.set(
    doc.uri,
    setImmediate(() => {
      pending.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (current) publish(current);
    }),
  );
}

function publish(doc: TextDocument): void {
  let diagnostics: readonly Diagnostic[] = [];
  try {
    diagnostics = service.validate({ uri: doc.uri, text: doc.getText(), version: doc.version });
  } catch (e) {
    connection.console.error(`Lambda Lens failed on ${doc.uri}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  }
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnostics.map((d) => toLsp(doc, d)) });
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

function toRange(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

/**
 * Rule docs ship with the extension (docs/rules beside dist/); link to the local page so the
 * link works offline and matches the installed version, else to the published page.
 */
const docsDir = join(__dirname, '..', 'docs', 'rules');
const docsHref = new Map<string, string>();
function docsLink(d: Diagnostic): string {
  let href = docsHref.get(d.ruleId);
  if (href === undefined) {
    const local = join(docsDir, `${d.ruleId}.md`);
    href = existsSync(local) ? URI.file(local).toString() : d.docs;
    docsHref.set(d.ruleId, href);
  }
  return href;
}

function toLsp(doc: TextDocument, d: Diagnostic): LspDiagnostic {
  return {
    range: toRange(doc, d.span),
    severity: SEVERITY[d.severity],
    code: d.ruleId,
    codeDescription: { href: docsLink(d) },
    source: 'Lambda Lens',
    message: d.message,
  };
}

documents.onDidOpen((e) => schedule(e.document));
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  service.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onHover((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return null;
  try {
    const h = service.hover({ uri: doc.uri, text: doc.getText(), version: doc.version }, doc.offsetAt(params.position));
    return h ? { contents: { kind: 'markdown', value: h.markdown }, range: toRange(doc, h.span) } : null;
  } catch (e) {
    connection.console.error(`Lambda Lens hover failed on ${doc.uri}: ${String(e)}`);
    return null;
  }
});

connection.onCodeAction((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const start = doc.offsetAt(params.range.start);
  const end = doc.offsetAt(params.range.end);
  const actions: CodeAction[] = [];
  for (const d of service.validate({ uri: doc.uri, text: doc.getText(), version: doc.version })) {
    if (d.span.end < start || d.span.start > end) continue;
    for (const fix of d.fixes) {
      const changes: Record<string, { range: Range; newText: string }[]> = {};
      for (const edit of fix.edits) {
        const target = edit.uri === doc.uri ? doc : documents.get(edit.uri);
        if (!target) continue;
        (changes[edit.uri] ??= []).push({ range: toRange(target, edit.span), newText: edit.newText });
      }
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [toLsp(doc, d)], edit: { changes } });
    }
  }
  return actions;
});

documents.listen(connection);
connection.listen();
