// SQS worker: charges each queued order. Three things Lambda Lens points out here:
// a counter kept at module scope (LL3002), a callback-style handler (LL3005), and a
// receipt email that is sent again whenever SQS redelivers the batch (LL2101). The
// charge itself is safe to retry: its update only applies to an order still NEW.
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, GetCommand, UpdateCommand } = require('@aws-sdk/lib-dynamodb');
const { SESClient, SendEmailCommand } = require('@aws-sdk/client-ses');

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const ses = new SESClient({});
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

async function sendReceipt(order, amount) {
  await ses.send(
    new SendEmailCommand({
      Source: process.env.RECEIPTS_FROM,
      Destination: { ToAddresses: [order.email] },
      Message: { Subject: { Data: `Your order ${order.id}` }, Body: { Text: { Data: `We charged ${amount}.` } } },
    }),
  );
}

exports.handler = function (event, context, callback) {
  const work = event.Records.map(async (record) => {
    const { id } = JSON.parse(record.body);
    const { Item } = await db.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { id } }));
    if (!Item) return;
    const amount = await charge(Item);
    chargedTotal += amount;
    await sendReceipt(Item, amount);
  });
  Promise.all(work).then(
    () => callback(null, { charged: event.Records.length, chargedTotal }),
    (err) => callback(err),
  );
};
