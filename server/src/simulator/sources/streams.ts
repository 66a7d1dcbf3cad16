/**
 * Kinesis and DynamoDB streams read by an event source mapping (services-kinesis-parameters.html,
 * with-ddb.html; docs/lambda.md, "Kinesis and DynamoDB streams"): records in order per shard, an
 * error blocks the shard and retries the batch until it succeeds, MaximumRetryAttempts or
 * MaximumRecordAgeInSeconds runs out, or the record expires; BisectBatchOnFunctionError splits
 * a failed batch in two (not counted as a retry); ParallelizationFactor runs up to 10 batches
 * per shard at once, in order per partition key; ReportBatchItemFailures checkpoints before
 * the first failed sequence number; OnFailure gets the batch's metadata only.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { StreamConfig, StreamRecordInput } from '../config';
import type { Platform } from '../platform';
import type { TraceInvocation } from '../trace';

interface StreamRecord {
  id: string;
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  input: StreamRecordInput;
  arrivedMs: number;
}

/** One ordered lane: a shard, or a partition-key slice of it under ParallelizationFactor. */
interface Lane {
  shardId: string;
  pending: StreamRecord[];
  busy: boolean;
}

function hashOf(key: string): bigint {
  return BigInt(`0x${createHash('md5').update(key).digest('hex')}`);
}

export class StreamSource {
  private readonly lanes = new Map<string, Lane>();
  private sequence = 0n;
  private readonly arn: string;

  constructor(
    private readonly p: Platform,
    private readonly stream: StreamConfig,
  ) {
    this.arn =
      stream.kind === 'kinesis'
        ? `arn:aws:kinesis:${p.settings.region}:${p.settings.accountId}:stream/${stream.name}`
        : `arn:aws:dynamodb:${p.settings.region}:${p.settings.accountId}:table/${stream.name}/stream/2026-01-01T00:00:00.000`;
  }

  put(records: StreamRecordInput[]): void {
    const now = this.p.clock.now();
    for (const input of records) {
      const partitionKey = input.partitionKey ?? randomUUID();
      const hash = hashOf(partitionKey);
      // Kinesis maps the MD5 of the partition key to a shard; here: modulo the shard count.
      const shard = Number(hash % BigInt(Math.max(1, this.stream.shards)));
      const shardId = `shardId-${String(shard).padStart(12, '0')}`;
      const lane = `${shardId}/${Number(hash % BigInt(Math.max(1, this.stream.parallelizationFactor)))}`;
      const sequenceNumber = `4959${String(++this.sequence).padStart(52, '0')}`;
      const record: StreamRecord = {
        id: this.p.put(this.stream.kind, sequenceNumber),
        shardId,
        sequenceNumber,
        partitionKey,
        input,
        arrivedMs: now,
      };
      let l = this.lanes.get(lane);
      if (!l) {
        l = { shardId, pending: [], busy: false };
        this.lanes.set(lane, l);
      }
      l.pending.push(record);
    }
    for (const lane of this.lanes.values()) this.next(lane);
  }

  private next(lane: Lane): void {
    if (lane.busy) return;
    this.expire(lane);
    if (lane.pending.length === 0) return;
    const batch = lane.pending.slice(0, this.stream.batchSize);
    this.process(lane, batch, 0, 1);
  }

  /** Records older than the stream's retention or MaximumRecordAgeInSeconds leave the lane. */
  private expire(lane: Lane): void {
    const now = this.p.clock.now();
    const retention = this.stream.retentionSeconds * 1000;
    const maxAge = this.stream.maximumRecordAgeSeconds >= 0 ? this.stream.maximumRecordAgeSeconds * 1000 : Infinity;
    const old = lane.pending.filter((r) => now - r.arrivedMs >= Math.min(retention, maxAge));
    if (old.length === 0) return;
    lane.pending = lane.pending.filter((r) => !old.includes(r));
    const expired = old.some((r) => now - r.arrivedMs >= retention);
    this.fail(lane, old, null, expired ? 'RecordExpired' : 'RecordAgeExceeded', 0);
  }

