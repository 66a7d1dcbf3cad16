/**
 * Handler files over the real protocol: the bundled server (dist/server.js) on stdio, a SAM
 * project on disk. Code lenses (with the Simulate hook), definition, references, handler
 * diagnostics, and re-published diagnostics when the template changes in the editor or on
 * disk. Run `npm run build` first (`npm test` does).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  CodeLensRequest,
  DefinitionRequest,
  ReferencesRequest,
  FileChangeType,
  DiagnosticSeverity,
  type Location,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { startServer, type TestServer } from './client';

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: nodejs22.x
      MemorySize: 256
      Timeout: 10
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: arn:aws:sqs:eu-west-1:123456789012:orders
`;

const HANDLER = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const handler = (event, context, callback) => {
  const ddb = new DynamoDBClient({});
  callback(null, { n: event.Records.length, ddb });
};
`;

let dir: string;
let server: TestServer;
let conn: ProtocolConnection;
const nextDiagnostics = (uri: string, accept?: (p: PublishDiagnosticsParams) => boolean) =>
  server.nextDiagnostics(uri, accept);

const severityOf = (p: PublishDiagnosticsParams, code: string) => p.diagnostics.find((d) => d.code === code)?.severity;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lambda-lens-lsp-handlers-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'template.yaml'), TEMPLATE);
  writeFileSync(join(dir, 'src', 'app.mjs'), HANDLER);
  server = await startServer({
    rootUri: URI.file(dir).toString(),
    capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
    initializationOptions: { simulateCommand: true },
  });
  conn = server.conn;
});

after(async () => {
  try {
    await server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a handler file gets diagnostics, lenses, references; its template gets go to definition; edits and disk changes re-check the other side', async () => {
  const handlerUri = URI.file(join(dir, 'src', 'app.mjs')).toString();
  const templateUri = URI.file(join(dir, 'template.yaml')).toString();

  const first = nextDiagnostics(handlerUri);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: handlerUri, languageId: 'javascript', version: 1, text: HANDLER },
  });
  const published = await first;
  assert.deepEqual(published.diagnostics.map((d) => d.code).sort(), ['LL3001', 'LL3005']);
  assert.equal(severityOf(published, 'LL3005'), DiagnosticSeverity.Warning);

  const lenses = (await conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: handlerUri } })) ?? [];
  assert.deepEqual(
    lenses.map((l) => l.command?.command),
    ['lambdaLens.openLocation', 'lambdaLens.simulateFunction'],
  );
  assert.match(lenses[0]?.command?.title ?? '', /^OrdersFunction · 256 MB · 10 s · SQS batch 10/);
  assert.equal(lenses[1]?.command?.title, '▷ Simulate');
  assert.deepEqual(lenses[1]?.command?.arguments, [templateUri, 'OrdersFunction']);
  assert.equal(lenses[0]?.command?.arguments?.[0], templateUri);

  const refs =
    (await conn.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: handlerUri },
      position: { line: 2, character: 15 },
      context: { includeDeclaration: false },
    })) ?? [];
  assert.deepEqual(
    refs.map((r) => [r.uri, r.range.start.line]),
    [[templateUri, 7]],
  );

  const opened = nextDiagnostics(templateUri);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: templateUri, languageId: 'yaml', version: 1, text: TEMPLATE },
  });
  await opened;
  const def = (await conn.sendRequest(DefinitionRequest.type, {
    textDocument: { uri: templateUri },
    position: { line: 7, character: 16 },
  })) as Location | null;
  assert.equal(def?.uri, handlerUri);
  assert.equal(def?.range.start.line, 2);

  // Editing the template in the editor re-publishes the handler: nodejs24.x makes LL3005 an error.
  const rechecked = nextDiagnostics(handlerUri, (p) => severityOf(p, 'LL3005') === DiagnosticSeverity.Error);
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: templateUri, version: 2 },
    contentChanges: [{ text: TEMPLATE.replace('nodejs22.x', 'nodejs24.x') }],
  });
  await rechecked;

  // The template closes and then changes on disk: the handler is re-checked against the disk.
  const closed = nextDiagnostics(templateUri);
  await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: templateUri } });
  await closed;
  const back = nextDiagnostics(handlerUri, (p) => severityOf(p, 'LL3005') === DiagnosticSeverity.Warning);
  writeFileSync(join(dir, 'template.yaml'), TEMPLATE.replace('MemorySize: 256', 'MemorySize: 512'));
  await conn.sendNotification(DidChangeWatchedFilesNotification.type, {
    changes: [{ uri: templateUri, type: FileChangeType.Changed }],
  });
  await back;
  const later = (await conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: handlerUri } })) ?? [];
  assert.match(later[0]?.command?.title ?? '', /^OrdersFunction · 512 MB · 10 s/);
});
