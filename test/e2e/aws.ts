// AWS calls in a real VS Code: the sam-app's scenarios run from their "Run scenario" code lens
// with the handlers' AWS calls answered by the run's local endpoint. The API → queue → charge
// worker flow plays in one timeline, rows grouped by function; the payment scenario's retried
// attempts show their duplicate charges as red marks and in the details pane; a read-only role
// in a subnet without a route to SQS shows its denied and unreachable calls (issue 22).
// Screenshots of each.
//
//   node --import tsx --test-reporter=spec test/e2e/aws.ts
//
// Screenshots go to test-results/e2e-aws/ (LAMBDA_LENS_E2E_ARTIFACTS moves them).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer';
import { PANEL } from './panel';
import type { Session } from './session';
import { openSuite, type Suite } from './suite';
import { TIMEOUT, withEvidence, type Workbench } from './workbench';

const artifacts = process.env.LAMBDA_LENS_E2E_ARTIFACTS ?? join(repoRoot, 'test-results', 'e2e-aws');

let suite: Suite | undefined;
let session: Session;
let workbench: Workbench;

before(
  async () => {
    suite = await openSuite({
      name: 'aws',
      artifacts,
      // The workspace has the AWS SDK installed, as a project would (the session's cache has no SDK copy).
      prepare: (workspace) => {
        symlinkSync(join(repoRoot, 'node_modules'), join(workspace, 'sam-app', 'node_modules'), 'dir');
        // The enforcement fixture (VPC routes, a read-only role) as a project of the workspace.
        cpSync(join(repoRoot, 'test/fixtures/aws/enforce'), join(workspace, 'enforce-app'), { recursive: true });
        symlinkSync(join(repoRoot, 'node_modules'), join(workspace, 'enforce-app', 'node_modules'), 'dir');
      },
    });
    ({ session, workbench } = suite);
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await suite?.stop();
});

/** Opens a scenario, runs it from its code lens and waits for the finished run in the panel. */
async function runScenario(file: string, name: RegExp): Promise<void> {
  await workbench.openFile(file);
  const lens = workbench.editor().locator('.codelens-decoration a', { hasText: 'Run scenario' }).first();
  await lens.waitFor();
  await lens.click();
  const frame = PANEL.frame(workbench.page);
  await frame.locator(PANEL.title, { hasText: name }).waitFor({ timeout: TIMEOUT * 2 });
  await frame.locator(PANEL.done).waitFor({ timeout: TIMEOUT * 3 });
}

describe('AWS calls in the timeline', () => {
  test(
    'the orders API, the queue and the charge worker play in one timeline, every call answered locally',
    { timeout: TIMEOUT * 6 },
    () =>
      withEvidence(workbench, session, artifacts, 'orders-flow', async () => {
        await runScenario('sam-app/orders.scenario.json', /the API stores an order/);
        const frame = PANEL.frame(workbench.page);
        assert.equal(
          await frame.locator(PANEL.figure('invocations')).textContent(),
          '6',
          'three API requests and three charges',
        );
        assert.match(
          (await frame.locator(PANEL.figure('aws-calls')).textContent()) ?? '',
          /^\d+$/,
          'calls counted, none repeated',
        );
        // The first invocation is an API request: its details list its PutItem and SendMessage.
        await frame.locator(PANEL.canvas).focus();
        await frame.locator(PANEL.canvas).press('ArrowRight');
        const calls = frame.locator('.ll-details .ll-calls .ll-call');
        await calls.first().waitFor();
        assert.deepEqual(await frame.locator('.ll-details .ll-calls .ll-call-service').allTextContents(), [
          'dynamodb',
          'sqs',
        ]);
        await workbench.screenshot('orders-flow');
        await workbench.page
          .locator('iframe.webview.ready')
          .first()
          .screenshot({ path: join(artifacts, 'aws-orders-flow-panel.png') });
      }),
  );

  test(
    'the payment provider fails once: the redelivered batch charges again, marked as duplicates',
    { timeout: TIMEOUT * 6 },
    () =>
      withEvidence(workbench, session, artifacts, 'payment-duplicate', async () => {
        await runScenario('sam-app/payment-fails-once.scenario.json', /payment provider fails once/);
        const frame = PANEL.frame(workbench.page);
        assert.match((await frame.locator(PANEL.figure('aws-calls')).textContent()) ?? '', /duplicate/);
        // Attempt 2 (the second invocation) repeats attempt 1's payment.
        await frame.locator(PANEL.canvas).focus();
        await frame.locator(PANEL.canvas).press('ArrowRight');
        await frame.locator(PANEL.canvas).press('ArrowRight');
        const duplicate = frame.locator('.ll-details .ll-call-duplicate').first();
        await duplicate.waitFor();
        assert.match((await duplicate.textContent()) ?? '', /Duplicate side effect: repeats attempt 1's call/);
        await workbench.screenshot('payment-duplicate');
        await workbench.page
          .locator('iframe.webview.ready')
          .first()
          .screenshot({ path: join(artifacts, 'aws-payment-duplicate-panel.png') });
        // The button opens the LL2102 finding on the payment's line in charge.js.
        await duplicate.locator('button.ll-link').click();
        await workbench.page
          .locator('.tabs-container .tab', { hasText: 'charge.js' })
          .first()
          .waitFor({ timeout: TIMEOUT });
        await workbench.screenshot('payment-finding');
      }),
  );

  test(
    'what the template allows: a read-only role is denied PutItem, SendMessage has no route out of the VPC',
    { timeout: TIMEOUT * 6 },
    () =>
      withEvidence(workbench, session, artifacts, 'enforcement', async () => {
        await runScenario('enforce-app/stopped.scenario.json', /read-only role in a subnet without a route/);
        const frame = PANEL.frame(workbench.page);
        assert.match((await frame.locator(PANEL.figure('aws-calls')).textContent()) ?? '', /^2 · 2 stopped$/);
        await frame.locator(PANEL.canvas).focus();
        await frame.locator(PANEL.canvas).press('ArrowRight');
        const stopped = frame.locator('.ll-details .ll-call-blocked');
        await stopped.first().waitFor();
        assert.deepEqual(await frame.locator('.ll-details .ll-call-enforcement').allTextContents(), [
          'Denied by the execution role: User: arn:aws:sts::123456789012:assumed-role/ReadOnlyIsolatedFunctionRole/sim-ReadOnlyIsolatedFunction is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/sim-OrdersTable because no identity-based policy allows the dynamodb:PutItem action (no statement of the role allows dynamodb:PutItem on arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/<name of OrdersTable>)',
          'No route from the VPC: no route from subnet IsolatedSubnet to sqs: subnet IsolatedSubnet has route table IsolatedTable, with no 0.0.0.0/0 route to a NAT gateway, and the VPC has no interface endpoint for sqs',
        ]);
        // The reasons on screen, for the screenshot.
        await stopped.last().scrollIntoViewIfNeeded();
        await workbench.screenshot('enforcement');
        await workbench.page
          .locator('iframe.webview.ready')
          .first()
          .screenshot({ path: join(artifacts, 'aws-enforcement-panel.png') });
      }),
  );
});
