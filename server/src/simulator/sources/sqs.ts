/**
 * An SQS queue read by an event source mapping (services-sqs-configure.html,
 * services-sqs-errorhandling.html, services-sqs-scaling.html; docs/lambda.md,
 * "SQS"): batches of up to BatchSize, an optional batching window, messages invisible for
 * the visibility timeout while processed, success deletes, any failure returns the batch when
 * the visibility timeout ends (only the reported items under ReportBatchItemFailures), FIFO
 * message groups in order with one batch in flight per group, maxReceiveCount to the queue's
 * DLQ, and poller scaling from 5 concurrent batches, +300 a minute.
 */
import { createHash, randomUUID } from 'node:crypto';
import { SQS_SCALING } from '../../service/limits';
import type { SqsMessageInput, SqsQueueConfig } from '../config';
import type { Platform } from '../platform';
import type { TraceInvocation } from '../trace';

interface Message {
  id: string;
  messageId: string;
  body: string;
  groupId: string | null;
  attributes: Record<string, unknown>;
  sentMs: number;
  sequence: number;
  receiveCount: number;
  firstReceiveMs: number | null;
  state: 'visible' | 'inflight' | 'done';
  /** Which receive the message is in flight for; a stale visibility timer ignores it. */
  receipt: number;
}

export class SqsSource {
  private readonly messages: Message[] = [];
  private inFlight = 0;
  private startMs: number | null = null;
  private sequence = 0;
  private windowTimer: { cancel(): void } | null = null;
  private readonly arn: string;

  constructor(
    private readonly p: Platform,
    private readonly queue: SqsQueueConfig,
  ) {
    this.arn = `arn:aws:sqs:${p.settings.region}:${p.settings.accountId}:${queue.name}`;
  }

  send(inputs: SqsMessageInput[]): void {
    const now = this.p.clock.now();
    if (this.startMs === null) this.startMs = now;
    for (const m of inputs) {
      const messageId = m.messageId ?? randomUUID();
      this.messages.push({
        id: this.p.put('sqs', messageId),
        messageId,
        body: m.body,
        groupId: this.queue.fifo ? (m.groupId ?? 'default') : null,
        attributes: m.attributes ?? {},
        sentMs: now,
        sequence: ++this.sequence,
        receiveCount: 0,
        firstReceiveMs: null,
        state: 'visible',
        receipt: 0,
      });
    }
    this.poll();
  }

  /** Concurrent batches allowed now: 5 at first, +300 per minute, up to 1,000 or MaximumConcurrency. */
  private concurrencyLimit(): number {
    const elapsedMin = (this.p.clock.now() - (this.startMs ?? 0)) / 60_000;
    const cap = Math.min(SQS_SCALING.max, this.queue.maximumConcurrency ?? SQS_SCALING.max);
    return Math.min(cap, Math.floor(SQS_SCALING.initial + SQS_SCALING.perMinute * elapsedMin));
  }

  private poll(): void {
    const now = this.p.clock.now();
    this.expire(now);
    while (this.inFlight < this.concurrencyLimit()) {
      const batch = this.takeBatch();
      if (batch.length === 0) break;
      // A batching window waits for a full batch up to MaximumBatchingWindowInSeconds (FIFO has none).
      const windowMs = this.queue.fifo ? 0 : this.queue.batchingWindowSeconds * 1000;
      const oldest = Math.min(...batch.map((m) => m.sentMs));
      if (batch.length < this.queue.batchSize && windowMs > 0 && now < oldest + windowMs) {
        if (!this.windowTimer) {
          this.windowTimer = this.p.clock.at(oldest + windowMs, () => {
            this.windowTimer = null;
            this.poll();
          });
        }
        break;
      }
      this.dispatch(batch);
    }
  }

  /** Messages past the retention period are deleted by SQS. */
  private expire(now: number): void {
    for (const m of this.messages) {
      if (m.state === 'visible' && now >= m.sentMs + this.queue.retentionSeconds * 1000) {
        m.state = 'done';
        this.p.settle([m.id], 'dropped', `message retention period (${this.queue.retentionSeconds} s) expired`);
      }
    }
  }

  private takeBatch(): Message[] {
    const batch: Message[] = [];
    if (!this.queue.fifo) {
      for (const m of this.messages) {
        if (batch.length >= this.queue.batchSize) break;
        if (m.state === 'visible' && this.admit(m)) batch.push(m);
      }
      return batch;
    }
    // FIFO: per message group in order; a group with a message in flight (or waiting out its
    // visibility timeout) is blocked, so later messages never overtake it.
    const blocked = new Set<string>();
    for (const m of this.messages) {
      if (batch.length >= this.queue.batchSize) break;
      const group = m.groupId as string;
      if (m.state === 'done' || blocked.has(group)) continue;
      if (m.state === 'inflight') {
        blocked.add(group);
        continue;
      }
      if (this.admit(m)) batch.push(m);
      else blocked.add(group);
    }
    return batch;
  }

