/**
 * The CDK reader (server/src/service/cdk): constructs and their props become the function model,
 * with every value located at the construct's property; unknown values stay Unresolved; the
 * stack and its handler files are linked both ways through the project index.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';
import { readCdkStack } from '../../server/src/service/cdk/read';
import { isKnown, type FunctionModel, type Setting } from '../../server/src/service/model/types';
import { missingActions } from '../../server/src/service/iam';

const APP = resolve(__dirname, '../fixtures/cdk/app');
const STACK = join(APP, 'lib/stack.ts');

function read(text: string, path = '/work/app/lib/stack.ts', appRoot: string | undefined = '/work/app') {
  return readCdkStack(URI.file(path).toString(), path, text, appRoot);
}

/** The source text a setting is located at. */
function at(text: string, s: Setting<unknown> | undefined): string | undefined {
  return s === undefined ? undefined : text.slice(s.span.start, s.span.end);
}

function fn(fns: readonly FunctionModel[], id: string): FunctionModel {
  const f = fns.find((x) => x.logicalId === id);
  assert.ok(f, `function ${id} is read`);
  return f;
}

const HEADER = `import * as cdk from 'aws-cdk-lib';
import { Duration, Size } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as path from 'path';
`;

test('function props: values through constants and spreads, located at the property', () => {
  const text = `${HEADER}
const TIMEOUT = Duration.minutes(2);
const base = { runtime: lambda.Runtime.NODEJS_20_X, timeout: TIMEOUT, memorySize: 256 };
export class S extends cdk.Stack {
  constructor(scope: any, id: string) {
    super(scope, id);
    new lambda.Function(this, 'Fn', {
      ...base,
      memorySize: 512 * 2,
      handler: 'app.main',
      code: lambda.Code.fromAsset('functions/fn'),
      ephemeralStorageSize: Size.gibibytes(2),
      architecture: lambda.Architecture.ARM_64,
      reservedConcurrentExecutions: 5,
      environment: { STAGE: 'prod', QUEUE: queueUrl },
      layers: [layerA, layerB],
      retryAttempts: 0,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(dlq),
    });
  }
}`;
  const doc = read(text);
  assert.equal(doc.kind, 'cdk');
  const f = fn(doc.functions, 'Fn');
  assert.equal(f.resourceType, 'AWS::Lambda::Function');
  assert.deepEqual(
    [f.memorySize && 'value' in f.memorySize && f.memorySize.value, at(text, f.memorySize)],
    [1024, '512 * 2'],
  );
  assert.deepEqual([isKnown(f.timeout) && f.timeout.value, at(text, f.timeout)], [120, 'TIMEOUT']);
  assert.deepEqual(
    [isKnown(f.runtime) && f.runtime.value, at(text, f.runtime)],
    ['nodejs20.x', 'lambda.Runtime.NODEJS_20_X'],
  );
  assert.equal(isKnown(f.handler) && f.handler.value, 'app.main');
  assert.equal(isKnown(f.codeUri) && f.codeUri.value, '/work/app/functions/fn');
  assert.equal(isKnown(f.ephemeralStorage) && f.ephemeralStorage.value, 2048);
  assert.deepEqual(isKnown(f.architectures) && f.architectures.value, ['arm64']);
  assert.equal(isKnown(f.reservedConcurrency) && f.reservedConcurrency.value, 5);
  assert.deepEqual(
    f.environment?.variables.map((v) => [v.name, isKnown(v.value) ? v.value.value : 'unknown']),
    [
      ['STAGE', 'prod'],
      ['QUEUE', 'unknown'],
    ],
  );
  assert.equal(isKnown(f.layers) && f.layers.value.length, 2);
  assert.equal(isKnown(f.asyncConfig?.maximumRetryAttempts) && f.asyncConfig?.maximumRetryAttempts.value, 0);
  assert.equal(isKnown(f.asyncConfig?.maximumEventAgeInSeconds) && f.asyncConfig?.maximumEventAgeInSeconds.value, 3600);
  assert.equal(isKnown(f.asyncConfig?.onFailure?.type) && f.asyncConfig?.onFailure?.type.value, 'SQS');
});

