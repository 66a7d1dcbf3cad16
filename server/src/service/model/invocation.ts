/**
 * How a function is invoked and retried, told from the template: shared by the retry rules
 * (LL20xx, LL21xx), template hovers on `Events` entries and handler hovers and lenses.
 */
import {
  API_TIMEOUT,
  ASYNC_RETRY_ATTEMPTS,
  ASYNC_RETRY_DELAYS_MS,
  BATCH_SIZE,
  SQS_VISIBILITY,
  TIMEOUT,
} from '../limits';
import { eventInfo } from './events';
import {
  isKnown,
  knownValue,
  type DestinationModel,
  type FunctionModel,
  type QueueModel,
  type Setting,
  type Trigger,
} from './types';

/** A number read from the template, or Lambda's default when the property is absent. */
export interface Effective {
  readonly value: number;
  /** True when the property is absent and `value` is the default. */
  readonly isDefault: boolean;
}

/** A known number, or `fallback` when absent; `undefined` when present but unresolvable. */
export function effective(setting: Setting<number> | undefined, fallback: number): Effective | undefined {
  if (setting === undefined) return { value: fallback, isDefault: true };
  return isKnown(setting) ? { value: setting.value, isDefault: false } : undefined;
}

/** The function timeout in seconds (default 3 s). */
export function functionTimeout(fn: FunctionModel): Effective | undefined {
  return effective(fn.timeout, TIMEOUT.default);
}

/** The queue's visibility timeout in seconds (SQS default 30 s). */
export function queueVisibility(queue: QueueModel): Effective | undefined {
  return effective(queue.visibilityTimeout, SQS_VISIBILITY.default);
}

export const REPORT_BATCH_ITEM_FAILURES = 'ReportBatchItemFailures';

/** True when the trigger's mapping enables partial batch responses; `undefined` when unknown. */
export function reportsBatchItemFailures(trigger: Trigger): boolean | undefined {
  const types = trigger.mapping?.functionResponseTypes;
  if (types === undefined) return false;
  return isKnown(types) ? types.value.includes(REPORT_BATCH_ITEM_FAILURES) : undefined;
}

/** Kinesis, DynamoDB Streams and Kafka: ordered, and a failing batch holds back its shard. */
export function isStreamTrigger(trigger: Trigger): boolean {
  return eventInfo(trigger.type)?.stream === true;
}

/**
 * Kinesis and DynamoDB Streams: stream mappings that take retry and record-age limits and an
 * OnFailure destination, and skip a batch once its retries are exhausted. (Kafka and
 * DocumentDB mappings are left out: their failure handling differs by mode.)
 */
export function isKinesisOrDynamoDbStream(trigger: Trigger): boolean {
  return trigger.type === 'Kinesis' || trigger.type === 'DynamoDB';
}

/**
 * Triggers of a known event type whose failures are retried by Lambda or the event source
 * (async and poll). A resource policy (`AWS::Lambda::Permission`) that only lets a service
 * invoke the function is dropped when another trigger of the same type says more.
 */
export function retryingTriggers(fn: FunctionModel, isPermission: (t: Trigger) => boolean): Trigger[] {
  // A keep-warm ping is retried too, but a lost or repeated ping loses or repeats nothing.
  const retrying = fn.triggers.filter(
    (t) => t.invocation !== 'sync' && eventInfo(t.type) !== undefined && t.keepWarm !== true,
  );
  return retrying.filter(
    (t) => !isPermission(t) || !retrying.some((o) => o !== t && o.type === t.type && !isPermission(o)),
  );
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  Api: 'API Gateway REST API',
  HttpApi: 'API Gateway HTTP API',
  EventBridgeRule: 'EventBridge',
  CloudWatchEvent: 'EventBridge',
  Schedule: 'EventBridge schedule',
  ScheduleV2: 'EventBridge Scheduler',
  DynamoDB: 'DynamoDB Streams',
  CloudWatchLogs: 'CloudWatch Logs',
  SelfManagedKafka: 'Kafka',
  EventSourceMapping: 'an event source mapping',
};

/** `SQS (OrdersQueue)`: the service and the name the template gives it. */
export function triggerLabel(trigger: Trigger): string {
  const service = SHORT_NAMES[trigger.type] ?? trigger.type;
  const name = trigger.mapping?.queue?.logicalId ?? trigger.name;
  return `${service} (${name})`;
}

