const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, UpdateCommand } = require('@aws-sdk/lib-dynamodb');

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

// Marks the order whose receipt was uploaded (receipts/<order id>.pdf).
exports.handler = async (event) => {
  for (const record of event.Records) {
    const id = decodeURIComponent(record.s3.object.key).replace(/^receipts\//, '').replace(/\.pdf$/, '');
    await db.send(new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: { id },
      UpdateExpression: 'SET receipt = :k',
      ExpressionAttributeValues: { ':k': record.s3.object.key },
    }));
  }
};
