/**
 * A starter scenario for a template function: traffic shaped by its first trigger (a burst,
 * then sequential requests, then one after an idle gap longer than the idle timeout), so that
 * the first run already shows cold starts, warm reuse and an idle reclaim.
 */
import type { FunctionModel } from '../service/model/types';
import { publishedAlias } from './scenario';

/** The sample event (events/) and invocation kind for a trigger type. */
const INVOKE_SAMPLES: Readonly<Record<string, { invoke: 'sync' | 'async'; sample: string }>> = {
  Api: { invoke: 'sync', sample: 'apigateway-rest' },
  HttpApi: { invoke: 'sync', sample: 'apigateway-http' },
  FunctionUrl: { invoke: 'sync', sample: 'function-url' },
  S3: { invoke: 'async', sample: 's3-put' },
  SNS: { invoke: 'async', sample: 'sns' },
  EventBridgeRule: { invoke: 'async', sample: 'eventbridge' },
  CloudWatchEvent: { invoke: 'async', sample: 'eventbridge' },
  Schedule: { invoke: 'async', sample: 'schedule' },
  ScheduleV2: { invoke: 'async', sample: 'schedule' },
  CloudWatchLogs: { invoke: 'async', sample: 'cloudwatch-logs' },
};

/** 15 minutes: past the default 10-minute idle timeout, so the last request is cold. */
const AFTER_IDLE_MS = 15 * 60_000;

export interface StarterScenario {
  name: string;
  template: string;
  function: string;
  /** The alias the function publishes, when it does: its triggers invoke it, and its provisioned concurrency is there. */
  qualifier?: string;
  traffic: Record<string, unknown>[];
}

/** A scenario for `fn`, with `template` as the scenario should name it (relative to the scenario). */
export function starterScenario(fn: FunctionModel, template: string): StarterScenario {
  const trigger = fn.triggers.find(
    (t) => t.type === 'SQS' || t.type === 'Kinesis' || t.type === 'DynamoDB' || t.type in INVOKE_SAMPLES,
  );
  let traffic: Record<string, unknown>[];
  const type = trigger?.type;
  if (type === 'SQS') {
    const messages = (n: number, from: number): string[] =>
      Array.from({ length: n }, (_, i) => JSON.stringify({ orderId: from + i }));
    traffic = [
      { at: 0, sqs: { messages: messages(25, 1) } },
      { at: 60_000, sqs: { messages: messages(10, 26) } },
      { at: AFTER_IDLE_MS, sqs: { messages: messages(5, 36) } },
    ];
  } else if (type === 'Kinesis' || type === 'DynamoDB') {
    const key = type === 'Kinesis' ? 'kinesis' : 'dynamodb';
    const records = (n: number, from: number): unknown[] =>
      Array.from({ length: n }, (_, i) =>
        type === 'Kinesis'
          ? { data: { event: 'click', n: from + i }, partitionKey: `user-${(from + i) % 3}` }
          : {
              data: {
                Keys: { id: { S: String(from + i) } },
                NewImage: { id: { S: String(from + i) }, status: { S: 'NEW' } },
              },
              eventName: 'INSERT',
              partitionKey: String(from + i),
            },
      );
    traffic = [
      { at: 0, [key]: { records: records(10, 1) } },
      { at: 60_000, [key]: { records: records(5, 11) } },
      { at: AFTER_IDLE_MS, [key]: { records: records(5, 16) } },
    ];
  } else {
    const { invoke, sample } = (type !== undefined ? INVOKE_SAMPLES[type] : undefined) ?? {
      invoke: 'sync' as const,
      sample: 'direct',
    };
    traffic = [
      { at: 0, invoke, sample, count: 5 },
      { at: 1000, invoke, sample, count: 5, intervalMs: 1000 },
      { at: AFTER_IDLE_MS, invoke, sample },
    ];
  }
  const alias = publishedAlias(fn);
  return {
    name: `${fn.logicalId}: cold and warm starts`,
    template,
    function: fn.logicalId,
    ...(alias !== undefined ? { qualifier: alias } : {}),
    traffic,
  };
}
