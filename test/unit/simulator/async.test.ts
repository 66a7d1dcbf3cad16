/**
 * Asynchronous invocation: retries about 1 and 2 minutes apart with the same request id,
 * OnSuccess/OnFailure destination records, the legacy DLQ, event age, reserved concurrency 0.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultAsyncConfig } from '../../../server/src/simulator/config';
import { simulate } from '../../../server/src/simulator/engine';
import { assertAccounting, assertNoOrphans, async, config, fn } from './helpers';

const FAILURE_ARN = 'arn:aws:sqs:us-east-1:123456789012:failures';

test('a throwing async event is tried 3 times, ≈1 and 2 minutes apart, then reaches OnFailure with the right record', async () => {
  const f = fn('node-basic', { async: { ...defaultAsyncConfig(), onFailure: FAILURE_ARN } });
  const trace = await simulate(config(f, [async(0, { fail: 'always' })]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const tries = trace.invocations;
  assert.equal(tries.length, 3);
  assert.deepEqual(
    tries.map((i) => i.attempt),
    [1, 2, 3],
  );
  assert.equal(new Set(tries.map((i) => i.requestId)).size, 1, 'retries keep the request id');
  const gap1 = tries[1]!.arrivedMs - tries[0]!.endMs;
  const gap2 = tries[2]!.arrivedMs - tries[1]!.endMs;
  assert.ok(Math.abs(gap1 - 60_000) < 1000 && Math.abs(gap2 - 120_000) < 1000, `retry delays ${gap1}, ${gap2}`);
  assert.equal(trace.summary.retries, 2);
  assert.equal(trace.deliveries.length, 1);
  const d = trace.deliveries[0]!;
  assert.equal(d.kind, 'on-failure');
  assert.equal(d.target, FAILURE_ARN);
  assert.equal(d.condition, 'RetriesExhausted');
  const record = d.record as Record<string, unknown>;
  assert.equal(record['version'], '1.0');
  assert.match(String(record['timestamp']), /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(record['requestContext'], {
    requestId: tries[0]!.requestId,
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:TestFunction:$LATEST',
    condition: 'RetriesExhausted',
    approximateInvokeCount: 3,
  });
  assert.deepEqual(record['requestPayload'], { fail: 'always' });
  assert.deepEqual(record['responseContext'], {
    statusCode: 200,
    executedVersion: '$LATEST',
    functionError: 'Unhandled',
  });
  const payload = record['responsePayload'] as Record<string, unknown>;
  assert.equal(payload['errorType'], 'TypeError');
  assert.equal(payload['errorMessage'], 'always');
  assert.equal(trace.inputs[0]!.fate, 'delivered');
  assert.equal(trace.inputs[0]!.attempts, 3);
});

test('success goes to OnSuccess; MaximumRetryAttempts 0 and the legacy DLQ; no destination drops with a reason', async () => {
  const f = fn('node-basic', {
    async: { ...defaultAsyncConfig(), maximumRetryAttempts: 0, onSuccess: 'arn:aws:sns:us-east-1:123456789012:ok' },
    deadLetterQueue: 'arn:aws:sqs:us-east-1:123456789012:dlq',
  });
  const trace = await simulate(config(f, [async(0, { hello: 1 }), async(0, { fail: 'once' })]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.invocations.length, 2, 'no retries with MaximumRetryAttempts 0');
  const ok = trace.deliveries.find((d) => d.kind === 'on-success')!;
  assert.equal(ok.condition, 'Success');
  assert.deepEqual((ok.record as Record<string, unknown>)['responseContext'], {
    statusCode: 200,
    executedVersion: '$LATEST',
  });
  const dlq = trace.deliveries.find((d) => d.kind === 'dlq')!;
  const dlqRecord = dlq.record as { body: unknown; messageAttributes: Record<string, string> };
  assert.deepEqual(dlqRecord.body, { fail: 'once' });
  assert.equal(dlqRecord.messageAttributes['ErrorMessage'], 'once');
  assert.equal(dlqRecord.messageAttributes['RequestID'], dlq.requestId);
  assert.equal(dlqRecord.messageAttributes['ErrorCode'], '200');

  const lost = await simulate(
    config(fn('node-basic', { async: { ...defaultAsyncConfig(), maximumRetryAttempts: 1 } }), [
      async(0, { fail: 'x' }),
    ]),
  );
  assertAccounting(lost);
  assert.equal(lost.invocations.length, 2);
  assert.equal(lost.inputs[0]!.fate, 'dropped');
  assert.match(lost.inputs[0]!.reason, /RetriesExhausted.*no OnFailure destination or DLQ/);
});

test('MaximumEventAgeInSeconds ends retries with EventAgeExceeded', async () => {
  const f = fn('node-basic', {
    async: { ...defaultAsyncConfig(), maximumEventAgeSeconds: 90, onFailure: FAILURE_ARN },
  });
  const trace = await simulate(config(f, [async(0, { fail: 'x' })]));
  assertAccounting(trace);
  assert.equal(trace.invocations.length, 2, 'the 2-minute retry would be past 90 s');
  assert.equal(trace.deliveries[0]!.condition, 'EventAgeExceeded');
  assert.ok(Math.abs(trace.deliveries[0]!.atMs - 90_000) < 1000);
});

test('reserved concurrency 0 sends async events straight to the failure destination without running them', async () => {
  const f = fn('node-basic', { reservedConcurrency: 0, async: { ...defaultAsyncConfig(), onFailure: FAILURE_ARN } });
  const trace = await simulate(config(f, [async(0, {}, 2)]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.invocations.length, 0);
  assert.equal(trace.deliveries.length, 2);
  assert.equal(trace.summary.accounting.delivered, 2);
});

test('async throttles are requeued with backoff and run once capacity frees up', async () => {
  const trace = await simulate(config(fn('node-basic', { reservedConcurrency: 1 }), [async(0, { sleepMs: 200 }, 3)]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.summary.accounting.succeeded, 3);
  assert.ok(trace.summary.throttles >= 2);
  const ran = trace.invocations.filter((i) => i.outcome === 'success');
  assert.equal(ran.length, 3);
});
