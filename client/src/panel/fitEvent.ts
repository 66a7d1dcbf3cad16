/**
 * A sample event made to fit a function's real trigger: the route and method of its API event,
 * the ARN of its queue, bucket or topic. "Simulate Function…" offers these first, so that a
 * function routed at `GET /quotes/{sku}` is not sent `POST /orders`. Pure (no VS Code), so the
 * unit tests check it. The event shapes are those of the simulator's samples
 * (server/src/simulator/events), which follow the AWS Lambda developer guide.
 */
import { sampleForTrigger } from './traffic';

/** What the template says about one trigger of a function. */
export interface TriggerFacts {
  /** SAM event type or resource kind (`HttpApi`, `Api`, `SQS`, `S3`, `SNS`, `EventSourceMapping`, …). */
  type: string;
  /** The event's name (SAM) or the logical id of the resource that defines it. */
  name: string;
  /** `Api`/`HttpApi`: the route's path and method, when known. */
  path?: string;
  method?: string;
  /**
   * The queue, bucket, topic, Kinesis stream or DynamoDB table (of a stream): its name (or logical
   * id when it has no literal name), or an ARN as written.
   */
  source?: string;
  /** `EventBridgeRule`/`CloudWatchEvent`: the first `source` and `detail-type` the rule's pattern matches. */
  eventSource?: string;
  detailType?: string;
}

/** A sample fitted to one trigger, with a label that says what it is (`GET /quotes/{sku}`, `queue OrdersQueue`). */
export interface FittedEvent {
  sample: string;
  label: string;
  event: unknown;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The sample for `trigger`, fitted to what the template says about it; null when there is no
 * sample for its type. `samples` are the simulator's samples by name.
 */
export function fitSample(trigger: TriggerFacts, samples: Readonly<Record<string, unknown>>): FittedEvent | null {
  const name = sampleForTrigger(trigger.type);
  const base = name === null ? undefined : samples[name];
  if (name === null || base === undefined) return null;
  const event = structuredClone(base) as unknown;
  if (!isObject(event)) return { sample: name, label: `${trigger.type} ${trigger.name}`, event };
  switch (name) {
    case 'apigateway-http':
    case 'apigateway-rest': {
      const route = routeOf(trigger);
      if (!route) break;
      if (name === 'apigateway-http') fitHttpApi(event, route);
      else fitRestApi(event, route);
      return { sample: name, label: `${route.method} ${route.path}`, event };
    }
    case 'sqs':
    case 's3-put':
    case 'sns':
    case 'kinesis':
    case 'dynamodb': {
      if (trigger.source === undefined) break;
      const noun = fitSource(name, event, trigger.source);
      return { sample: name, label: `${noun} ${nameOf(trigger.source)}`, event };
    }
    case 'eventbridge': {
      if (trigger.eventSource === undefined && trigger.detailType === undefined) break;
      // The event as the rule's pattern would match it (EventBridge event structure:
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html).
      if (trigger.eventSource !== undefined) event['source'] = trigger.eventSource;
      if (trigger.detailType !== undefined) event['detail-type'] = trigger.detailType;
      const label = [trigger.eventSource, trigger.detailType].filter((x) => x !== undefined).join(' · ');
      return { sample: name, label, event };
    }
  }
  return { sample: name, label: `${trigger.type} ${trigger.name}`, event };
}

interface Route {
  /** Upper case; `ANY` is sent as GET. */
  method: string;
  path: string;
  /** The path with each `{param}` filled in. */
  concrete: string;
  params: Record<string, string>;
}

/** The route of an API event: its method and path, with a value for each path parameter. */
function routeOf(t: TriggerFacts): Route | null {
  if (t.path === undefined && t.method === undefined) return null;
  const path = t.path ?? '/';
  const written = (t.method ?? 'ANY').toUpperCase();
  const method = written === 'ANY' || written === 'X-AMAZON-APIGATEWAY-ANY-METHOD' ? 'GET' : written;
  const params: Record<string, string> = {};
  // `{name}` is one path segment, `{name+}` a greedy one (API Gateway path templates).
  const concrete = path.replace(/\{([^}+]+)(\+?)\}/g, (_, p: string, greedy: string) => {
    params[p] = greedy ? `${p}/example` : `${p}-1`;
    return params[p]!;
  });
  return { method, path, concrete, params };
}

