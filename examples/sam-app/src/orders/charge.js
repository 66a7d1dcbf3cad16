// SQS worker: charges each queued order. Things Lambda Lens points out here: a counter kept
// at module scope (LL3002), a callback-style handler (LL3005), a payment recorded under a new
// random id (LL2102) and a receipt email (LL2101), both repeated when SQS redelivers a batch.
// The order update only applies to an order still NEW, but the payment comes before it: a batch
// that fails for another order charges this one again (payment-fails-once.scenario.json).
const { randomUUID } = require('node:crypto');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } = require('@aws-sdk/lib-dynamodb');
const { SESClient, SendEmailCommand } = require('@aws-sdk/client-ses');

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const ses = new SESClient({});
let chargedTotal = 0;

async function charge(order) {
  const amount = order.items.reduce((sum, i) => sum + i.price * i.quantity, 0);
  // The payment provider's ledger: one charge per call, under a new payment id.
  await db.send(new PutCommand({ TableName: process.env.PAYMENTS_TABLE, Item: { paymentId: randomUUID(), orderId: order.id, amount } }));
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
