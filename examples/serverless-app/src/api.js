const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand } = require('@aws-sdk/lib-dynamodb');
const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');

// Created once per execution environment and reused by warm invocations.
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const sqs = new SQSClient({});

exports.createOrder = async (event) => {
  const order = JSON.parse(event.body ?? '{}');
  await db.send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: order, ConditionExpression: 'attribute_not_exists(id)' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: JSON.stringify(order) }));
  return { statusCode: 201, body: JSON.stringify({ id: order.id }) };
};
