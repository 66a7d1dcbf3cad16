// A CDK app in a real VS Code (issue 20): the stack file gets a squiggle on the construct's
// property (memorySize: 20000, LL1001) and its Problems entry, and go to definition (F12) on the
// `handler` string opens the handler file at its exported function. Then a NodejsFunction of the
// stack (a TypeScript entry) is simulated from the palette: its run plays in the timeline, with
// its PutItem calls answered by the stack's own table.
//
//   node --import tsx --test-reporter=spec test/e2e/cdk.ts
//
// Screenshots go to test-results/e2e-cdk/ (LAMBDA_LENS_E2E_ARTIFACTS moves them).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer';
import type { Session } from './session';
import { openSuite, type Suite } from './suite';
import { pick, PANEL } from './panel';
import { TIMEOUT, withEvidence, type Workbench } from './workbench';

const artifacts = process.env.LAMBDA_LENS_E2E_ARTIFACTS ?? join(repoRoot, 'test-results', 'e2e-cdk');
const APP = 'cdk-app';
const STACK = `${APP}/lib/orders-stack.ts`;
/** The NodejsFunction the palette simulates, and the burst size. */
const INGEST = 'IngestFunction';
const BURST = 2;

let suite: Suite | undefined;
let session: Session;
let workbench: Workbench;

/** A CDK app: cdk.json, a stack with an SQS-triggered function, and its handler. */
function writeApp(root: string): void {
  const app = join(root, APP);
  mkdirSync(join(app, 'lib'), { recursive: true });
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'cdk.json'), '{ "app": "npx ts-node --prefer-ts-exts bin/app.ts" }\n');
  writeFileSync(
    join(root, STACK),
    `import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';

export class OrdersStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const queue = new sqs.Queue(this, 'Orders', { visibilityTimeout: Duration.minutes(6) });
    const worker = new lambda.Function(this, 'OrderWorker', {
      runtime: lambda.Runtime.NODEJS_22_X,
      code: lambda.Code.fromAsset(path.join(__dirname, '../src')),
      handler: 'worker.handler',
      memorySize: 20000,
      timeout: Duration.minutes(1),
    });
    worker.addEventSource(new SqsEventSource(queue, { batchSize: 5, reportBatchItemFailures: true }));

    const receipts = new dynamodb.Table(this, 'Receipts', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    });
    const ingest = new NodejsFunction(this, '${INGEST}', {
      entry: path.join(__dirname, '../src/ingest.ts'),
      runtime: lambda.Runtime.NODEJS_22_X,
      memorySize: 256,
      environment: { TABLE_NAME: receipts.tableName },
    });
    receipts.grantWriteData(ingest);
    new apigw.LambdaRestApi(this, 'Api', { handler: ingest });
  }
}
`,
  );
  writeFileSync(
    join(app, 'src', 'ingest.ts'),
    `// Stores a receipt for each request (TypeScript: the CDK bundles it, Lambda Lens compiles it).
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { receiptItem } from './receipt';

const db = new DynamoDBClient({});

export const handler = async (event: { requestContext?: { requestId?: string } }) => {
  const id = event.requestContext?.requestId ?? String(Date.now());
  await db.send(new PutItemCommand({ TableName: process.env.TABLE_NAME, Item: receiptItem(id) }));
  return { statusCode: 201, body: JSON.stringify({ id }) };
};
`,
  );
  writeFileSync(
    join(app, 'src', 'receipt.ts'),
    `export function receiptItem(id: string): Record<string, { S: string }> {
  return { id: { S: id }, status: { S: 'RECEIVED' } };
}
`,
  );
  // The app has the AWS SDK installed, as a project would.
  symlinkSync(join(repoRoot, 'node_modules'), join(app, 'node_modules'), 'dir');
  writeFileSync(
    join(app, 'src', 'worker.mjs'),
    `// Processes one batch of orders.
const seen = new Set();

export const handler = async (event) => {
  for (const record of event.Records) seen.add(record.messageId);
  return { batchItemFailures: [] };
};
`,
  );
}

