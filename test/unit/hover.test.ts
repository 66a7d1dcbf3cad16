/**
 * Hovers on templates, with inline templates and a `|` caret marking the cursor
 * (the caret is removed before the template is read).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LanguageService } from '../../server/src/service';

const TODAY = '2026-11-27';

function hoverAt(
  template: string,
  uri = 'file:///t/template.yaml',
): { markdown: string; text: string; covered: string } | undefined {
  const offset = template.indexOf('|');
  assert.ok(offset >= 0, 'the template has a | caret');
  const text = template.slice(0, offset) + template.slice(offset + 1);
  const service = new LanguageService({ today: () => TODAY });
  const h = service.hover({ uri, text }, offset);
  return h === undefined ? undefined : { markdown: h.markdown, text, covered: text.slice(h.span.start, h.span.end) };
}

function mustHover(template: string, uri?: string): { markdown: string; covered: string } {
  const h = hoverAt(template, uri);
  assert.ok(h, 'a hover');
  return h;
}

const SAM = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
`;

test('function property: summary, limits from limits.ts, span on the key', () => {
  const h = mustHover(`${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      Tim|eout: 30
`);
  assert.match(h.markdown, /\*\*Timeout\*\*/);
  assert.match(h.markdown, /1–900 seconds/);
  assert.match(h.markdown, /default 3 seconds/);
  assert.equal(h.covered, 'Timeout');
});

test('MemorySize with a value adds its vCPU share; hovering the value covers the value', () => {
  const h = mustHover(`${SAM}Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      MemorySize: 17|69
`);
  assert.match(h.markdown, /128–10,240 MB/);
  assert.match(h.markdown, /1,769 MB gives about 1\.00 vCPU/);
  assert.equal(h.covered, '1769');
});

test('Runtime shows its lifecycle dates and where it stands today', () => {
  const h = mustHover(`${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Run|time: nodejs20.x
`);
  assert.match(h.markdown, /`nodejs20\.x` today: deprecated/);
  assert.match(h.markdown, /Deprecated: 2026-04-30 · create blocked: 2027-02-01 · update blocked: 2027-03-03/);
  const supported = mustHover(`${SAM}Globals:
  Function:
    Runtime: python3.|13
Resources: {}
`);
  assert.match(supported.markdown, /`python3\.13` today: supported/);
});

test('properties in SAM Globals.Function and nested properties are explained', () => {
  const g = mustHover(`${SAM}Globals:
  Function:
    Lay|ers: [arn:aws:lambda:us-east-1:123456789012:layer:a:1]
Resources: {}
`);
  assert.match(g.markdown, /at most 5 layers/);
  const nested = mustHover(`${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      EventInvokeConfig:
        MaximumRetry|Attempts: 1
`);
  assert.match(nested.markdown, /\*\*EventInvokeConfig\.MaximumRetryAttempts\*\*/);
  assert.match(nested.markdown, /0–2 retries/);
  const size = mustHover(`${SAM}Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      EphemeralStorage:
        Si|ze: 1024
`);
  assert.match(size.markdown, /\*\*EphemeralStorage\.Size\*\*/);
  assert.match(size.markdown, /512–10,240 MB/);
});

test('SAM-only properties are not explained on AWS::Lambda::Function, nor CFN-only ones on SAM', () => {
  assert.equal(
    hoverAt(`${SAM}Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      AutoPublish|Alias: live
`),
    undefined,
  );
  assert.equal(
    hoverAt(`${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      DeadLetter|Config: { TargetArn: arn }
`),
    undefined,
  );
  assert.match(
    mustHover(`${SAM}Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      DeadLetter|Config: { TargetArn: arn }
`).markdown,
    /DeadLetterConfig/,
  );
});

test('an SQS event: the service, its invocation model, what retries it and the batch size limits', () => {
  const h = mustHover(`${SAM}Resources:
  Q:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Ord|ers:
          Type: SQS
          Properties:
            Queue: !GetAtt Q.Arn
`);
  assert.match(h.markdown, /\*\*Orders\*\* — `SQS` event/);
  assert.match(h.markdown, /Amazon SQS/);
  assert.match(h.markdown, /invocation \*\*poll\*\*: an event source mapping/);
  assert.match(h.markdown, /visibility timeout/);
  assert.match(h.markdown, /Batch size SQS: default 10, at most 10,000 records/);
  assert.equal(h.covered, 'Orders');
});

