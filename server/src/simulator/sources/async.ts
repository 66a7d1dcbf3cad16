/**
 * Asynchronous invocation (S3, SNS, EventBridge, `InvocationType: Event`): the event waits in
 * Lambda's internal queue, function errors are retried up to MaximumRetryAttempts times about
 * 1 and 2 minutes apart, throttles are requeued with backoff (1 s → 5 min) until
 * MaximumEventAgeInSeconds, and the outcome goes to OnSuccess/OnFailure destinations and the
 * legacy DLQ with the records Lambda sends (invocation-async-error-handling.html,
 * invocation-async-retain-records.html; docs/lambda.md, "Asynchronous invocation").
 */
import { randomUUID } from 'node:crypto';
import type { Platform } from '../platform';
import type { TraceInvocation } from '../trace';

interface AsyncEvent {
  id: string;
  /** The request id stays the same across retries of one event (docs/lambda.md). */
  requestId: string;
  event: unknown;
  putMs: number;
  attempt: number;
  functionErrors: number;
  throttles: number;
  invokes: number;
  last: TraceInvocation | null;
}

export class AsyncQueue {
  constructor(private readonly p: Platform) {}

  put(event: unknown): void {
    const requestId = randomUUID();
    const state: AsyncEvent = {
      id: this.p.put('async', requestId),
      requestId,
      event,
      putMs: this.p.clock.now(),
      attempt: 1,
      functionErrors: 0,
      throttles: 0,
      invokes: 0,
      last: null,
    };
    // Reserved concurrency 0 throttles everything: async events go straight to the DLQ or
    // on-failure destination, with no retries (docs/lambda.md, "Scaling and concurrency").
    if (this.p.fn.reservedConcurrency === 0) {
      this.fail(state, 'RetriesExhausted', 'reserved concurrency is 0: every invocation is throttled');
      return;
    }
    this.attempt(state);
  }

  private attempt(state: AsyncEvent): void {
    const release = this.p.clock.hold();
    void (async () => {
      try {
        const stop = this.p.canInvoke();
        if (stop) {
          this.p.settle([state.id], 'dropped', stop);
          return;
        }
        const inv = await this.p.invoke({
          source: 'async',
          event: state.event,
          requestId: state.requestId,
          attempt: state.attempt,
          inputs: [state.id],
        });
        state.last = inv;
        if (inv.outcome !== 'throttled') state.invokes++;
        this.after(state, inv);
      } finally {
        release();
      }
    })();
  }

  private after(state: AsyncEvent, inv: TraceInvocation): void {
    const { fn, settings, clock } = this.p;
    const maxAgeMs = fn.async.maximumEventAgeSeconds * 1000;
    if (inv.outcome === 'success') {
      if (fn.async.onSuccess) {
        this.p.deliver(
          'on-success',
          fn.async.onSuccess,
          [state.id],
          state.requestId,
          'Success',
          this.record(state, 'Success'),
        );
      }
      this.p.settle(
        [state.id],
        'succeeded',
        fn.async.onSuccess ? 'succeeded; record sent to the OnSuccess destination' : 'succeeded',
      );
      return;
    }
    let delay: number;
    let reason: string;
    if (inv.outcome === 'throttled') {
      // Throttles are requeued with backoff from 1 s up to 5 min, until the event's maximum age.
      delay = Math.min(settings.throttleBackoffMaxMs, settings.throttleBackoffInitialMs * 2 ** state.throttles);
      state.throttles++;
      reason = `throttled (${inv.throttleReason}); requeued`;
    } else {
      state.functionErrors++;
      if (state.functionErrors > fn.async.maximumRetryAttempts) {
        this.fail(state, 'RetriesExhausted', `${inv.errorType ?? inv.outcome} after ${state.invokes} attempt(s)`);
        return;
      }
      const delays = settings.asyncRetryDelaysMs;
      delay = delays[Math.min(state.functionErrors - 1, delays.length - 1)] ?? 60_000;
      state.attempt++;
      reason = `function error (${inv.errorType ?? inv.outcome}); retry ${state.functionErrors} of ${fn.async.maximumRetryAttempts}`;
    }
    const due = clock.now() + delay;
    if (due - state.putMs > maxAgeMs) {
      // The event would be older than MaximumEventAgeInSeconds at its next try.
      clock.at(state.putMs + maxAgeMs, () =>
        this.fail(
          state,
          'EventAgeExceeded',
          `older than MaximumEventAgeInSeconds (${fn.async.maximumEventAgeSeconds} s)`,
        ),
      );
      return;
    }
    this.p.emit({
      type: 'retry-scheduled',
      atMs: clock.now(),
      requestId: state.requestId,
      source: 'async',
      nextAttempt: state.attempt,
      dueMs: due,
      reason,
    });
    clock.at(due, () => this.attempt(state));
  }

  /**
   * The destination record (invocation-async-retain-records.html):
   * `{version, timestamp, requestContext{requestId, functionArn, condition, approximateInvokeCount},
   * requestPayload, responseContext{statusCode, executedVersion, functionError}, responsePayload}`.
   */
  private record(state: AsyncEvent, condition: string): unknown {
    const last = state.last;
    const ran = last !== null && last.outcome !== 'throttled';
    const responseContext: Record<string, unknown> = { statusCode: ran ? 200 : 429, executedVersion: '$LATEST' };
    if (ran && last.outcome !== 'success') responseContext['functionError'] = 'Unhandled';
    const record: Record<string, unknown> = {
      version: '1.0',
      timestamp: this.p.iso(this.p.clock.now()),
      requestContext: {
        requestId: state.requestId,
        functionArn: `${this.p.functionArn}:$LATEST`,
        condition,
        approximateInvokeCount: state.invokes,
      },
      requestPayload: state.event,
      responseContext,
    };
    if (ran) record['responsePayload'] = last.outcome === 'success' ? last.response : last.error;
    return record;
  }

  private fail(state: AsyncEvent, condition: string, why: string): void {
    const { fn } = this.p;
    const targets: string[] = [];
    if (fn.async.onFailure) {
      this.p.deliver(
        'on-failure',
        fn.async.onFailure,
        [state.id],
        state.requestId,
        condition,
        this.record(state, condition),
      );
      targets.push('OnFailure destination');
    }
    if (fn.deadLetterQueue) {
      // The legacy DLQ gets the raw event with RequestID, ErrorCode and ErrorMessage attributes.
      const last = state.last;
      const record = {
        body: state.event,
        messageAttributes: {
          RequestID: state.requestId,
          ErrorCode: last && last.outcome !== 'throttled' ? '200' : '429',
          ErrorMessage: last?.error?.errorMessage ?? why,
        },
      };
      this.p.deliver('dlq', fn.deadLetterQueue, [state.id], state.requestId, condition, record);
      targets.push('dead-letter queue');
    }
    if (targets.length > 0)
      this.p.settle([state.id], 'delivered', `${condition}: ${why}; sent to the ${targets.join(' and ')}`);
    else
      this.p.settle(
        [state.id],
        'dropped',
        `${condition}: ${why}; no OnFailure destination or DLQ, so the event is lost`,
      );
  }
}
