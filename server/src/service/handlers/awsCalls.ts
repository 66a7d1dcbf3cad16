/**
 * What handler code reaches over the network, read from the handler model: the AWS services
 * whose SDK clients it creates, the HTTP requests it makes, and the writes it sends to S3,
 * SQS and SNS with the environment variable that names the target. Data tables, so that a
 * new SDK or HTTP library is one more line. Used by LL4003 and LL5002.
 */
import ts from 'typescript';
import type { HandlerModel, ImportRef } from './model';
import { objectArgument, findProperty, propertyValue, receiverOrigin } from './idempotency';
import type { Span } from '../model/types';
import { RESOURCE_PARAMETERS } from '../iamActions';
import { skipOuter } from './scope';

/** An AWS service used by the code, by the name its VPC endpoints use (`s3`, `dynamodb`, `secretsmanager`). */
export interface ServiceUse {
  readonly service: string;
}

/** SDK service ids (v3 package suffix or v2 class, lower-cased without dashes) whose VPC endpoint service name differs. */
const ENDPOINT_NAMES: Readonly<Record<string, string>> = {
  cloudwatchlogs: 'logs',
  cloudwatch: 'monitoring',
  sfn: 'states',
  stepfunctions: 'states',
  eventbridge: 'events',
  cloudwatchevents: 'events',
  ses: 'email',
  sesv2: 'email',
  kinesis: 'kinesis-streams',
  firehose: 'kinesis-firehose',
  rdsdata: 'rds-data',
  rdsdataservice: 'rds-data',
  bedrockruntime: 'bedrock-runtime',
  bedrockagentruntime: 'bedrock-agent-runtime',
  apigatewaymanagementapi: 'execute-api',
  iotdataplane: 'iot-data',
  iotdata: 'iot-data',
  secretsmanager: 'secretsmanager',
};

/** SDK packages that are not a service client, or that talk to no endpoint. */
const NOT_SERVICES =
  /^@aws-sdk\/(?:types|util-|smithy-|credential-provider|s3-request-presigner|cloudfront-signer|middleware-|signature-v4|protocol-http|node-http-handler|lib-storage)/;

/** The endpoint service name of an SDK client reference, or `undefined` when it is not one. */
export function sdkService(ref: ImportRef | undefined): string | undefined {
  if (ref === undefined || NOT_SERVICES.test(ref.module)) return undefined;
  let id: string | undefined;
  const v3 = /^@aws-sdk\/client-([a-z0-9-]+)$/.exec(ref.module);
  const v2 = /^aws-sdk\/clients\/([a-z0-9]+)$/.exec(ref.module);
  if (v3) id = /Command$|Exception$|^paginate|^waitFor/.test(ref.path) ? undefined : v3[1];
  else if (ref.module === '@aws-sdk/lib-dynamodb') id = 'dynamodb';
  else if (v2) id = v2[1];
  else if (ref.module === 'aws-sdk') {
    const first = ref.path.replace(/^default\./, '').split('.')[0] ?? '';
    id =
      /^[A-Z][A-Za-z0-9]+$/.test(first) &&
      !/^(Config|Credentials|.*Credentials|Endpoint|HttpRequest|HttpResponse|Request|Response|Service|EventListeners|MetadataService)$/.test(
        first,
      )
        ? first
        : undefined;
  }
  return id === undefined ? undefined : endpointName(id);
}

/** The VPC endpoint service name of an SDK service id (`client-secrets-manager` → `secretsmanager`, boto3 `stepfunctions` → `states`). */
export function endpointName(id: string): string {
  const key = id.toLowerCase().replace(/-/g, '');
  return ENDPOINT_NAMES[key] ?? key;
}

/** The AWS services whose clients the file creates (`new S3Client()`, `new AWS.SQS()`, `DynamoDBDocument.from(…)`). */
export function servicesUsed(model: HandlerModel): ServiceUse[] {
  const out: ServiceUse[] = [];
  for (const c of model.constructions) {
    const service = sdkService(c.import);
    if (service !== undefined) out.push({ service });
  }
  for (const c of model.calls) {
    if (c.import?.module !== '@aws-sdk/lib-dynamodb' || !/\.from$/.test(c.import.path)) continue;
    out.push({ service: 'dynamodb' });
  }
  return out;
}