test('hovering an event Type explains an async event', () => {
  const h = mustHover(`${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Nightly:
          Type: Sched|ule
          Properties:
            Schedule: rate(1 day)
`);
  assert.match(h.markdown, /EventBridge schedule/);
  assert.match(h.markdown, /invocation \*\*async\*\*: Lambda queues the event/);
  assert.match(h.markdown, /retries a failed invocation twice/);
  assert.equal(h.covered, 'Schedule');
});

test('BatchSize in a SAM event gives the limits of its source, FIFO included', () => {
  const h = mustHover(`${SAM}Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: true
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Q.Arn
            Batch|Size: 10
`);
  assert.match(h.markdown, /SQS FIFO: default 10, at most 10 records/);
  const kinesis = mustHover(`${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Clicks:
          Type: Kinesis
          Properties:
            Stream: arn:aws:kinesis:us-east-1:123456789012:stream/s
            StartingPosition: LATEST
            ParallelizationFactor: |4
`);
  assert.match(kinesis.markdown, /\*\*ParallelizationFactor\*\*/);
  assert.match(kinesis.markdown, /1–10/);
});

test('AWS::Lambda::EventSourceMapping properties, with the source read from the model', () => {
  const h = mustHover(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Fn
      EventSourceArn: arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x
      Batch|Size: 100
      ScalingConfig:
        MaximumConcurrency: 5
`);
  assert.match(h.markdown, /DynamoDB: default 100, at most 10,000 records/);
  const scaling = mustHover(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      ScalingConfig:
        Maximum|Concurrency: 5
`);
  assert.match(scaling.markdown, /2–1,000/);
  const window = mustHover(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      MaximumBatchingWindow|InSeconds: 5
`);
  assert.match(window.markdown, /0–300 seconds/);
});

test('SQS VisibilityTimeout: default, recommendation, and what it means for the functions reading the queue', () => {
  const h = mustHover(`${SAM}Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      Visibility|Timeout: 60
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 30
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Q.Arn
`);
  assert.match(h.markdown, /default 30 seconds/);
  assert.match(h.markdown, /6× the function timeout/);
  assert.match(
    h.markdown,
    /Fn reads this queue with a timeout of 30 s: at least 30 s, recommended 180 s or more — below the recommendation\./,
  );
});

test('provisioned concurrency on an alias or version', () => {
  const h = mustHover(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Live:
    Type: AWS::Lambda::Alias
    Properties:
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrent|Executions: 5
`);
  assert.match(h.markdown, /\*\*ProvisionedConcurrencyConfig\.ProvisionedConcurrentExecutions\*\*/);
  assert.match(h.markdown, /reserved concurrency/);
});

test('JSON templates hover the same way', () => {
  const h = mustHover(
    `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Fn": {
      "Type": "AWS::Lambda::Function",
      "Properties": { "Reserved|ConcurrentExecutions": 5 }
    }
  }
}`,
    'file:///t/template.json',
  );
  assert.match(h.markdown, /throttled/);
  assert.equal(h.covered, '"ReservedConcurrentExecutions"');
});

test('no hover outside Lambda properties', () => {
  assert.equal(
    hoverAt(`${SAM}Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Bucket|Name: b
`),
    undefined,
  );
  assert.equal(
    hoverAt(`${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      NotAProp|erty: 1
`),
    undefined,
  );
  assert.equal(
    hoverAt(`Descrip|tion: nothing here
Resources: {}
`),
    undefined,
  );
  // Inside a list item or a multi-line value the cursor is on something else.
  assert.equal(
    hoverAt(`${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Layers:
        - arn:aws:lambda:us-east-1:123456789012:layer:a|:1
      Policies:
        - Statement:
            - Effect: Al|low
`),
    undefined,
  );
  assert.equal(
    hoverAt(`${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: >-
        exports.handler =
        async () => 'hel|lo';
`),
    undefined,
  );
  assert.ok(
    hoverAt(`${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Inline|Code: >-
        exports.handler =
        async () => 'hello';
`),
  );
});
