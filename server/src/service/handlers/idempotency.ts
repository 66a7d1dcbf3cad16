/**
 * What the retry rules (LL2101–LL2104) recognise in handler code, as data — calls that do
 * something again when a retried event is processed again, the sources of random or
 * time-based values, and the idioms that make a handler idempotent — plus the small
 * syntax questions they ask. Extend the tables to teach the rules a new library.
 */
import ts from 'typescript';
import type { EffectKind } from './facts';
import type { CallSite, HandlerFunction, HandlerModel, ImportRef } from './model';
import { dottedName, isFunctionLike, skipOuter } from './scope';

/** AWS SDK v3 commands, by class name and the modules that export them. */
export interface CommandPattern {
  readonly module: RegExp;
  readonly command: string;
  readonly kind: EffectKind;
  /** The operation, as a person names it in a message. */
  readonly what: string;
}

export const COMMANDS: readonly CommandPattern[] = [
  { module: /^@aws-sdk\/client-dynamodb$/, command: 'PutItemCommand', kind: 'put', what: 'DynamoDB PutItem' },
  { module: /^@aws-sdk\/lib-dynamodb$/, command: 'PutCommand', kind: 'put', what: 'DynamoDB Put' },
  { module: /^@aws-sdk\/client-dynamodb$/, command: 'UpdateItemCommand', kind: 'update', what: 'DynamoDB UpdateItem' },
  { module: /^@aws-sdk\/lib-dynamodb$/, command: 'UpdateCommand', kind: 'update', what: 'DynamoDB Update' },
  {
    module: /^@aws-sdk\/client-dynamodb$/,
    command: 'TransactWriteItemsCommand',
    kind: 'transaction',
    what: 'DynamoDB TransactWriteItems',
  },
  {
    module: /^@aws-sdk\/lib-dynamodb$/,
    command: 'TransactWriteCommand',
    kind: 'transaction',
    what: 'DynamoDB TransactWrite',
  },
  { module: /^@aws-sdk\/client-sqs$/, command: 'SendMessageCommand', kind: 'message', what: 'SQS SendMessage' },
  {
    module: /^@aws-sdk\/client-sqs$/,
    command: 'SendMessageBatchCommand',
    kind: 'message',
    what: 'SQS SendMessageBatch',
  },
  { module: /^@aws-sdk\/client-sns$/, command: 'PublishCommand', kind: 'publish', what: 'SNS Publish' },
  { module: /^@aws-sdk\/client-sns$/, command: 'PublishBatchCommand', kind: 'publish', what: 'SNS PublishBatch' },
  {
    module: /^@aws-sdk\/client-eventbridge$/,
    command: 'PutEventsCommand',
    kind: 'events',
    what: 'EventBridge PutEvents',
  },
  {
    module: /^@aws-sdk\/client-sfn$/,
    command: 'StartExecutionCommand',
    kind: 'execution',
    what: 'Step Functions StartExecution',
  },
  { module: /^@aws-sdk\/client-lambda$/, command: 'InvokeCommand', kind: 'invoke', what: 'Lambda Invoke' },
  { module: /^@aws-sdk\/client-ses$/, command: 'SendEmailCommand', kind: 'email', what: 'SES SendEmail' },
  { module: /^@aws-sdk\/client-ses$/, command: 'SendRawEmailCommand', kind: 'email', what: 'SES SendRawEmail' },
  {
    module: /^@aws-sdk\/client-ses$/,
    command: 'SendTemplatedEmailCommand',
    kind: 'email',
    what: 'SES SendTemplatedEmail',
  },
  {
    module: /^@aws-sdk\/client-ses$/,
    command: 'SendBulkTemplatedEmailCommand',
    kind: 'email',
    what: 'SES SendBulkTemplatedEmail',
  },
  { module: /^@aws-sdk\/client-sesv2$/, command: 'SendEmailCommand', kind: 'email', what: 'SES SendEmail' },
  { module: /^@aws-sdk\/client-sesv2$/, command: 'SendBulkEmailCommand', kind: 'email', what: 'SES SendBulkEmail' },
];

