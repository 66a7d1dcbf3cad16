// SQS worker: charges each queued order. Two things Lambda Lens points out here:
// a counter kept at module scope (LL3002) and a callback-style handler (LL3005).
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, GetCommand, UpdateCommand } = require('@aws-sdk/lib-dynamodb');

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
let chargedTotal = 0;

async function charge(order) {
  const amount = order.items.reduce((sum, i) => sum + i.price * i.quantity, 0);
  await db.send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: { id: order.id },
      UpdateExpression: 'SET #s = :charged, amount = :amount',
      ConditionExpression: '#s = :new',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':charged': 'CHARGED', ':new': 'NEW', ':amount': amount },
    }),
  );
  return amount;
}

exports.handler = function (event, context, callback) {
  const work = event.Records.map(async (record) => {
    const { id } = JSON.parse(record.body);
    const { Item } = await db.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { id } }));
    if (Item) chargedTotal += await charge(Item);
  });
  Promise.all(work).then(
    () => callback(null, { charged: event.Records.length, chargedTotal }),
    (err) => callback(err),
  );
};