  /** A message received maxReceiveCount times moves to the queue's DLQ instead of a new receive. */
  private admit(m: Message): boolean {
    if (this.queue.maxReceiveCount !== null && m.receiveCount >= this.queue.maxReceiveCount) {
      m.state = 'done';
      const record = {
        messageId: m.messageId,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(Date.parse(this.p.iso(m.sentMs))),
        },
      };
      this.p.deliver('queue-dlq', this.queue.deadLetterQueue, [m.id], null, 'maxReceiveCount', record);
      this.p.settle(
        [m.id],
        'delivered',
        `received ${m.receiveCount} times (maxReceiveCount ${this.queue.maxReceiveCount}); moved to the queue's dead-letter queue`,
      );
      return false;
    }
    return true;
  }

  private record(m: Message): Record<string, unknown> {
    const attributes: Record<string, string> = {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(Date.parse(this.p.iso(m.sentMs))),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(Date.parse(this.p.iso(m.firstReceiveMs ?? m.sentMs))),
    };
    if (m.groupId !== null) {
      attributes['SequenceNumber'] = String(m.sequence).padStart(20, '1');
      attributes['MessageGroupId'] = m.groupId;
      attributes['MessageDeduplicationId'] = createHash('sha256').update(m.body).digest('hex');
    }
    return {
      messageId: m.messageId,
      receiptHandle: `AQEB${Buffer.from(`${m.messageId}:${m.receiveCount}`).toString('base64')}`,
      body: m.body,
      attributes,
      messageAttributes: m.attributes,
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: this.p.settings.region,
    };
  }

  private dispatch(batch: Message[]): void {
    const { clock } = this.p;
    const now = clock.now();
    for (const m of batch) {
      m.state = 'inflight';
      m.receiveCount++;
      m.receipt++;
      if (m.firstReceiveMs === null) m.firstReceiveMs = now;
    }
    const receipts = batch.map((m) => m.receipt);
    const visibleAt = now + this.queue.visibilityTimeoutSeconds * 1000;
    // Unless deleted first, the messages come back when the visibility timeout ends, even if
    // the function is still running (a function timeout above the visibility timeout duplicates).
    const visibility = clock.at(visibleAt, () => {
      let returned = false;
      batch.forEach((m, i) => {
        if (m.state === 'inflight' && m.receipt === receipts[i]) {
          m.state = 'visible';
          returned = true;
        }
      });
      if (returned) this.poll();
    });
    this.inFlight++;
    const release = clock.hold();
    const requestId = randomUUID();
    const inputs = batch.map((m) => m.id);
    void (async () => {
      try {
        const stop = this.p.canInvoke();
        if (stop) {
          for (const m of batch) m.state = 'done';
          this.p.settle(inputs, 'dropped', stop);
          return;
        }
        const event = { Records: batch.map((m) => this.record(m)) };
        const attempt = Math.max(...batch.map((m) => m.receiveCount));
        const inv = await this.p.invoke({ source: 'sqs', event, requestId, attempt, inputs });
        this.after(batch, receipts, inv, requestId, visibleAt);
        // Nothing left to return: the visibility timer need not keep the run going.
        if (batch.every((m, i) => m.state !== 'inflight' || m.receipt !== receipts[i])) visibility.cancel();
      } finally {
        this.inFlight--;
        release();
        this.poll();
      }
    })();
  }

  private after(
    batch: Message[],
    receipts: number[],
    inv: TraceInvocation,
    requestId: string,
    visibleAt: number,
  ): void {
    const failed = this.failedItems(batch, inv);
    const deleted: string[] = [];
    batch.forEach((m, i) => {
      // Delete succeeded messages still held by this receive.
      if (!failed.has(m.messageId) && m.state === 'inflight' && m.receipt === receipts[i]) {
        m.state = 'done';
        deleted.push(m.id);
      }
    });
    if (deleted.length > 0)
      this.p.settle(
        deleted,
        'succeeded',
        failed.size > 0
          ? 'processed; not in batchItemFailures, so deleted from the queue'
          : 'processed; batch deleted from the queue',
      );
    if (failed.size > 0) {
      const reason =
        inv.outcome === 'success'
          ? `${failed.size} item(s) reported in batchItemFailures return after the visibility timeout`
          : `batch failed (${inv.errorType ?? inv.outcome}); the whole batch returns after the visibility timeout`;
      this.p.emit({
        type: 'retry-scheduled',
        atMs: this.p.clock.now(),
        requestId,
        source: 'sqs',
        nextAttempt: inv.attempt + 1,
        dueMs: visibleAt,
        reason,
      });
    }
  }

  /**
   * Which messages failed. Without ReportBatchItemFailures any error fails the whole batch.
   * With it, `{batchItemFailures:[{itemIdentifier}]}` names the failures; an empty or null list
   * (or no response) means all succeeded; an invalid response — not an object, an item without
   * a non-empty itemIdentifier, or an id not in the batch — fails the whole batch
   * (services-sqs-errorhandling.html).
   */
  private failedItems(batch: Message[], inv: TraceInvocation): Set<string> {
    const all = new Set(batch.map((m) => m.messageId));
    if (inv.outcome !== 'success') return all;
    if (!this.queue.reportBatchItemFailures) return new Set();
    const response = inv.response;
    if (response === null || response === undefined) return new Set();
    if (typeof response !== 'object' || Array.isArray(response)) return all;
    const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
    if (list === null || list === undefined) return new Set();
    if (!Array.isArray(list)) return all;
    const failed = new Set<string>();
    for (const item of list) {
      const id =
        item !== null && typeof item === 'object' ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
      if (typeof id !== 'string' || id === '' || !all.has(id)) return all;
      failed.add(id);
    }
    return failed;
  }
}