/** HTTP client modules: any call into them sends a request. */
const HTTP_MODULES =
  /^(?:node:)?(?:https?|http2)$|^(?:axios|got|node-fetch|undici|cross-fetch|isomorphic-fetch|superagent|ky|needle|request|request-promise(?:-native)?|phin|bent)$/;

/** An HTTP request the code makes, with where its URL comes from when that can be read. */
export interface HttpCall {
  readonly what: string;
  /** A literal URL (`https://api.example.com/x`), an environment variable holding it (also after a literal `https://` prefix), or unknown. */
  readonly url: { readonly literal: string } | { readonly env: string } | undefined;
}

/** Calls that make an HTTP request to somewhere outside AWS (or to AWS without the SDK). */
export function httpCalls(model: HandlerModel): HttpCall[] {
  const out: HttpCall[] = [];
  for (const c of model.calls) {
    const http =
      (c.import === undefined && c.callee === 'fetch') ||
      (c.import !== undefined &&
        HTTP_MODULES.test(c.import.module) &&
        (c.import.module.includes('http') ? /^(default\.)?(request|get|connect)$/.test(c.import.path) : true));
    if (http) out.push({ what: c.callee ?? c.import?.module ?? 'fetch', url: urlOf(model, c.node.arguments[0], 0) });
  }
  return out;
}

/** Where a URL argument comes from: a literal, `process.env.X`, `'https://' + process.env.X`, through a few `const`s. */
function urlOf(model: HandlerModel, arg: ts.Expression | undefined, depth: number): HttpCall['url'] {
  if (arg === undefined || depth > 4) return undefined;
  const x = skipOuter(arg);
  if (ts.isStringLiteralLike(x)) return { literal: x.text };
  const env = envVariable(model, x, 0);
  if (env !== undefined) return { env };
  if (
    ts.isBinaryExpression(x) &&
    x.operatorToken.kind === ts.SyntaxKind.PlusToken &&
    ts.isStringLiteralLike(skipOuter(x.left)) &&
    /^https?:\/\/$/.test((skipOuter(x.left) as ts.StringLiteralLike).text)
  ) {
    return urlOf(model, x.right, depth + 1);
  }
  if (ts.isTemplateExpression(x) && /^https?:\/\/$/.test(x.head.text) && x.templateSpans.length > 0) {
    const first = x.templateSpans[0];
    return first !== undefined ? urlOf(model, first.expression, depth + 1) : undefined;
  }
  if (ts.isIdentifier(x)) {
    const d = model.lookup(x);
    if (d !== undefined && ts.isVariableDeclaration(d.node) && d.node.initializer)
      return urlOf(model, d.node.initializer, depth + 1);
  }
  return undefined;
}

/**
 * A write to S3, SQS or SNS whose target (bucket, queue URL, topic ARN) comes from an
 * environment variable, or from the triggering event itself (`record.s3.bucket.name`,
 * `record.Sns.TopicArn`).
 */
export interface TargetedWrite {
  readonly kind: 'S3' | 'SQS' | 'SNS';
  /** The operation, as a message names it (`PutObjectCommand`, `sqs.sendMessage`). */
  readonly what: string;
  /** Where the target comes from: an environment variable by name, or the event's own source. */
  readonly target: { readonly env: string } | { readonly event: string };
}

/** Event fields that name the resource the event came from, per kind. */
const EVENT_SOURCE_FIELDS: Readonly<Record<TargetedWrite['kind'], RegExp>> = {
  S3: /\.s3\.bucket\.name$/,
  SQS: /\.eventSourceARN$/,
  SNS: /\.Sns\.TopicArn$/,
};

/** Which request property names the target, per service. */
const TARGET_PROPERTY: Readonly<Record<TargetedWrite['kind'], string>> = {
  S3: 'Bucket',
  SQS: 'QueueUrl',
  SNS: 'TopicArn',
};

