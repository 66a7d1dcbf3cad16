// POST /orders: validates the order, stores it and queues it for charging.
// Lambda Lens points out one thing here: the DynamoDB client is built per request (LL3001).
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';

// Created once per execution environment, during INIT, and reused by warm invocations.
const sqs = new SQSClient({});
const TABLE_NAME = process.env.TABLE_NAME;
const QUEUE_URL = process.env.QUEUE_URL;

function badRequest(message) {
  return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) };
}

export const handler = async (event) => {
  let order;
  try {
    order = JSON.parse(event.body ?? '{}');
  } catch {
    return badRequest('The body is not JSON.');
  }
  if (!Array.isArray(order.items) || order.items.length === 0) return badRequest('An order needs items.');

  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const id = randomUUID();
  const item = { id, customerId: order.customerId, items: order.items, status: 'NEW', createdAt: new Date().toISOString() };
  await db.send(new PutCommand({ TableName: TABLE_NAME, Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ id }) }));

  return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) };
};
