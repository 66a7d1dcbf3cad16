/**
 * The template model: YAML short-form tags and JSON long-form intrinsics, SAM Globals,
 * parameter resolution, SQS queues, the resources that configure a function, and spans.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTreeText } from '../../server/src/service/templates/parse';
import { readTemplate, type TemplateDocument } from '../../server/src/service/templates/template';
import { get, getPath, type TNode } from '../../server/src/service/templates/tree';
import { isKnown, type FunctionModel, type Setting, type Span } from '../../server/src/service/model/types';

function yamlValue(text: string): TNode {
  const { root, syntaxErrors } = parseTreeText(text, 'yaml');
  assert.deepEqual(syntaxErrors, []);
  const v = get(root, 'V');
  assert.ok(v, 'a value under V');
  return v;
}

function fn(t: TemplateDocument, id: string): FunctionModel {
  const f = t.functions.find((x) => x.logicalId === id);
  assert.ok(f, `function ${id}`);
  return f;
}

const slice = (t: TemplateDocument, s: Span | undefined) =>
  s === undefined ? undefined : t.text.slice(s.start, s.end);
const textOf = <T>(t: TemplateDocument, s: Setting<T> | undefined) => slice(t, s?.span);
const value = <T>(s: Setting<T> | undefined): T | undefined => (isKnown(s) ? s.value : undefined);

test('every YAML short-form tag becomes the intrinsic it stands for, its span starting at the tag', () => {
  const cases: [string, string][] = [
    ['!Ref Param', 'Ref'],
    ['!GetAtt Res.Arn', 'Fn::GetAtt'],
    ['!Sub "${AWS::StackName}-x"', 'Fn::Sub'],
    ['!If [Cond, a, b]', 'Fn::If'],
    ['!Join [",", [a, b]]', 'Fn::Join'],
    ['!Select [0, [a, b]]', 'Fn::Select'],
    ['!FindInMap [M, K, V]', 'Fn::FindInMap'],
    ['!ImportValue Exported', 'Fn::ImportValue'],
    ['!Equals [a, b]', 'Fn::Equals'],
    ['!Not [!Equals [a, b]]', 'Fn::Not'],
    ['!And [!Condition A, !Condition B]', 'Fn::And'],
    ['!Or [!Condition A, !Condition B]', 'Fn::Or'],
    ['!Split [",", "a,b"]', 'Fn::Split'],
    ['!Base64 text', 'Fn::Base64'],
    ['!Cidr [10.0.0.0/16, 4, 8]', 'Fn::Cidr'],
    ["!GetAZs ''", 'Fn::GetAZs'],
    ['!Condition IsProd', 'Condition'],
  ];
  for (const [src, fnName] of cases) {
    const text = `V: ${src}\n`;
    const v = yamlValue(text);
    assert.equal(v.kind, 'intrinsic', src);
    assert.equal(v.kind === 'intrinsic' ? v.fn : '', fnName, src);
    assert.equal(text.slice(v.span.start, v.span.end), src, `span of ${src}`);
  }
  const nested = yamlValue('V: !Not [!Equals [!Ref A, b]]\n');
  assert.ok(nested.kind === 'intrinsic' && nested.arg.kind === 'seq');
  const inner = nested.arg.items[0];
  assert.ok(inner?.kind === 'intrinsic' && inner.fn === 'Fn::Equals');
  assert.ok(inner.arg.kind === 'seq' && inner.arg.items[0]?.kind === 'intrinsic');
  const block = yamlValue('V: !If\n  - Cond\n  - 1\n  - 2\n');
  assert.ok(
    block.kind === 'intrinsic' && block.fn === 'Fn::If' && block.arg.kind === 'seq' && block.arg.items.length === 3,
  );
});

test('JSON long-form intrinsics become the same nodes, and plain one-key maps stay maps', () => {
  const text =
    '{ "A": { "Ref": "P" }, "B": { "Fn::GetAtt": ["R", "Arn"] }, "C": { "Fn::If": ["X", 1, { "Ref": "AWS::NoValue" }] }, "D": { "Name": "x" } }';
  const { root, format } = parseTreeText(text);
  assert.equal(format, 'json');
  const a = get(root, 'A');
  assert.ok(a?.kind === 'intrinsic' && a.fn === 'Ref' && a.arg.kind === 'scalar' && a.arg.value === 'P');
  assert.equal(text.slice(a.span.start, a.span.end), '{ "Ref": "P" }');
  const b = get(root, 'B');
  assert.ok(b?.kind === 'intrinsic' && b.fn === 'Fn::GetAtt' && b.arg.kind === 'seq');
  const c = get(root, 'C');
  assert.ok(
    c?.kind === 'intrinsic' && c.fn === 'Fn::If' && c.arg.kind === 'seq' && c.arg.items[2]?.kind === 'intrinsic',
  );
  assert.equal(get(root, 'D')?.kind, 'map');
  const yamlLong = yamlValue('V:\n  Fn::Sub: "${A}"\n');
  assert.ok(yamlLong.kind === 'intrinsic' && yamlLong.fn === 'Fn::Sub');
});

const GLOBALS = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.13
    Timeout: 10
    MemorySize: 256
    Environment:
      Variables:
        STAGE: prod
        TABLE: global-table
    Layers:
      - arn:layer:g1
Resources:
  Inherits:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: src/
  Overrides:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: src/
      Timeout: 60
      Environment:
        Variables:
          TABLE: own-table
          EXTRA: x
      Layers:
        - arn:layer:own
  Ignores:
    Type: AWS::Serverless::Function
    IgnoreGlobals: [Timeout, Layers]
    Properties:
      Handler: app.handler
      CodeUri: src/
  IgnoresAll:
    Type: AWS::Serverless::Function
    IgnoreGlobals: '*'
    Properties:
      Handler: app.handler
      CodeUri: src/
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: { ZipFile: "x" }
`;

test('SAM Globals: scalars fill in, the function wins, variables merge, layers append, IgnoreGlobals drops', () => {
  const t = readTemplate('file:///g.yaml', GLOBALS);
  assert.equal(t.kind, 'sam');
  const inherits = fn(t, 'Inherits');
  assert.equal(value(inherits.runtime), 'python3.13');
  assert.equal(value(inherits.timeout), 10);
  assert.equal(textOf(t, inherits.timeout), '10');
  assert.ok((inherits.timeout?.span.start ?? 0) < t.text.indexOf('Resources:'), 'the span points into Globals');
  const over = fn(t, 'Overrides');
  assert.equal(value(over.timeout), 60);
  assert.equal(value(over.memorySize), 256);
  const vars = Object.fromEntries((over.environment?.variables ?? []).map((v) => [v.name, value(v.value)]));
  assert.deepEqual(vars, { STAGE: 'prod', TABLE: 'own-table', EXTRA: 'x' });
  assert.deepEqual(
    (value(over.layers) ?? []).map((l) => value(l)),
    ['arn:layer:g1', 'arn:layer:own'],
  );
  const ignores = fn(t, 'Ignores');
  assert.equal(ignores.timeout, undefined);
  assert.equal(ignores.layers, undefined);
  assert.equal(value(ignores.runtime), 'python3.13');
  const all = fn(t, 'IgnoresAll');
  assert.equal(all.runtime, undefined);
  assert.equal(all.environment, undefined);
  const plain = fn(t, 'Plain');
  assert.equal(plain.runtime, undefined, 'Globals apply to SAM functions only');
  assert.equal(plain.timeout, undefined);
});

test('SAM Globals merge maps recursively and concatenate lists; an intrinsic on the function wins', () => {
  const t = readTemplate(
    'file:///m.yaml',
    `Transform: AWS::Serverless-2016-10-31
Parameters:
  Layers:
    Type: CommaDelimitedList
Globals:
  Function:
    EventInvokeConfig:
      MaximumRetryAttempts: 0
      DestinationConfig:
        OnFailure:
          Type: SQS
    EphemeralStorage:
      Size: 1024
    Layers: [arn:layer:g1]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      EventInvokeConfig:
        MaximumEventAgeInSeconds: 120
        DestinationConfig:
          OnSuccess:
            Type: SNS
      EphemeralStorage: {}
      Layers: !Ref Layers
`,
  );
  const f = fn(t, 'Fn');
  assert.equal(value(f.asyncConfig?.maximumRetryAttempts), 0, 'from Globals');
  assert.equal(value(f.asyncConfig?.maximumEventAgeInSeconds), 120, 'from the function');
  assert.equal(value(f.asyncConfig?.onFailure?.type), 'SQS', 'nested map from Globals');
  assert.equal(value(f.asyncConfig?.onSuccess?.type), 'SNS', 'nested map from the function');
  assert.equal(value(f.ephemeralStorage), 1024);
  assert.ok(f.layers !== undefined && !isKnown(f.layers), 'a Ref on the function replaces the Globals list');
});

test('Ref to a parameter with a Default resolves; without one it is unknown; FindInMap over literals resolves', () => {
  const t = readTemplate(
    'file:///p.yaml',
    `Transform: AWS::Serverless-2016-10-31
Parameters:
  Mem:
    Type: Number
    Default: 512
  Time:
    Type: Number
  Stage:
    Type: String
    Default: prod
Mappings:
  Sizes:
    prod: { Memory: 2048 }
Resources:
  A:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      MemorySize: !Ref Mem
      Timeout: !Ref Time
  B:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      MemorySize: !FindInMap [Sizes, !Ref Stage, Memory]
      Timeout: !GetAtt Settings.Timeout
      EphemeralStorage: { Size: !If [C, 1024, 2048] }
`,
  );
  const a = fn(t, 'A');
  assert.equal(value(a.memorySize), 512);
  assert.equal(textOf(t, a.memorySize), '!Ref Mem', 'the span is where the value is used');
  assert.ok(a.timeout !== undefined && !isKnown(a.timeout));
  assert.match(a.timeout !== undefined && 'unknown' in a.timeout ? a.timeout.unknown : '', /Time.*no Default/);
  const b = fn(t, 'B');
  assert.equal(value(b.memorySize), 2048);
  assert.ok(b.timeout !== undefined && !isKnown(b.timeout));
  assert.ok(b.ephemeralStorage !== undefined && !isKnown(b.ephemeralStorage));
});

const QUEUES = `Transform: AWS::Serverless-2016-10-31
Resources:
  Dlq:
    Type: AWS::SQS::Queue
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 180
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Dlq.Arn
        maxReceiveCount: 5
  Fifo:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: true
  NamedFifo:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: payments.fifo
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      Events:
        FromOrders:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
            BatchSize: 10
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      Role: arn:aws:iam::123456789012:role/r
      Code: { ZipFile: "x" }
  PlainMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Plain
      EventSourceArn: !GetAtt Fifo.Arn
      BatchSize: 5
`;

test('SQS queues: visibility timeout, FIFO flag (property or .fifo name), redrive; mappings link to them', () => {
  const t = readTemplate('file:///q.yaml', QUEUES);
  const orders = t.queues.get('Orders');
  assert.ok(orders);
  assert.equal(value(orders.visibilityTimeout), 180);
  assert.equal(textOf(t, orders.visibilityTimeout), '180');
  assert.equal(orders.fifo, undefined);
  assert.equal(value(orders.maxReceiveCount), 5);
  assert.equal(orders.deadLetterQueueLogicalId, 'Dlq');
  assert.equal(t.queues.get('Dlq')?.visibilityTimeout, undefined, 'absent: SQS default applies');
  assert.equal(value(t.queues.get('Fifo')?.fifo), true);
  assert.equal(value(t.queues.get('NamedFifo')?.fifo), true);
  const worker = fn(t, 'Worker');
  const ev = worker.triggers.find((x) => x.name === 'FromOrders');
  assert.equal(ev?.type, 'SQS');
  assert.equal(ev?.invocation, 'poll');
  assert.equal(ev?.definedBy, 'event');
  assert.equal(ev?.mapping?.queue?.logicalId, 'Orders');
  assert.equal(slice(t, ev?.span), 'FromOrders');
  assert.equal(textOf(t, ev?.mapping?.batchSize), '10');
  const plain = fn(t, 'Plain');
  const m = plain.triggers.find((x) => x.name === 'PlainMapping');
  assert.equal(m?.type, 'SQS');
  assert.equal(m?.definedBy, 'resource');
  assert.equal(m?.mapping?.queue?.logicalId, 'Fifo');
  assert.equal(value(m?.mapping?.batchSize), 5);
  assert.deepEqual(t.detachedMappings, []);
  const external = readTemplate(
    'file:///e.yaml',
    `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Orders:
    Type: AWS::SQS::Queue
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: orders-worker
      EventSourceArn: !GetAtt Orders.Arn
      BatchSize: 20
`,
  );
  assert.deepEqual(external.functions, []);
  const [d] = external.detachedMappings;
  assert.equal(d?.name, 'Mapping');
  assert.equal(d?.type, 'SQS');
  assert.equal(d?.mapping?.queue?.logicalId, 'Orders');
  assert.equal(value(d?.mapping?.batchSize), 20);
});

test('related resources link to their function: invoke config, permission, URL, version, alias, rules, SNS', () => {
  const t = readTemplate(
    'file:///r.yaml',
    `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      Role: arn:aws:iam::123456789012:role/r
      Code: { ZipFile: "x" }
  Other:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      Role: arn:aws:iam::123456789012:role/r
      Code: { ZipFile: "x" }
  Async:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Fn
      Qualifier: $LATEST
      MaximumRetryAttempts: 1
  S3Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fn.Arn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
  Url:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !Ref Fn
      AuthType: NONE
  V1:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref Fn
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 }
  Live:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Fn
      FunctionVersion: !GetAtt V1.Version
      Name: live
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
      Targets:
        - Arn: !Ref Live
          Id: fn
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Subscription:
        - Protocol: lambda
          Endpoint: !Sub "\${Other.Arn}"
`,
  );
  const f = fn(t, 'Fn');
  assert.equal(value(f.asyncConfig?.maximumRetryAttempts), 1);
  const byName = Object.fromEntries(f.triggers.map((x) => [x.name, `${x.type}/${x.invocation}/${x.definedBy}`]));
  assert.deepEqual(byName, {
    S3Permission: 'S3/async/resource',
    Url: 'FunctionUrl/sync/resource',
    Nightly: 'Schedule/async/resource',
  });
  assert.equal(value(f.functionUrl?.authType), 'NONE');
  assert.deepEqual(
    f.versions.map((v) => [v.logicalId, value(v.provisionedConcurrency)]),
    [['V1', 2]],
  );
  assert.deepEqual(
    f.aliases.map((a) => [a.logicalId, value(a.name)]),
    [['Live', 'live']],
  );
  const other = fn(t, 'Other');
  assert.deepEqual(
    other.triggers.map((x) => `${x.type}/${x.name}`),
    ['SNS/Topic'],
  );
  assert.equal(other.asyncConfig, undefined);
});

test('SAM function settings: events of each invocation model, EventInvokeConfig, DLQ, URL, provisioned concurrency', () => {
  const t = readTemplate(
    'file:///s.yaml',
    `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 3
      DeadLetterQueue:
        Type: SQS
        TargetArn: arn:aws:sqs:us-east-1:123456789012:dlq
      EventInvokeConfig:
        MaximumEventAgeInSeconds: 600
      FunctionUrlConfig:
        AuthType: AWS_IAM
      Events:
        Get:
          Type: Api
          Properties: { Path: /orders, Method: get }
        Upload:
          Type: S3
          Properties: { Bucket: !Ref B, Events: s3:ObjectCreated:* }
        Clicks:
          Type: Kinesis
          Properties:
            Stream: arn:aws:kinesis:us-east-1:123456789012:stream/s
            StartingPosition: LATEST
            ParallelizationFactor: 4
  B:
    Type: AWS::S3::Bucket
`,
  );
  const f = fn(t, 'Fn');
  assert.equal(value(f.autoPublishAlias), 'live');
  assert.equal(value(f.provisionedConcurrency), 3);
  assert.equal(value(f.deadLetterQueue?.type), 'SQS');
  assert.equal(value(f.asyncConfig?.maximumEventAgeInSeconds), 600);
  assert.equal(value(f.functionUrl?.authType), 'AWS_IAM');
  const by = Object.fromEntries(f.triggers.map((x) => [x.name, x.invocation]));
  assert.deepEqual(by, { Get: 'sync', Upload: 'async', Clicks: 'poll', FunctionUrlConfig: 'sync' });
  const get = f.triggers.find((x) => x.name === 'Get');
  assert.equal(get?.path, '/orders');
  assert.equal(get?.method, 'get');
  const clicks = f.triggers.find((x) => x.name === 'Clicks');
  assert.equal(value(clicks?.mapping?.parallelizationFactor), 4);
  assert.equal(value(clicks?.mapping?.startingPosition), 'LATEST');
});

test('spans: keys, scalar values, quoted values, flow maps, and JSON strings with their quotes', () => {
  const t = readTemplate(
    'file:///sp.yaml',
    `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: "index.handler"
      Runtime: 'nodejs22.x'
      EphemeralStorage: { Size: 1024 }
      Environment:
        Variables:
          KEY_ONE: value one
`,
  );
  const f = fn(t, 'Fn');
  assert.equal(slice(t, f.idSpan), 'Fn');
  assert.equal(textOf(t, f.handler), '"index.handler"');
  assert.equal(value(f.handler), 'index.handler');
  assert.equal(textOf(t, f.runtime), "'nodejs22.x'");
  assert.equal(textOf(t, f.ephemeralStorage), '1024');
  const v = f.environment?.variables[0];
  assert.equal(slice(t, v?.nameSpan), 'KEY_ONE');
  assert.equal(textOf(t, v?.value), 'value one');
  const j = readTemplate(
    'file:///sp.json',
    `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Fn": {
      "Type": "AWS::Lambda::Function",
      "Properties": { "Handler": "index.handler", "Runtime": "nodejs22.x", "Timeout": 30, "MemorySize": { "Ref": "Mem" } }
    }
  },
  "Parameters": { "Mem": { "Type": "Number", "Default": 1024 } }
}`,
    'json',
  );
  const jf = fn(j, 'Fn');
  assert.equal(slice(j, jf.idSpan), '"Fn"');
  assert.equal(textOf(j, jf.runtime), '"nodejs22.x"');
  assert.equal(textOf(j, jf.timeout), '30');
  assert.equal(value(jf.memorySize), 1024);
  assert.equal(textOf(j, jf.memorySize), '{ "Ref": "Mem" }');
});

test('templates are recognised by content: SAM, CloudFormation, or not a template', () => {
  assert.equal(readTemplate('file:///x.yaml', 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n').kind, 'sam');
  assert.equal(
    readTemplate('file:///x.yaml', "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n").kind,
    'cloudformation',
  );
  assert.equal(readTemplate('file:///x.yaml', 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n').kind, 'cloudformation');
  const other = readTemplate('file:///docker-compose.yaml', 'services:\n  web:\n    image: nginx\n');
  assert.equal(other.kind, undefined);
  assert.equal(other.syntaxError, undefined);
  const broken = readTemplate(
    'file:///t.yaml',
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n   Type: x\n  - bad\n",
  );
  assert.ok(broken.syntaxError, 'a broken template reports its syntax error');
  assert.equal(getPath(parseTreeText('a: {b: 1}').root, 'a', 'b')?.kind, 'scalar');
});

test("a multi-line quoted scalar closed at its key's indentation parses as PyYAML and CloudFormation read it, with spans in the original text", () => {
  const text = [
    'Resources:',
    '  Role:',
    '    Type: AWS::IAM::Role',
    '    Properties:',
    '      Policies:',
    '        - PolicyName: Access',
    "          PolicyDocument: !Sub '{",
    '              "Version": "2012-10-17",',
    '              "Statement": [{ "Effect": "Allow", "Action": "mq:*", "Resource": "*" }]',
    "          }'",
    '        - PolicyName: After',
    '          PolicyDocument: {}',
    '',
  ].join('\n');
  const parsed = parseTreeText(text, 'yaml');
  assert.deepEqual(parsed.syntaxErrors, []);
  const policies = getPath(parsed.root, 'Resources', 'Role', 'Properties', 'Policies');
  assert.equal(policies?.kind, 'seq');
  const after = policies?.kind === 'seq' ? get(policies.items[1], 'PolicyName') : undefined;
  assert.ok(after);
  assert.equal(text.slice(after.span.start, after.span.end), 'After');
  // A quote that is never closed is still a syntax error.
  assert.ok(parseTreeText(text.replace("          }'", '          }'), 'yaml').syntaxErrors.length > 0);
});