test('values that are not known statically are Unresolved, and absent ones stay absent', () => {
  const text = `${HEADER}
export class S extends cdk.Stack {
  constructor(scope: any, id: string, props: any, extra: lambda.FunctionProps) {
    super(scope, id, props);
    new lambda.Function(this, 'A', {
      runtime: lambda.Runtime.NODEJS_LATEST,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(props.dir),
      memorySize: props.memory ?? 20000,
      timeout: Duration.seconds(props.seconds),
    });
    new lambda.Function(this, 'B', { ...extra, handler: 'index.handler', code: lambda.Code.fromInline('x') });
    new lambda.Function(this, 'C', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
  }
}`;
  const doc = read(text);
  const a = fn(doc.functions, 'A');
  for (const s of [a.runtime, a.codeUri, a.memorySize, a.timeout])
    assert.ok(s !== undefined && 'unknown' in s, `unresolved: ${JSON.stringify(s)}`);
  assert.equal(at(text, a.memorySize), 'props.memory ?? 20000');
  const b = fn(doc.functions, 'B');
  // The spread may set any prop: not absent, not known.
  assert.ok(b.memorySize !== undefined && 'unknown' in b.memorySize);
  assert.ok(b.deadLetterQueue !== undefined);
  assert.equal(b.inlineCode, true);
  const c = fn(doc.functions, 'C');
  assert.equal(c.memorySize, undefined);
  assert.equal(c.timeout, undefined);
});

test('NodejsFunction: entry, its default beside the stack file, handler export, and PythonFunction', () => {
  const text = `${HEADER}
import { PythonFunction } from '@aws-cdk/aws-lambda-python-alpha';
export class S extends cdk.Stack {
  constructor(scope: any, id: string) {
    super(scope, id);
    new NodejsFunction(this, 'my-handler');
    new NodejsFunction(this, 'Explicit', { entry: path.join(__dirname, '../src/api.ts'), handler: 'main' });
    new PythonFunction(this, 'Py', { entry: 'py', index: 'app.py', handler: 'run', runtime: lambda.Runtime.PYTHON_3_12 });
  }
}`;
  const doc = read(text);
  const d = fn(doc.functions, 'my-handler');
  assert.equal(isKnown(d.entry) && d.entry.value, '/work/app/lib/stack.my-handler');
  assert.equal(isKnown(d.handler) && d.handler.value, 'index.handler');
  assert.ok(d.runtime !== undefined && 'unknown' in d.runtime, 'the default runtime depends on the CDK version');
  const e = fn(doc.functions, 'Explicit');
  assert.equal(isKnown(e.entry) && e.entry.value, '/work/app/src/api.ts');
  assert.deepEqual([isKnown(e.handler) && e.handler.value, at(text, e.handler)], ['index.main', "'main'"]);
  const p = fn(doc.functions, 'Py');
  assert.equal(isKnown(p.codeUri) && p.codeUri.value, '/work/app/py');
  assert.equal(isKnown(p.handler) && p.handler.value, 'app.run');
});

