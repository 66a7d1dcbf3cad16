/**
 * serverless.yml → FunctionModel: variables, provider defaults and merging, events and their
 * invocation models, `resources:` read as CloudFormation, and hovers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeFileSystem } from '../../server/src/nodeFs';
import { LanguageService } from '../../server/src/service';
import { readTemplate } from '../../server/src/service/templates/template';
import { isKnown, type FunctionModel, type Setting } from '../../server/src/service/model/types';
import { starterScenario } from '../../server/src/simulator/starter';

const URI = 'file:///app/serverless.yml';

function read(text: string): FunctionModel[] {
  const t = readTemplate(URI, text, 'yaml');
  assert.equal(t.kind, 'serverless');
  return [...t.functions];
}

function fn(text: string, name: string): FunctionModel {
  const f = read(text).find((x) => x.logicalId === name);
  assert.ok(f, `function ${name}`);
  return f;
}

/** The value and the text the span covers. */
function at<T>(
  text: string,
  s: Setting<T> | undefined,
): { value: T | undefined; unknown: string | undefined; text: string } | undefined {
  if (s === undefined) return undefined;
  return {
    value: isKnown(s) ? s.value : undefined,
    unknown: isKnown(s) ? undefined : s.unknown,
    text: text.slice(s.span.start, s.span.end),
  };
}

test('variables: self, opt and env defaults, sls:stage, nesting and interpolation', () => {
  const text = `service: shop
custom:
  memory: 2048
  stages:
    prod: { timeout: 20 }
    dev: { timeout: 10 }
provider:
  name: aws
  runtime: \${opt:runtime, "python3.13"}
  stage: \${opt:stage, 'dev'}
  environment:
    TABLE: shop-\${sls:stage}-orders
    REGION: \${aws:region}
    HOME_DIR: \${env:HOME}
    SECRET: \${ssm:/shop/secret, 'fallback'}
functions:
  api:
    handler: app.handler
    memorySize: \${self:custom.memory}
    timeout: \${self:custom.stages.\${sls:stage}.timeout}
`;
  const f = fn(text, 'api');
  assert.deepEqual(at(text, f.memorySize), { value: 2048, unknown: undefined, text: '${self:custom.memory}' });
  assert.equal(at(text, f.timeout)?.value, 10);
  assert.equal(at(text, f.runtime)?.value, 'python3.13');
  const env = new Map(f.environment?.variables.map((v) => [v.name, v.value]));
  assert.equal(at(text, env.get('TABLE'))?.value, 'shop-dev-orders');
  assert.equal(at(text, env.get('REGION'))?.value, 'us-east-1');
  assert.match(at(text, env.get('HOME_DIR'))?.unknown ?? '', /environment variable HOME/);
  // An SSM parameter may exist: its fallback is not taken.
  assert.match(at(text, env.get('SECRET'))?.unknown ?? '', /SSM parameter/);
});

test('variables: a reference to itself is unknown, not a hang', () => {
  const text = `service: loop
custom:
  a: \${self:custom.b}
  b: \${self:custom.a}
provider: { name: aws, runtime: nodejs22.x }
functions:
  f:
    handler: index.handler
    memorySize: \${self:custom.a}
`;
  assert.match(at(text, fn(text, 'f').memorySize)?.unknown ?? '', /refers to itself/);
});

test('provider defaults, framework defaults, and what a function replaces or merges', () => {
  const text = `service: shop
provider:
  name: aws
  runtime: nodejs22.x
  architecture: arm64
  timeout: 12
  layers: [arn:aws:lambda:us-east-1:1:layer:a:1]
  environment: { A: provider, B: provider }
  vpc: { subnetIds: [subnet-1], securityGroupIds: [sg-1] }
functions:
  inherits:
    handler: index.a
  overrides:
    handler: index.b
    timeout: 3
    layers: [arn:aws:lambda:us-east-1:1:layer:b:1, arn:aws:lambda:us-east-1:1:layer:c:1]
    environment: { B: function }
    vpc: false
  container:
    image: 123.dkr.ecr.us-east-1.amazonaws.com/app:1
`;
  const inherits = fn(text, 'inherits');
  assert.equal(at(text, inherits.timeout)?.value, 12);
  assert.deepEqual(at(text, inherits.memorySize), { value: 1024, unknown: undefined, text: 'inherits' });
  assert.deepEqual(at(text, inherits.architectures)?.value, ['arm64']);
  assert.ok(inherits.vpcConfig !== undefined);
  const overrides = fn(text, 'overrides');
  assert.equal(at(text, overrides.timeout)?.value, 3);
  const layers = overrides.layers;
  assert.ok(isKnown(layers));
  assert.equal(layers.value.length, 2);
  assert.deepEqual(
    overrides.environment?.variables.map((v) => `${v.name}=${isKnown(v.value) ? v.value.value : '?'}`),
    ['A=provider', 'B=function'],
  );
  assert.equal(overrides.vpcConfig, undefined);
  const container = fn(text, 'container');
  assert.equal(at(text, container.packageType)?.value, 'Image');
  assert.equal(container.runtime, undefined);
});

