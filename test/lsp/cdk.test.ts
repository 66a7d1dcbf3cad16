/**
 * A CDK app over the real protocol: the bundled server (dist/server.js) on stdio, a CDK app on
 * disk. The stack gets template findings on its construct properties and go to definition to
 * the handler; the handler gets a lens naming its CDK trigger and a Simulate lens on the stack,
 * references back to the stack, and is re-checked when the stack changes; the stack rendered as
 * a template for the extension's simulator (lambdaLens/cdkSimulation).
 * Run `npm run build` first (`npm test` does).
 */
import { test, before, after } from 'node:test';
import { CDK_SIMULATION_METHOD, type CdkSimulationResult } from '../../server/src/cdkProtocol';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  CodeLensRequest,
  DefinitionRequest,
  ReferencesRequest,
  type Location,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { startServer, type TestServer } from './client';

const STACK = `import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';

export class OrdersStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const queue = new sqs.Queue(this, 'Orders', { visibilityTimeout: Duration.minutes(6) });
    const fn = new lambda.Function(this, 'OrdersFunction', {
      runtime: lambda.Runtime.NODEJS_22_X,
      code: lambda.Code.fromAsset(path.join(__dirname, '../src')),
      handler: 'app.handler',
      memorySize: 20000,
      timeout: Duration.minutes(1),
    });
    fn.addEventSource(new SqsEventSource(queue, { batchSize: 5, reportBatchItemFailures: true }));
  }
}
`;

const HANDLER = `import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
const ddb = new DynamoDBClient({});

export const handler = async (event) => {
  for (const r of event.Records) {
    await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: crypto.randomUUID() }, body: { S: r.body } } }));
  }
  return { batchItemFailures: [] };
};
`;

let dir: string;
let server: TestServer;
let conn: ProtocolConnection;
const codes = (p: PublishDiagnosticsParams) =>
  p.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`).sort();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lambda-lens-lsp-cdk-'));
  mkdirSync(join(dir, 'lib'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'cdk.json'), '{ "app": "npx ts-node bin/app.ts" }\n');
  writeFileSync(join(dir, 'lib', 'stack.ts'), STACK);
  writeFileSync(join(dir, 'src', 'app.mjs'), HANDLER);
  server = await startServer({
    rootUri: URI.file(dir).toString(),
    capabilities: { workspace: { configuration: true } },
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

test('a CDK stack: findings on construct properties, definition to the handler; the handler knows its SQS trigger', async () => {
  const stackUri = URI.file(join(dir, 'lib', 'stack.ts')).toString();
  const handlerUri = URI.file(join(dir, 'src', 'app.mjs')).toString();

  const stackDiags = server.nextDiagnostics(stackUri);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: stackUri, languageId: 'typescript', version: 1, text: STACK },
  });
  // memorySize: 20000 (line 15, after `memorySize: `).
  assert.deepEqual(codes(await stackDiags), ['LL1001@15:18']);

  const def = (await conn.sendRequest(DefinitionRequest.type, {
    textDocument: { uri: stackUri },
    position: { line: 14, character: 17 },
  })) as Location | null;
  assert.equal(def?.uri, handlerUri);
  assert.equal(def?.range.start.line, 3);

  const handlerDiags = server.nextDiagnostics(handlerUri);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: handlerUri, languageId: 'javascript', version: 1, text: HANDLER },
  });
  // A random key in a handler the SQS trigger retries: LL2102 knows the trigger from the stack.
  const published = await handlerDiags;
  assert.ok(
    published.diagnostics.some((d) => d.code === 'LL2102' && /SQS \(Orders\)/.test(String(d.message))),
    JSON.stringify(published.diagnostics.map((d) => [d.code, d.message])),
  );

  const lenses = (await conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: handlerUri } })) ?? [];
  assert.deepEqual(
    lenses.map((l) => l.command?.command),
    ['lambdaLens.openLocation', 'lambdaLens.simulateFunction'],
  );
  assert.match(lenses[0]?.command?.title ?? '', /^OrdersFunction · 20000 MB · 60 s · SQS batch 5/);
  assert.equal(lenses[0]?.command?.arguments?.[0], stackUri);
  assert.deepEqual(lenses[1]?.command?.arguments, [stackUri, 'OrdersFunction']);

  // The extension's simulator asks for the workspace's stacks rendered as templates.
  const rendered = await conn.sendRequest<CdkSimulationResult>(CDK_SIMULATION_METHOD, {});
  assert.deepEqual(
    rendered.stacks.map((x) => x.uri),
    [stackUri],
  );
  const resources = (
    JSON.parse(rendered.stacks[0]?.template ?? '{}') as { Resources: Record<string, { Type: string }> }
  ).Resources;
  assert.equal(resources['OrdersFunction']?.Type, 'AWS::Serverless::Function');

  const refs =
    (await conn.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: handlerUri },
      position: { line: 3, character: 15 },
      context: { includeDeclaration: false },
    })) ?? [];
  assert.deepEqual(
    refs.map((r) => [r.uri, r.range.start.line]),
    [[stackUri, 14]],
  );

  // The stack is edited: the lens follows, and the stack's own finding goes away.
  const fixed = server.nextDiagnostics(stackUri, (p) => p.diagnostics.length === 0);
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: stackUri, version: 2 },
    contentChanges: [{ text: STACK.replace('memorySize: 20000', 'memorySize: 1024') }],
  });
  await fixed;
  const later = (await conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: handlerUri } })) ?? [];
  assert.match(later[0]?.command?.title ?? '', /^OrdersFunction · 1024 MB/);
});
