/**
 * Traffic patterns offered by "Simulate Function…", as scenario-file traffic entries
 * (schemas/scenario.schema.json). Pure: no VS Code imports, so the unit tests check them.
 */

/** Where the event comes from: a file (absolute path), one of the simulator's samples, or a sample fitted to the function's trigger. */
export type EventChoice = { eventFile: string } | { sample: string } | { event: unknown };

export type TrafficPattern =
  | { kind: 'single' }
  | { kind: 'burst'; count: number }
  | { kind: 'steady'; perSecond: number; seconds: number }
  | { kind: 'spike-after-idle'; idleMinutes: number; count: number }
  | { kind: 'async'; count: number }
  | { kind: 'sqs'; messages: number; batchSize: number };

/**
 * Message bodies for an SQS pattern from the chosen event: the bodies of an SQS event's
 * Records, or the whole event as one JSON body.
 */
export function messageBodies(event: unknown): string[] {
  if (event !== null && typeof event === 'object' && Array.isArray((event as { Records?: unknown }).Records)) {
    const bodies = (event as { Records: unknown[] }).Records.map((r) =>
      r !== null && typeof r === 'object' ? (r as { body?: unknown }).body : undefined,
    ).filter((b): b is string => typeof b === 'string');
    if (bodies.length > 0) return bodies;
  }
  return [JSON.stringify(event ?? {})];
}

/** When a burst is sent again (simulated time jumps the wait, so it costs nothing), ms. */
export const BURST_REPEAT_MS = 5000;

/** The `traffic` list of a scenario for a pattern; `bodies` are the SQS message bodies (messageBodies). */
export function trafficFor(
  pattern: TrafficPattern,
  event: EventChoice,
  bodies: string[] = [],
): Record<string, unknown>[] {
  switch (pattern.kind) {
    case 'single':
      return [{ at: 0, invoke: 'sync', ...event, count: 1 }];
    case 'burst':
      // The burst, then the same again once it is over: cold environments, then warm reuse.
      return [
        { at: 0, invoke: 'sync', ...event, count: pattern.count, intervalMs: 0 },
        { at: BURST_REPEAT_MS, invoke: 'sync', ...event, count: pattern.count, intervalMs: 0 },
      ];
    case 'steady':
      return [
        {
          at: 0,
          invoke: 'sync',
          ...event,
          count: Math.max(1, Math.round(pattern.perSecond * pattern.seconds)),
          intervalMs: 1000 / pattern.perSecond,
        },
      ];
    case 'spike-after-idle':
      // A few warm-up requests leave environments behind; the idle gap outlives them (or not).
      return [
        { at: 0, invoke: 'sync', ...event, count: 3, intervalMs: 0 },
        { at: 1000, invoke: 'sync', ...event, count: 3, intervalMs: 0 },
        { at: pattern.idleMinutes * 60_000, invoke: 'sync', ...event, count: pattern.count, intervalMs: 0 },
      ];
    case 'async':
      return [{ at: 0, invoke: 'async', ...event, count: pattern.count, intervalMs: 100 }];
    case 'sqs':
      return [
        {
          at: 0,
          sqs: {
            messages: bodies.map((body) => ({ body })),
            count: Math.max(1, Math.round(pattern.messages / Math.max(1, bodies.length))),
            batchSize: pattern.batchSize,
            ...(pattern.batchSize > 10 ? { batchingWindowSeconds: 1 } : {}),
          },
        },
      ];
  }
}

/** A few words for a pattern, used in run titles. */
export function describePattern(p: TrafficPattern): string {
  switch (p.kind) {
    case 'single':
      return 'single invoke';
    case 'burst':
      return `burst of ${p.count}, twice`;
    case 'steady':
      return `${p.perSecond}/s for ${p.seconds} s`;
    case 'spike-after-idle':
      return `spike of ${p.count} after ${p.idleMinutes} min idle`;
    case 'async':
      return `${p.count} async`;
    case 'sqs':
      return `SQS ${p.messages} messages, batch ${p.batchSize}`;
  }
}

/** The sample event that fits a trigger type best (SAM event types and resource kinds). */
export function sampleForTrigger(type: string): string | null {
  const map: Record<string, string> = {
    Api: 'apigateway-rest',
    HttpApi: 'apigateway-http',
    FunctionUrl: 'function-url',
    ALB: 'alb',
    SQS: 'sqs',
    S3: 's3-put',
    SNS: 'sns',
    Kinesis: 'kinesis',
    DynamoDB: 'dynamodb',
    Schedule: 'schedule',
    ScheduleV2: 'schedule',
    EventBridgeRule: 'eventbridge',
    CloudWatchEvent: 'eventbridge',
    CloudWatchLogs: 'cloudwatch-logs',
  };
  return map[type] ?? null;
}
