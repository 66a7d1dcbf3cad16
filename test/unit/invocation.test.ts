/**
 * The invocation story told from the template (describeInvocation) and on the hover of a
 * SAM `Events` entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';
import { readTemplate } from '../../server/src/service/templates/template';
import { describeInvocation } from '../../server/src/service/model/invocation';

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersDLQ:
    Type: AWS::SQS::Queue
  OrdersQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt OrdersDLQ.Arn
        maxReceiveCount: 3
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
  Failures:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      CodeUri: src/
      Timeout: 10
      EventInvokeConfig:
        MaximumRetryAttempts: 1
        DestinationConfig:
          OnFailure:
            Type: SQS
            Destination: !GetAtt Failures.Arn
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt OrdersQueue.Arn
        Records:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Stream.Arn
            StartingPosition: LATEST
            BatchSize: 50
            BisectBatchOnFunctionError: true
            MaximumRetryAttempts: 4
        Nightly:
          Type: Schedule
          Properties:
            Schedule: rate(1 day)
        Get:
          Type: Api
          Properties:
            Path: /orders
            Method: get
`;

function story(event: string): string {
  const fn = readTemplate('file:///t.yaml', TEMPLATE).functions[0];
  const trigger = fn?.triggers.find((t) => t.name === event);
  assert.ok(fn && trigger);
  return describeInvocation(fn, trigger);
}

test('SQS: batches, visibility, redrive DLQ and receives', () => {
  assert.equal(
    story('Orders'),
    'Invoked by SQS (OrdersQueue), batches of 10, whole batch retried after 60 s visibility; failures to OrdersDLQ after 3 receives.',
  );
});

test('Kinesis: order, retry limit, bisect and what happens after', () => {
  assert.equal(
    story('Records'),
    'Invoked by Kinesis (Records), batches of 50, in order per shard; a failed batch is retried up to 4 times while the shard waits, split in two on each error; then it is skipped with no record kept (no OnFailure destination).',
  );
});

test('async: retries from EventInvokeConfig and the OnFailure destination', () => {
  assert.equal(
    story('Nightly'),
    'Invoked asynchronously by EventBridge schedule (Nightly): a failed invocation is retried once (≈1 min later), and an event may arrive twice even without an error; failures to Failures.',
  );
});

test('sync: the caller gets the error, with the API limit', () => {
  assert.equal(
    story('Get'),
    'Invoked synchronously by API Gateway REST API (Get) GET /orders: the caller gets any error and Lambda does not retry; the API gives up after 29 s.',
  );
});

test('the hover on an Events entry tells the same story', () => {
  const service = new LanguageService();
  const offset = TEMPLATE.indexOf('Orders:\n          Type: SQS');
  const hover = service.hover({ uri: 'file:///t.yaml', text: TEMPLATE }, offset + 1);
  assert.match(
    hover?.markdown ?? '',
    /\*\*Worker:\*\* Invoked by SQS \(OrdersQueue\), batches of 10, whole batch retried after 60 s visibility; failures to OrdersDLQ after 3 receives\./,
  );
});

test('the hover on a handler export tells the story of each trigger of its function', () => {
  const file = resolve(__dirname, '../fixtures/rules/LL2101/sqs-sdk-v3/src/handler.mjs');
  const text = readFileSync(file, 'utf8');
  const service = new LanguageService({ fs: nodeFileSystem() });
  const hover = service.hover({ uri: URI.file(file).toString(), text }, text.indexOf('handler =') + 1);
  assert.match(
    hover?.markdown ?? '',
    /Invoked by SQS \(OrdersQueue\), batches of 10, messages reported in batchItemFailures retried after 60 s visibility; no redrive policy: a failing message comes back until it expires\./,
  );
});

test('the code lens above a handler says how each trigger retries', () => {
  const file = resolve(__dirname, '../fixtures/rules/LL2101/sqs-sdk-v3/src/handler.mjs');
  const text = readFileSync(file, 'utf8');
  const service = new LanguageService({ fs: nodeFileSystem() });
  const lenses = service.codeLenses({ uri: URI.file(file).toString(), text });
  assert.deepEqual(
    lenses.map((l) => l.title),
    ['Worker · 128 MB · 10 s · SQS batch 10 (failed messages retried after 60 s)'],
  );
});

test('the hover on the logical id of an event source mapping tells the story of the function it invokes', () => {
  const text = readFileSync(resolve(__dirname, '../fixtures/rules/LL2003/bad.yaml'), 'utf8');
  const service = new LanguageService();
  const hover = service.hover({ uri: 'file:///t.yaml', text }, text.indexOf('ChangesMapping:') + 2);
  assert.match(
    hover?.markdown ?? '',
    /\*\*Changes:\*\* Invoked by DynamoDB Streams \(ChangesMapping\), batches of 100, in order per shard; a failed batch is retried until its records are 3600 s old while the shard waits; then it is skipped with no record kept \(no OnFailure destination\)\./,
  );
});