/** Methods of a client object, by how the client was created (`new AWS.SQS()`, `DynamoDBDocument.from(…)`, `nodemailer.createTransport(…)`). */
export interface ClientMethodPattern {
  readonly module: RegExp;
  /** The member path the client was created from, without a leading `default.`. */
  readonly path: RegExp;
  readonly methods: Readonly<Record<string, { readonly kind: EffectKind; readonly what: string }>>;
}

const DYNAMODB_V2_DOC = {
  put: { kind: 'put', what: 'DocumentClient put' },
  update: { kind: 'update', what: 'DocumentClient update' },
  transactWrite: { kind: 'transaction', what: 'DocumentClient transactWrite' },
} as const;
const DYNAMODB_LOW = {
  putItem: { kind: 'put', what: 'DynamoDB putItem' },
  updateItem: { kind: 'update', what: 'DynamoDB updateItem' },
  transactWriteItems: { kind: 'transaction', what: 'DynamoDB transactWriteItems' },
} as const;
const EVENTBRIDGE_METHODS = { putEvents: { kind: 'events', what: 'EventBridge putEvents' } } as const;
const SFN_METHODS = { startExecution: { kind: 'execution', what: 'Step Functions startExecution' } } as const;
/** `invoke` (any InvocationType) and the deprecated `invokeAsync` of SDK v2 (and v3's aggregated `Lambda`). */
const LAMBDA_METHODS = {
  invoke: { kind: 'invoke', what: 'Lambda invoke' },
  invokeAsync: { kind: 'invoke', what: 'Lambda invokeAsync' },
} as const;
const SQS_METHODS = {
  sendMessage: { kind: 'message', what: 'SQS sendMessage' },
  sendMessageBatch: { kind: 'message', what: 'SQS sendMessageBatch' },
} as const;
const SNS_METHODS = {
  publish: { kind: 'publish', what: 'SNS publish' },
  publishBatch: { kind: 'publish', what: 'SNS publishBatch' },
} as const;
const SES_METHODS = {
  sendEmail: { kind: 'email', what: 'SES sendEmail' },
  sendRawEmail: { kind: 'email', what: 'SES sendRawEmail' },
  sendTemplatedEmail: { kind: 'email', what: 'SES sendTemplatedEmail' },
  sendBulkTemplatedEmail: { kind: 'email', what: 'SES sendBulkTemplatedEmail' },
  sendBulkEmail: { kind: 'email', what: 'SES sendBulkEmail' },
} as const;