/** SDK v3 commands that write to a target, by module. */
const WRITE_COMMANDS: readonly {
  readonly module: RegExp;
  readonly command: RegExp;
  readonly kind: TargetedWrite['kind'];
}[] = [
  {
    module: /^@aws-sdk\/client-s3$/,
    command: /^(PutObject|CopyObject|CreateMultipartUpload|UploadPart|CompleteMultipartUpload)Command$/,
    kind: 'S3',
  },
  { module: /^@aws-sdk\/client-sqs$/, command: /^SendMessage(Batch)?Command$/, kind: 'SQS' },
  { module: /^@aws-sdk\/client-sns$/, command: /^Publish(Batch)?Command$/, kind: 'SNS' },
];

/** SDK v2 (and v3 aggregated) client methods that write, by the client the receiver was made from. */
const WRITE_METHODS: readonly {
  readonly module: RegExp;
  readonly path: RegExp;
  readonly methods: RegExp;
  readonly kind: TargetedWrite['kind'];
}[] = [
  { module: /^aws-sdk$/, path: /^S3$/, methods: /^(putObject|upload|copyObject|createMultipartUpload)$/, kind: 'S3' },
  {
    module: /^aws-sdk\/clients\/s3$/,
    path: /^$/,
    methods: /^(putObject|upload|copyObject|createMultipartUpload)$/,
    kind: 'S3',
  },
  {
    module: /^@aws-sdk\/client-s3$/,
    path: /^S3$/,
    methods: /^(putObject|copyObject|createMultipartUpload)$/,
    kind: 'S3',
  },
  { module: /^aws-sdk$/, path: /^SQS$/, methods: /^sendMessage(Batch)?$/, kind: 'SQS' },
  { module: /^aws-sdk\/clients\/sqs$/, path: /^$/, methods: /^sendMessage(Batch)?$/, kind: 'SQS' },
  { module: /^@aws-sdk\/client-sqs$/, path: /^SQS$/, methods: /^sendMessage(Batch)?$/, kind: 'SQS' },
  { module: /^aws-sdk$/, path: /^SNS$/, methods: /^publish(Batch)?$/, kind: 'SNS' },
  { module: /^aws-sdk\/clients\/sns$/, path: /^$/, methods: /^publish(Batch)?$/, kind: 'SNS' },
  { module: /^@aws-sdk\/client-sns$/, path: /^SNS$/, methods: /^publish(Batch)?$/, kind: 'SNS' },
];

/** Writes to S3, SQS and SNS whose target is read from `process.env`. */
export function targetedWrites(model: HandlerModel): TargetedWrite[] {
  const out: TargetedWrite[] = [];
  const add = (kind: TargetedWrite['kind'], what: string, params: ts.Expression | undefined) => {
    const obj = objectArgument(model, params);
    const value = obj ? propertyValue(findProperty(obj, TARGET_PROPERTY[kind])) : undefined;
    const target = value ? targetOrigin(model, value, kind, 0) : undefined;
    if (target !== undefined) out.push({ kind, what, target });
  };
  for (const c of model.constructions) {
    const ref = c.import;
    const cmd = ref
      ? WRITE_COMMANDS.find((w) => w.module.test(ref.module) && w.command.test(ref.path.replace(/^default\./, '')))
      : undefined;
    if (cmd) add(cmd.kind, ref?.path ?? cmd.kind, c.node.arguments?.[0]);
    // `new Upload({ client, params: { Bucket, Key, Body } })` from @aws-sdk/lib-storage.
    if (ref?.module === '@aws-sdk/lib-storage' && ref.path === 'Upload') {
      const obj = objectArgument(model, c.node.arguments?.[0]);
      const params = obj ? propertyValue(findProperty(obj, 'params')) : undefined;
      add('S3', 'Upload', params);
    }
  }
  for (const c of model.calls) {
    const origin = receiverOrigin(model, c);
    if (origin === undefined || c.name === undefined) continue;
    const path = origin.path.replace(/^default\./, '');
    const m = WRITE_METHODS.find(
      (w) => w.module.test(origin.module) && w.path.test(path) && w.methods.test(c.name ?? ''),
    );
    if (m) add(m.kind, `${c.receiver ?? m.kind}.${c.name}`, c.node.arguments[0]);
  }
  return out;
}

