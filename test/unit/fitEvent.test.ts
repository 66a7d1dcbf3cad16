import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templateFunctions } from '../../client/src/panel/engine';
import { fitSample } from '../../client/src/panel/fitEvent';
import { trafficFor } from '../../client/src/panel/traffic';
import { resolveScenario, SAMPLE_EVENTS } from '../../server/src/simulator/index';

const root = join(__dirname, '..', '..');
const samApp = join(root, 'examples', 'sam-app', 'template.yaml');

type Json = Record<string, unknown>;

function functionsOf(path: string): ReturnType<typeof templateFunctions> {
  return templateFunctions(`file://${path}`, readFileSync(path, 'utf8'));
}

describe('Simulate Function: events fitted to the function', () => {
  test('the template reader gives each trigger its route, method and queue', () => {
    const fns = functionsOf(samApp);
    const quote = fns.find((f) => f.logicalId === 'QuoteFunction')!;
    assert.deepEqual(quote.events, [{ type: 'HttpApi', name: 'GetQuote', path: '/quotes/{sku}', method: 'get' }]);
    const charge = fns.find((f) => f.logicalId === 'ChargeOrderFunction')!;
    assert.deepEqual(charge.events, [{ type: 'SQS', name: 'Orders', source: 'OrdersQueue' }]);
  });

  test('an HTTP API function routed at GET /quotes/{sku} gets GET /quotes/sku-1 with its path parameter and no body', () => {
    const fitted = fitSample(
      { type: 'HttpApi', name: 'GetQuote', path: '/quotes/{sku}', method: 'get' },
      SAMPLE_EVENTS,
    )!;
    assert.equal(fitted.label, 'GET /quotes/{sku}');
    const e = fitted.event as Json;
    assert.equal(e['routeKey'], 'GET /quotes/{sku}');
    assert.equal(e['rawPath'], '/quotes/sku-1');
    assert.deepEqual(e['pathParameters'], { sku: 'sku-1' });
    assert.equal('body' in e, false);
    const http = (e['requestContext'] as Json)['http'] as Json;
    assert.equal(http['method'], 'GET');
    assert.equal(http['path'], '/quotes/sku-1');
    // The sample itself is left as it was.
    assert.equal((SAMPLE_EVENTS['apigateway-http'] as Json)['routeKey'], 'POST /orders');
  });

  test('a REST API event gets its resource, method, greedy path parameter and stage path', () => {
    const e = fitSample({ type: 'Api', name: 'Files', path: '/files/{key+}', method: 'delete' }, SAMPLE_EVENTS)!
      .event as Json;
    assert.equal(e['resource'], '/files/{key+}');
    assert.equal(e['httpMethod'], 'DELETE');
    assert.equal(e['path'], '/files/key/example');
    assert.deepEqual(e['pathParameters'], { key: 'key/example' });
    assert.equal(e['body'], null);
    const ctx = e['requestContext'] as Json;
    assert.equal(ctx['resourcePath'], '/files/{key+}');
    assert.equal(ctx['path'], '/prod/files/key/example');
  });

  test('a POST keeps the sample body; ANY is sent as GET', () => {
    const post = fitSample({ type: 'HttpApi', name: 'Create', path: '/orders', method: 'post' }, SAMPLE_EVENTS)!
      .event as Json;
    assert.equal(typeof post['body'], 'string');
    assert.equal(
      fitSample({ type: 'HttpApi', name: 'All', path: '/{proxy+}', method: 'any' }, SAMPLE_EVENTS)!.label,
      'GET /{proxy+}',
    );
  });

  test('queue, bucket and topic go into every record, as a name or an ARN as written', () => {
    const sqs = fitSample({ type: 'SQS', name: 'Orders', source: 'OrdersQueue' }, SAMPLE_EVENTS)!;
    assert.equal(sqs.label, 'queue OrdersQueue');
    for (const r of (sqs.event as { Records: Json[] }).Records)
      assert.equal(r['eventSourceARN'], 'arn:aws:sqs:us-east-1:123456789012:OrdersQueue');
    const s3 = fitSample({ type: 'S3', name: 'Upload', source: 'uploads-bucket' }, SAMPLE_EVENTS)!;
    const bucket = ((s3.event as { Records: Json[] }).Records[0]!['s3'] as Json)['bucket'] as Json;
    assert.deepEqual([bucket['name'], bucket['arn']], ['uploads-bucket', 'arn:aws:s3:::uploads-bucket']);
    const arn = 'arn:aws:sns:eu-west-1:111122223333:alerts';
    const sns = (fitSample({ type: 'SNS', name: 'Alerts', source: arn }, SAMPLE_EVENTS)!.event as { Records: Json[] })
      .Records[0]!;
    assert.equal((sns['Sns'] as Json)['TopicArn'], arn);
    assert.match(String(sns['EventSubscriptionArn']), /^arn:aws:sns:eu-west-1:111122223333:alerts:/);
  });

  test('a trigger without a sample gives nothing; one with nothing to fit gives the sample as it is', () => {
    assert.equal(fitSample({ type: 'MSK', name: 'Stream' }, SAMPLE_EVENTS), null);
    const schedule = fitSample({ type: 'Schedule', name: 'Nightly' }, SAMPLE_EVENTS)!;
    assert.deepEqual(schedule.event, SAMPLE_EVENTS['schedule']);
    assert.equal(schedule.label, 'Schedule Nightly');
  });

  test('a fitted event runs as a scenario event', () => {
    const fitted = fitSample(
      { type: 'HttpApi', name: 'GetQuote', path: '/quotes/{sku}', method: 'get' },
      SAMPLE_EVENTS,
    )!;
    const { config } = resolveScenario(
      { template: samApp, function: 'QuoteFunction', traffic: trafficFor({ kind: 'single' }, { event: fitted.event }) },
      join(root, 'x.scenario.json'),
    );
    const entry = config.traffic[0]!;
    assert.ok(entry.kind === 'sync');
    assert.equal((entry.event as Json)['rawPath'], '/quotes/sku-1');
  });
});