test('events: invocation models, routes, stream types, queues by reference and by name', () => {
  const text = `service: shop
custom:
  jobsQueue: shop-jobs
provider: { name: aws, runtime: nodejs22.x }
functions:
  f:
    handler: index.handler
    url: true
    events:
      - http: { path: /orders, method: post }
      - httpApi: GET /orders
      - s3: uploads
      - schedule: rate(1 hour)
      - eventBridge: { schedule: rate(5 minutes) }
      - sqs: { arn: !GetAtt Orders.Arn, functionResponseType: ReportBatchItemFailures, batchSize: 5 }
      - sqs: arn:aws:sqs:\${aws:region}:\${aws:accountId}:\${self:custom.jobsQueue}
      - stream: { arn: !GetAtt Table.StreamArn, batchWindow: 3 }
      - stream: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
      - websocket: $connect
      - unknownPluginEvent: {}
resources:
  Resources:
    Orders: { Type: AWS::SQS::Queue }
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: \${self:custom.jobsQueue}
    Table: { Type: AWS::DynamoDB::Table }
`;
  const f = fn(text, 'f');
  assert.deepEqual(
    f.triggers.map((t) => `${t.type}:${t.invocation}:${t.name}`),
    [
      'Api:sync:POST /orders',
      'HttpApi:sync:GET /orders',
      'S3:async:uploads',
      'Schedule:async:rate(1 hour)',
      'Schedule:async:rate(5 minutes)',
      'SQS:poll:Orders',
      'SQS:poll:shop-jobs',
      'DynamoDB:poll:Table',
      'Kinesis:poll:clicks',
      'WebSocket:sync:$connect',
      'FunctionUrl:sync:url',
    ],
  );
  const [orders, jobs] = f.triggers.filter((t) => t.type === 'SQS');
  assert.equal(orders?.mapping?.queue?.logicalId, 'Orders');
  assert.deepEqual(at(text, orders?.mapping?.functionResponseTypes)?.value, ['ReportBatchItemFailures']);
  assert.equal(jobs?.mapping?.queue?.logicalId, 'Jobs');
  assert.equal(
    at(text, f.triggers.find((t) => t.type === 'DynamoDB')?.mapping?.maximumBatchingWindowInSeconds)?.value,
    3,
  );
  assert.equal(at(text, f.functionUrl?.authType)?.value, 'NONE');
  assert.equal(text.slice(orders?.span.start, orders?.span.end), 'sqs');
});

test('async configuration, destinations and the role', () => {
  const text = `service: shop
provider:
  name: aws
  runtime: nodejs22.x
  iam:
    role:
      statements:
        - { Effect: Allow, Action: [sqs:SendMessage], Resource: '*' }
functions:
  worker:
    handler: index.handler
    maximumRetryAttempts: 1
    maximumEventAge: 3600
    destinations:
      onSuccess: other
      onFailure: { type: sqs, arn: !GetAtt Failures.Arn }
    onError: arn:aws:sns:us-east-1:123456789012:dlq
    url: { authorizer: aws_iam }
  custom:
    handler: index.handler
    role: WorkerRole
resources:
  Resources:
    Failures: { Type: AWS::SQS::Queue }
    WorkerRole: { Type: AWS::IAM::Role, Properties: { AssumeRolePolicyDocument: {} } }
`;
  const w = fn(text, 'worker');
  assert.equal(at(text, w.asyncConfig?.maximumRetryAttempts)?.value, 1);
  assert.equal(at(text, w.asyncConfig?.maximumEventAgeInSeconds)?.value, 3600);
  assert.equal(at(text, w.asyncConfig?.onSuccess?.type)?.value, 'Lambda');
  assert.equal(at(text, w.asyncConfig?.onFailure?.type)?.value, 'SQS');
  assert.equal(w.asyncConfig?.onFailure?.targetLogicalId, 'Failures');
  assert.equal(at(text, w.deadLetterQueue?.type)?.value, 'SNS');
  assert.equal(at(text, w.functionUrl?.authType)?.value, 'AWS_IAM');
  assert.equal(w.executionRole.managedBy, 'sam');
  assert.ok(w.executionRole.grants.some((g) => g.kind === 'statement' && g.actions.includes('sqs:SendMessage')));
  const c = fn(text, 'custom');
  assert.equal(c.executionRole.managedBy, 'template');
  assert.equal(c.executionRole.roleLogicalId, 'WorkerRole');
});

