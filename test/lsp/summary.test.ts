/**
 * `lambdaLens/workspaceSummary` (what the VS Code status bar shows) against the bundled server
 * on stdio, on a copy of the walkthrough's example app (media/example): the counts follow the
 * disk, open editors' text, files created on disk and the rule settings.
 * Run `npm run build` first (`npm test` does).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  FileChangeType,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { WORKSPACE_SUMMARY_METHOD, type WorkspaceSummary } from '../../server/src/summary';
import { startServer, type TestServer } from './client';

const ROOT = resolve(__dirname, '../..');

let server: TestServer;
let workspace: string;
let editorRules: Record<string, string> = {};

before(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'lambda-lens-summary-'));
  cpSync(join(ROOT, 'media/example'), workspace, { recursive: true });
  server = await startServer({
    rootUri: URI.file(workspace).toString(),
    capabilities: {
      workspace: {
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
      },
    },
    configuration: (section) => (section === 'lambdaLens.rules' ? editorRules : null),
  });
});

after(async () => {
  await server.stop();
  rmSync(workspace, { recursive: true, force: true });
});

const summary = () => server.conn.sendRequest<WorkspaceSummary>(WORKSPACE_SUMMARY_METHOD);
const uriOf = (path: string) => URI.file(join(workspace, path)).toString();

test('the example app: one template, two functions, their two handler files, one error and one warning', async () => {
  assert.deepEqual(await summary(), {
    templates: 1,
    functions: 2,
    handlerFiles: 2,
    findings: { error: 1, warning: 1, info: 0, hint: 0 },
  });
});

test("an open editor's unsaved text counts instead of the disk, and the disk again once it closes", async () => {
  const uri = uriOf('template.yaml');
  const fixed = readFileSync(join(workspace, 'template.yaml'), 'utf8').replace('MemorySize: 100', 'MemorySize: 128');
  const published = server.nextDiagnostics(uri);
  await server.conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'yaml', version: 1, text: fixed },
  });
  await published;
  assert.deepEqual((await summary()).findings, { error: 0, warning: 1, info: 0, hint: 0 });
  const cleared = server.nextDiagnostics(uri);
  await server.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  await cleared;
  assert.deepEqual((await summary()).findings, { error: 1, warning: 1, info: 0, hint: 0 });
});

test('an edit in an open editor after a summary is counted by the next one (the last summary is reused only while nothing changed)', async () => {
  const uri = uriOf('template.yaml');
  const text = readFileSync(join(workspace, 'template.yaml'), 'utf8');
  const opened = server.nextDiagnostics(uri);
  await server.conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'yaml', version: 1, text },
  });
  await opened;
  const before = await summary();
  assert.deepEqual(await summary(), before, 'nothing changed: the same answer');
  // No wait for diagnostics: the summary itself must see the editor's newest text.
  await server.conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: text.replace('MemorySize: 100', 'MemorySize: 128') }],
  });
  assert.deepEqual((await summary()).findings, { ...before.findings, error: before.findings.error - 1 });
  const cleared = server.nextDiagnostics(uri);
  await server.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  await cleared;
  assert.deepEqual(await summary(), before);
});

test('a template created on disk is counted once the watcher reports it', async () => {
  const path = join(workspace, 'jobs', 'template.yaml');
  cpSync(join(workspace, 'src'), join(workspace, 'jobs', 'src'), { recursive: true });
  writeFileSync(
    path,
    [
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  CleanupFunction:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      CodeUri: src/',
      '      Handler: quote.handler',
      '      Runtime: nodejs22.x',
      '',
    ].join('\n'),
  );
  await server.conn.sendNotification(DidChangeWatchedFilesNotification.type, {
    changes: [{ uri: URI.file(path).toString(), type: FileChangeType.Created }],
  });
  const after = await summary();
  assert.equal(after.templates, 2);
  assert.equal(after.functions, 3);
  assert.equal(after.handlerFiles, 3);
  rmSync(join(workspace, 'jobs'), { recursive: true, force: true });
  await server.conn.sendNotification(DidChangeWatchedFilesNotification.type, {
    changes: [{ uri: URI.file(path).toString(), type: FileChangeType.Deleted }],
  });
  assert.equal((await summary()).templates, 1);
});

test('rule settings apply: a rule turned off is not counted, a severity change moves its count', async () => {
  // An open handler file shows when the server has re-read the settings (its diagnostics are published again).
  const uri = uriOf('src/visits.mjs');
  const text = readFileSync(join(workspace, 'src/visits.mjs'), 'utf8');
  const opened = server.nextDiagnostics(uri);
  await server.conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'javascript', version: 1, text },
  });
  await opened;
  editorRules = { LL3002: 'off', LL1001: 'warning' };
  const republished = server.nextDiagnostics(uri, (p) => p.diagnostics.length === 0);
  await server.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
  await republished;
  assert.deepEqual((await summary()).findings, { error: 0, warning: 1, info: 0, hint: 0 });
});
