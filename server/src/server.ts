/**
 * The language server: LSP wiring only. All analysis is in ./service.
 * Runs over IPC from the VS Code client, or over stdio (`--stdio`) for any LSP editor.
 */
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CodeAction,
  type CodeLens,
  type Diagnostic as LspDiagnostic,
  type Location,
  type Range,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import {
  LanguageService,
  isHandlerPath,
  isPythonPath,
  loadPythonParser,
  pythonParserFailure,
  type Diagnostic,
  type LocationResult,
  type RuleSettings,
  type Severity,
} from './service';
import { nodeFileSystem } from './nodeFs';
import { findConfig, loadConfig, ruleSettingsFrom } from './config';
import { WORKSPACE_SUMMARY_METHOD, type WorkspaceSummary } from './summary';
import {
  CDK_SIMULATION_METHOD,
  type CdkSimulationParams,
  type CdkSimulationResult,
  type CdkStackRendering,
} from './cdkProtocol';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Span } from './service/model/types';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

/**
 * Documents above this size get one LL0003 note instead of analysis, so typing stays
 * responsive; CloudFormation's own limit is 1 MB, so real templates are far below it.
 */
const MAX_EDITOR_DOCUMENT = 4 * 1024 * 1024;

/** Open editors' text takes precedence over the disk. */
const openText = (path: string): string | undefined => documents.get(URI.file(path).toString())?.getText();
const service = new LanguageService({
  fs: nodeFileSystem(openText),
  maxDocumentLength: MAX_EDITOR_DOCUMENT,
  // Package-size walks (LL1013) run between requests; their result re-publishes the open documents.
  onBackgroundResult: () => {
    for (const doc of documents.all()) schedule(doc);
  },
});

let workspaceRoots: string[] = [];
let canPullConfiguration = false;
let canRefreshLenses = false;
/** The client watches template and handler files itself (VS Code); otherwise the server asks for a watcher. */
let clientWatchesFiles = false;
let canRegisterWatchers = false;
/**
 * The "Simulate" lens: shown once the client registers `lambdaLens.simulateFunction`
 * (arguments: the template uri and the function's logical id) and says so in
 * `initializationOptions.simulateCommand`.
 */
let simulateCommand = false;

/** Files whose changes on disk can move a template ⇄ handler link. */
const WATCHED_GLOB = '**/*.{yaml,yml,json,template,js,mjs,cjs,ts,mts,cts,py}';

connection.onInitialize((params) => {
  workspaceRoots = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
  if (workspaceRoots.length === 0 && params.rootUri) workspaceRoots = [URI.parse(params.rootUri).fsPath];
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  canRegisterWatchers = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  const init: unknown = params.initializationOptions;
  const option = (key: string) =>
    typeof init === 'object' && init !== null && (init as Record<string, unknown>)[key] === true;
  clientWatchesFiles = option('watchesFiles');
  simulateCommand = option('simulateCommand');
  service.setWorkspaceRoots(workspaceRoots);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      codeLensProvider: { resolveProvider: false },
      definitionProvider: true,
      referencesProvider: true,
    },
    serverInfo: { name: 'Lambda Lens', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (canPullConfiguration)
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'lambdaLens' });
  if (!clientWatchesFiles && canRegisterWatchers)
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: WATCHED_GLOB }],
    });
  void refreshSettings();
  // The Python parser is WebAssembly and loads asynchronously (≈100 ms): documents opened meanwhile are checked once it is ready,
  // since Python files and templates with Python functions (LL5001) need it.
  pythonReady = loadPythonParser().then((ok) => {
    pythonSettled = true;
    if (!ok)
      connection.console.warn(`Python handler analysis is off: ${pythonParserFailure() ?? 'the parser did not load'}`);
    for (const doc of documents.all()) schedule(doc);
  });
});

/** Project file (`.lambda-lens.json` at a workspace root) first, editor settings over it. */
async function refreshSettings(): Promise<void> {
  let rules: Record<string, Severity | 'off'>;
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
  settingsRevision++;
  for (const doc of documents.all()) schedule(doc);
}

connection.onDidChangeConfiguration(() => void refreshSettings());

/**
 * Validation is scheduled per document and runs once for the latest version, so a burst
 * of keystrokes costs one validation; results are cached by version in the service.
 */
const pending = new Map<string, NodeJS.Immediate>();

function schedule(doc: TextDocument, cascade = false): void {
  const existing = pending.get(doc.uri);
  if (existing) clearImmediate(existing);
  pending.set(
    doc.uri,
    setImmediate(() => {
      pending.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (!current) return;
      publish(current);
      if (cascade) refreshDependents(current.uri);
    }),
  );
}

/**
 * After a template or handler changes, the other side's results may change too: a
 * template's handler files (runtime, links, lenses), a handler's templates (LL5001).
 * Links may also have just appeared or gone, so every open document of the other kind
 * is re-checked; unchanged results come from the service's caches.
 */
function refreshDependents(uri: string): void {
  const dependents = new Set(service.dependents(uri));
  const isCode = (u: string) => isHandlerPath(u) || isPythonPath(u);
  const handler = isCode(uri);
  for (const other of documents.all()) {
    if (other.uri !== uri && (dependents.has(other.uri) || isCode(other.uri) !== handler)) schedule(other);
  }
  // Lenses in handler files summarise template settings; the editor re-asks for its own file's lenses.
  // A CDK stack is code whose dependents are handler files: their lenses follow it too.
  if (canRefreshLenses && (!handler || [...dependents].some(isCode)))
    void connection.sendRequest(CodeLensRefreshRequest.type);
}