export const CLIENT_METHODS: readonly ClientMethodPattern[] = [
  // AWS SDK v2 (`new AWS.DynamoDB.DocumentClient()`, `new DocumentClient()` from aws-sdk/clients/dynamodb).
  { module: /^aws-sdk$/, path: /^DynamoDB\.DocumentClient$/, methods: DYNAMODB_V2_DOC },
  { module: /^aws-sdk\/clients\/dynamodb$/, path: /^DocumentClient$/, methods: DYNAMODB_V2_DOC },
  { module: /^aws-sdk$/, path: /^DynamoDB$/, methods: DYNAMODB_LOW },
  { module: /^aws-sdk\/clients\/dynamodb$/, path: /^$/, methods: DYNAMODB_LOW },
  { module: /^aws-sdk$/, path: /^SQS$/, methods: SQS_METHODS },
  { module: /^aws-sdk\/clients\/sqs$/, path: /^$/, methods: SQS_METHODS },
  { module: /^aws-sdk$/, path: /^SNS$/, methods: SNS_METHODS },
  { module: /^aws-sdk\/clients\/sns$/, path: /^$/, methods: SNS_METHODS },
  { module: /^aws-sdk$/, path: /^(EventBridge|CloudWatchEvents)$/, methods: EVENTBRIDGE_METHODS },
  { module: /^aws-sdk\/clients\/(eventbridge|cloudwatchevents)$/, path: /^$/, methods: EVENTBRIDGE_METHODS },
  { module: /^aws-sdk$/, path: /^StepFunctions$/, methods: SFN_METHODS },
  { module: /^aws-sdk\/clients\/stepfunctions$/, path: /^$/, methods: SFN_METHODS },
  { module: /^aws-sdk$/, path: /^Lambda$/, methods: LAMBDA_METHODS },
  { module: /^aws-sdk\/clients\/lambda$/, path: /^$/, methods: LAMBDA_METHODS },
  { module: /^aws-sdk$/, path: /^SES(V2)?$/, methods: SES_METHODS },
  { module: /^aws-sdk\/clients\/sesv?2?$/, path: /^$/, methods: SES_METHODS },
  // AWS SDK v3 aggregated clients.
  { module: /^@aws-sdk\/lib-dynamodb$/, path: /^DynamoDBDocument(\.from)?$/, methods: DYNAMODB_V2_DOC },
  { module: /^@aws-sdk\/client-dynamodb$/, path: /^DynamoDB$/, methods: DYNAMODB_LOW },
  { module: /^@aws-sdk\/client-sqs$/, path: /^SQS$/, methods: SQS_METHODS },
  { module: /^@aws-sdk\/client-sns$/, path: /^SNS$/, methods: SNS_METHODS },
  { module: /^@aws-sdk\/client-sesv?2?$/, path: /^SES(v2)?$/, methods: SES_METHODS },
  { module: /^@aws-sdk\/client-eventbridge$/, path: /^EventBridge$/, methods: EVENTBRIDGE_METHODS },
  { module: /^@aws-sdk\/client-sfn$/, path: /^SFN$/, methods: SFN_METHODS },
  { module: /^@aws-sdk\/client-lambda$/, path: /^Lambda$/, methods: { invoke: LAMBDA_METHODS.invoke } },
  // Mail over SMTP.
  {
    module: /^nodemailer$/,
    path: /^createTransport$/,
    methods: { sendMail: { kind: 'email', what: 'nodemailer sendMail' } },
  },
];

/** Payment APIs that accept an idempotency key, and the option that carries it. */
export interface PaymentPattern {
  readonly module: RegExp;
  /** The member path after the client object: `paymentIntents.create`. */
  readonly call: RegExp;
  /** Option names (in any argument object) that make the call idempotent. */
  readonly keyOptions: readonly string[];
  readonly what: string;
}

export const PAYMENTS: readonly PaymentPattern[] = [
  {
    module: /^stripe$/,
    call: /^(charges|paymentIntents|refunds|transfers|payouts|subscriptions|invoices|invoiceItems|customers|topups|setupIntents|checkout\.sessions|paymentLinks|subscriptionItems|applicationFees\.refunds|balanceTransactions)\.(create|confirm|capture|pay)$/,
    keyOptions: ['idempotencyKey', 'idempotency_key'],
    what: 'Stripe',
  },
];

/** HTTP clients whose calls send a request; `method` is fixed by the call or read from its options. */
export interface HttpPattern {
  readonly module: RegExp | 'global';
  /** The member path (without `default.`), or the dotted callee for globals. */
  readonly path: RegExp;
  /** The HTTP method the call uses, or where it is read from. */
  readonly method: 'POST' | 'PATCH' | { readonly optionsArg: number };
}

export const HTTP_CALLS: readonly HttpPattern[] = [
  { module: 'global', path: /^fetch$/, method: { optionsArg: 1 } },
  { module: /^(node-fetch|undici|cross-fetch|isomorphic-fetch)$/, path: /^(fetch)?$/, method: { optionsArg: 1 } },
  { module: /^(axios|got|ky|superagent)$/, path: /^post$/, method: 'POST' },
  { module: /^(axios|got|ky|superagent)$/, path: /^patch$/, method: 'PATCH' },
  { module: /^axios$/, path: /^(request)?$/, method: { optionsArg: 0 } },
];