test('triggers: event sources with their props, API Gateway, EventBridge, S3, SNS, URLs; queues', () => {
  const text = `${HEADER}
export class S extends cdk.Stack {
  constructor(scope: any, id: string) {
    super(scope, id);
    const dlq = new sqs.Queue(this, 'Dlq');
    const queue = new sqs.Queue(this, 'Jobs', { visibilityTimeout: Duration.seconds(90), deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });
    const fn = new lambda.Function(this, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
    fn.addEventSource(new sources.SqsEventSource(queue, { batchSize: 20, maxBatchingWindow: Duration.seconds(5), reportBatchItemFailures: true, maxConcurrency: 4 }));
    fn.addEventSource(new sources.DynamoEventSource(table, { startingPosition: lambda.StartingPosition.LATEST, retryAttempts: 3, bisectBatchOnError: true, onFailure: new sources.SqsDlq(dlq) }));
    fn.addEventSource(new sources.KinesisEventSource(stream, { startingPosition: lambda.StartingPosition.TRIM_HORIZON, parallelizationFactor: 2 }));
    const api = new apigw.RestApi(this, 'Api');
    api.root.addMethod('GET', new apigw.LambdaIntegration(fn));
    new apigw.LambdaRestApi(this, 'Proxy', { handler: fn });
    new HttpLambdaIntegration('Http', fn);
    new events.Rule(this, 'Nightly', { schedule: events.Schedule.rate(Duration.days(1)), targets: [new targets.LambdaFunction(fn)] });
    const rule = new events.Rule(this, 'OnEvent', { eventPattern: { source: ['x'] } });
    rule.addTarget(new targets.LambdaFunction(fn));
    const bucket = new s3.Bucket(this, 'Uploads');
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn));
    new sns.Topic(this, 'Topic').addSubscription(new subs.LambdaSubscription(fn));
    fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  }
}`;
  const doc = read(text);
  const f = fn(doc.functions, 'Fn');
  assert.deepEqual(
    f.triggers.map((t) => `${t.type}:${t.name}:${t.invocation}`),
    [
      'Api:RestApi:sync',
      'Api:Proxy:sync',
      'HttpApi:HttpApi:sync',
      'Schedule:Nightly:async',
      'EventBridgeRule:OnEvent:async',
      'S3:Uploads:async',
      'SNS:Topic:async',
      'SQS:Jobs:poll',
      'DynamoDB:DynamoDB:poll',
      'Kinesis:Kinesis:poll',
      'FunctionUrl:FunctionUrl:sync',
    ],
  );
  const sqsT = f.triggers.find((t) => t.type === 'SQS');
  const m = sqsT?.mapping;
  assert.equal(knownOf(m?.batchSize), 20);
  assert.equal(knownOf(m?.maximumBatchingWindowInSeconds), 5);
  assert.deepEqual(knownOf(m?.functionResponseTypes), ['ReportBatchItemFailures']);
  assert.equal(knownOf(m?.maximumConcurrency), 4);
  assert.equal(m?.queue?.logicalId, 'Jobs');
  assert.equal(knownOf(m?.queue?.visibilityTimeout), 90);
  assert.equal(knownOf(m?.queue?.maxReceiveCount), 3);
  assert.equal(m?.queue?.deadLetterQueueLogicalId, 'Dlq');
  const dyn = f.triggers.find((t) => t.type === 'DynamoDB')?.mapping;
  assert.equal(knownOf(dyn?.startingPosition), 'LATEST');
  assert.equal(knownOf(dyn?.maximumRetryAttempts), 3);
  assert.equal(knownOf(dyn?.bisectBatchOnFunctionError), true);
  assert.equal(knownOf(dyn?.onFailure?.type), 'SQS');
  assert.equal(f.triggers.find((t) => t.type === 'Api' && t.name === 'RestApi')?.method, 'GET');
  assert.equal(knownOf(f.functionUrl?.authType), 'NONE');
  assert.deepEqual([...doc.queues.keys()], ['Dlq', 'Jobs']);
});

test('versions and aliases with provisioned concurrency; triggers on an alias invoke it qualified', () => {
  const text = `${HEADER}
export class S extends cdk.Stack {
  constructor(scope: any, id: string) {
    super(scope, id);
    const fn = new lambda.Function(this, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x'), reservedConcurrentExecutions: 2 });
    const alias = new lambda.Alias(this, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 5 });
    new apigw.LambdaRestApi(this, 'Api', { handler: alias });
    fn.addEventSource(new sources.SqsEventSource(new sqs.Queue(this, 'Q'), { reportBatchItemFailures: true }));
  }
}`;
  const f = fn(read(text).functions, 'Fn');
  assert.deepEqual(
    f.aliases.map((a) => [knownOf(a.name), knownOf(a.provisionedConcurrency)]),
    [['live', 5]],
  );
  assert.deepEqual(
    f.triggers.map((t) => `${t.type}:${t.qualifier}`),
    ['Api:qualified', 'SQS:unqualified'],
  );
});

test('a file that does not import the CDK is not a stack', () => {
  const service = new LanguageService({ fs: nodeFileSystem() });
  const uri = URI.file('/tmp/x/handler.ts').toString();
  const text = "export const handler = async () => { const lambda = 'aws-lambda'; return new Function(lambda); };";
  assert.equal(service.isCdkStack({ uri, text }), false);
});

