/**
 * The local AWS endpoint answered by the real AWS SDK for JavaScript v3 clients, in process:
 * the template's resources with their semantics (DynamoDB expressions by dynalite, SQS, SNS
 * fan-out, EventBridge rules, S3 notifications, Lambda Invoke, SSM, Secrets Manager), AWS-shaped
 * errors for bad input, and every call recorded. The host (the simulator around the endpoint) is
 * a recorder of what the endpoint hands it; run.test.ts covers the real one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ResourceNotFoundException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  BatchWriteCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  DeleteMessageCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { readTemplate } from '../../../server/src/service/templates/template';
import { AwsEmulator, type QueueMessage } from '../../../server/src/simulator/aws/emulator';
import { ScenarioGate } from '../../../server/src/simulator/aws/faults';
import { readResources, type Resources } from '../../../server/src/simulator/aws/resources';
import type { CallContext } from '../../../server/src/simulator/aws/types';

const templateFile = join(__dirname, '../../fixtures/aws/app/template.yaml');
let em: AwsEmulator;
let res: Resources;
const queued: { queue: string; messages: QueueMessage[] }[] = [];
const asyncInvokes: { fn: string; event: unknown; source: string }[] = [];
const streamed: { table: string; eventName: string }[] = [];
let caller: CallContext | undefined;

function clients(): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
} {
  return {
    endpoint: em.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'ASIALLENVTEST', secretAccessKey: 'x' },
    maxAttempts: 1,
  };
}

before(async () => {
  const root = readTemplate('file:///template.yaml', readFileSync(templateFile, 'utf8')).root;
  res = readResources(root, { region: 'us-east-1', accountId: '123456789012', endpoint: '' });
  em = new AwsEmulator(res, {
    now: () => performance.now(),
    caller: () => caller,
    // OrdersQueue is read by WorkerFunction: the host takes its messages; AuditQueue keeps its own.
    deliverToQueue: (q, messages) => {
      if (q.logicalId !== 'OrdersQueue') return false;
      queued.push({ queue: q.logicalId, messages });
      return true;
    },
    invokeAsync: (fn, event, source) => asyncInvokes.push({ fn: fn.logicalId, event, source }),
    invokeSync: async (fn, payload) =>
      fn.logicalId === 'ApiFunction'
        ? { payload: { echoed: payload }, functionError: null }
        : { payload: { errorType: 'Error', errorMessage: 'boom' }, functionError: 'Unhandled' },
    streamChange: (table, change) => streamed.push({ table: table.logicalId, eventName: change.eventName }),
  });
  em.addGate(
    new ScenarioGate(
      [{ service: 'ssm', operation: 'GetParameter', resource: '/shop/flaky', fail: 'throttle', calls: [1] }],
      1,
      (req) => [em.resourceName(req) ?? ''],
    ),
  );
  await em.start({
    dynamodb: { CountersTable: [{ id: 'seeded', n: 41 }] },
    s3: { ReceiptsBucket: { 'hello.txt': 'hi' } },
    ssm: { '/shop/flaky': 'v' },
  });
});

after(async () => {
  await em.close();
});

test('DynamoDB: items, ADD, conditions, queries on an index, batch and transactions, as DynamoDB evaluates them', async () => {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(clients()));
  const table = res.tables.get('OrdersTable')?.name as string;
  await db.send(new PutCommand({ TableName: table, Item: { pk: 'o#1', sk: 'v1', customer: 'c1', amount: 10 } }));
  await db.send(new PutCommand({ TableName: table, Item: { pk: 'o#2', sk: 'v1', customer: 'c1', amount: 20 } }));
  await db.send(
    new UpdateCommand({
      TableName: table,
      Key: { pk: 'o#1', sk: 'v1' },
      UpdateExpression: 'ADD amount :n SET #s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':n': 5, ':s': 'PAID' },
    }),
  );
  const got = await db.send(new GetCommand({ TableName: table, Key: { pk: 'o#1', sk: 'v1' } }));
  assert.deepEqual(got.Item, { pk: 'o#1', sk: 'v1', customer: 'c1', amount: 15, status: 'PAID' });
  await assert.rejects(
    db.send(
      new PutCommand({
        TableName: table,
        Item: { pk: 'o#1', sk: 'v1' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
    (e) => e instanceof ConditionalCheckFailedException,
  );
  const q = await db.send(
    new QueryCommand({
      TableName: table,
      IndexName: 'byCustomer',
      KeyConditionExpression: 'customer = :c',
      FilterExpression: 'amount > :t',
      ExpressionAttributeValues: { ':c': 'c1', ':t': 16 },
    }),
  );
  assert.deepEqual(
    q.Items?.map((i) => i['pk']),
    ['o#2'],
  );
  await db.send(
    new BatchWriteCommand({
      RequestItems: {
        [table]: [
          { PutRequest: { Item: { pk: 'o#3', sk: 'v1' } } },
          { DeleteRequest: { Key: { pk: 'o#2', sk: 'v1' } } },
        ],
      },
    }),
  );
  // A cancelled transaction leaves nothing behind: the first Put is undone when the check fails.
  await assert.rejects(
    db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: 'o#9', sk: 'v1' } } },
          {
            ConditionCheck: {
              TableName: table,
              Key: { pk: 'o#1', sk: 'v1' },
              ConditionExpression: '#s = :x',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':x': 'NEW' },
            },
          },
        ],
      }),
    ),
    (e) => e instanceof TransactionCanceledException && e.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed',
  );
  const scan = await db.send(new ScanCommand({ TableName: table }));
  assert.deepEqual(scan.Items?.map((i) => i['pk']).sort(), ['o#1', 'o#3']);
  await db.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table, Item: { pk: 'o#4', sk: 'v1' } } },
        {
          Update: {
            TableName: table,
            Key: { pk: 'o#1', sk: 'v1' },
            UpdateExpression: 'SET n = :one',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    }),
  );
  assert.equal((await db.send(new GetCommand({ TableName: table, Key: { pk: 'o#4', sk: 'v1' } }))).Item?.['pk'], 'o#4');
  // The seed data is there; a SimpleTable has its `id` key.
  const seeded = await db.send(
    new GetCommand({ TableName: res.tables.get('CountersTable')?.name, Key: { id: 'seeded' } }),
  );
  assert.equal(seeded.Item?.['n'], 41);
  // Writes to a table with a stream reach the stream: inserts, a modify, a remove.
  const names = streamed.filter((s) => s.table === 'OrdersTable').map((s) => s.eventName);
  assert.ok(names.includes('INSERT') && names.includes('MODIFY') && names.includes('REMOVE'), names.join(','));
});

test('DynamoDB: an unknown table is ResourceNotFoundException and a malformed request a ValidationException, both recorded', async () => {
  const db = new DynamoDBClient(clients());
  await assert.rejects(
    db.send(
      new (await import('@aws-sdk/client-dynamodb')).GetItemCommand({
        TableName: 'NoSuchTable',
        Key: { id: { S: 'x' } },
      }),
    ),
    (e) => e instanceof ResourceNotFoundException,
  );
  await assert.rejects(
    db.send(
      new (await import('@aws-sdk/client-dynamodb')).GetItemCommand({
        TableName: res.tables.get('OrdersTable')?.name,
        Key: {},
      }),
    ),
    (e) => (e as Error).name === 'ValidationException',
  );
  const last = em.recorder.calls.slice(-2);
  assert.deepEqual(
    last.map((c) => [c.operation, c.outcome, c.errorCode]),
    [
      ['GetItem', 'error', 'ResourceNotFoundException'],
      ['GetItem', 'error', 'ValidationException'],
    ],
  );
});

test('SQS: a queue a function reads hands its messages to the simulator; another keeps them for ReceiveMessage', async () => {
  const sqs = new SQSClient(clients());
  const orders = res.queues.get('OrdersQueue')?.url as string;
  const sent = await sqs.send(
    new SendMessageCommand({
      QueueUrl: orders,
      MessageBody: '{"id":1}',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } },
    }),
  );
  assert.ok(sent.MessageId);
  assert.equal(queued.at(-1)?.messages[0]?.body, '{"id":1}');
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: orders,
      Entries: [
        { Id: 'a', MessageBody: 'x' },
        { Id: 'b', MessageBody: 'y' },
      ],
    }),
  );
  assert.equal(queued.at(-1)?.messages.length, 2);
  await assert.rejects(
    sqs.send(new SendMessageCommand({ QueueUrl: `${orders}-nope`, MessageBody: 'x' })),
    (e) => e instanceof QueueDoesNotExist,
  );
  const audit = res.queues.get('AuditQueue')?.url as string;
  await sqs.send(new SendMessageCommand({ QueueUrl: audit, MessageBody: 'same', MessageGroupId: 'g' }));
  // Content-based deduplication: the same body within 5 minutes is accepted and not queued again.
  await sqs.send(new SendMessageCommand({ QueueUrl: audit, MessageBody: 'same', MessageGroupId: 'g' }));
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: audit, MaxNumberOfMessages: 10 }));
  assert.deepEqual(
    got.Messages?.map((m) => m.Body),
    ['same'],
  );
  await sqs.send(new DeleteMessageCommand({ QueueUrl: audit, ReceiptHandle: got.Messages?.[0]?.ReceiptHandle }));
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: audit }))).Messages, undefined);
});

test('SNS fans out to its subscriptions, EventBridge rules match by pattern, S3 notifies by event and key suffix', async () => {
  asyncInvokes.length = 0;
  const sns = new SNSClient(clients());
  await sns.send(
    new PublishCommand({ TopicArn: res.topics.get('OrderEvents')?.arn, Message: 'shipped', Subject: 's' }),
  );
  const sqs = new SQSClient(clients());
  const audit = await sqs.send(new ReceiveMessageCommand({ QueueUrl: res.queues.get('AuditQueue')?.url }));
  assert.equal((JSON.parse(audit.Messages?.[0]?.Body ?? '{}') as { Message?: string }).Message, 'shipped');
  const snsInvoke = asyncInvokes.find((i) => i.source === 'sns');
  assert.equal(snsInvoke?.fn, 'NotifyFunction');
  assert.equal((snsInvoke?.event as { Records: { Sns: { Message: string } }[] }).Records[0]?.Sns.Message, 'shipped');

  const events = new EventBridgeClient(clients());
  const out = await events.send(
    new PutEventsCommand({
      Entries: [
        { Source: 'shop.orders', DetailType: 'OrderShipped', Detail: JSON.stringify({ total: 150 }) },
        { Source: 'shop.orders', DetailType: 'OrderShipped', Detail: JSON.stringify({ total: 50 }) },
      ],
    }),
  );
  assert.equal(out.FailedEntryCount, 0);
  const matched = asyncInvokes.filter((i) => i.source === 'eventbridge');
  assert.equal(matched.length, 1);
  assert.equal((matched[0]?.event as { detail: { total: number } }).detail.total, 150);

  const s3 = new S3Client({ ...clients(), forcePathStyle: true });
  const bucket = res.buckets.get('ReceiptsBucket')?.name as string;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'r/1.pdf', Body: 'PDF' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'r/1.txt', Body: 'text' }));
  const s3Invokes = asyncInvokes.filter((i) => i.source === 's3');
  assert.equal(s3Invokes.length, 1);
  const record = (
    s3Invokes[0]?.event as { Records: { eventName: string; s3: { object: { key: string; size: number } } }[] }
  ).Records[0];
  assert.deepEqual(
    [record?.eventName, record?.s3.object.key, record?.s3.object.size],
    ['ObjectCreated:Put', 'r/1.pdf', 3],
  );
  assert.equal(
    await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'r/1.pdf' }))).Body?.transformToString(),
    'PDF',
  );
  assert.equal(
    await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }))).Body?.transformToString(),
    'hi',
  );
  const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'r/' }));
  assert.deepEqual(
    list.Contents?.map((c) => c.Key),
    ['r/1.pdf', 'r/1.txt'],
  );
  await assert.rejects(
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })),
    (e) => e instanceof NoSuchKey,
  );
});

test('Lambda Invoke runs a template function; SSM, Secrets Manager and the scenario failure gate; anything else gets a plausible success', async () => {
  const lambda = new LambdaClient(clients());
  const ok = await lambda.send(
    new InvokeCommand({ FunctionName: res.functions.get('ApiFunction')?.name, Payload: Buffer.from('{"a":1}') }),
  );
  assert.deepEqual(JSON.parse(Buffer.from(ok.Payload ?? []).toString()), { echoed: { a: 1 } });
  const failed = await lambda.send(new InvokeCommand({ FunctionName: 'WorkerFunction', Payload: Buffer.from('{}') }));
  assert.equal(failed.FunctionError, 'Unhandled');
  await assert.rejects(
    lambda.send(new InvokeCommand({ FunctionName: 'NotInTheTemplate' })),
    (e) => (e as Error).name === 'ResourceNotFoundException' && /NotInTheTemplate/.test((e as Error).message),
  );
  const queuedBefore = asyncInvokes.length;
  const ev = await lambda.send(
    new InvokeCommand({ FunctionName: 'NotifyFunction', InvocationType: 'Event', Payload: Buffer.from('{}') }),
  );
  assert.equal(ev.StatusCode, 202);
  assert.equal(asyncInvokes.length, queuedBefore + 1);

  const ssm = new SSMClient(clients());
  assert.equal((await ssm.send(new GetParameterCommand({ Name: '/shop/api-key' }))).Parameter?.Value, 'key-123');
  await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/nope' })), (e) => e instanceof ParameterNotFound);
  // The scenario's rule: the first GetParameter of /shop/flaky is throttled, the next one answers.
  await assert.rejects(
    ssm.send(new GetParameterCommand({ Name: '/shop/flaky' })),
    (e) => (e as Error).name === 'ThrottlingException',
  );
  assert.equal((await ssm.send(new GetParameterCommand({ Name: '/shop/flaky' }))).Parameter?.Value, 'v');
  const secrets = new SecretsManagerClient(clients());
  assert.equal(
    (await secrets.send(new GetSecretValueCommand({ SecretId: 'shop/db' }))).SecretString,
    '{"user":"shop","password":"pw"}',
  );

  const ses = new SESv2Client(clients());
  const mail = await ses.send(
    new SendEmailCommand({
      FromEmailAddress: 'a@example.com',
      Destination: { ToAddresses: ['b@example.com'] },
      Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
    }),
  );
  assert.ok(mail.MessageId);
  const call = em.recorder.calls.at(-1);
  assert.equal(call?.service, 'ses');
  assert.match(call?.summary ?? '', /plausible success/);
});

test('calls are attributed to the request that made them, and a retry that repeats a non-idempotent write is a duplicate', async () => {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(clients()));
  const sqs = new SQSClient(clients());
  const counters = res.tables.get('CountersTable')?.name as string;
  const orders = res.queues.get('OrdersQueue')?.url as string;
  const attempt = async (n: number): Promise<void> => {
    caller = { function: 'WorkerFunction', env: 'env-1', requestId: 'req-1', attempt: n, inputs: ['in-7'] };
    await db.send(
      new UpdateCommand({
        TableName: counters,
        Key: { id: 'hits' },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    await db.send(new PutCommand({ TableName: counters, Item: { id: 'fixed', v: 1 } }));
    await sqs.send(new SendMessageCommand({ QueueUrl: orders, MessageBody: 'again' }));
    await db
      .send(
        new PutCommand({ TableName: counters, Item: { id: 'once' }, ConditionExpression: 'attribute_not_exists(id)' }),
      )
      .catch(() => undefined);
  };
  await attempt(1);
  await attempt(2);
  caller = undefined;
  const first = em.callsOf('req-1', 1);
  const second = em.callsOf('req-1', 2);
  assert.equal(first.length, 4);
  assert.deepEqual(
    first.map((c) => c.duplicateOf),
    [null, null, null, null],
  );
  // ADD again and a second message are duplicates; the same item under the same key is not, nor is the failed condition.
  assert.deepEqual(
    second.map((c) => [c.operation, c.outcome, c.duplicateOf]),
    [
      ['UpdateItem', 'ok', first[0]?.id],
      ['PutItem', 'ok', null],
      ['SendMessage', 'ok', first[2]?.id],
      ['PutItem', 'error', null],
    ],
  );
  assert.equal(second[0]?.function, 'WorkerFunction');
  assert.match(second[0]?.summary ?? '', /UpdateItem .* id=hits: ADD n :one/);
});