/** Where a target expression comes from: an environment variable, or the event's source field (through a few `const`s). */
function targetOrigin(
  model: HandlerModel,
  e: ts.Expression,
  kind: TargetedWrite['kind'],
  depth: number,
): TargetedWrite['target'] | undefined {
  const env = envVariable(model, e, 0);
  if (env !== undefined) return { env };
  if (depth > 4) return undefined;
  const x = skipOuter(e);
  const text = x
    .getText(model.sourceFile)
    .replace(/\?\./g, '.')
    .replace(/\[\s*\d+\s*\]/g, '');
  if (EVENT_SOURCE_FIELDS[kind].test(text)) return { event: x.getText(model.sourceFile) };
  if (!ts.isIdentifier(x)) return undefined;
  const d = model.lookup(x);
  if (d !== undefined && ts.isVariableDeclaration(d.node) && ts.isIdentifier(d.node.name) && d.node.initializer)
    return targetOrigin(model, d.node.initializer, kind, depth + 1);
  return undefined;
}

/**
 * The environment variable an expression reads: `process.env.X`, `process.env['X']`, or a
 * `const` initialised from one (also `const { X } = process.env`), followed through a few names.
 */
export function envVariable(model: HandlerModel, e: ts.Expression, depth: number): string | undefined {
  if (depth > 4) return undefined;
  const x = skipOuter(e);
  const direct = processEnvMember(x);
  if (direct !== undefined) return direct;
  if (
    ts.isBinaryExpression(x) &&
    (x.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || x.operatorToken.kind === ts.SyntaxKind.BarBarToken)
  ) {
    return envVariable(model, x.left, depth + 1);
  }
  if (ts.isNonNullExpression(x)) return envVariable(model, x.expression, depth + 1);
  if (!ts.isIdentifier(x)) return undefined;
  const d = model.lookup(x);
  if (d === undefined) return undefined;
  const decl = d.node;
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    if (ts.isIdentifier(decl.name)) return envVariable(model, decl.initializer, depth + 1);
    if (ts.isObjectBindingPattern(decl.name) && isProcessEnv(skipOuter(decl.initializer))) {
      for (const el of decl.name.elements) {
        if (ts.isIdentifier(el.name) && el.name.text === x.text)
          return el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : x.text;
      }
    }
  }
  if (ts.isBindingElement(decl) && ts.isIdentifier(decl.name)) {
    const pattern = decl.parent;
    const owner = pattern.parent;
    if (ts.isVariableDeclaration(owner) && owner.initializer && isProcessEnv(skipOuter(owner.initializer))) {
      return decl.propertyName && ts.isIdentifier(decl.propertyName) ? decl.propertyName.text : decl.name.text;
    }
  }
  return undefined;
}

function isProcessEnv(e: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(e) &&
    ts.isIdentifier(e.expression) &&
    e.expression.text === 'process' &&
    e.name.text === 'env'
  );
}

function processEnvMember(e: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(e) && isProcessEnv(skipOuter(e.expression))) return e.name.text;
  if (
    ts.isElementAccessExpression(e) &&
    isProcessEnv(skipOuter(e.expression)) &&
    ts.isStringLiteralLike(e.argumentExpression)
  )
    return e.argumentExpression.text;
  return undefined;
}

/** Where a request parameter's value comes from. */
export type ParamOrigin = { readonly literal: string } | { readonly env: string } | { readonly other: true };

/**
 * An AWS API call the code makes: the SDK service, the operation, and where the parameters
 * that name its resource come from. `params` is `undefined` when the request object cannot
 * be read; a parameter that is absent from a readable request is absent from `params`.
 */