/** HTTP methods that are not idempotent (RFC 9110 §9.2.2). */
export const NON_IDEMPOTENT_HTTP = /^(post|patch)$/i;

/** Headers or options that carry an idempotency key (Stripe, PayPal, Adyen, the IETF draft). */
export const IDEMPOTENCY_KEY_NAMES =
  /^(idempotency[-_]?key|x-idempotency-key|paypal-request-id|MessageDeduplicationId|ClientToken)$/i;

/** Sources of random or time-based values, by module and member path (`''` for the module itself). */
export interface RandomSource {
  readonly module: RegExp | 'global';
  readonly path: RegExp;
  readonly how: 'call' | 'new';
}

export const RANDOM_SOURCES: readonly RandomSource[] = [
  { module: /^(node:)?crypto$/, path: /^(randomUUID|randomBytes|randomInt)$/, how: 'call' },
  { module: 'global', path: /^(crypto\.randomUUID|Math\.random|Date\.now|performance\.now)$/, how: 'call' },
  { module: 'global', path: /^Date$/, how: 'new' },
  { module: /^uuid$/, path: /^(v1|v4|v6|v7)$/, how: 'call' },
  {
    module: /^(nanoid|ulid|ulidx|cuid|@paralleldrive\/cuid2|ksuid|short-uuid|shortid|uuid-random|hyperid)$/,
    path: /^(default|nanoid|ulid|monotonicFactory|createId|cuid|generate|uuid|randomUUID)?$/,
    how: 'call',
  },
];

/** Names of the ids that every delivery of the same event keeps: a write keyed on one is a dedup guard. */
export const EVENT_ID_NAMES =
  /\b([mM]essageId|eventID|eventId|sequencer|requestId|awsRequestId|SequenceNumber|sequenceNumber|idempotencyKey|dedup(?:e|lication)?Id)\b|\bevent\.id\b|\bdetail\.id\b/;

/** Record-key property names when the template does not say which attribute is the key. */
export const KEY_NAMES = /^(pk|sk|id|key|_id|.*Id|.*ID|.*_id)$/;