/** A request with no body for methods that carry none. */
const NO_BODY = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** HTTP API payload format 2.0 (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html). */
function fitHttpApi(e: Json, r: Route): void {
  const routeKey = `${r.method} ${r.path}`;
  e['routeKey'] = routeKey;
  e['rawPath'] = r.concrete;
  if (Object.keys(r.params).length > 0) e['pathParameters'] = r.params;
  else delete e['pathParameters'];
  const ctx = e['requestContext'];
  if (isObject(ctx)) {
    ctx['routeKey'] = routeKey;
    if (isObject(ctx['http'])) Object.assign(ctx['http'], { method: r.method, path: r.concrete });
  }
  if (NO_BODY.has(r.method)) {
    // Payload 2.0 has no body key when the request has none.
    delete e['body'];
    if (isObject(e['headers'])) delete e['headers']['content-type'];
  }
}

/** REST API proxy integration (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html). */
function fitRestApi(e: Json, r: Route): void {
  e['resource'] = r.path;
  e['path'] = r.concrete;
  e['httpMethod'] = r.method;
  e['pathParameters'] = Object.keys(r.params).length > 0 ? r.params : null;
  const ctx = e['requestContext'];
  if (isObject(ctx)) {
    const stage = typeof ctx['stage'] === 'string' ? ctx['stage'] : 'prod';
    Object.assign(ctx, { httpMethod: r.method, resourcePath: r.path, path: `/${stage}${r.concrete}` });
  }
  if (NO_BODY.has(r.method)) e['body'] = null;
}

/**
 * The name in an ARN (queue, topic, bucket, `stream/NAME`, `table/NAME/stream/TIME`), or the name
 * itself. The resource is everything after the fifth colon (a stream label holds colons).
 */
function nameOf(source: string): string {
  if (!source.startsWith('arn:')) return source;
  const resource = source.split(':').slice(5).join(':');
  return /^(?:stream|table)\/([^/]+)/.exec(resource)?.[1] ?? resource;
}

type SourceSample = 'sqs' | 's3-put' | 'sns' | 'kinesis' | 'dynamodb';

/** What a label calls each kind of source. */
const NOUNS: Readonly<Record<SourceSample, string>> = {
  sqs: 'queue',
  's3-put': 'bucket',
  sns: 'topic',
  kinesis: 'stream',
  dynamodb: 'table',
};

/**
 * Puts the queue, bucket, topic, stream or table into every record; returns its noun for the
 * label. Record shapes: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html,
 * with-s3.html, with-sns.html, with-kinesis.html, with-ddb.html (developer guide).
 */
function fitSource(sample: SourceSample, e: Json, source: string): string {
  const records = Array.isArray(e['Records']) ? e['Records'].filter(isObject) : [];
  const name = nameOf(source);
  const isArn = source.startsWith('arn:');
  for (const rec of records) {
    const region = typeof rec['awsRegion'] === 'string' ? rec['awsRegion'] : 'us-east-1';
    const arnOf = (service: string, resource: string) =>
      isArn ? source : `arn:aws:${service}:${region}:123456789012:${resource}`;
    if (sample === 'sqs') {
      rec['eventSourceARN'] = arnOf('sqs', name);
    } else if (sample === 'kinesis') {
      rec['eventSourceARN'] = arnOf('kinesis', `stream/${name}`);
    } else if (sample === 'dynamodb') {
      // A stream ARN is the table's ARN, then /stream/ and the stream's creation time.
      const label =
        typeof rec['eventSourceARN'] === 'string' ? /\/stream\/(.+)$/.exec(rec['eventSourceARN'])?.[1] : undefined;
      rec['eventSourceARN'] = arnOf('dynamodb', `table/${name}/stream/${label ?? '2026-01-01T00:00:00.000'}`);
    } else if (sample === 's3-put') {
      const s3 = rec['s3'];
      if (isObject(s3) && isObject(s3['bucket'])) Object.assign(s3['bucket'], { name, arn: `arn:aws:s3:::${name}` });
    } else {
      const sns = rec['Sns'];
      const topicArn = arnOf('sns', name);
      if (isObject(sns)) sns['TopicArn'] = topicArn;
      if (typeof rec['EventSubscriptionArn'] === 'string') {
        const id = rec['EventSubscriptionArn'].split(':').pop() ?? '';
        rec['EventSubscriptionArn'] = `${topicArn}:${id}`;
      }
    }
  }
  return NOUNS[sample];
}
