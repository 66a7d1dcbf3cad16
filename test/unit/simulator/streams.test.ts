/**
 * Kinesis and DynamoDB stream mappings: order per shard, a failing batch blocks its shard and
 * is retried, MaximumRetryAttempts then OnFailure with batch metadata, bisect, checkpoints.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { StreamConfig, StreamRecordInput, TrafficEntry } from '../../../server/src/simulator/config';
import { simulate } from '../../../server/src/simulator/engine';
import { assertAccounting, assertNoOrphans, config, fn } from './helpers';

function stream(overrides: Partial<StreamConfig> = {}): StreamConfig {
  return {
    name: 'clicks',
    kind: 'kinesis',
    shards: 1,
    batchSize: 100,
    maximumRetryAttempts: 2,
    maximumRecordAgeSeconds: -1,
    bisectBatchOnFunctionError: false,
    reportBatchItemFailures: false,
    parallelizationFactor: 1,
    onFailure: 'arn:aws:sqs:us-east-1:123456789012:stream-failures',
    retentionSeconds: 86_400,
    ...overrides,
  };
}

function put(s: StreamConfig, records: StreamRecordInput[], at = 0): TrafficEntry {
  return { at, kind: 'stream', stream: s, records };
}

test('a Kinesis batch is delivered in order with the real record shape', async () => {
  const records = ['a', 'b', 'c'].map((data) => ({ data, partitionKey: 'user-1' }));
  const trace = await simulate(config(fn('echo'), [put(stream(), records)]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const event = trace.invocations[0]!.response as {
    Records: {
      kinesis: { data: string; partitionKey: string; sequenceNumber: string };
      eventSource: string;
      eventID: string;
    }[];
  };
  assert.deepEqual(
    event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()),
    ['a', 'b', 'c'],
  );
  assert.equal(event.Records[0]!.eventSource, 'aws:kinesis');
  assert.match(event.Records[0]!.eventID, /^shardId-000000000000:\d+$/);
  const seqs = event.Records.map((r) => BigInt(r.kinesis.sequenceNumber));
  assert.ok(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!);
});

test('a failing batch blocks the shard, is retried MaximumRetryAttempts times, then OnFailure gets metadata only', async () => {
  const f = fn('batch', { environment: { THROW_ON_FAILURE: '1' } });
  const records = [
    { data: 'ok-1', partitionKey: 'k' },
    { data: 'fail-2', partitionKey: 'k' },
  ];
  const trace = await simulate(
    config(f, [
      put(stream({ maximumRetryAttempts: 2 }), records),
      put(stream(), [{ data: 'ok-3', partitionKey: 'k' }], 100),
    ]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const failed = trace.invocations.filter((i) => i.outcome === 'error');
  assert.equal(failed.length, 3, '1 try + 2 retries');
  // Record ok-3 waits behind the failing batch (same shard, in order).
  const last = trace.invocations.at(-1)!;
  assert.equal(last.outcome, 'success');
  assert.ok(last.arrivedMs >= failed.at(-1)!.endMs);
  const d = trace.deliveries[0]!;
  assert.equal(d.kind, 'on-failure');
  assert.equal(d.condition, 'RetryAttemptsExhausted');
  const record = d.record as Record<string, unknown>;
  const info = record['KinesisBatchInfo'] as Record<string, unknown>;
  assert.equal(info['batchSize'], 2);
  assert.equal(info['shardId'], 'shardId-000000000000');
  assert.ok(typeof info['startSequenceNumber'] === 'string' && typeof info['endSequenceNumber'] === 'string');
  assert.equal(record['requestPayload'], undefined, 'metadata only, not the records');
  assert.equal(trace.summary.accounting.delivered, 2);
  assert.equal(trace.summary.accounting.succeeded, 1);
});

test('BisectBatchOnFunctionError splits a failing batch until the bad record is alone', async () => {
  const f = fn('batch', { environment: { THROW_ON_FAILURE: '1' } });
  const records = ['ok-1', 'ok-2', 'ok-3', 'fail-4'].map((data) => ({ data, partitionKey: 'k' }));
  const trace = await simulate(
    config(f, [put(stream({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 }), records)]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.summary.accounting.succeeded, 3);
  assert.equal(trace.summary.accounting.delivered, 1);
  assert.equal(trace.deliveries[0]!.inputs.length, 1);
  assert.equal(trace.inputs.length, 4);
  assert.ok(trace.invocations.length >= 3, 'the batch was split before the bad record was alone');
});

test('ReportBatchItemFailures checkpoints before the first failed record (DynamoDB stream)', async () => {
  const s = stream({ kind: 'dynamodb', name: 'orders', reportBatchItemFailures: true, maximumRetryAttempts: 1 });
  const records = [
    { data: { NewImage: { id: { S: 'ok-1' } } } },
    { data: { NewImage: { id: { S: 'fail-2' } } } },
    { data: { NewImage: { id: { S: 'ok-3' } } } },
  ].map((r) => ({ ...r, partitionKey: 'p' }));
  const trace = await simulate(config(fn('batch'), [put(s, records)]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.invocations[0]!.inputs.length, 3);
  assert.equal(trace.invocations[1]!.inputs.length, 2, 'retried from the failed record on');
  const d = trace.deliveries[0]!;
  assert.ok((d.record as Record<string, unknown>)['DDBStreamBatchInfo']);
  assert.equal(trace.summary.accounting.succeeded, 1);
  assert.equal(trace.summary.accounting.delivered, 2);
});

test('MaximumRecordAgeInSeconds ends the retries of a blocked shard', async () => {
  const f = fn('batch', { environment: { THROW_ON_FAILURE: '1' } });
  const s = stream({ maximumRetryAttempts: -1, maximumRecordAgeSeconds: 60 });
  const trace = await simulate(
    config(f, [put(s, [{ data: 'fail', partitionKey: 'k' }])], { streamRetryDelayMs: 30_000 }),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.invocations.length, 2, 'tried at 0 s and 30 s; at 60 s the record is too old');
  assert.equal(trace.deliveries[0]!.condition, 'RecordAgeExceeded');
  assert.equal(trace.inputs[0]!.fate, 'delivered');
});

test('ParallelizationFactor runs batches of one shard concurrently, in order per partition key', async () => {
  // Two partition keys that fall in different lanes of the shard (lane = MD5 of the key mod the factor).
  const lane = (key: string): number => Number(BigInt(`0x${createHash('md5').update(key).digest('hex')}`) % 2n);
  const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
  const a = keys.find((k) => lane(k) === 0)!;
  const b = keys.find((k) => lane(k) === 1)!;
  const records = [a, b, a, b].map((partitionKey, i) => ({ data: `r${i}`, partitionKey }));
  const parallel = await simulate(
    config(fn('slow-batch'), [put(stream({ batchSize: 1, parallelizationFactor: 2 }), records)]),
  );
  assertAccounting(parallel);
  assertNoOrphans(parallel);
  assert.equal(parallel.summary.peakConcurrency, 2);
  const serial = await simulate(
    config(fn('slow-batch'), [put(stream({ batchSize: 1, parallelizationFactor: 1 }), records)]),
  );
  assertAccounting(serial);
  assert.equal(serial.summary.peakConcurrency, 1);
  assert.equal(serial.summary.accounting.succeeded, 4);
});
