/**
 * The local AWS endpoint of a run: one loopback HTTP server (a port per run) that every
 * simulated environment's SDK is pointed at (`AWS_ENDPOINT_URL`), answering from the template's
 * resources emulated in memory. It never forwards anything: a call it cannot route gets an
 * AWS-shaped error naming the service and the operation.
 *
 * Each environment signs with its own dummy access key id (`accessKeyFor`), so a call is known
 * to come from the request that environment is running; each call is recorded (recorder.ts) and
 * passes the gates (enforcement.ts: the VPC's routes and the execution role; faults.ts: the
 * scenario's failures) before it is answered.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { DYNAMODB_ERROR_PREFIX, DynamoDb, type StreamChange } from './dynamodb';
import { matchesPattern } from './eventPattern';
import { CallRecorder, effectOf } from './recorder';
import type { BucketDef, FunctionDef, QueueDef, Resources, TableDef, Target, TopicDef } from './resources';
import { AwsError, type AwsCall, type AwsRequest, type AwsResponse, type CallContext, type CallGate } from './types';

/** Where a delivery to a function comes from: the service's principal and the resource that sends it. */
export interface DeliveryOrigin {
  service: 'sns' | 's3' | 'events';
  logicalId: string;
  arn: string;
}

/** `null` allows the delivery; a string refuses it and says why. */
export type DeliveryCheck = (
  fn: FunctionDef,
  target: Extract<Target, { kind: 'function' }>,
  origin: DeliveryOrigin,
) => string | null;
import { errorResponse, escapeXml, parseRequest, queryResponse, toXml } from './wire';

/** A message put into a queue, in the shape the SQS event source and ReceiveMessage need. */
export interface QueueMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  groupId?: string;
  deduplicationId?: string;
}

/** What the endpoint asks of the simulator around it. */
export interface AwsHost {
  /**
   * Simulated milliseconds since the start of the run; for a call of a running request, the
   * request's own position on the clock (its start plus its Lambda time so far), so that a call
   * carries the time the handler spent waiting for it.
   */
  now(caller?: CallContext): number;
  /** The request the environment that owns this access key id is running. */
  caller(accessKeyId: string | undefined): CallContext | undefined;
  /** Messages for a queue that a function of the run reads: true when the host took them. */
  deliverToQueue(queue: QueueDef, messages: QueueMessage[]): boolean;
  /** An asynchronous invocation of a template function (SNS, S3, EventBridge, Lambda Event). */
  invokeAsync(fn: FunctionDef, event: unknown, source: 'sns' | 's3' | 'eventbridge' | 'lambda'): void;
  /**
   * A synchronous invocation (Lambda RequestResponse): the response payload, or the function
   * error, or the reason it was throttled (then Invoke answers 429).
   */
  invokeSync(
    fn: FunctionDef,
    payload: unknown,
  ): Promise<{ payload: unknown; functionError: string | null; throttled?: string }>;
  /** A change to a table with a stream. */
  streamChange(table: TableDef, change: StreamChange): void;
}

/** The scenario's data for the emulated resources. */
export interface ServiceSeed {
  dynamodb?: Record<string, unknown[]>;
  s3?: Record<string, Record<string, string>>;
  ssm?: Record<string, string>;
  secretsmanager?: Record<string, unknown>;
}

/** The access key id an environment signs with: Lambda's are session keys (`ASIA…`); this one names the environment. */
export function accessKeyFor(envId: string): string {
  return `ASIALLENV${envId.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`.slice(0, 128);
}

interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

interface LocalMessage extends QueueMessage {
  visibleAtMs: number;
  receiveCount: number;
  receipt: string | null;
  sentMs: number;
}

const JSON_PREFIX: Record<string, string> = { dynamodb: DYNAMODB_ERROR_PREFIX, sqs: 'com.amazonaws.sqs#' };
/** SQS's query-protocol error codes for its JSON errors (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html). */
const SQS_QUERY_CODES: Record<string, string> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  ReceiptHandleIsInvalid: 'ReceiptHandleIsInvalid',
  InvalidParameterValue: 'InvalidParameterValue',
  MissingParameter: 'MissingParameter',
};

export class AwsEmulator {
  readonly recorder = new CallRecorder();
  readonly dynamodb: DynamoDb;
  private server: Server | null = null;
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private readonly localQueues = new Map<string, LocalMessage[]>();
  /** FIFO deduplication ids seen in the last 5 minutes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html). */
  private readonly dedup = new Map<string, { messageId: string; atMs: number }>();
  private readonly hanging = new Set<{ call: AwsCall; ctx: CallContext | undefined; res: ServerResponse }>();
  private readonly gates: CallGate[] = [];
  private deliveryCheck: DeliveryCheck | undefined;
  /** Refused deliveries of the call being answered (services that deliver answer synchronously). */
  private refusals: string[] | null = null;
  /** Problems with the scenario's seed data, reported as run warnings. */
  readonly warnings: string[] = [];

  constructor(
    readonly resources: Resources,
    private readonly host: AwsHost,
  ) {
    this.dynamodb = new DynamoDb(resources.tables, (table, change) => host.streamChange(table, change));
    for (const b of resources.buckets.values()) this.objects.set(b.name, new Map());
    for (const q of resources.queues.values()) this.localQueues.set(q.name, []);
  }

  /** Adds a gate every call passes before it is answered (faults today; roles and routes later). */
  addGate(gate: CallGate): void {
    this.gates.push(gate);
  }

  /** Decides whether a service may deliver to a function (its resource policy: enforcement.ts). */
  setDeliveryCheck(check: DeliveryCheck): void {
    this.deliveryCheck = check;
  }

