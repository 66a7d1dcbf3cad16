// A CDK app in a real VS Code (issue 20): the stack file gets a squiggle on the construct's
// property (memorySize: 20000, LL1001) and its Problems entry, and go to definition (F12) on the
// `handler` string opens the handler file at its exported function.
//
//   node --import tsx --test-reporter=spec test/e2e/cdk.ts
//
// Screenshots go to test-results/e2e-cdk/ (LAMBDA_LENS_E2E_ARTIFACTS moves them).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer';
import type { Session } from './session';
import { openSuite, type Suite } from './suite';
import { TIMEOUT, withEvidence, type Workbench } from './workbench';

const artifacts = process.env.LAMBDA_LENS_E2E_ARTIFACTS ?? join(repoRoot, 'test-results', 'e2e-cdk');
const APP = 'cdk-app';
const STACK = `${APP}/lib/orders-stack.ts`;

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
  }
}
`,
  );
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
});