/** Powertools idempotency: wrappers, middleware and decorators that make a handler or function idempotent. */
export const IDEMPOTENT_WRAPPERS = /^(makeIdempotent|makeFunctionIdempotent)$/;
export const IDEMPOTENT_MIDDLEWARE = /\bmakeHandlerIdempotent\s*\(/;
export const IDEMPOTENT_DECORATOR = /^idempotent(Function|LambdaHandler)?$/;

/** Calls that read before writing: a read keyed on the event's id is an explicit dedup check. */
export const DEDUP_READS = /^(get|getItem|query|exists|sismember|setnx|hsetnx|findOne|findUnique|count)$/;
export const DEDUP_READ_COMMANDS = /^(GetItemCommand|GetCommand|QueryCommand)$/;

function stripDefault(path: string): string {
  return path.replace(/^default\.?/, '');
}

export function matchCommand(ref: ImportRef | undefined): CommandPattern | undefined {
  if (!ref) return undefined;
  return COMMANDS.find((c) => c.module.test(ref.module) && c.command === stripDefault(ref.path));
}

/** How the receiver of `x.put(…)` was created, when `x` is a local `new …` / factory call (or one inline). */
export function receiverOrigin(model: HandlerModel, call: CallSite): ImportRef | undefined {
  const callee = skipOuter(call.node.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  return originOf(model, callee.expression, 0);
}

function originOf(model: HandlerModel, e: ts.Expression, depth: number): ImportRef | undefined {
  if (depth > 4) return undefined;
  const x = skipOuter(e);
  if (ts.isNewExpression(x)) return model.importOf(x.expression);
  if (ts.isCallExpression(x)) return model.importOf(x.expression);
  if (ts.isIdentifier(x)) {
    const d = model.lookup(x);
    if (d && ts.isVariableDeclaration(d.node) && d.node.initializer)
      return originOf(model, d.node.initializer, depth + 1);
  }
  return undefined;
}

export function matchClientMethod(
  origin: ImportRef | undefined,
  method: string | undefined,
): { readonly kind: EffectKind; readonly what: string } | undefined {
  if (!origin || method === undefined) return undefined;
  const path = stripDefault(origin.path);
  const p = CLIENT_METHODS.find((c) => c.module.test(origin.module) && c.path.test(path));
  return p && Object.prototype.hasOwnProperty.call(p.methods, method) ? p.methods[method] : undefined;
}

/** `stripe.paymentIntents.create(…)` with `stripe` created from the `stripe` module. */
export function matchPayment(model: HandlerModel, call: CallSite): PaymentPattern | undefined {
  const d = dottedName(skipOuter(call.node.expression));
  if (!d || d.length < 3) return undefined;
  const root = rootOf(call.node.expression);
  if (!root) return undefined;
  const origin = originOf(model, root, 0) ?? model.importOf(root);
  if (!origin) return undefined;
  const member = d.slice(1).join('.');
  return PAYMENTS.find((p) => p.module.test(origin.module) && p.call.test(member));
}

function rootOf(e: ts.Expression): ts.Identifier | undefined {
  let x = skipOuter(e);
  while (ts.isPropertyAccessExpression(x)) x = skipOuter(x.expression);
  return ts.isIdentifier(x) ? x : undefined;
}

/** The HTTP method of a request call when it is POST or PATCH. */
export function nonIdempotentHttp(model: HandlerModel, call: CallSite): string | undefined {
  const d = dottedName(skipOuter(call.node.expression))?.join('.');
  const ref = call.import;
  const origin = ref ?? receiverOrigin(model, call);
  for (const p of HTTP_CALLS) {
    let matches: boolean;
    if (p.module === 'global') matches = ref === undefined && d !== undefined && p.path.test(d);
    else if (ref !== undefined) matches = p.module.test(ref.module) && p.path.test(stripDefault(ref.path));
    // `const api = axios.create(); api.post(…)`.
    else matches = origin !== undefined && p.module.test(origin.module) && p.path.test(call.name ?? '');
    if (!matches) continue;
    if (typeof p.method === 'string') return p.method;
    const opts = objectArgument(model, call.node.arguments[p.method.optionsArg]);
    const method = opts ? stringProperty(opts, 'method') : undefined;
    return method !== undefined && NON_IDEMPOTENT_HTTP.test(method) ? method.toUpperCase() : undefined;
  }
  return undefined;
}

/** An object literal argument, directly or through a `const params = {…}` in the same file. */
export function objectArgument(
  model: HandlerModel,
  arg: ts.Expression | undefined,
): ts.ObjectLiteralExpression | undefined {
  if (!arg) return undefined;
  let x = skipOuter(arg);
  if (ts.isIdentifier(x)) {
    const d = model.lookup(x);
    if (!d || !ts.isVariableDeclaration(d.node) || !d.node.initializer) return undefined;
    x = skipOuter(d.node.initializer);
  }
  return ts.isObjectLiteralExpression(x) ? x : undefined;
}

export function propertyName(p: ts.ObjectLiteralElementLike): string | undefined {
  const n = p.name;
  if (!n) return undefined;
  if (ts.isIdentifier(n) || ts.isStringLiteralLike(n) || ts.isNumericLiteral(n)) return n.text;
  return undefined;
}

export function findProperty(
  obj: ts.ObjectLiteralExpression,
  name: string | RegExp,
): ts.ObjectLiteralElementLike | undefined {
  return obj.properties.find((p) => {
    const n = propertyName(p);
    return n !== undefined && (typeof name === 'string' ? n === name : name.test(n));
  });
}

/** True when the object (or one spread into it) may hold the property: spreads count as "maybe". */
export function mayHaveProperty(obj: ts.ObjectLiteralExpression, name: string | RegExp): boolean {
  return findProperty(obj, name) !== undefined || obj.properties.some((p) => ts.isSpreadAssignment(p));
}

export function propertyValue(p: ts.ObjectLiteralElementLike | undefined): ts.Expression | undefined {
  if (!p) return undefined;
  if (ts.isPropertyAssignment(p)) return p.initializer;
  if (ts.isShorthandPropertyAssignment(p)) return p.name;
  return undefined;
}

export function stringProperty(obj: ts.ObjectLiteralExpression, name: string): string | undefined {
  const v = propertyValue(findProperty(obj, name));
  const x = v ? skipOuter(v) : undefined;
  return x && ts.isStringLiteralLike(x) ? x.text : undefined;
}

/** A random or time-based source inside `e`: a call, a `new Date()`, through one local variable. */
export function randomSourceIn(model: HandlerModel, e: ts.Expression, depth = 0): ts.Expression | undefined {
  if (depth > 3) return undefined;
  const x = skipOuter(e);
  if (ts.isCallExpression(x) || ts.isNewExpression(x)) {
    if (isRandomSource(model, x)) return x;
  }
  if (ts.isIdentifier(x)) {
    const d = model.lookup(x);
    if (d && ts.isVariableDeclaration(d.node) && d.node.initializer && !ts.isSourceFile(d.scope))
      return randomSourceIn(model, d.node.initializer, depth + 1);
    return undefined;
  }
  let found: ts.Expression | undefined;
  const visit = (n: ts.Node): void => {
    if (found || isFunctionLike(n)) return;
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && isRandomSource(model, n)) {
      found = n;
      return;
    }
    if (ts.isIdentifier(n) && n !== x) {
      const inner = randomSourceIn(model, n, depth + 1);
      if (inner) found = inner;
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(x, visit);
  return found;
}

function isRandomSource(model: HandlerModel, n: ts.CallExpression | ts.NewExpression): boolean {
  const how = ts.isNewExpression(n) ? 'new' : 'call';
  // `new Date(x)` is a given time, not now.
  if (how === 'new' && (n.arguments?.length ?? 0) > 0) return false;
  const ref = model.importOf(n.expression);
  const d = dottedName(skipOuter(n.expression))?.join('.');
  return RANDOM_SOURCES.some((s) => {
    if (s.how !== how) return false;
    if (s.module === 'global')
      return ref === undefined && d !== undefined && s.path.test(d) && !isLocallyDeclared(model, n.expression);
    return ref !== undefined && s.module.test(ref.module) && s.path.test(stripDefault(ref.path));
  });
}

function isLocallyDeclared(model: HandlerModel, e: ts.Expression): boolean {
  const root = rootOf(e);
  return root !== undefined && model.lookup(root) !== undefined;
}

/** Functions made idempotent by Powertools: `makeIdempotent(fn)` arguments, resolved to their function nodes. */
export function idempotentFunctions(model: HandlerModel): Set<ts.Node> {
  const out = new Set<ts.Node>();
  for (const c of model.calls) {
    if (!IDEMPOTENT_WRAPPERS.test(c.name ?? '')) continue;
    const arg = c.node.arguments[0];
    if (!arg) continue;
    const x = skipOuter(arg);
    if (isFunctionLike(x)) out.add(x);
    else if (ts.isIdentifier(x)) {
      const d = model.lookup(x);
      if (d && ts.isFunctionDeclaration(d.node)) out.add(d.node);
      else if (
        d &&
        ts.isVariableDeclaration(d.node) &&
        d.node.initializer &&
        isFunctionLike(skipOuter(d.node.initializer))
      )
        out.add(skipOuter(d.node.initializer));
    }
  }
  // Class methods decorated with `@idempotent(…)`.
  const visit = (n: ts.Node): void => {
    if (
      ts.isMethodDeclaration(n) &&
      (ts.getDecorators(n) ?? []).some((dec) => IDEMPOTENT_DECORATOR.test(decoratorName(dec) ?? ''))
    )
      out.add(n);
    ts.forEachChild(n, visit);
  };
  visit(model.sourceFile);
  return out;
}

function decoratorName(d: ts.Decorator): string | undefined {
  const e = skipOuter(d.expression);
  const callee = ts.isCallExpression(e) ? skipOuter(e.expression) : e;
  return dottedName(callee)?.at(-1);
}

/** True when `node` runs inside one of `fns`. */
export function insideAny(node: ts.Node, fns: ReadonlySet<ts.Node>): boolean {
  for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent) if (fns.has(n)) return true;
  return false;
}

const guardsByModel = new WeakMap<HandlerModel, IdempotencyGuards>();

/** The guards of a model, computed once for all the rules that ask. */
export function idempotencyGuards(model: HandlerModel): IdempotencyGuards {
  let g = guardsByModel.get(model);
  if (g === undefined) {
    g = new IdempotencyGuards(model);
    guardsByModel.set(model, g);
  }
  return g;
}

/** Whether code is covered by an idempotency mechanism the rules recognise. */
class IdempotencyGuards {
  private readonly protectedFns: Set<ts.Node>;
  private readonly middleware: boolean;
  private readonly dedup: boolean;

  constructor(model: HandlerModel) {
    this.protectedFns = idempotentFunctions(model);
    this.middleware = IDEMPOTENT_MIDDLEWARE.test(model.text);
    this.dedup = hasDedupCheck(model);
  }

  /** True when `node` runs under Powertools idempotency or after an explicit dedup check on the event's id. */
  covers(node: ts.Node, handler: HandlerFunction | undefined): boolean {
    if (this.dedup || this.middleware || insideAny(node, this.protectedFns)) return true;
    return handler !== undefined && handler.wrappers.some((w) => IDEMPOTENT_WRAPPERS.test(w.split('.').at(-1) ?? ''));
  }
}

/**
 * An explicit dedup check: a read of a dedup record, or a conditional write, keyed on the
 * event's id (`messageId`, `eventID`, S3 `sequencer`, `requestContext.requestId`, …).
 */
function hasDedupCheck(model: HandlerModel): boolean {
  const mentionsEventId = (args: readonly ts.Expression[]) =>
    args.some((a) => {
      const obj = objectArgument(model, a);
      return EVENT_ID_NAMES.test((obj ?? a).getText(model.sourceFile));
    });
  // A write that succeeds only the first time: `attribute_not_exists(…)` on a key built from the event id.
  const conditional = (args: readonly ts.Expression[]) => {
    const obj = objectArgument(model, args[0]);
    return obj !== undefined && /attribute_not_exists\s*\(/.test(obj.getText(model.sourceFile));
  };
  for (const c of model.constructions) {
    const name = c.className?.split('.').at(-1) ?? '';
    const args = c.node.arguments ?? [];
    // Names first: reading argument text is the costly part.
    const read = DEDUP_READ_COMMANDS.test(name);
    const write = /^(Put|PutItem|Update|UpdateItem|TransactWrite|TransactWriteItems)Command$/.test(name);
    if ((read || write) && mentionsEventId(args) && (read || conditional(args))) return true;
  }
  for (const c of model.calls) {
    if (c.name === undefined) continue;
    const args = c.node.arguments;
    const read = DEDUP_READS.test(c.name);
    const write = /^(put|putItem|update|updateItem|transactWrite|transactWriteItems)$/.test(c.name);
    // Redis `SET key value NX`: only the first delivery gets to set it.
    const setNx = c.name === 'set' && args.some((a) => ts.isStringLiteralLike(a) && a.text.toUpperCase() === 'NX');
    if (!read && !write && !setNx) continue;
    if (!mentionsEventId(args)) continue;
    if (read || setNx || conditional(args)) return true;
  }
  return false;
}