describe('Simulate Function: stream and EventBridge events fitted to the function', () => {
  const template = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties:
      Name: clicks-stream
      ShardCount: 1
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      StreamSpecification: { StreamViewType: NEW_IMAGE }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs22.x
      Events:
        Read:
          Type: Kinesis
          Properties: { Stream: !GetAtt Clicks.Arn, StartingPosition: LATEST }
        Changes:
          Type: DynamoDB
          Properties: { Stream: !GetAtt Orders.StreamArn, StartingPosition: LATEST }
        Placed:
          Type: EventBridgeRule
          Properties:
            Pattern:
              source: [com.shop.orders]
              detail-type: [OrderPlaced, OrderCancelled]
        Anything:
          Type: EventBridgeRule
          Properties:
            Pattern: { detail: { total: [{ numeric: ['>', 0] }] } }
`;
  const fn = templateFunctions('file:///w/template.yaml', template)[0]!;

  test('the template reader names the stream, the table of a DynamoDB stream and the pattern', () => {
    assert.deepEqual(fn.events, [
      { type: 'Kinesis', name: 'Read', source: 'clicks-stream' },
      { type: 'DynamoDB', name: 'Changes', source: 'Orders' },
      { type: 'EventBridgeRule', name: 'Placed', eventSource: 'com.shop.orders', detailType: 'OrderPlaced' },
      { type: 'EventBridgeRule', name: 'Anything' },
    ]);
  });

  test('a Kinesis record comes from the stream, a DynamoDB record from the table’s stream', () => {
    const kinesis = fitSample(fn.events[0]!, SAMPLE_EVENTS)!;
    assert.equal(kinesis.label, 'stream clicks-stream');
    const [k] = (kinesis.event as { Records: Json[] }).Records;
    assert.equal(k!['eventSourceARN'], 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks-stream');
    const ddb = fitSample(fn.events[1]!, SAMPLE_EVENTS)!;
    assert.equal(ddb.label, 'table Orders');
    for (const r of (ddb.event as { Records: Json[] }).Records)
      assert.match(
        String(r['eventSourceARN']),
        /^arn:aws:dynamodb:[a-z0-9-]+:123456789012:table\/Orders\/stream\/\S+$/,
      );
  });

  test('an ARN as written keeps its name, colons in a stream label included', () => {
    const arn = 'arn:aws:dynamodb:eu-west-1:111122223333:table/Carts/stream/2025-02-03T04:05:06.789';
    const fitted = fitSample({ type: 'DynamoDB', name: 'S', source: arn }, SAMPLE_EVENTS)!;
    assert.equal(fitted.label, 'table Carts');
    assert.equal((fitted.event as { Records: Json[] }).Records[0]!['eventSourceARN'], arn);
  });

  test('an EventBridge event carries the source and detail-type its rule matches; a pattern without them leaves the sample', () => {
    const placed = fitSample(fn.events[2]!, SAMPLE_EVENTS)!;
    assert.equal(placed.label, 'com.shop.orders · OrderPlaced');
    assert.equal((placed.event as Json)['source'], 'com.shop.orders');
    assert.equal((placed.event as Json)['detail-type'], 'OrderPlaced');
    const anything = fitSample(fn.events[3]!, SAMPLE_EVENTS)!;
    assert.deepEqual(anything.event, SAMPLE_EVENTS['eventbridge']);
    assert.equal(anything.label, 'EventBridgeRule Anything');
  });
});