function destinationName(d: DestinationModel): string {
  return d.targetLogicalId ?? knownValue(d.target) ?? 'the configured destination';
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One sentence on how `trigger` invokes `fn` and what happens when it fails, e.g.
 * "Invoked by SQS (OrdersQueue), batches of 10, whole batch retried after 60 s visibility;
 * failures to OrdersDLQ after 3 receives."
 */
export function describeInvocation(fn: FunctionModel, trigger: Trigger): string {
  const label = triggerLabel(trigger);
  if (trigger.invocation === 'sync') return describeSync(trigger, label);
  if (trigger.invocation === 'async') return describeAsync(fn, label);
  if (trigger.type === 'SQS') return describeSqs(trigger, label);
  if (isStreamTrigger(trigger)) return describeStream(trigger, label);
  const batch = knownValue(trigger.mapping?.batchSize) ?? BATCH_SIZE[trigger.type]?.default;
  const retries = eventInfo(trigger.type)?.retries ?? 'A failed batch is retried by the event source mapping.';
  return `Invoked by ${label}${batch !== undefined ? `, batches of ${batch}` : ''}. ${retries}`;
}

function describeSync(trigger: Trigger, label: string): string {
  const route =
    trigger.method !== undefined && trigger.path !== undefined
      ? ` ${trigger.method.toUpperCase()} ${trigger.path}`
      : '';
  const limit =
    trigger.type === 'Api' ? API_TIMEOUT.restSeconds : trigger.type === 'HttpApi' ? API_TIMEOUT.httpSeconds : undefined;
  const timeout = limit !== undefined ? `; the API gives up after ${limit} s` : '';
  return `Invoked synchronously by ${label}${route}: the caller gets any error and Lambda does not retry${timeout}.`;
}

function describeAsync(fn: FunctionModel, label: string): string {
  const retries = effective(fn.asyncConfig?.maximumRetryAttempts, ASYNC_RETRY_ATTEMPTS.default);
  const [first, second] = ASYNC_RETRY_DELAYS_MS.values.map((ms) => Math.round(ms / 60_000));
  const retryText =
    retries === undefined
      ? `a failed invocation is retried up to ${ASYNC_RETRY_ATTEMPTS.max} times`
      : retries.value === 0
        ? 'a failed invocation is not retried (MaximumRetryAttempts 0)'
        : `a failed invocation is retried ${retries.value === 1 ? 'once' : `${retries.value} times`} (≈${first} min${retries.value > 1 ? `, then ≈${second} min later` : ' later'})`;
  const failure = fn.asyncConfig?.onFailure ?? fn.deadLetterQueue;
  const failureText =
    failure !== undefined
      ? `failures to ${destinationName(failure)}`
      : 'events that still fail are dropped (no OnFailure destination or DLQ)';
  return `Invoked asynchronously by ${label}: ${retryText}, and an event may arrive twice even without an error; ${failureText}.`;
}

function describeSqs(trigger: Trigger, label: string): string {
  const m = trigger.mapping;
  const queue = m?.queue;
  const batch = effective(m?.batchSize, BATCH_SIZE['SQS']?.default ?? 1);
  const parts = [`Invoked by ${label}`];
  if (batch !== undefined) parts.push(`batches of ${batch.value}`);
  const visibility = queue !== undefined ? queueVisibility(queue) : undefined;
  const after =
    visibility === undefined
      ? "after the queue's visibility timeout"
      : `after ${visibility.value} s visibility${visibility.isDefault ? ' (SQS default)' : ''}`;
  const what =
    reportsBatchItemFailures(trigger) === true
      ? 'messages reported in batchItemFailures retried'
      : 'whole batch retried';
  parts.push(`${what} ${after}`);
  let failure: string;
  if (queue === undefined) failure = "failures follow the queue's redrive policy";
  else if (queue.deadLetterQueueLogicalId !== undefined) {
    const receives = knownValue(queue.maxReceiveCount);
    failure = `failures to ${queue.deadLetterQueueLogicalId}${receives !== undefined ? ` after ${plural(receives, 'receive', 'receives')}` : ''}`;
  } else failure = 'no redrive policy: a failing message comes back until it expires';
  return `${parts.join(', ')}; ${failure}.`;
}

function describeStream(trigger: Trigger, label: string): string {
  const m = trigger.mapping;
  const batch = knownValue(m?.batchSize) ?? BATCH_SIZE[trigger.type]?.default;
  const retries = knownValue(m?.maximumRetryAttempts);
  const age = knownValue(m?.maximumRecordAgeInSeconds);
  let retryText: string;
  if (retries !== undefined && retries >= 0) retryText = `retried up to ${plural(retries, 'time', 'times')}`;
  else if (age !== undefined && age >= 0) retryText = `retried until its records are ${age} s old`;
  else retryText = 'retried until its records expire';
  const bisect = knownValue(m?.bisectBatchOnFunctionError) === true ? ', split in two on each error' : '';
  const failure =
    m?.onFailure !== undefined
      ? `then a record of it goes to ${destinationName(m.onFailure)}`
      : 'then it is skipped with no record kept (no OnFailure destination)';
  return `Invoked by ${label}${batch !== undefined ? `, batches of ${batch}` : ''}, in order per shard; a failed batch is ${retryText} while the shard waits${bisect}; ${failure}.`;
}

/**
 * How `trigger` retries, as a clause for messages about handler code:
 * "SQS (OrdersQueue) redelivers the whole batch after the visibility timeout".
 */
export function retryClause(fn: FunctionModel, trigger: Trigger): string {
  const label = triggerLabel(trigger);
  if (retriesOff(fn, trigger)) {
    return trigger.invocation === 'async'
      ? `${label} invokes it asynchronously with MaximumRetryAttempts 0: Lambda does not retry a failed event, but may still deliver an event twice`
      : `${label} does not retry a failed batch (MaximumRetryAttempts 0), but may still deliver a record twice`;
  }
  if (trigger.invocation === 'async') {
    const retries = effective(fn.asyncConfig?.maximumRetryAttempts, ASYNC_RETRY_ATTEMPTS.default);
    const n = retries === undefined ? `up to ${ASYNC_RETRY_ATTEMPTS.max}` : String(retries.value);
    return `${label} invokes it asynchronously: Lambda retries a failed event ${n === '1' ? 'once' : `${n} times`}, and may deliver an event twice even without an error`;
  }
  if (trigger.type === 'SQS') {
    const partial = reportsBatchItemFailures(trigger) === true;
    return `${label} redelivers ${partial ? 'each failed message' : 'the whole batch'} after the visibility timeout, and SQS may deliver a message twice even without an error`;
  }
  if (isStreamTrigger(trigger))
    return `${label} retries a failed batch, in order, until it succeeds or its records expire`;
  return `${label} redelivers a failed batch`;
}

/**
 * True when Lambda does not retry this trigger's failed events: `MaximumRetryAttempts: 0` on the
 * async configuration or on a stream mapping, set on purpose. Only a duplicate delivery (at least
 * once: docs.aws.amazon.com/lambda/latest/dg/invocation-async.html) then runs an event twice.
 */
export function retriesOff(fn: FunctionModel, trigger: Trigger): boolean {
  if (trigger.invocation === 'async') return knownValue(fn.asyncConfig?.maximumRetryAttempts) === 0;
  return isStreamTrigger(trigger) && knownValue(trigger.mapping?.maximumRetryAttempts) === 0;
}

/**
 * The severity and wording of a retried-handler finding (LL2101, LL2102): when no trigger retries
 * (all `MaximumRetryAttempts: 0`), a repeat needs a rare duplicate delivery, so an info whose text
 * speaks of duplicates, not retries.
 */
export function repeatWording(triggers: readonly { readonly fn: FunctionModel; readonly trigger: Trigger }[]): {
  readonly severity?: 'info';
  readonly handler: string;
  readonly retry: (s: string) => string;
} {
  if (triggers.length === 0 || !triggers.every((t) => retriesOff(t.fn, t.trigger)))
    return { handler: 'a handler that is retried', retry: (s) => s };
  return {
    severity: 'info',
    handler: 'a handler whose events may arrive twice',
    retry: (s) =>
      s
        .replace(/\b(each|every|a) retry\b/gi, (_, w: string) => `${w} duplicate delivery`)
        .replace(/\bevery attempt\b/g, 'every delivery'),
  };
}

/** A few words on how a trigger retries, for code lens titles: "whole batch retried after 60 s". */
export function retryBrief(fn: FunctionModel, trigger: Trigger): string | undefined {
  if (trigger.invocation === 'sync') return undefined;
  if (trigger.invocation === 'async') {
    const retries = effective(fn.asyncConfig?.maximumRetryAttempts, ASYNC_RETRY_ATTEMPTS.default);
    if (retries === undefined) return `retried up to ${ASYNC_RETRY_ATTEMPTS.max}×`;
    return retries.value === 0 ? 'not retried' : `retried ${retries.value}×`;
  }
  if (trigger.type === 'SQS') {
    const queue = trigger.mapping?.queue;
    const visibility = queue !== undefined ? queueVisibility(queue) : undefined;
    const what = reportsBatchItemFailures(trigger) === true ? 'failed messages' : 'whole batch';
    return `${what} retried${visibility !== undefined ? ` after ${visibility.value} s` : ''}`;
  }
  if (isStreamTrigger(trigger)) {
    const retries = knownValue(trigger.mapping?.maximumRetryAttempts);
    return retries !== undefined && retries >= 0 ? `retried ${retries}×, shard waits` : 'retried until records expire';
  }
  return 'batch redelivered';
}