test('the fixture app: findings on the construct properties, handler files linked both ways', () => {
  const service = new LanguageService({ fs: nodeFileSystem(), today: () => '2026-11-27' });
  service.setWorkspaceRoots([APP]);
  const text = readFileSync(STACK, 'utf8');
  const doc = { uri: URI.file(STACK).toString(), text, version: 1 };
  assert.equal(service.isCdkStack(doc), true);
  const found = service.validate(doc).map((d) => `${d.ruleId} ${text.slice(d.span.start, d.span.end)}`);
  for (const want of [
    'LL1001 MEMORY',
    'LL1003 Duration.minutes(20)',
    'LL1011 lambda.Runtime.NODEJS_16_X',
    'LL2001 Duration.seconds(30)',
    'LL2004 new SqsEventSource(queue, { batchSize: 10 })',
  ]) {
    assert.ok(found.includes(want), `${want} in ${JSON.stringify(found)}`);
  }
  // `memorySize: props?.memory` is a prop passed into the stack: nothing is said about it.
  assert.ok(!found.some((f) => f.includes('props?.memory')));
  // Go to definition from `handler` (lambda.Function) and from `entry` (NodejsFunction).
  const def1 = service.definition(doc, text.indexOf("'index.handler'") + 3);
  assert.equal(def1?.uri, URI.file(join(APP, 'lambda/index.js')).toString());
  const def2 = service.definition(doc, text.indexOf("'../src/api.ts'") + 3);
  assert.equal(def2?.uri, URI.file(join(APP, 'src/api.ts')).toString());
  // The handler knows its trigger: its code lens names the SQS source, and references lead back to the stack.
  const handlerPath = join(APP, 'lambda/index.js');
  const handler = { uri: URI.file(handlerPath).toString(), text: readFileSync(handlerPath, 'utf8'), version: 1 };
  const lenses = service.codeLenses(handler);
  assert.equal(lenses.length, 1);
  assert.match(lenses[0]?.title ?? '', /Worker .*SQS batch 10/);
  assert.equal(lenses[0]?.target.uri, doc.uri);
  const refs = service.references(handler, handler.text.indexOf('handler'));
  assert.deepEqual(
    refs.map((r) => [r.uri, text.slice(r.span.start, r.span.end)]),
    [[doc.uri, "'index.handler'"]],
  );
  assert.deepEqual(service.workspaceFiles().templates, [{ uri: doc.uri, functions: 2 }]);
});

function knownOf<T>(s: Setting<T> | undefined): T | undefined {
  return isKnown(s) ? s.value : undefined;
}

test('hovers on CDK props: the template property text, with what the value means here', () => {
  const service = new LanguageService({ fs: nodeFileSystem(), today: () => '2026-11-27' });
  const text = readFileSync(STACK, 'utf8');
  const doc = { uri: URI.file(STACK).toString(), text, version: 1 };
  const hover = (needle: string, delta = 1) => service.hover(doc, text.indexOf(needle) + delta);
  const memory = hover('memorySize: MEMORY');
  assert.match(memory?.markdown ?? '', /^\*\*memorySize — CloudFormation `MemorySize`\*\*/);
  assert.equal(text.slice(memory?.span.start, memory?.span.end), 'memorySize');
  const runtime = hover('lambda.Runtime.NODEJS_16_X', 3);
  assert.match(runtime?.markdown ?? '', /`nodejs16\.x` today: blocked/);
  const batch = hover('batchSize: 10');
  assert.match(batch?.markdown ?? '', /CloudFormation `BatchSize`[\s\S]*SQS: default 10, at most 10,000 records/);
  const visibility = hover('visibilityTimeout');
  assert.match(visibility?.markdown ?? '', /Worker reads this queue with a timeout of 1,200 s: .* too short/);
  // Not on a prop that stands for a template property.
  assert.equal(hover('super(scope'), undefined);
});

test('with cdk.out: Unresolved values are filled from the synth by aws:cdk:path, reported on the prop; cdk.out itself is never reported on', () => {
  const app = resolve(__dirname, '../fixtures/cdk/synth-app');
  const service = new LanguageService({ fs: nodeFileSystem(), today: () => '2026-11-27' });
  service.setWorkspaceRoots([app]);
  const path = join(app, 'lib/stack.ts');
  const text = readFileSync(path, 'utf8');
  const doc = { uri: URI.file(path).toString(), text, version: 1 };
  const found = service.validate(doc).map((d) => `${d.ruleId} ${text.slice(d.span.start, d.span.end)}`);
  assert.deepEqual(found.sort(), ['LL1001 props.memory', 'LL1003 Duration.seconds(props.seconds)']);
  const fn = service.readCdk(doc)?.functions[0];
  assert.equal(knownOf(fn?.runtime), 'nodejs22.x');
  const synthPath = join(app, 'cdk.out/WorkerStack.template.json');
  const synth = { uri: URI.file(synthPath).toString(), text: readFileSync(synthPath, 'utf8'), version: 1 };
  assert.deepEqual(service.validate(synth), []);
  // Without the synth the same stack says nothing: the values are not known.
  const bare = readCdkStack(doc.uri, path, text, app);
  assert.ok(bare.functions[0]?.memorySize !== undefined && 'unknown' in bare.functions[0].memorySize);
});