export interface SdkCall {
  /** The SDK service id (`dynamodb`, `client-sqs` suffix `sqs`, v2 class `SecretsManager`, boto3 `stepfunctions`). */
  readonly service: string;
  /** The API operation (`PutItem`, `ListObjectsV2`). */
  readonly operation: string;
  /** As written, for messages: `PutItemCommand`, `ddb.put`, `table.put_item`. */
  readonly what: string;
  readonly span: Span;
  /**
   * The handler it runs for: its export (JS) or function name (Python); `undefined` for module
   * scope (it runs at init, whatever the handler); `null` when a helper runs it and which
   * handler calls the helper is not known.
   */
  readonly handler: string | undefined | null;
  readonly params: Readonly<Record<string, ParamOrigin>> | undefined;
}

/** DynamoDB document client operations (lib-dynamodb commands and methods, v2 DocumentClient) → the table operation. */
export const DOCUMENT_OPERATIONS: Readonly<Record<string, string>> = {
  Put: 'PutItem',
  Get: 'GetItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
};

const pascal = (method: string): string => method.charAt(0).toUpperCase() + method.slice(1);

/** The SDK service and whether it is a DynamoDB document client, from the module and path a client came from. */
function clientOf(ref: ImportRef): { readonly service: string; readonly document: boolean } | undefined {
  const path = ref.path.replace(/^default\./, '');
  const v3 = /^@aws-sdk\/client-([a-z0-9-]+)$/.exec(ref.module);
  if (v3) return /Command$/.test(path) ? undefined : { service: v3[1] ?? '', document: false };
  if (ref.module === '@aws-sdk/lib-dynamodb') return { service: 'dynamodb', document: /^DynamoDBDocument/.test(path) };
  const v2 = /^aws-sdk\/clients\/([a-z0-9]+)$/.exec(ref.module);
  if (v2) return { service: v2[1] ?? '', document: path === 'DocumentClient' };
  if (ref.module === 'aws-sdk') {
    const [cls, sub] = path.split('.');
    if (cls === undefined || !/^[A-Z]/.test(cls)) return undefined;
    return { service: cls.toLowerCase(), document: cls === 'DynamoDB' && sub === 'DocumentClient' };
  }
  return undefined;
}

/**
 * The AWS API calls of a JS/TS file: SDK v3 commands (`new PutItemCommand(…)`, lib-dynamodb
 * `new PutCommand(…)`), and methods of clients made from the SDK (v3 aggregated clients,
 * `DynamoDBDocument.from(…)`, v2 `new AWS.SQS()`, `DocumentClient`).
 */
export function sdkCalls(model: HandlerModel): SdkCall[] {
  const out: SdkCall[] = [];
  const handlerOf = (scope: string, handler: { readonly exportName: string } | undefined): string | undefined | null =>
    scope === 'module' ? undefined : scope === 'handler' && handler !== undefined ? handler.exportName : null;
  for (const c of model.constructions) {
    const ref = c.import;
    if (ref === undefined) continue;
    const path = ref.path.replace(/^default\./, '');
    const cmd = /^([A-Za-z0-9]+)Command$/.exec(path)?.[1];
    if (cmd === undefined) continue;
    const v3 = /^@aws-sdk\/client-([a-z0-9-]+)$/.exec(ref.module)?.[1];
    const service = v3 ?? (ref.module === '@aws-sdk/lib-dynamodb' ? 'dynamodb' : undefined);
    const operation = v3 !== undefined ? cmd : DOCUMENT_OPERATIONS[cmd];
    if (service === undefined || operation === undefined) continue;
    out.push({
      service,
      operation,
      what: path,
      span: c.span,
      handler: handlerOf(c.scope, c.handler),
      params: requestParams(model, c.node.arguments?.[0]),
    });
  }
  for (const c of model.calls) {
    if (c.name === undefined) continue;
    const origin = receiverOrigin(model, c);
    const client = origin !== undefined ? clientOf(origin) : undefined;
    if (client === undefined) continue;
    const operation = client.document ? DOCUMENT_OPERATIONS[pascal(c.name)] : pascal(c.name);
    if (operation === undefined) continue;
    out.push({
      service: client.service,
      operation,
      what: `${c.receiver ?? client.service}.${c.name}`,
      span: c.span,
      handler: handlerOf(c.scope, c.handler),
      params: requestParams(model, c.node.arguments[0]),
    });
  }
  return out;
}

