/**
 * SQS event source mapping: batches, visibility timeout, ReportBatchItemFailures, whole-batch
 * failures, maxReceiveCount to the queue's DLQ, FIFO groups in order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqsMessageInput, SqsQueueConfig, TrafficEntry } from '../../../server/src/simulator/config';
import { simulate } from '../../../server/src/simulator/engine';
import { assertAccounting, assertNoOrphans, config, fn } from './helpers';

function queue(overrides: Partial<SqsQueueConfig> = {}): SqsQueueConfig {
  return {
    name: 'orders',
    fifo: false,
    batchSize: 10,
    batchingWindowSeconds: 0,
    visibilityTimeoutSeconds: 30,
    reportBatchItemFailures: true,
    maxReceiveCount: null,
    deadLetterQueue: null,
    maximumConcurrency: null,
    retentionSeconds: 345_600,
    ...overrides,
  };
}

function sqs(q: SqsQueueConfig, messages: SqsMessageInput[], at = 0): TrafficEntry {
  return { at, kind: 'sqs', queue: q, messages };
}

test('ReportBatchItemFailures: one failing message in a batch is the only one re-delivered, after the visibility timeout', async () => {
  const messages = [
    { body: 'ok-1', messageId: 'm1' },
    { body: 'fail-2', messageId: 'm2' },
    { body: 'ok-3', messageId: 'm3' },
  ];
  const q = queue({ maxReceiveCount: 2, deadLetterQueue: 'orders-dlq' });
  const trace = await simulate(config(fn('batch'), [sqs(q, messages)]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const [first, second] = trace.invocations;
  assert.ok(first && second);
  assert.equal(first.inputs.length, 3, 'one batch of three');
  assert.deepEqual(first.response, { batchItemFailures: [{ itemIdentifier: 'm2' }] });
  assert.equal(second.inputs.length, 1, 'only the failed message comes back');
  assert.equal(second.attempt, 2);
  assert.ok(Math.abs(second.arrivedMs - first.arrivedMs - 30_000) < 1000, 'after the 30 s visibility timeout');
  assert.equal(trace.invocations.length, 2);
  const byExternal = new Map(trace.inputs.map((i) => [i.externalId, i]));
  assert.equal(byExternal.get('m1')!.fate, 'succeeded');
  assert.equal(byExternal.get('m3')!.fate, 'succeeded');
  assert.equal(byExternal.get('m2')!.fate, 'delivered');
  assert.equal(byExternal.get('m2')!.attempts, 2);
  const dlq = trace.deliveries[0]!;
  assert.equal(dlq.kind, 'queue-dlq');
  assert.equal(dlq.target, 'orders-dlq');
  assert.equal((dlq.record as { messageId: string }).messageId, 'm2');
});

test('the SQS event has the real record shape', async () => {
  const trace = await simulate(
    config(fn('echo'), [sqs(queue({ reportBatchItemFailures: false }), [{ body: '{"a":1}', messageId: 'abc' }])]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const event = trace.invocations[0]!.response as { Records: Record<string, unknown>[] };
  assert.deepEqual(trace.invocations[0]!.request, event, 'the trace keeps the event the handler was given');
  assert.equal(event.Records.length, 1);
  const r = event.Records[0]!;
  assert.equal(r['messageId'], 'abc');
  assert.equal(r['body'], '{"a":1}');
  assert.equal(r['eventSource'], 'aws:sqs');
  assert.equal(r['eventSourceARN'], 'arn:aws:sqs:us-east-1:123456789012:orders');
  assert.equal(r['awsRegion'], 'us-east-1');
  assert.match(String(r['md5OfBody']), /^[0-9a-f]{32}$/);
  assert.match(String(r['receiptHandle']), /^AQEB/);
  const attributes = r['attributes'] as Record<string, string>;
  assert.equal(attributes['ApproximateReceiveCount'], '1');
  assert.match(attributes['SentTimestamp']!, /^\d{13}$/);
  assert.equal(trace.inputs[0]!.externalId, 'abc');
  assert.equal(trace.inputs[0]!.fate, 'succeeded');
});

test('without ReportBatchItemFailures a thrown error returns the whole batch; maxReceiveCount moves it to the DLQ', async () => {
  const q = queue({
    reportBatchItemFailures: false,
    maxReceiveCount: 3,
    deadLetterQueue: 'dlq',
    visibilityTimeoutSeconds: 60,
  });
  const f = fn('batch', { environment: { THROW_ON_FAILURE: '1' } });
  const trace = await simulate(config(f, [sqs(q, [{ body: 'ok' }, { body: 'fail' }])]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.invocations.length, 3, 'received 3 times');
  assert.ok(trace.invocations.every((i) => i.inputs.length === 2 && i.outcome === 'error'));
  assert.deepEqual(
    trace.invocations.map((i) => i.attempt),
    [1, 2, 3],
  );
  assert.equal(trace.summary.accounting.delivered, 2, 'both messages, the good one too, reach the DLQ');
  assert.equal(trace.deliveries.length, 2);
});

test('an invalid batchItemFailures response fails the whole batch', async () => {
  const q = queue({ maxReceiveCount: 1, deadLetterQueue: 'dlq' });
  const trace = await simulate(
    config(fn('bad-batch'), [
      sqs(q, [
        { body: 'ok', messageId: 'x1' },
        { body: 'ok', messageId: 'x2' },
      ]),
    ]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.invocations.length, 1);
  assert.equal(trace.invocations[0]!.outcome, 'success');
  // An unknown itemIdentifier: both messages count as failed and (maxReceiveCount 1) go to the DLQ.
  assert.equal(trace.summary.accounting.delivered, 2);
});

test('batch size splits messages; FIFO keeps each group in order with one batch in flight per group', async () => {
  const standard = await simulate(
    config(fn('batch'), [
      sqs(
        queue({ batchSize: 2 }),
        Array.from({ length: 5 }, (_, i) => ({ body: `ok-${i}` })),
      ),
    ]),
  );
  assertAccounting(standard);
  assert.deepEqual(standard.invocations.map((i) => i.inputs.length).sort(), [1, 2, 2]);

  const fifo = queue({ name: 'orders.fifo', fifo: true, batchSize: 1 });
  const messages = [
    { body: 'a1', groupId: 'a', messageId: 'a1' },
    { body: 'a2', groupId: 'a', messageId: 'a2' },
    { body: 'b1', groupId: 'b', messageId: 'b1' },
    { body: 'a3', groupId: 'a', messageId: 'a3' },
  ];
  const trace = await simulate(config(fn('node-basic'), [sqs(fifo, messages)]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const order = trace.invocations.map((i) => trace.inputs.find((x) => x.id === i.inputs[0])!.externalId);
  const groupA = order.filter((id) => id.startsWith('a'));
  assert.deepEqual(groupA, ['a1', 'a2', 'a3']);
  // Group a never has two batches in flight at once.
  const aInvocations = trace.invocations.filter((i) =>
    trace.inputs.find((x) => x.id === i.inputs[0])!.externalId.startsWith('a'),
  );
  for (let k = 1; k < aInvocations.length; k++) assert.ok(aInvocations[k]!.arrivedMs >= aInvocations[k - 1]!.endMs);
});

test('SQS pollers start at 5 concurrent batches; MaximumConcurrency caps them lower', async () => {
  const messages = Array.from({ length: 12 }, (_, i) => ({ body: `ok-${i}` }));
  const trace = await simulate(
    config(fn('node-basic'), [
      sqs(
        queue({ batchSize: 1 }),
        messages.map((m) => ({ ...m })),
      ),
    ]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.summary.peakConcurrency, 5);
  assert.equal(trace.summary.accounting.succeeded, 12);
  const capped = await simulate(
    config(fn('node-basic'), [sqs(queue({ batchSize: 1, maximumConcurrency: 2 }), messages)]),
  );
  assertAccounting(capped);
  assert.equal(capped.summary.peakConcurrency, 2);
});

test('a poison message with no DLQ is retried until maxInvocations stops the run, and is still accounted for', async () => {
  const f = fn('batch', { environment: { THROW_ON_FAILURE: '1' } });
  const trace = await simulate(
    config(f, [sqs(queue({ reportBatchItemFailures: false }), [{ body: 'fail' }])], { maxInvocations: 5 }),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.invocations.length, 5);
  assert.equal(trace.inputs[0]!.fate, 'dropped');
  assert.match(trace.inputs[0]!.reason, /maxInvocations \(5\) reached/);
});
