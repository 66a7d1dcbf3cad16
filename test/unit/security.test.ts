/**
 * The pieces behind LL4001–LL4006 and LL5002 that fixtures reach only indirectly: secret
 * recognition, IAM action wildcards, SDK client → VPC endpoint service names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secretKind } from '../../server/src/service/secrets';
import { actionMatches } from '../../server/src/service/iam';
import { sdkService } from '../../server/src/service/handlers/awsCalls';

test('secretKind: credential shapes are reported whatever the name', () => {
  assert.equal(secretKind(undefined, 'AKIAZ3MSXK7QEXAMPLE2'), 'an AWS access key id');
  assert.equal(secretKind('X', 'ASIAZ3MSXK7QEXAMPLE2'), 'an AWS temporary access key id');
  assert.equal(secretKind('CERT', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----'), 'a private key');
  assert.equal(secretKind('DB', 'mysql://root:Tr0ub4dor&3@db:3306/app'), 'a password in a connection string');
  assert.equal(secretKind('CONN', 'Server=db;User Id=sa;Password=Sup3rS3cret;'), 'a password in a connection string');
});

test('found by npm run fuzz: secretKind reads a long run of ${ in linear time, and leaves literals past 16 KB alone', () => {
  // `${${${…` (240,000 characters, from a mutated handler) took 26 s in the placeholder pattern.
  assert.equal(secretKind('API_KEY', '${'.repeat(120_000)), undefined);
  assert.equal(
    secretKind('CERT', `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(20_000)}\n-----END PRIVATE KEY-----`),
    undefined,
  );
  assert.equal(secretKind('DB_PASSWORD', '${DB_PASSWORD}'), undefined);
  assert.equal(secretKind('API_KEY', '${{ secrets.API_KEY_Z3MSXK7Q }}'), undefined);
});

test('secretKind: random values under secret-like names', () => {
  assert.equal(secretKind('STRIPE_SECRET_KEY', 'sk_live_51H8xQ2Lk9vT3mZ7pR4wY6nB'), 'a hard-coded key');
  assert.equal(secretKind('githubToken', 'ghp_4f9Kq2Lm8Nx7Vb3Zc1Rt6Yw0Pa5Sd2Fg9Hj'), 'a hard-coded token');
  assert.equal(secretKind('DB_PASSWORD', 'Xk29vLq8Rt0pWz3Mn'), 'a hard-coded password');
});

test('secretKind: references, placeholders and descriptive names are not secrets', () => {
  for (const [name, value] of [
    ['DB_PASSWORD', '{{resolve:secretsmanager:prod/db:SecretString:password}}'],
    ['API_KEY', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:api-AbCdEf'],
    ['API_KEY', '/orders/prod/api-key'],
    ['DATABASE_URL', 'postgres://app:${DB_PASSWORD}@db:5432/orders'],
    ['DATABASE_URL', 'postgres://db.internal:5432/orders'],
    ['SECRET_ARN', 'Xk29vLq8Rt0pWz3Mn9'],
    ['TOKEN_TABLE', 'tokens-table-v2-2024'],
    ['KMS_KEY_ID', '1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['PASSWORD_MIN_LENGTH', '12'],
    ['ACCESS_TOKEN', 'placeholder-value-1'],
    ['SECRET_NAME', 'orders-service-secret-2'],
    ['AUTH_TOKEN', 'changeme'],
    ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'],
  ] as const) {
    assert.equal(secretKind(name, value), undefined, `${name}=${value}`);
  }
});

test('actionMatches: IAM wildcards, case-insensitive', () => {
  assert.ok(actionMatches('*', 'sqs:ReceiveMessage'));
  assert.ok(actionMatches('sqs:*', 'sqs:ReceiveMessage'));
  assert.ok(actionMatches('SQS:receive*', 'sqs:ReceiveMessage'));
  assert.ok(actionMatches('ec2:*NetworkInterface*', 'ec2:DescribeNetworkInterfaces'));
  assert.ok(!actionMatches('sqs:Send*', 'sqs:ReceiveMessage'));
  assert.ok(!actionMatches('logs:CreateLogGroup', 'logs:CreateLogStream'));
});

test('sdkService: SDK clients by VPC endpoint service name', () => {
  assert.equal(sdkService({ module: '@aws-sdk/client-s3', path: 'S3Client' }), 's3');
  assert.equal(
    sdkService({ module: '@aws-sdk/client-secrets-manager', path: 'SecretsManagerClient' }),
    'secretsmanager',
  );
  assert.equal(sdkService({ module: '@aws-sdk/client-sfn', path: 'SFNClient' }), 'states');
  assert.equal(sdkService({ module: '@aws-sdk/lib-dynamodb', path: 'DynamoDBDocumentClient' }), 'dynamodb');
  assert.equal(sdkService({ module: 'aws-sdk', path: 'DynamoDB.DocumentClient' }), 'dynamodb');
  assert.equal(sdkService({ module: 'aws-sdk', path: 'CloudWatchLogs' }), 'logs');
  assert.equal(sdkService({ module: 'aws-sdk/clients/sqs', path: '' }), 'sqs');
  assert.equal(sdkService({ module: '@aws-sdk/client-s3', path: 'PutObjectCommand' }), undefined);
  assert.equal(sdkService({ module: 'aws-sdk', path: 'Config' }), undefined);
  assert.equal(sdkService({ module: '@aws-sdk/s3-request-presigner', path: 'getSignedUrl' }), undefined);
});