before(
  async () => {
    suite = await openSuite({ name: 'cdk', artifacts, prepare: writeApp });
    ({ session, workbench } = suite);
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await suite?.stop();
});

describe('a CDK app in the workbench', () => {
  test(
    'a squiggle on memorySize in the stack, then go to definition from handler to the handler file',
    { timeout: TIMEOUT * 4 },
    () =>
      withEvidence(workbench, session, artifacts, 'cdk', async () => {
        const { page } = workbench;
        await workbench.openFile(STACK);
        await workbench.waitForSquiggle('error');
        const row = await workbench.problem('LL1001');
        assert.match(await row.innerText(), /MemorySize 20000 MB is outside Lambda's range/);
        // The squiggle sits on the value of memorySize, in the stack's .ts file.
        const squiggled = workbench.editor().locator('.view-line', { hasText: 'memorySize: 20000' });
        await squiggled.waitFor();
        await workbench.screenshot('stack-squiggle');

        // F12 on the handler string opens the handler file at its export.
        const token = workbench
          .editor()
          .locator('.view-line', { hasText: "handler: 'worker.handler'" })
          .locator('span span', { hasText: /worker\.handler/ })
          .first();
        await token.click();
        await page.keyboard.press('F12');
        await page.locator('.tabs-container .tab.active', { hasText: 'worker.mjs' }).waitFor();
        // The cursor is on the exported handler's line.
        await page.locator('.editor-group-container.active .monaco-editor .current-line').first().waitFor();
        const status = await page.locator('.statusbar-item[id="status.editor.selection"]').innerText();
        assert.match(status, /Ln 4,/);
        await workbench.screenshot('definition-handler');
      }),
  );

  test(
    'a NodejsFunction of the stack simulated from the palette: its TypeScript entry runs, the timeline shows it, its table answers',
    { timeout: TIMEOUT * 8 },
    () =>
      withEvidence(workbench, session, artifacts, 'cdk-simulate', async () => {
        const { page } = workbench;
        await workbench.openFile(STACK);
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor();
        await input.fill(`>${PANEL.simulate}`);
        await page.locator('.quick-input-list .monaco-list-row', { hasText: PANEL.simulate }).first().waitFor();
        await input.press('Enter');
        // The CDK function is listed with its stack file, rendered by the language server.
        await page.locator('.quick-input-widget .quick-input-title', { hasText: '1/3' }).waitFor();
        await input.fill(INGEST);
        const row = page.locator('.quick-input-list .monaco-list-row', { hasText: INGEST }).first();
        await row.waitFor();
        assert.match(await row.innerText(), /orders-stack\.ts/);
        await workbench.screenshot('cdk-function-picker');
        await input.press('Enter');
        await pick(page, '2/3', 'Burst', /Burst of N/);
        await page
          .locator('.quick-input-widget .quick-input-title', { hasText: 'How many concurrent requests' })
          .waitFor();
        await input.fill(String(BURST));
        await input.press('Enter');
        await pick(page, '3/3', 'apigateway-rest', 'apigateway-rest');

        const frame = PANEL.frame(page);
        await frame.locator(PANEL.title, { hasText: INGEST }).waitFor({ timeout: TIMEOUT * 3 });
        await frame.locator(PANEL.done).waitFor({ timeout: TIMEOUT * 3 });
        assert.equal(await frame.locator(PANEL.figure('invocations')).textContent(), String(BURST * 2));
        assert.equal(await frame.locator(PANEL.figure('environments')).textContent(), String(BURST));
        // Every request stored its receipt in the stack's table, through the run's local endpoint.
        assert.match(
          (await frame.locator(PANEL.figure('aws-calls')).textContent()) ?? '',
          new RegExp(`^${BURST * 2}\\b`),
        );
        await frame.locator(PANEL.canvas).focus();
        await frame.locator(PANEL.canvas).press('ArrowRight');
        const services = await frame.locator('.ll-details .ll-calls .ll-call-service').allTextContents();
        assert.ok(services.length > 0 && services.every((x) => /dynamodb/i.test(x)), services.join(', '));
        await workbench.screenshot('cdk-timeline');
      }),
  );
});