test('execution role: the role the CDK creates gets the grant* calls, addToRolePolicy, event sources and destinations', () => {
  const text = `${HEADER}
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EventBus } from 'aws-cdk-lib/aws-events';
const SEND = ['ses:SendEmail'];
export class S extends cdk.Stack {
  constructor(scope: any, id: string) {
    super(scope, id);
    const table = new dynamodb.Table(this, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const queue = new sqs.Queue(this, 'Jobs');
    const out = new sqs.Queue(this, 'Out');
    const fn = new lambda.Function(this, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'a.handler', code: lambda.Code.fromAsset('fn'),
      environment: { TABLE: table.tableName }, onFailure: new destinations.SqsDestination(out) });
    fn.addEventSource(new sources.SqsEventSource(queue));
    table.grantReadData(fn);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...SEND, 'ses:SendRawEmail'], resources: [\`\${table.tableArn}/index/*\`] }));
    fn.addToRolePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:*'], resources: ['*'] }));
    EventBus.grantAllPutEvents(fn);
    cdk.Tags.of(fn).add('team', 'a');
    new apigw.LambdaRestApi(this, 'Api', { handler: fn });
    new cdk.CfnOutput(this, 'Name', { value: fn.functionName });
  }
}`;
  const f = fn(read(text).functions, 'Fn');
  const role = f.executionRole;
  assert.equal(role.managedBy, 'sam');
  assert.deepEqual(
    role.grants.filter((g) => g.kind === 'unknown'),
    [],
  );
  const allows = (a: string) => missingActions(role, { purpose: 'test', actions: [a] })?.length === 0;
  assert.ok(allows('logs:PutLogEvents'), 'AWSLambdaBasicExecutionRole');
  assert.ok(allows('sqs:ReceiveMessage'), 'the SQS event source');
  assert.ok(allows('sqs:SendMessage'), 'the SqsDestination');
  assert.ok(allows('dynamodb:GetItem') && allows('dynamodb:Query'), 'grantReadData');
  assert.ok(!allows('dynamodb:PutItem'), 'grantReadData does not allow writing');
  assert.ok(allows('ses:SendEmail') && allows('ses:SendRawEmail'), 'addToRolePolicy, spread of a constant list');
  assert.ok(allows('events:PutEvents'), 'EventBus.grantAllPutEvents');
  assert.ok(!allows('s3:GetObject'), 'a Deny statement grants nothing');
  const grant = role.grants.find((g) => g.name === 'table.grantReadData(…)');
  assert.deepEqual(grant?.resourceIds, ['Orders']);
  assert.equal(text.slice(grant?.span.start, grant?.span.end), 'table.grantReadData(fn)');
  assert.deepEqual(role.grants.find((g) => g.actions.includes('ses:SendEmail'))?.resourceIds, ['Orders']);
});

test('execution role: uses the reader cannot follow make the role unknown; a given role is external', () => {
  const stack = (body: string) => `${HEADER}
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { grantAll } from './grants';
export class S extends cdk.Stack {
  constructor(scope: any, id: string) {
    super(scope, id);
    const table = new dynamodb.Table(this, 'Orders', {});
    ${body}
  }
}`;
  const PROPS = `{ runtime: lambda.Runtime.NODEJS_20_X, handler: 'a.handler', code: lambda.Code.fromAsset('fn') }`;
  const cases: [string, string][] = [
    [`const fn = new lambda.Function(this, 'Fn', ${PROPS}); grantAll(fn);`, 'passed to a helper'],
    [
      `const fn = new lambda.Function(this, 'Fn', ${PROPS}); for (const f of [fn]) table.grantReadWriteData(f);`,
      'in a list',
    ],
    [`const fn = new lambda.Function(this, 'Fn', ${PROPS}); table.grantSomethingNew(fn);`, 'an unknown grant method'],
    [`const fn = new lambda.Function(this, 'Fn', ${PROPS}); const r = fn.role;`, 'its role taken'],
    [`const fn = new lambda.Function(this, 'Fn', ${PROPS}); fn.role?.attachInlinePolicy(policy);`, 'an inline policy'],
    [
      `const fn = new lambda.Function(this, 'Fn', ${PROPS}); fn.addToRolePolicy(statement);`,
      'a statement from elsewhere',
    ],
    [`const fn = new lambda.Function(this, 'Fn', ${PROPS}); new Custom(this, 'C', { fn });`, 'an unknown construct'],
    [`const fns = [new lambda.Function(this, 'Fn', ${PROPS})];`, 'created in a list'],
    [`const fn = new lambda.Function(this, 'Fn', { ...shared, handler: 'a.handler' });`, 'props from a spread'],
    [
      `const fn = new lambda.Function(this, 'Fn', ${PROPS}); fn.addToRolePolicy(new iam.PolicyStatement({ actions: [action] }));`,
      'an action that is not a constant',
    ],
  ];
  for (const [body, why] of cases) {
    const role = fn(read(stack(body)).functions, 'Fn').executionRole;
    assert.equal(missingActions(role, { purpose: 't', actions: ['dynamodb:PutItem'] }), undefined, why);
  }
  const given = fn(
    read(
      stack(
        `new lambda.Function(this, 'Fn', { role: myRole, handler: 'a.handler', code: lambda.Code.fromAsset('fn') });`,
      ),
    ).functions,
    'Fn',
  ).executionRole;
  assert.equal(given.managedBy, 'external');
  // A managed policy added to the role, and the known use forms, keep it known.
  const known = fn(
    read(
      stack(
        `const fn = new lambda.Function(this, 'Fn', ${PROPS}); fn.role!.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonDynamoDBFullAccess'));`,
      ),
    ).functions,
    'Fn',
  ).executionRole;
  assert.deepEqual(missingActions(known, { purpose: 't', actions: ['dynamodb:PutItem'] }), []);
});

