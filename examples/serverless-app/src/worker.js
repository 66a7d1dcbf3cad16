const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, UpdateCommand } = require('@aws-sdk/lib-dynamodb');

exports.handler = async (event) => {
  // Finding LL3001: a client per invocation; create it once, outside the handler.
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  for (const record of event.Records) {
    const order = JSON.parse(record.body);
    await db.send(new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: { id: order.id },
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'processed' },
    }));
  }
};