  /** The endpoint URL (after `start`). */
  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    return a ? `http://127.0.0.1:${a.port}` : '';
  }

  /** Listens on a free loopback port and loads the tables and the scenario's data. */
  async start(seed: ServiceSeed = {}): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 60_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    // Queue URLs name the endpoint, whose port is known only now.
    for (const q of this.resources.queues.values()) q.url = `${this.url}/${this.resources.region.accountId}/${q.name}`;
    this.warnings.push(...(await this.dynamodb.start(seed.dynamodb ?? {})));
    for (const [bucket, files] of Object.entries(seed.s3 ?? {})) {
      const b = this.bucket(bucket);
      if (!b) {
        this.warnings.push(`services.seed.s3.${bucket}: the template has no such bucket`);
        continue;
      }
      for (const [key, text] of Object.entries(files)) this.putObject(b, key, Buffer.from(text), 'text/plain', {});
    }
    for (const [name, value] of Object.entries(seed.ssm ?? {}))
      this.resources.parameters.set(name, { value, type: 'String' });
    for (const [name, value] of Object.entries(seed.secretsmanager ?? {})) {
      const existing = this.resources.secrets.get(name);
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      this.resources.secrets.set(name, {
        arn:
          existing?.arn ??
          `arn:aws:secretsmanager:${this.resources.region.region}:${this.resources.region.accountId}:secret:${name}-AbCdEf`,
        value: text,
      });
    }
    return this.url;
  }

  /** The variables an environment gets, as Lambda sets its credentials and region, plus the endpoint. */
  environment(envId: string): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.url,
      AWS_ACCESS_KEY_ID: accessKeyFor(envId),
      AWS_SECRET_ACCESS_KEY: 'lambda-lens-simulated-secret-access-key',
      AWS_SESSION_TOKEN: `lambda-lens-simulated-session-token-${envId}`,
      AWS_REGION: this.resources.region.region,
      AWS_DEFAULT_REGION: this.resources.region.region,
      // No shared config or credentials file of the host may name another endpoint or profile.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      // S3 over a loopback address is addressed path-style.
      AWS_S3_FORCE_PATH_STYLE: 'true',
    };
  }

  /** Ends the run: hanging calls are recorded as such, the server closes. */
  async close(): Promise<void> {
    for (const h of this.hanging) this.endHang(h);
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** A request ended (its function timed out or its environment died): its calls still waiting are recorded as hung. */
  endHangsOf(requestId: string, attempt: number): void {
    for (const h of [...this.hanging]) if (h.ctx?.requestId === requestId && h.ctx.attempt === attempt) this.endHang(h);
  }

  /** The calls made while a request ran, including those still in flight (`onLate` hears of each when it is answered). */
  callsOf(requestId: string, attempt: number, onLate?: (call: AwsCall) => void): AwsCall[] {
    return this.recorder.forInvocation(requestId, attempt, onLate);
  }

  /** The final state of the emulated resources (tables, queues, buckets, parameters, secrets). */
  async dump(): Promise<Record<string, unknown>> {
    const buckets: Record<string, Record<string, { size: number; contentType: string; text?: string }>> = {};
    for (const b of this.resources.buckets.values()) {
      const objs: Record<string, { size: number; contentType: string; text?: string }> = {};
      for (const [k, o] of this.objects.get(b.name) ?? []) {
        objs[k] = {
          size: o.body.length,
          contentType: o.contentType,
          ...(o.body.length <= 4096 ? { text: o.body.toString('utf8') } : {}),
        };
      }
      buckets[b.logicalId] = objs;
    }
    const queues: Record<string, string[]> = {};
    for (const q of this.resources.queues.values())
      queues[q.logicalId] = (this.localQueues.get(q.name) ?? []).map((m) => m.body);
    return {
      tables: await this.dynamodb.dump(),
      queues,
      buckets,
      parameters: Object.fromEntries([...this.resources.parameters].map(([k, v]) => [k, v.value])),
      secrets: Object.fromEntries([...this.resources.secrets.keys()].map((k) => [k, '(hidden)'])),
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      this.answer(req, res, Buffer.concat(chunks)).catch((e: unknown) => {
        // The emulation's own fault: answered as AWS's InternalFailure, never a crash of the run.
        if (!res.headersSent)
          this.write(
            res,
            undefined,
            new AwsError('InternalFailure', `Lambda Lens emulation error: ${(e as Error).message}`, 500),
            'x',
          );
      });
    });
  }

  private async answer(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const requestId = randomUUID();
    let parsed: AwsRequest | undefined;
    try {
      parsed = parseRequest(req.method ?? 'GET', req.url ?? '/', req.headers, raw);
    } catch (e) {
      const err = e instanceof AwsError ? e : new AwsError('ValidationException', (e as Error).message);
      const call = this.recorder.begin(undefined, { service: 'unknown', operation: 'unknown' }, this.host.now());
      call.outcome = 'error';
      call.errorCode = err.code;
      call.summary = err.message;
      this.recorder.finish(call, undefined, undefined);
      this.write(res, undefined, err, requestId);
      return;
    }
    const request = parsed;
    request.errorPrefix = JSON_PREFIX[request.service];
    const ctx = this.host.caller(request.accessKeyId);
    const begun = this.host.now(ctx);
    const call = this.recorder.begin(ctx, request, begun);
    let latencyMs = 0;
    let response: AwsResponse | undefined;
    let error: AwsError | undefined;
    for (const gate of this.gates) {
      const d = gate.decide(request, ctx);
      if (d.kind === 'hang') {
        call.outcome = 'hang';
        call.resource = this.resourceName(request) ?? null;
        // An enforced hang keeps its reason in `enforcement`, once (the outcome says it got no answer).
        call.summary = d.enforcement
          ? `${request.operation}${call.resource ? ` ${call.resource}` : ''}`
          : `${request.operation}: no answer (${d.reason})`;
        if (d.enforcement) call.enforcement = d.enforcement;
        const h = { call, ctx, res };
        this.hanging.add(h);
        res.on('close', () => this.endHang(h));
        return;
      }
      latencyMs += d.latencyMs;
      if (d.kind === 'fail') {
        error = d.error;
        if (d.enforcement) call.enforcement = d.enforcement;
        break;
      }
      if (d.kind === 'respond') {
        response = d.response;
        break;
      }
    }
    let extra: { deduplicated?: boolean } = {};
    if (response === undefined && error === undefined) {
      try {
        const out = await this.dispatch(request, ctx);
        response = out;
        extra = { deduplicated: out.deduplicated === true };
      } catch (e) {
        error =
          e instanceof AwsError
            ? e
            : new AwsError('InternalFailure', `Lambda Lens emulation error: ${(e as Error).message}`, 500);
      }
    }
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    call.durationMs = Math.max(0, this.host.now(ctx) - begun);
    call.resource = response?.resource ?? this.resourceName(request) ?? null;
    if (error) {
      call.outcome = 'error';
      call.errorCode = error.code;
      call.summary = `${request.operation}${call.resource ? ` ${call.resource}` : ''}: ${error.code}`;
      this.recorder.finish(call, ctx, undefined);
      this.write(res, request, error, requestId);
      return;
    }
    const answer = response as AwsResponse;
    call.summary = answer.summary ?? `${request.operation}${call.resource ? ` ${call.resource}` : ''}`;
    if (answer.refused !== undefined) call.enforcement = { kind: 'refused', reason: answer.refused.join('; ') };
    this.recorder.finish(
      call,
      ctx,
      effectOf(request, call.resource, {
        ...extra,
        keyNames: request.service === 'dynamodb' ? this.keyNames(request.params['TableName']) : undefined,
      }),
    );
    this.writeOk(res, request, answer, requestId);
  }

  private endHang(h: { call: AwsCall; ctx: CallContext | undefined; res: ServerResponse }): void {
    if (!this.hanging.delete(h)) return;
    h.call.durationMs = Math.max(0, this.host.now(h.ctx) - h.call.startMs);
    this.recorder.finish(h.call, h.ctx, undefined);
    if (!h.res.destroyed) h.res.destroy();
  }

  private write(res: ServerResponse, req: AwsRequest | undefined, err: AwsError, requestId: string): void {
    const e =
      req?.service === 'sqs' && err.queryCode === undefined && SQS_QUERY_CODES[err.code]
        ? new AwsError(err.code, err.message, err.status, SQS_QUERY_CODES[err.code], err.extra)
        : err;
    const out = errorResponse(req, e, requestId);
    if (res.destroyed) return;
    res.writeHead(out.status, {
      ...out.headers,
      'x-amzn-requestid': requestId,
      'x-amz-request-id': requestId,
      'content-length': Buffer.byteLength(out.body),
    });
    res.end(out.body);
  }

  private writeOk(res: ServerResponse, req: AwsRequest, answer: AwsResponse, requestId: string): void {
    if (res.destroyed) return;
    let body: Buffer;
    let type: string;
    if (req.protocol === 'json') {
      body = Buffer.from(JSON.stringify(answer.body ?? {}));
      type =
        req.service === 'dynamodb' || req.service === 'sqs'
          ? 'application/x-amz-json-1.0'
          : 'application/x-amz-json-1.1';
    } else if (req.protocol === 'query') {
      body = Buffer.from(
        queryResponse(
          req.service,
          req.operation,
          typeof answer.body === 'string' ? answer.body : toXml(answer.body ?? {}),
          requestId,
        ),
      );
      type = 'text/xml';
    } else if (Buffer.isBuffer(answer.body)) {
      body = answer.body;
      type = 'application/octet-stream';
    } else if (typeof answer.body === 'string') {
      body = Buffer.from(answer.body);
      type = req.protocol === 'rest-xml' ? 'application/xml' : 'application/json';
    } else {
      body = Buffer.from(answer.body === undefined ? '' : JSON.stringify(answer.body));
      type = 'application/json';
    }
    const headers: Record<string, string | number> = {
      'content-type': type,
      'x-amzn-requestid': requestId,
      'x-amz-request-id': requestId,
      ...answer.headers,
    };
    // The JavaScript SDK v2 and boto3 check a DynamoDB answer's CRC32.
    if (req.service === 'dynamodb') headers['x-amz-crc32'] = crc32(body);
    if (req.method === 'HEAD') {
      res.writeHead(answer.status ?? 200, { ...headers, 'content-length': headers['content-length'] ?? body.length });
      res.end();
      return;
    }
    res.writeHead(answer.status ?? 200, { ...headers, 'content-length': body.length });
    res.end(body);
  }

  /** The key attribute names of a table (by name or logical id). */
  private keyNames(table: unknown): string[] | undefined {
    const t = typeof table === 'string' ? this.dynamodb.table(table) : undefined;
    return (t?.create['KeySchema'] as { AttributeName: string }[] | undefined)?.map((k) => k.AttributeName);
  }

  /** The resource a request names, before it is answered (for the trace and `resource` rules). */
  resourceName(req: AwsRequest): string | undefined {
    const p = req.params;
    const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    switch (req.service) {
      case 'dynamodb':
        return (
          s(p['TableName']) ?? (p['RequestItems'] ? Object.keys(p['RequestItems'] as object).join(',') : undefined)
        );
      case 'sqs':
        return s(p['QueueUrl'])?.split('/').pop() ?? s(p['QueueName']);
      case 'sns':
        return (s(p['TopicArn']) ?? s(p['TargetArn']))?.split(':').pop();
      case 'events':
        return 'default';
      case 's3':
        return decodeURIComponent(req.path.slice(1)) || undefined;
      case 'lambda':
        return /functions\/([^/]+)/.exec(req.path)?.[1] !== undefined
          ? decodeURIComponent(/functions\/([^/]+)/.exec(req.path)?.[1] as string)
          : undefined;
      case 'ssm':
        return s(p['Name']);
      case 'secretsmanager':
        return s(p['SecretId']);
      default:
        return undefined;
    }
  }

  private async dispatch(
    req: AwsRequest,
    ctx: CallContext | undefined,
  ): Promise<AwsResponse & { deduplicated?: boolean }> {
    switch (req.service) {
      case 'dynamodb':
        if (req.protocol !== 'json') break;
        return this.dynamo(req);
      case 'sqs':
        return this.sqs(req);
      case 'sns':
        if (req.protocol !== 'query') break;
        return this.collectRefusals(() => this.sns(req));
      case 'events':
        if (req.operation === 'PutEvents') return this.collectRefusals(() => this.putEvents(req));
        break;
      case 's3':
        return this.collectRefusals(() => this.s3(req));
      case 'lambda':
        if (req.operation === 'Invoke') return this.invoke(req);
        break;
      case 'ssm':
        return this.ssm(req);
      case 'secretsmanager':
        return this.secrets(req);
      case 'sts':
        if (req.operation === 'GetCallerIdentity') {
          const a = this.resources.region.accountId;
          const fn = ctx?.function ?? 'simulation';
          return {
            body: `<Arn>arn:aws:sts::${a}:assumed-role/${escapeXml(fn)}Role/${escapeXml(fn)}</Arn><UserId>AROALAMBDALENS:${escapeXml(fn)}</UserId><Account>${a}</Account>`,
          };
        }
        break;
      default:
        break;
    }
    return this.plausible(req);
  }

  /**
   * Runs a service's answer, which delivers synchronously, and keeps the deliveries it refused.
   * Nothing else runs meanwhile (no await), so the list is this call's.
   */
  private collectRefusals(answer: () => AwsResponse): AwsResponse {
    const outer = this.refusals;
    this.refusals = [];
    try {
      const out = answer();
      return this.refusals.length > 0 ? { ...out, refused: this.refusals } : out;
    } finally {
      this.refusals = outer;
    }
  }

  /** Whether the function's resource policy lets the service deliver; a refusal is kept for the call. */
  private mayDeliver(fn: FunctionDef, target: Extract<Target, { kind: 'function' }>, origin: DeliveryOrigin): boolean {
    const refused = this.deliveryCheck?.(fn, target, origin) ?? null;
    if (refused === null) return true;
    this.refusals?.push(refused);
    return false;
  }

  /**
   * Anything not emulated: a success with what the SDK needs to read it (an id where the
   * operation returns one), recorded like every call.
   */
  private plausible(req: AwsRequest): AwsResponse {
    const id = randomUUID();
    const summary = `${req.operation}: answered with a plausible success (not emulated)`;
    if (req.protocol === 'query') {
      const known: Record<string, string> = {
        SendEmail: `<MessageId>${id}</MessageId>`,
        SendRawEmail: `<MessageId>${id}</MessageId>`,
        SendTemplatedEmail: `<MessageId>${id}</MessageId>`,
      };
      return { body: known[req.operation] ?? '', summary };
    }
    const bodies: Record<string, unknown> = {
      'ses:SendEmail': { MessageId: id },
      'states:StartExecution': {
        executionArn: `arn:aws:states:${this.resources.region.region}:${this.resources.region.accountId}:execution:sim:${id}`,
        startDate: Date.now() / 1000,
      },
      'kinesis:PutRecord': { ShardId: 'shardId-000000000000', SequenceNumber: `${Date.now()}` },
      'kinesis:PutRecords': {
        FailedRecordCount: 0,
        Records: ((req.params['Records'] as unknown[]) ?? []).map(() => ({
          ShardId: 'shardId-000000000000',
          SequenceNumber: `${Date.now()}`,
        })),
      },
      'firehose:PutRecord': { RecordId: id },
      'events:PutEvents': { FailedEntryCount: 0, Entries: [] },
    };
    return { body: bodies[`${req.service}:${req.operation}`] ?? (req.protocol === 'rest-xml' ? '' : {}), summary };
  }

  // ---- DynamoDB ----

  private async dynamo(req: AwsRequest): Promise<AwsResponse> {
    const out = await this.dynamodb.call(req.operation, req.params);
    return { ...out, summary: dynamoSummary(req.operation, req.params, out.resource) };
  }

  // ---- SQS (JSON and query protocols) ----

  private queue(urlOrName: unknown): QueueDef {
    const s = typeof urlOrName === 'string' ? urlOrName : '';
    const name = s.split('/').pop() ?? '';
    const q = [...this.resources.queues.values()].find(
      (x) => x.name === name || x.url === s || x.arn === s || x.logicalId === name,
    );
    if (!q)
      throw new AwsError(
        'QueueDoesNotExist',
        `The specified queue does not exist: ${s || '(no QueueUrl)'}`,
        400,
        'AWS.SimpleQueueService.NonExistentQueue',
      );
    return q;
  }

  private sqs(req: AwsRequest): AwsResponse & { deduplicated?: boolean } {
    const query = req.protocol === 'query';
    const p = query ? sqsQueryParams(req.operation, req.params) : req.params;
    const op = req.operation;
    if (op === 'GetQueueUrl') {
      const q = this.queue(p['QueueName']);
      return query
        ? { body: `<QueueUrl>${escapeXml(q.url)}</QueueUrl>`, resource: q.logicalId }
        : { body: { QueueUrl: q.url }, resource: q.logicalId };
    }
    if (op === 'ListQueues') {
      const urls = [...this.resources.queues.values()].map((q) => q.url);
      return query
        ? { body: urls.map((u) => `<QueueUrl>${escapeXml(u)}</QueueUrl>`).join('') }
        : { body: { QueueUrls: urls } };
    }
    const q = this.queue(p['QueueUrl']);
    const resource = q.logicalId;
    if (op === 'SendMessage' || op === 'SendMessageBatch') {
      const entries =
        op === 'SendMessage'
          ? [{ ...p, Id: undefined }]
          : ((p['Entries'] as Record<string, unknown>[] | undefined) ?? []);
      if (entries.length === 0)
        throw new AwsError(
          'EmptyBatchRequest',
          'There should be at least one SendMessageBatchRequestEntry in the request.',
          400,
          'AWS.SimpleQueueService.EmptyBatchRequest',
        );
      const results: { Id?: unknown; MessageId: string; MD5OfMessageBody: string; MD5OfMessageAttributes?: string }[] =
        [];
      const fresh: QueueMessage[] = [];
      let deduplicated = 0;
      for (const e of entries) {
        const body = e['MessageBody'];
        if (typeof body !== 'string' || body.length === 0)
          throw new AwsError(
            'MissingParameter',
            'The request must contain the parameter MessageBody.',
            400,
            'MissingParameter',
          );
        const attrs = (e['MessageAttributes'] as QueueMessage['messageAttributes'] | undefined) ?? {};
        const msg: QueueMessage = {
          messageId: randomUUID(),
          body,
          md5OfBody: md5(body),
          attributes: {},
          messageAttributes: attrs,
        };
        if (q.fifo) {
          const group = e['MessageGroupId'];
          if (typeof group !== 'string')
            throw new AwsError(
              'MissingParameter',
              'The request must contain the parameter MessageGroupId.',
              400,
              'MissingParameter',
            );
          const dedupId =
            typeof e['MessageDeduplicationId'] === 'string'
              ? e['MessageDeduplicationId']
              : q.contentBasedDeduplication
                ? createHash('sha256').update(body).digest('hex')
                : undefined;
          if (dedupId === undefined)
            throw new AwsError(
              'InvalidParameterValue',
              'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
              400,
              'InvalidParameterValue',
            );
          msg.groupId = group;
          msg.deduplicationId = dedupId;
          const seen = this.dedup.get(`${q.name}\n${dedupId}`);
          // A message with a deduplication id seen in the last 5 minutes is accepted and not delivered again.
          if (seen && this.host.now() - seen.atMs < 300_000) {
            msg.messageId = seen.messageId;
            deduplicated++;
          } else {
            this.dedup.set(`${q.name}\n${dedupId}`, { messageId: msg.messageId, atMs: this.host.now() });
            fresh.push(msg);
          }
        } else fresh.push(msg);
        results.push({
          Id: e['Id'],
          MessageId: msg.messageId,
          MD5OfMessageBody: msg.md5OfBody,
          ...(Object.keys(attrs).length > 0 ? { MD5OfMessageAttributes: md5OfAttributes(attrs) } : {}),
        });
      }
      this.enqueue(q, fresh);
      const summary = `${op} ${q.name}: ${entries.length} message${entries.length === 1 ? '' : 's'}${deduplicated ? ` (${deduplicated} deduplicated)` : ''}`;
      if (op === 'SendMessage') {
        const r = results[0] as (typeof results)[number];
        const { Id: _id, ...one } = r;
        return { body: query ? toXml(one) : one, resource, summary, deduplicated: deduplicated > 0 };
      }
      const successful = results.map((r) => ({ ...r, Id: String(r.Id) }));
      return {
        body: query ? toXml({ SendMessageBatchResultEntry: successful }) : { Successful: successful, Failed: [] },
        resource,
        summary,
        deduplicated: deduplicated === entries.length,
      };
    }
    if (op === 'ReceiveMessage') {
      const max = Math.min(10, Math.max(1, Number(p['MaxNumberOfMessages'] ?? 1) || 1));
      const list = this.localQueues.get(q.name) ?? [];
      const now = this.host.now();
      const visibility = Number(p['VisibilityTimeout'] ?? q.visibilityTimeoutSeconds) * 1000;
      const got = list.filter((m) => m.visibleAtMs <= now).slice(0, max);
      for (const m of got) {
        m.visibleAtMs = now + visibility;
        m.receiveCount++;
        m.receipt = randomUUID();
      }
      const messages = got.map((m) => ({
        MessageId: m.messageId,
        ReceiptHandle: m.receipt as string,
        MD5OfBody: m.md5OfBody,
        Body: m.body,
        Attributes: {
          SentTimestamp: String(m.sentMs),
          ApproximateReceiveCount: String(m.receiveCount),
          ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
        },
        ...(Object.keys(m.messageAttributes).length > 0
          ? { MessageAttributes: m.messageAttributes, MD5OfMessageAttributes: md5OfAttributes(m.messageAttributes) }
          : {}),
      }));
      const summary = `ReceiveMessage ${q.name}: ${messages.length} message${messages.length === 1 ? '' : 's'}`;
      if (!query) return { body: messages.length > 0 ? { Messages: messages } : {}, resource, summary };
      const xml = messages
        .map((m) => {
          const attrs = Object.entries(m.Attributes).map(([Name, Value]) => ({ Name, Value }));
          const mattrs = Object.entries(m.MessageAttributes ?? {}).map(([Name, Value]) => ({ Name, Value }));
          return toXml(
            {
              MessageId: m.MessageId,
              ReceiptHandle: m.ReceiptHandle,
              MD5OfBody: m.MD5OfBody,
              Body: m.Body,
              Attribute: attrs,
              MD5OfMessageAttributes: m.MD5OfMessageAttributes,
              MessageAttribute: mattrs,
            },
            'Message',
          );
        })
        .join('');
      return { body: xml, resource, summary };
    }
    if (op === 'DeleteMessage' || op === 'DeleteMessageBatch' || op === 'ChangeMessageVisibility') {
      const entries =
        op === 'DeleteMessageBatch' ? ((p['Entries'] as Record<string, unknown>[] | undefined) ?? []) : [p];
      const list = this.localQueues.get(q.name) ?? [];
      for (const e of entries) {
        const i = list.findIndex((m) => m.receipt === e['ReceiptHandle']);
        if (op === 'ChangeMessageVisibility') {
          const m = list[i];
          if (m) m.visibleAtMs = this.host.now() + Number(e['VisibilityTimeout'] ?? 0) * 1000;
        } else if (i >= 0) list.splice(i, 1);
      }
      const summary = `${op} ${q.name}`;
      if (op !== 'DeleteMessageBatch') return { body: query ? '' : {}, resource, summary };
      const ok = entries.map((e) => ({ Id: String(e['Id']) }));
      return {
        body: query ? toXml({ DeleteMessageBatchResultEntry: ok }) : { Successful: ok, Failed: [] },
        resource,
        summary,
      };
    }
    if (op === 'GetQueueAttributes') {
      const attrs: Record<string, string> = {
        QueueArn: q.arn,
        ApproximateNumberOfMessages: String((this.localQueues.get(q.name) ?? []).length),
        VisibilityTimeout: String(q.visibilityTimeoutSeconds),
        FifoQueue: String(q.fifo),
      };
      return query
        ? { body: toXml({ Attribute: Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })) }), resource }
        : { body: { Attributes: attrs }, resource };
    }
    if (op === 'PurgeQueue') {
      this.localQueues.set(q.name, []);
      return { body: query ? '' : {}, resource };
    }
    return { ...this.plausible(req), resource };
  }

  /** Into the function that reads the queue (its event source mapping), else kept for ReceiveMessage. */
  private enqueue(q: QueueDef, messages: QueueMessage[]): void {
    if (messages.length === 0) return;
    const now = this.host.now();
    for (const m of messages) {
      m.attributes = {
        SentTimestamp: String(Math.floor(now)),
        ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
        ...(m.deduplicationId ? { MessageDeduplicationId: m.deduplicationId } : {}),
      };
    }
    if (this.host.deliverToQueue(q, messages)) return;
    const list = this.localQueues.get(q.name) ?? [];
    for (const m of messages) list.push({ ...m, visibleAtMs: now, receiveCount: 0, receipt: null, sentMs: now });
    this.localQueues.set(q.name, list);
  }

  // ---- SNS ----

  private topic(arn: unknown): TopicDef {
    const s = typeof arn === 'string' ? arn : '';
    const t = [...this.resources.topics.values()].find(
      (x) => x.arn === s || x.name === s.split(':').pop() || x.logicalId === s,
    );
    if (!t) throw new AwsError('NotFound', 'Topic does not exist', 404);
    return t;
  }

  private sns(req: AwsRequest): AwsResponse {
    const p = req.params as Record<string, string>;
    if (req.operation === 'Publish') {
      if (p['PhoneNumber'])
        return {
          body: `<MessageId>${randomUUID()}</MessageId>`,
          resource: p['PhoneNumber'],
          summary: 'Publish: SMS (not sent)',
        };
      const t = this.topic(p['TopicArn'] ?? p['TargetArn']);
      if (typeof p['Message'] !== 'string') throw new AwsError('InvalidParameter', 'Invalid parameter: Message', 400);
      const id = this.publish(t, p['Message'], p['Subject'], snsAttributes(p));
      return {
        body: `<MessageId>${id}</MessageId>`,
        resource: t.logicalId,
        summary: `Publish ${t.name}: ${t.subscriptions.length} subscription${t.subscriptions.length === 1 ? '' : 's'}`,
      };
    }
    if (req.operation === 'PublishBatch') {
      const t = this.topic(p['TopicArn']);
      const ok: { Id: string; MessageId: string }[] = [];
      for (let i = 1; p[`PublishBatchRequestEntries.member.${i}.Id`] !== undefined; i++) {
        const pre = `PublishBatchRequestEntries.member.${i}.`;
        ok.push({
          Id: p[`${pre}Id`] as string,
          MessageId: this.publish(t, p[`${pre}Message`] ?? '', p[`${pre}Subject`], {}),
        });
      }
      return {
        body: `<Successful>${ok.map((o) => toXml(o, 'member')).join('')}</Successful><Failed/>`,
        resource: t.logicalId,
        summary: `PublishBatch ${t.name}: ${ok.length} messages`,
      };
    }
    if (req.operation === 'ListTopics') {
      return {
        body: `<Topics>${[...this.resources.topics.values()].map((t) => `<member><TopicArn>${escapeXml(t.arn)}</TopicArn></member>`).join('')}</Topics>`,
      };
    }
    return this.plausible(req);
  }

  /** SNS fan-out: each subscription gets the message (https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html). */
  private publish(
    t: TopicDef,
    message: string,
    subject: string | undefined,
    attributes: Record<string, { Type: string; Value: string }>,
  ): string {
    const id = randomUUID();
    const timestamp = new Date().toISOString();
    const region = this.resources.region;
    const notification = {
      Type: 'Notification',
      MessageId: id,
      TopicArn: t.arn,
      Subject: subject ?? null,
      Message: message,
      Timestamp: timestamp,
      SignatureVersion: '1',
      Signature: 'EXAMPLE',
      SigningCertUrl: `https://sns.${region.region}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
      UnsubscribeUrl: `https://sns.${region.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${t.arn}:0`,
      MessageAttributes: attributes,
    };
    for (const s of t.subscriptions) {
      if (
        s.filterPolicy !== undefined &&
        !matchesPattern(
          s.filterPolicy,
          Object.fromEntries(
            Object.entries(attributes).map(([k, v]) => [k, v.Type === 'Number' ? Number(v.Value) : v.Value]),
          ),
        )
      )
        continue;
      if (s.target.kind === 'function') {
        const fn = this.resources.functions.get(s.target.logicalId);
        if (fn && this.mayDeliver(fn, s.target, { service: 'sns', logicalId: t.logicalId, arn: t.arn }))
          this.host.invokeAsync(
            fn,
            {
              Records: [
                {
                  EventSource: 'aws:sns',
                  EventVersion: '1.0',
                  EventSubscriptionArn: `${t.arn}:${randomUUID()}`,
                  Sns: notification,
                },
              ],
            },
            'sns',
          );
      } else if (s.target.kind === 'queue') {
        const q = this.resources.queues.get(s.target.logicalId);
        const body = s.rawMessageDelivery
          ? message
          : JSON.stringify({
              ...notification,
              SigningCertURL: notification.SigningCertUrl,
              UnsubscribeURL: notification.UnsubscribeUrl,
            });
        if (q)
          this.enqueue(q, [
            { messageId: randomUUID(), body, md5OfBody: md5(body), attributes: {}, messageAttributes: {} },
          ]);
      }
    }
    return id;
  }

  // ---- EventBridge ----

  private putEvents(req: AwsRequest): AwsResponse {
    const entries = req.params['Entries'];
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
      throw new AwsError(
        'ValidationException',
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    }
    const region = this.resources.region;
    const results: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[] = [];
    let matched = 0;
    let failed = 0;
    for (const e of entries as Record<string, unknown>[]) {
      let detail: unknown;
      try {
        detail = JSON.parse(String(e['Detail'] ?? ''));
      } catch {
        failed++;
        results.push({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
        continue;
      }
      if (typeof e['Source'] !== 'string' || typeof e['DetailType'] !== 'string') {
        failed++;
        results.push({
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter(s) Source and DetailType must be specified.',
        });
        continue;
      }
      const bus = String(e['EventBusName'] ?? 'default')
        .split('/')
        .pop() as string;
      const id = randomUUID();
      // The event as rules and targets see it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html).
      const event = {
        version: '0',
        id,
        'detail-type': e['DetailType'],
        source: e['Source'],
        account: region.accountId,
        time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: region.region,
        resources: Array.isArray(e['Resources']) ? e['Resources'] : [],
        detail,
      };
      for (const rule of this.resources.rules) {
        if (rule.bus !== bus || !matchesPattern(rule.pattern, event)) continue;
        matched++;
        for (const target of rule.targets)
          this.deliver(target, event, { service: 'events', logicalId: rule.logicalId, arn: rule.arn });
      }
      results.push({ EventId: id });
    }
    return {
      body: { FailedEntryCount: failed, Entries: results },
      resource: 'default',
      summary: `PutEvents: ${entries.length} event${entries.length === 1 ? '' : 's'}, ${matched} rule match${matched === 1 ? '' : 'es'}`,
    };
  }

  private deliver(target: Target, event: unknown, origin: DeliveryOrigin): void {
    if (target.kind === 'function') {
      const fn = this.resources.functions.get(target.logicalId);
      if (fn && this.mayDeliver(fn, target, origin))
        this.host.invokeAsync(fn, event, origin.service === 's3' ? 's3' : 'eventbridge');
    } else if (target.kind === 'queue') {
      const q = this.resources.queues.get(target.logicalId);
      const body = JSON.stringify(event);
      if (q)
        this.enqueue(q, [
          { messageId: randomUUID(), body, md5OfBody: md5(body), attributes: {}, messageAttributes: {} },
        ]);
    } else {
      const t = this.resources.topics.get(target.logicalId);
      if (t) this.publish(t, JSON.stringify(event), undefined, {});
    }
  }

  // ---- S3 ----

  private bucket(name: string): BucketDef | undefined {
    return this.resources.buckets.get(name) ?? [...this.resources.buckets.values()].find((b) => b.name === name);
  }

  private putObject(
    b: BucketDef,
    key: string,
    body: Buffer,
    contentType: string,
    metadata: Record<string, string>,
  ): StoredObject {
    const o = { body, contentType, etag: `"${md5(body)}"`, lastModified: new Date(), metadata };
    this.objects.get(b.name)?.set(key, o);
    return o;
  }

  private s3(req: AwsRequest): AwsResponse {
    const segments = req.path.split('/').slice(1);
    const bucketName = decodeURIComponent(segments[0] ?? '');
    const key = segments.slice(1).map(decodeURIComponent).join('/');
    if (req.operation === 'ListBuckets') {
      const list = [...this.resources.buckets.values()].map((b) => ({
        Name: b.name,
        CreationDate: new Date(0).toISOString(),
      }));
      return {
        body: `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets>${list.map((b) => toXml(b, 'Bucket')).join('')}</Buckets><Owner><ID>sim</ID></Owner></ListAllMyBucketsResult>`,
      };
    }
    const b = this.bucket(bucketName);
    if (!b) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
    const objects = this.objects.get(b.name) as Map<string, StoredObject>;
    const resource = key ? `${b.logicalId}/${key}` : b.logicalId;
    switch (req.operation) {
      case 'PutObject': {
        const meta: Record<string, string> = {};
        for (const [h, v] of Object.entries(req.headers))
          if (h.startsWith('x-amz-meta-') && typeof v === 'string') meta[h.slice(11)] = v;
        const o = this.putObject(b, key, req.body, String(req.headers['content-type'] ?? 'binary/octet-stream'), meta);
        this.notify(b, 'ObjectCreated:Put', key, o);
        return {
          body: '',
          headers: { etag: o.etag },
          resource,
          summary: `PutObject ${b.name}/${key} (${o.body.length} B)`,
        };
      }
      case 'GetObject':
      case 'HeadObject': {
        const o = objects.get(key);
        if (!o) {
          if (req.operation === 'HeadObject') throw new AwsError('NotFound', 'Not Found', 404);
          throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404);
        }
        const headers: Record<string, string> = {
          etag: o.etag,
          'last-modified': o.lastModified.toUTCString(),
          'content-type': o.contentType,
          'content-length': String(o.body.length),
        };
        for (const [k, v] of Object.entries(o.metadata)) headers[`x-amz-meta-${k}`] = v;
        return { body: o.body, headers, resource, summary: `${req.operation} ${b.name}/${key} (${o.body.length} B)` };
      }
      case 'DeleteObject': {
        const existed = objects.delete(key);
        if (existed) this.notify(b, 'ObjectRemoved:Delete', key, undefined);
        return { status: 204, body: '', resource, summary: `DeleteObject ${b.name}/${key}` };
      }
      case 'ListObjectsV2':
      case 'ListObjects': {
        const prefix = req.query.get('prefix') ?? '';
        const max = Number(req.query.get('max-keys') ?? 1000) || 1000;
        const after =
          req.query.get('start-after') ?? req.query.get('continuation-token') ?? req.query.get('marker') ?? '';
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
        const page = keys.slice(0, max);
        const truncated = keys.length > page.length;
        const contents = page.map((k) => {
          const o = objects.get(k) as StoredObject;
          return toXml(
            {
              Key: k,
              LastModified: o.lastModified.toISOString(),
              ETag: o.etag,
              Size: o.body.length,
              StorageClass: 'STANDARD',
            },
            'Contents',
          );
        });
        const next = truncated
          ? `<NextContinuationToken>${escapeXml(page[page.length - 1] ?? '')}</NextContinuationToken>`
          : '';
        const body = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${escapeXml(b.name)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents.join('')}${next}</ListBucketResult>`;
        return {
          body,
          resource,
          summary: `${req.operation} ${b.name}: ${page.length} key${page.length === 1 ? '' : 's'}`,
        };
      }
      case 'HeadBucket':
        return { body: '', resource };
      case 'GetBucketLocation':
        return {
          body: `<?xml version="1.0" encoding="UTF-8"?><LocationConstraint>${this.resources.region.region}</LocationConstraint>`,
          resource,
        };
      default:
        return { ...this.plausible(req), resource };
    }
  }

  /** The bucket's notifications to functions, with S3's event record (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html). */
  private notify(b: BucketDef, eventName: string, key: string, o: StoredObject | undefined): void {
    for (const n of b.notifications) {
      const matchesEvent = n.events.some((e) => {
        const want = e.replace(/^s3:/, '');
        return want === eventName || (want.endsWith('*') && eventName.startsWith(want.slice(0, -1)));
      });
      if (!matchesEvent || !key.startsWith(n.prefix) || !key.endsWith(n.suffix)) continue;
      const record = {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: this.resources.region.region,
        eventTime: new Date().toISOString(),
        eventName,
        userIdentity: { principalId: 'AWS:AROALAMBDALENS:simulation' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: {
          'x-amz-request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
          'x-amz-id-2': randomUUID(),
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'lambda-lens',
          bucket: { name: b.name, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: b.arn },
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'),
            ...(o ? { size: o.body.length, eTag: o.etag.replace(/"/g, '') } : {}),
            sequencer: Date.now().toString(16).toUpperCase(),
          },
        },
      };
      this.deliver(n.target, { Records: [record] }, { service: 's3', logicalId: b.logicalId, arn: b.arn });
    }
  }

  // ---- Lambda ----

  private async invoke(req: AwsRequest): Promise<AwsResponse> {
    const raw = decodeURIComponent(/functions\/([^/]+)/.exec(req.path)?.[1] ?? '');
    const name = raw.startsWith('arn:') ? (raw.split(':')[6] ?? raw) : (raw.split(':')[0] ?? raw);
    const fn =
      this.resources.functions.get(name) ?? [...this.resources.functions.values()].find((f) => f.name === name);
    const region = this.resources.region;
    if (!fn)
      throw new AwsError(
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:${region.region}:${region.accountId}:function:${name}`,
        404,
      );
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    let payload: unknown = null;
    if (req.body.length > 0) {
      try {
        payload = JSON.parse(req.body.toString('utf8'));
      } catch {
        throw new AwsError(
          'InvalidRequestContentException',
          'Could not parse request body into json: Could not parse payload into json',
          400,
        );
      }
    }
    if (type === 'DryRun')
      return { status: 204, body: '', resource: fn.logicalId, summary: `Invoke ${fn.logicalId}: DryRun` };
    if (type === 'Event') {
      this.host.invokeAsync(fn, payload, 'lambda');
      return { status: 202, body: '', resource: fn.logicalId, summary: `Invoke ${fn.logicalId}: Event (queued)` };
    }
    const out = await this.host.invokeSync(fn, payload);
    // A throttled Invoke is an API error, 429 TooManyRequestsException with its Reason (API_Invoke.html).
    if (out.throttled !== undefined)
      throw new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429, undefined, {
        Reason: out.throttled,
        Type: 'User',
      });
    const headers: Record<string, string> = { 'x-amz-executed-version': '$LATEST' };
    if (out.functionError) headers['x-amz-function-error'] = out.functionError;
    return {
      status: 200,
      headers,
      body: JSON.stringify(out.payload ?? null),
      resource: fn.logicalId,
      summary: `Invoke ${fn.logicalId}: ${out.functionError ? `function error (${out.functionError})` : 'RequestResponse'}`,
    };
  }

  // ---- SSM and Secrets Manager ----

  private ssm(req: AwsRequest): AwsResponse {
    const p = req.params;
    const params = this.resources.parameters;
    const region = this.resources.region;
    const shape = (name: string): Record<string, unknown> => {
      const v = params.get(name) as { value: string; type: string };
      return {
        Name: name,
        Type: v.type,
        Value: v.value,
        Version: 1,
        LastModifiedDate: 0,
        ARN: `arn:aws:ssm:${region.region}:${region.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
        DataType: 'text',
      };
    };
    if (req.operation === 'GetParameter') {
      const name = String(p['Name'] ?? '');
      if (!params.has(name)) throw new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
      return { body: { Parameter: shape(name) }, resource: name, summary: `GetParameter ${name}` };
    }
    if (req.operation === 'GetParameters') {
      const names = Array.isArray(p['Names']) ? (p['Names'] as string[]) : [];
      return {
        body: {
          Parameters: names.filter((n) => params.has(n)).map(shape),
          InvalidParameters: names.filter((n) => !params.has(n)),
        },
        summary: `GetParameters: ${names.length}`,
      };
    }
    if (req.operation === 'GetParametersByPath') {
      const path = String(p['Path'] ?? '/');
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const recursive = p['Recursive'] === true;
      const names = [...params.keys()].filter(
        (n) => n.startsWith(prefix) && (recursive || !n.slice(prefix.length).includes('/')),
      );
      return {
        body: { Parameters: names.map(shape) },
        resource: path,
        summary: `GetParametersByPath ${path}: ${names.length}`,
      };
    }
    if (req.operation === 'PutParameter') {
      const name = String(p['Name'] ?? '');
      if (params.has(name) && p['Overwrite'] !== true)
        throw new AwsError(
          'ParameterAlreadyExists',
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
        );
      params.set(name, { value: String(p['Value'] ?? ''), type: String(p['Type'] ?? 'String') });
      return { body: { Version: 1, Tier: 'Standard' }, resource: name, summary: `PutParameter ${name}` };
    }
    return this.plausible(req);
  }

  private secrets(req: AwsRequest): AwsResponse {
    const id = String(req.params['SecretId'] ?? '');
    const entry = [...this.resources.secrets].find(
      ([name, s]) => name === id || s.arn === id || (id.startsWith('arn:') && id.includes(`:secret:${name}`)),
    );
    if (req.operation === 'GetSecretValue' || req.operation === 'DescribeSecret') {
      if (!entry) throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      const [name, s] = entry;
      const body =
        req.operation === 'GetSecretValue'
          ? {
              ARN: s.arn,
              Name: name,
              SecretString: s.value,
              VersionId: '00000000-0000-0000-0000-000000000001',
              VersionStages: ['AWSCURRENT'],
              CreatedDate: 0,
            }
          : { ARN: s.arn, Name: name };
      return { body, resource: name, summary: `${req.operation} ${name}` };
    }
    if (req.operation === 'PutSecretValue') {
      if (!entry) throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      const [name, s] = entry;
      s.value = String(req.params['SecretString'] ?? '');
      return {
        body: { ARN: s.arn, Name: name, VersionId: randomUUID(), VersionStages: ['AWSCURRENT'] },
        resource: name,
        summary: `PutSecretValue ${name}`,
      };
    }
    return this.plausible(req);
  }
}

function md5(s: string | Buffer): string {
  return createHash('md5').update(s).digest('hex');
}

/**
 * MD5 of SQS message attributes as SQS computes it (names sorted; each as length-prefixed name,
 * data type and a transport byte 1 (string) or 2 (binary), then the length-prefixed value):
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
 */
export function md5OfAttributes(attrs: QueueMessage['messageAttributes']): string {
  const h = createHash('md5');
  const lp = (b: Buffer): void => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    h.update(len);
    h.update(b);
  };
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name] as QueueMessage['messageAttributes'][string];
    lp(Buffer.from(name));
    lp(Buffer.from(a.DataType));
    if (a.BinaryValue !== undefined) {
      h.update(Buffer.from([2]));
      lp(Buffer.from(a.BinaryValue, 'base64'));
    } else {
      h.update(Buffer.from([1]));
      lp(Buffer.from(a.StringValue ?? ''));
    }
  }
  return h.digest('hex');
}

/** SQS query requests flatten lists (`SendMessageBatchRequestEntry.1.MessageBody`) and attributes: back to the JSON shape. */
function sqsQueryParams(operation: string, form: Record<string, unknown>): Record<string, unknown> {
  const f = form as Record<string, string>;
  const out: Record<string, unknown> = { ...f };
  const attrs = (prefix: string): QueueMessage['messageAttributes'] => {
    const a: QueueMessage['messageAttributes'] = {};
    for (let i = 1; f[`${prefix}MessageAttribute.${i}.Name`] !== undefined; i++) {
      const v = `${prefix}MessageAttribute.${i}.Value.`;
      a[f[`${prefix}MessageAttribute.${i}.Name`] as string] = {
        DataType: f[`${v}DataType`] ?? 'String',
        ...(f[`${v}StringValue`] !== undefined ? { StringValue: f[`${v}StringValue`] } : {}),
        ...(f[`${v}BinaryValue`] !== undefined ? { BinaryValue: f[`${v}BinaryValue`] } : {}),
      };
    }
    return a;
  };
  if (operation === 'SendMessage') out['MessageAttributes'] = attrs('');
  const batch =
    operation === 'SendMessageBatch'
      ? 'SendMessageBatchRequestEntry'
      : operation === 'DeleteMessageBatch'
        ? 'DeleteMessageBatchRequestEntry'
        : undefined;
  if (batch) {
    const entries: Record<string, unknown>[] = [];
    for (let i = 1; f[`${batch}.${i}.Id`] !== undefined; i++) {
      const pre = `${batch}.${i}.`;
      const e: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(f))
        if (k.startsWith(pre) && !k.slice(pre.length).includes('.')) e[k.slice(pre.length)] = v;
      e['MessageAttributes'] = attrs(pre);
      entries.push(e);
    }
    out['Entries'] = entries;
  }
  return out;
}

function snsAttributes(f: Record<string, string>): Record<string, { Type: string; Value: string }> {
  const a: Record<string, { Type: string; Value: string }> = {};
  for (let i = 1; f[`MessageAttributes.entry.${i}.Name`] !== undefined; i++) {
    const v = `MessageAttributes.entry.${i}.Value.`;
    a[f[`MessageAttributes.entry.${i}.Name`] as string] = {
      Type: f[`${v}DataType`] ?? 'String',
      Value: f[`${v}StringValue`] ?? f[`${v}BinaryValue`] ?? '',
    };
  }
  return a;
}

/** Short text for a DynamoDB call: the table, the key, what the update does. */
export function dynamoSummary(operation: string, p: Record<string, unknown>, table: string | undefined): string {
  const key = (k: unknown): string => {
    if (k === null || typeof k !== 'object') return '';
    return Object.entries(k as Record<string, Record<string, unknown>>)
      .map(([n, v]) => `${n}=${String(Object.values(v ?? {})[0])}`)
      .join(',');
  };
  const t = table ?? String(p['TableName'] ?? '');
  switch (operation) {
    case 'PutItem': {
      const item = p['Item'] as Record<string, unknown> | undefined;
      return `PutItem ${t}: ${Object.keys(item ?? {}).length} attributes${p['ConditionExpression'] ? ` if ${String(p['ConditionExpression'])}` : ''}`;
    }
    case 'UpdateItem':
      return `UpdateItem ${t} ${key(p['Key'])}: ${String(p['UpdateExpression'] ?? '')}${p['ConditionExpression'] ? ` if ${String(p['ConditionExpression'])}` : ''}`;
    case 'GetItem':
    case 'DeleteItem':
      return `${operation} ${t} ${key(p['Key'])}`;
    case 'Query':
      return `Query ${t}${p['IndexName'] ? `.${String(p['IndexName'])}` : ''}: ${String(p['KeyConditionExpression'] ?? '')}`;
    default:
      return `${operation} ${t}`;
  }
}