test('stack props from the app entry file (cdk.json app): constants every instance passes are followed, others stay unknown', () => {
  const app = resolve(__dirname, '../fixtures/cdk/props-app');
  const service = new LanguageService({ fs: nodeFileSystem(), today: () => '2026-11-27' });
  service.setWorkspaceRoots([app]);
  const path = join(app, 'lib/stacks.ts');
  const text = readFileSync(path, 'utf8');
  const doc = { uri: URI.file(path).toString(), text, version: 1 };
  const fns = service.readCdk(doc)?.functions ?? [];
  const worker = fn(fns, 'Worker');
  assert.equal(knownOf(worker.memorySize), 20_000, 'a constant of bin/app.ts');
  assert.equal(at(text, worker.memorySize), 'props.memorySize');
  assert.equal(knownOf(worker.timeout), 1200, 'Duration.minutes(20)');
  // Not passed: `props.batchSize ?? 10_000` is the default.
  assert.equal(knownOf(worker.triggers[0]?.mapping?.batchSize), 10_000);
  const regional = fn(fns, 'Regional').memorySize;
  assert.ok(regional !== undefined && 'unknown' in regional);
  assert.match(regional.unknown, /different values as `memorySize` \(bin\/app\.ts \(East\), bin\/app\.ts \(West\)\)/);
  const spread = fn(fns, 'Spread').memorySize;
  assert.ok(spread !== undefined && 'unknown' in spread && /through a spread/.test(spread.unknown));
  const found = service
    .validate(doc)
    .map((d) => `${d.ruleId} ${text.slice(d.span.start, d.span.end)}`)
    .sort();
  assert.deepEqual(found, [
    'LL1001 props.memorySize',
    'LL1003 props.timeout',
    'LL1005 props.batchSize ?? 10_000',
    'LL2001 cdk.Duration.seconds(30)',
    'LL2004 new SqsEventSource(queue, { batchSize: props.batchSize ?? 10_000 })',
  ]);
});

test('LL4007 on a CDK app: a call the grants do not cover is reported at the call; a role changed where the reader cannot see stays silent', () => {
  const app = resolve(__dirname, '../fixtures/cdk/iam-app');
  const service = new LanguageService({ fs: nodeFileSystem(), today: () => '2026-11-27' });
  service.setWorkspaceRoots([app]);
  const check = (file: string) => {
    const path = join(app, file);
    const text = readFileSync(path, 'utf8');
    return service
      .validate({ uri: URI.file(path).toString(), text, version: 1 })
      .filter((d) => d.ruleId === 'LL4007')
      .map((d) => `${text.slice(d.span.start, d.span.end).split('(')[0]}: ${d.message}`);
  };
  const reader = check('src/reader.js');
  assert.equal(reader.length, 1, reader.join('\n'));
  assert.match(
    reader[0] ?? '',
    /^new PutItemCommand: .*dynamodb:PutItem.*role the CDK creates for function Reader.*grants dynamodb:BatchGetItem.*on \$\{Reports\.Arn\}/,
  );
  assert.deepEqual(check('src/writer.js'), []);
});
