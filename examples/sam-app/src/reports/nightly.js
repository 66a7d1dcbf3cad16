// Nightly report: scans yesterday's orders and uploads a CSV to S3.
// Lambda Lens points out a per-run file left in /tmp (LL3006) and a process.exit (LL3004).
const fs = require('node:fs');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, ScanCommand } = require('@aws-sdk/lib-dynamodb');
const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const s3 = new S3Client({});

async function* orders() {
  let ExclusiveStartKey;
  do {
    const page = await db.send(new ScanCommand({ TableName: process.env.TABLE_NAME, ExclusiveStartKey }));
    yield* page.Items ?? [];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

exports.handler = async (event) => {
  if (!process.env.REPORT_BUCKET) {
    console.error('REPORT_BUCKET is not set');
    process.exit(1);
  }
  const day = (event.time ?? new Date().toISOString()).slice(0, 10);
  const file = `/tmp/orders-${day}.csv`;
  fs.writeFileSync(file, 'id,status,amount\n');
  for await (const o of orders()) fs.appendFileSync(file, `${o.id},${o.status},${o.amount ?? ''}\n`);
  await s3.send(new PutObjectCommand({ Bucket: process.env.REPORT_BUCKET, Key: `reports/${day}.csv`, Body: fs.readFileSync(file) }));
  return { day };
};