/** The parameters that name a request's resource, from its object literal (EventBridge's `EventBusName` from its `Entries`). */
function requestParams(model: HandlerModel, arg: ts.Expression | undefined): Record<string, ParamOrigin> | undefined {
  const obj = objectArgument(model, arg);
  if (obj === undefined) return undefined;
  const spread = obj.properties.some((p) => ts.isSpreadAssignment(p));
  const out: Record<string, ParamOrigin> = {};
  for (const name of RESOURCE_PARAMETERS) {
    const p = findProperty(obj, name);
    const v = propertyValue(p);
    if (v !== undefined) out[name] = paramOrigin(model, v, 0);
    else if (p !== undefined || spread) out[name] = { other: true };
  }
  const entries = propertyValue(findProperty(obj, 'Entries'));
  if (entries !== undefined) {
    const list = skipOuter(entries);
    const buses = new Set<string>();
    let readable = ts.isArrayLiteralExpression(list);
    if (ts.isArrayLiteralExpression(list)) {
      for (const e of list.elements) {
        const entry = objectArgument(model, e);
        if (entry === undefined || entry.properties.some((p) => ts.isSpreadAssignment(p))) readable = false;
        else {
          const bus = propertyValue(findProperty(entry, 'EventBusName'));
          buses.add(bus === undefined ? '' : JSON.stringify(paramOrigin(model, bus, 0)));
        }
      }
    }
    const [only] = buses;
    if (!readable || buses.size !== 1 || only === undefined) out.EventBusName = { other: true };
    else if (only !== '') out.EventBusName = JSON.parse(only) as ParamOrigin;
  }
  return out;
}

/** A literal, an environment variable, or something else, through a few `const`s. */
function paramOrigin(model: HandlerModel, e: ts.Expression, depth: number): ParamOrigin {
  const env = envVariable(model, e, 0);
  if (env !== undefined) return { env };
  const x = skipOuter(e);
  if (ts.isStringLiteralLike(x)) return { literal: x.text };
  if (depth < 4 && ts.isIdentifier(x)) {
    const d = model.lookup(x);
    if (d !== undefined && ts.isVariableDeclaration(d.node) && ts.isIdentifier(d.node.name) && d.node.initializer) {
      const flags = ts.getCombinedNodeFlags(d.node);
      if (flags & ts.NodeFlags.Const) return paramOrigin(model, d.node.initializer, depth + 1);
    }
  }
  return { other: true };
}

/**
 * True when the file may call AWS with credentials other than the execution role's: an SDK
 * client made with a `credentials` option, STS AssumeRole, the credential providers, or v2
 * credential classes. Its calls are then not the role's to judge.
 */
export function usesOtherCredentials(model: HandlerModel): boolean {
  for (const c of model.constructions) {
    const ref = c.import;
    if (ref === undefined) continue;
    const path = ref.path.replace(/^default\./, '');
    if (ref.module === '@aws-sdk/credential-providers' || /Credentials$/.test(path)) return true;
    if (/^AssumeRole/.test(path) && /client-sts$/.test(ref.module)) return true;
    const client = /^@aws-sdk\/client-|^aws-sdk/.test(ref.module) && !/Command$/.test(path);
    const config = client ? objectArgument(model, c.node.arguments?.[0]) : undefined;
    if (config !== undefined && findProperty(config, /^(credentials|accessKeyId)$/) !== undefined) return true;
  }
  return model.calls.some(
    (c) =>
      c.import?.module === '@aws-sdk/credential-providers' ||
      (c.name !== undefined && /^assumeRole/.test(c.name)) ||
      (c.callee !== undefined &&
        /config\.update$/.test(c.callee) &&
        /credentials|accessKeyId/.test(c.node.getText(model.sourceFile))),
  );
}