/** True once the Python parser has loaded (or failed to): until then nothing is published, rather than results without Python. */
let pythonSettled = false;
/** Settles with the Python parser's load (started once the client is initialised). */
let pythonReady: Promise<void> = Promise.resolve();

function publish(doc: TextDocument): void {
  if (!pythonSettled) return;
  let diagnostics: readonly Diagnostic[] = [];
  try {
    diagnostics = service.validate({ uri: doc.uri, text: doc.getText(), version: doc.version });
  } catch (e) {
    connection.console.error(
      `Lambda Lens failed on ${doc.uri}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
  }
  void connection.sendDiagnostics({
    uri: doc.uri,
    version: doc.version,
    diagnostics: diagnostics.map((d) => toLsp(doc, d)),
  });
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

documents.onDidOpen((e) => schedule(e.document, true));
documents.onDidChangeContent((e) => schedule(e.document, true));
documents.onDidClose((e) => {
  service.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  refreshDependents(e.document.uri);
});

/** Files changed on disk (saved elsewhere, created, deleted, renamed); open editors' text wins. */
connection.onDidChangeWatchedFiles((params) => {
  let changed = false;
  for (const c of params.changes) {
    if (documents.get(c.uri)) continue;
    service.fileChanged(c.uri);
    changed = true;
  }
  if (!changed) return;
  for (const doc of documents.all()) schedule(doc);
  if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type);
});

function toLocation(l: LocationResult): Location {
  return { uri: l.uri, range: l.range };
}

connection.onCodeLens((params): CodeLens[] => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  try {
    return service.codeLenses({ uri: doc.uri, text: doc.getText(), version: doc.version }).flatMap((l) => {
      const range = toRange(doc, l.span);
      const lenses: CodeLens[] = [
        {
          range,
          command: { title: l.title, command: 'lambdaLens.openLocation', arguments: [l.target.uri, l.target.range] },
        },
      ];
      if (simulateCommand)
        lenses.push({
          range,
          command: {
            title: '▷ Simulate',
            command: 'lambdaLens.simulateFunction',
            arguments: [l.fn.templateUri, l.fn.logicalId],
          },
        });
      return lenses;
    });
  } catch (e) {
    connection.console.error(`Lambda Lens code lens failed on ${doc.uri}: ${String(e)}`);
    return [];
  }
});

connection.onDefinition((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return null;
  const target = service.definition(
    { uri: doc.uri, text: doc.getText(), version: doc.version },
    doc.offsetAt(params.position),
  );
  return target ? toLocation(target) : null;
});

connection.onReferences((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  return service
    .references({ uri: doc.uri, text: doc.getText(), version: doc.version }, doc.offsetAt(params.position))
    .map(toLocation);
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
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLsp(doc, d)],
        edit: { changes },
      });
    }
  }
  return actions;
});

/**
 * The workspace summary for the status bar: every template and handler file the project index
 * knows, checked with open editors' text first. Files not open are read from disk and
 * forgotten again, so the summary leaves no editor state behind.
 */
/** CDK stacks rendered for the extension's simulator (cdkProtocol.ts). */
connection.onRequest(CDK_SIMULATION_METHOD, (params: CdkSimulationParams): CdkSimulationResult => {
  const uris = params.uri !== undefined ? [params.uri] : service.cdkStacks();
  const stacks: CdkStackRendering[] = [];
  for (const uri of uris) {
    try {
      const r = service.renderCdk(uri, params.build === true);
      if (r) stacks.push({ uri, path: URI.parse(uri).fsPath, template: r.template, warnings: r.warnings });
    } catch (e) {
      connection.console.error(
        `Lambda Lens could not render ${uri} for a simulation: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    }
  }
  return { stacks };
});

connection.onRequest(WORKSPACE_SUMMARY_METHOD, async (): Promise<WorkspaceSummary> => {
  await pythonReady;
  // The status bar asks after every diagnostics change, most of which (other extensions', or
  // edits already counted) change nothing here: answer those from the last summary.
  const key = summaryKey();
  if (lastSummary?.key === key) return lastSummary.value;
  const { templates, handlerUris } = service.workspaceFiles();
  const findings: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const uri of [...templates.map((t) => t.uri), ...handlerUris]) {
    // Between files, the editor's own requests and edits go first: a workspace of hundreds of
    // templates takes most of a second to check (bench/summary.ts), and the status bar can wait.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const open = documents.get(uri);
    const text = open?.getText() ?? nodeFileSystem().readFile(URI.parse(uri).fsPath);
    if (text === undefined) continue;
    try {
      for (const d of service.validate({ uri, text, version: open?.version })) findings[d.severity]++;
    } catch (e) {
      connection.console.error(
        `Lambda Lens summary failed on ${uri}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    } finally {
      // Opened meanwhile: the editor owns it now.
      if (!open && !documents.get(uri)) service.forget(uri);
    }
  }
  const value = {
    templates: templates.length,
    functions: templates.reduce((n, t) => n + t.functions, 0),
    handlerFiles: handlerUris.length,
    findings,
  };
  // Kept only when nothing changed while it was computed (a first run reads files, which moves the stamp).
  lastSummary = summaryKey() === key ? { key, value } : undefined;
  return value;
});

let lastSummary: { key: string; value: WorkspaceSummary } | undefined;
/** Counts rule-settings changes (severities move findings between counts). */
let settingsRevision = 0;

/** What a summary depends on: the project's revision, the rule settings and the open editors' versions. */
function summaryKey(): string {
  return JSON.stringify([service.revision, settingsRevision, documents.all().map((d) => `${d.uri}@${d.version}`)]);
}

documents.listen(connection);
connection.listen();