  private event(batch: StreamRecord[]): unknown {
    const region = this.p.settings.region;
    if (this.stream.kind === 'kinesis') {
      return {
        Records: batch.map((r) => ({
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: r.partitionKey,
            sequenceNumber: r.sequenceNumber,
            data: Buffer.from(typeof r.input.data === 'string' ? r.input.data : JSON.stringify(r.input.data)).toString(
              'base64',
            ),
            approximateArrivalTimestamp: Date.parse(this.p.iso(r.arrivedMs)) / 1000,
          },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: `${r.shardId}:${r.sequenceNumber}`,
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: `arn:aws:iam::${this.p.settings.accountId}:role/lambda-role`,
          awsRegion: region,
          eventSourceARN: this.arn,
        })),
      };
    }
    return {
      Records: batch.map((r) => ({
        eventID: createHash('md5').update(r.sequenceNumber).digest('hex'),
        eventName: r.input.eventName ?? 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: region,
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(Date.parse(this.p.iso(r.arrivedMs)) / 1000),
          ...(r.input.data !== null && typeof r.input.data === 'object'
            ? (r.input.data as Record<string, unknown>)
            : {}),
          SequenceNumber: r.sequenceNumber,
          SizeBytes: JSON.stringify(r.input.data ?? null).length,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: this.arn,
      })),
    };
  }

  /** Run `batch` (the head of the lane); `retries` counts retries of these records so far. */
  private process(lane: Lane, batch: StreamRecord[], retries: number, attempt: number): void {
    lane.busy = true;
    const release = this.p.clock.hold();
    const requestId = randomUUID();
    const inputs = batch.map((r) => r.id);
    void (async () => {
      try {
        const stop = this.p.canInvoke();
        if (stop) {
          lane.pending = lane.pending.filter((r) => !batch.includes(r));
          this.p.settle(inputs, 'dropped', stop);
          lane.busy = false;
          this.next(lane);
          return;
        }
        const inv = await this.p.invoke({
          source: this.stream.kind,
          event: this.event(batch),
          requestId,
          attempt,
          inputs,
        });
        this.after(lane, batch, inv, retries, attempt);
      } finally {
        release();
      }
    })();
  }

  private after(lane: Lane, batch: StreamRecord[], inv: TraceInvocation, retries: number, attempt: number): void {
    const failedFrom = this.firstFailure(batch, inv);
    if (failedFrom === -1) {
      this.done(lane, batch);
      lane.busy = false;
      this.next(lane);
      return;
    }
    // Records before the first failure are checkpointed (ReportBatchItemFailures).
    if (failedFrom > 0) this.done(lane, batch.slice(0, failedFrom));
    const rest = batch.slice(failedFrom);
    const { clock, settings } = this.p;
    if (inv.outcome !== 'success' && this.stream.bisectBatchOnFunctionError && rest.length > 1) {
      // Bisect: retry the first half alone; it does not count as a retry.
      const half = rest.slice(0, Math.ceil(rest.length / 2));
      this.p.emit({
        type: 'retry-scheduled',
        atMs: clock.now(),
        requestId: inv.requestId,
        source: this.stream.kind,
        nextAttempt: attempt + 1,
        dueMs: clock.now(),
        reason: `batch of ${rest.length} failed; bisected to ${half.length}`,
      });
      clock.after(0, () => this.process(lane, half, retries, attempt + 1));
      return;
    }
    if (this.stream.maximumRetryAttempts >= 0 && retries >= this.stream.maximumRetryAttempts) {
      lane.pending = lane.pending.filter((r) => !rest.includes(r));
      this.fail(lane, rest, inv, 'RetryAttemptsExhausted', attempt);
      lane.busy = false;
      this.next(lane);
      return;
    }
    // The shard is blocked: the same records are retried until success or expiry.
    const due = clock.now() + settings.streamRetryDelayMs;
    this.p.emit({
      type: 'retry-scheduled',
      atMs: clock.now(),
      requestId: inv.requestId,
      source: this.stream.kind,
      nextAttempt: attempt + 1,
      dueMs: due,
      reason: `batch failed (${inv.errorType ?? 'batchItemFailures'}); shard blocked until it succeeds`,
    });
    clock.at(due, () => {
      this.expire(lane);
      const still = rest.filter((r) => lane.pending.includes(r));
      if (still.length === 0) {
        lane.busy = false;
        this.next(lane);
        return;
      }
      this.process(lane, still, retries + 1, attempt + 1);
    });
  }

  /** Index of the first failed record, or -1 when the batch succeeded. */
  private firstFailure(batch: StreamRecord[], inv: TraceInvocation): number {
    if (inv.outcome !== 'success') return 0;
    if (!this.stream.reportBatchItemFailures) return -1;
    const response = inv.response;
    if (response === null || typeof response !== 'object') return -1;
    const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
    if (list === null || list === undefined) return -1;
    if (!Array.isArray(list)) return 0;
    let first = -1;
    for (const item of list) {
      const id =
        item !== null && typeof item === 'object' ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
      const index = batch.findIndex((r) => r.sequenceNumber === id);
      if (index < 0) return 0;
      if (first < 0 || index < first) first = index;
    }
    return first;
  }

  private done(lane: Lane, records: StreamRecord[]): void {
    lane.pending = lane.pending.filter((r) => !records.includes(r));
    this.p.settle(
      records.map((r) => r.id),
      'succeeded',
      'processed; checkpoint advanced',
    );
  }

  /** OnFailure gets metadata only: shard, sequence range, batch size (docs/lambda.md). */
  private fail(
    lane: Lane,
    records: StreamRecord[],
    inv: TraceInvocation | null,
    condition: string,
    invokeCount: number,
  ): void {
    const ids = records.map((r) => r.id);
    const first = records[0] as StreamRecord;
    const last = records[records.length - 1] as StreamRecord;
    if (this.stream.onFailure) {
      const info = {
        shardId: lane.shardId,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecord: this.p.iso(first.arrivedMs),
        approximateArrivalOfLastRecord: this.p.iso(last.arrivedMs),
        batchSize: records.length,
        streamArn: this.arn,
      };
      const record: Record<string, unknown> = {
        requestContext: {
          requestId: inv?.requestId ?? null,
          functionArn: this.p.functionArn,
          condition,
          approximateInvokeCount: invokeCount,
        },
        responseContext: {
          statusCode: inv && inv.outcome !== 'throttled' ? 200 : 429,
          executedVersion: '$LATEST',
          functionError: inv && inv.outcome !== 'success' ? 'Unhandled' : undefined,
        },
        version: '1.0',
        timestamp: this.p.iso(this.p.clock.now()),
        [this.stream.kind === 'kinesis' ? 'KinesisBatchInfo' : 'DDBStreamBatchInfo']: info,
      };
      this.p.deliver('on-failure', this.stream.onFailure, ids, inv?.requestId ?? null, condition, record);
      this.p.settle(ids, 'delivered', `${condition}; batch metadata sent to the OnFailure destination`);
    } else {
      this.p.settle(ids, 'dropped', `${condition}; no OnFailure destination, so the records are skipped`);
    }
  }
}