test('findings land on the serverless.yml token, once for a provider value', () => {
  const text = `service: shop
provider:
  name: aws
  runtime: nodejs22.x
  memorySize: 64
functions:
  a: { handler: index.a }
  b: { handler: index.b }
`;
  const service = new LanguageService({ today: () => '2026-11-27' });
  const found = service.validate({ uri: URI, text }).filter((d) => d.ruleId === 'LL1001');
  assert.equal(found.length, 1);
  assert.equal(text.slice(found[0]?.span.start, found[0]?.span.end), '64');
});

test('hovers explain serverless.yml keys with the framework defaults, and events with their invocation model', () => {
  const text = `service: shop
provider:
  name: aws
  memorySize: 512
functions:
  worker:
    handler: index.handler
    timeout: 30
    events:
      - sqs:
          arn: arn:aws:sqs:us-east-1:123456789012:jobs
          batchSize: 10
`;
  const service = new LanguageService();
  const hover = (needle: string) => service.hover({ uri: URI, text }, text.indexOf(needle) + 1)?.markdown ?? '';
  assert.match(hover('memorySize'), /MemorySize[\s\S]*1,024 MB/);
  assert.match(hover('timeout'), /Timeout[\s\S]*6 s/);
  assert.match(hover('sqs'), /Amazon SQS[\s\S]*poll/);
  assert.match(hover('batchSize'), /BatchSize/);
  assert.equal(service.hover({ uri: URI, text }, text.indexOf('name') + 1), undefined);
});

test('other clouds have no Lambda functions; a plugin-rewritten runtime is unknown', () => {
  assert.equal(
    readTemplate(
      URI,
      'service: gcp\nprovider: { name: google, runtime: nodejs18 }\nfunctions:\n  f: { handler: http }\n',
      'yaml',
    ).functions.length,
    0,
  );
  const text =
    'service: r\nprovider: { name: aws, runtime: rust }\nplugins: [serverless-rust]\nfunctions:\n  f: { handler: bootstrap }\n';
  assert.match(at(text, fn(text, 'f').runtime)?.unknown ?? '', /serverless-rust/);
  const plain = 'service: r\nprovider: { name: aws, runtime: rust }\nfunctions:\n  f: { handler: bootstrap }\n';
  assert.equal(at(plain, fn(plain, 'f').runtime)?.value, 'rust');
});

test('LL2004 in serverless.yml names the framework key and offers to add it to the event', () => {
  const text = `service: jobs
provider: { name: aws, runtime: nodejs22.x }
functions:
  worker:
    handler: worker.handler
    events:
      - sqs:
          arn: arn:aws:sqs:us-east-1:123456789012:jobs
          batchSize: 5
`;
  const [finding] = new LanguageService().validate({ uri: URI, text }).filter((d) => d.ruleId === 'LL2004');
  assert.ok(finding);
  assert.match(finding.message, /without functionResponseType: ReportBatchItemFailures/);
  const edit = finding.fixes[0]?.edits[0];
  assert.ok(edit);
  const fixed = text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
  assert.match(fixed, /batchSize: 5\n {10}functionResponseType: ReportBatchItemFailures\n$/);
  // Fixed, the rule is silent.
  assert.equal(
    new LanguageService().validate({ uri: URI, text: fixed }).filter((d) => d.ruleId === 'LL2004').length,
    0,
  );
});

test('provisionedConcurrency, snapStart and versionFunctions: the version and alias the framework publishes, and the events that invoke it', () => {
  const text = `service: shop
provider:
  name: aws
  runtime: nodejs22.x
functions:
  checkout:
    handler: checkout.handler
    reservedConcurrency: 2
    provisionedConcurrency: 5
    events:
      - httpApi: { path: /checkout, method: post }
  reports:
    handler: com.shop.Reports::handleRequest
    runtime: java21
    snapStart: true
    versionFunction: false
    events:
      - schedule: rate(1 hour)
  plain:
    handler: plain.handler
    events:
      - http: { path: /plain, method: get }
  unversioned:
    handler: plain.handler
    versionFunction: false
    provisionedConcurrency: 0
`;
  const checkout = fn(text, 'checkout');
  // provisionedConcurrency: a version, the alias \`provisioned\` with the provisioned concurrency on it, events on the alias.
  assert.deepEqual(at(text, checkout.autoPublishAlias), {
    value: 'provisioned',
    unknown: undefined,
    text: 'provisionedConcurrency',
  });
  assert.deepEqual(at(text, checkout.provisionedConcurrency), { value: 5, unknown: undefined, text: '5' });
  assert.equal(checkout.versions.length, 1);
  assert.deepEqual(
    checkout.triggers.map((t) => t.qualifier),
    ['qualified'],
  );
  // snapStart: true is SnapStart on published versions, behind the \`snapstart\` alias, even with versioning off.
  const reports = fn(text, 'reports');
  assert.deepEqual(at(text, reports.snapStart), { value: 'PublishedVersions', unknown: undefined, text: 'true' });
  assert.equal(at(text, reports.autoPublishAlias)?.value, 'snapstart');
  assert.equal(reports.versions.length, 1);
  assert.deepEqual(
    reports.triggers.map((t) => t.qualifier),
    ['qualified'],
  );
  // No alias: a version per deploy (versionFunctions defaults to true), events invoke the unqualified function.
  const plain = fn(text, 'plain');
  assert.equal(plain.autoPublishAlias, undefined);
  assert.equal(plain.versions.length, 1);
  assert.deepEqual(
    plain.triggers.map((t) => t.qualifier),
    ['unqualified'],
  );
  // versionFunction: false and provisionedConcurrency 0: nothing published.
  const unversioned = fn(text, 'unversioned');
  assert.equal(unversioned.autoPublishAlias, undefined);
  assert.deepEqual(unversioned.versions, []);

  // Provisioned concurrency above the reservation is still reported; the version rules stay silent (the framework publishes the version and alias).
  const [ll2007] = new LanguageService().validate({ uri: URI, text }).filter((d) => d.ruleId === 'LL2007');
  assert.match(ll2007?.message ?? '', /5 provisioned concurrency/);
  const all = new LanguageService().validate({ uri: URI, text }).map((d) => d.ruleId);
  for (const id of ['LL2006', 'LL2008', 'LL2010', 'LL2011']) assert.ok(!all.includes(id), `${id} stays silent`);

  // The simulator's starter scenario invokes the alias, with its provisioned concurrency.
  const starter = starterScenario(checkout, 'serverless.yml');
  assert.equal(starter.qualifier, 'provisioned');
  assert.equal(starterScenario(plain, 'serverless.yml').qualifier, undefined);
});

test('with no runtime written the Framework deploys Node.js: a JS handler is read, other code is not reported missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sls-noruntime-'));
  try {
    const yml = (handler: string) => `service: orders
provider:
  name: aws
  Runtime: nodejs22.x
functions:
  worker:
    handler: ${handler}
    events:
      - eventBridge:
          pattern: { source: [orders] }
`;
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/handler.js'), 'exports.main = async (event) => {\n  console.log(event);\n};\n');
    writeFileSync(join(dir, 'jobs.py'), 'def main(event, context):\n    print(event)\n');
    const file = join(dir, 'serverless.yml');
    const check = (handler: string) => {
      writeFileSync(file, yml(handler));
      return new LanguageService({ fs: nodeFileSystem() }).validate({
        uri: pathToFileURL(file).href,
        text: yml(handler),
        version: 1,
      });
    };
    // The handler is read: it only logs, so the missing failure destination is an info (LL2003).
    const linked = check('src/handler.main');
    assert.equal(linked.find((d) => d.ruleId === 'LL2003')?.severity, 'info', JSON.stringify(linked));
    // Python code under a runtime the Framework ignores is not reported as a missing JavaScript module.
    const python = check('jobs.main');
    assert.equal(python.find((d) => d.ruleId === 'LL2003')?.severity, 'warning');
    assert.ok(!python.some((d) => d.ruleId === 'LL5001'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
