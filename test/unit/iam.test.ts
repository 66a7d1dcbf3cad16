/**
 * The IAM evaluator (server/src/service/iam.ts `authorize`) over roles read from real template
 * text: SAM policy templates, managed policies, inline and attached statements, roles outside
 * the template, and the resource comparison with deploy-time values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTemplate, type TemplateDocument } from '../../server/src/service/templates/template';
import { TemplateValues } from '../../server/src/service/templates/arns';
import { authorize, missingActions, resourceMatches, token, LOGS_NEED } from '../../server/src/service/iam';
import { iamAction, queueArn, requestResource } from '../../server/src/service/iamActions';

function load(text: string, uri = 'file:///t/template.yaml'): TemplateDocument {
  return readTemplate(uri, text, uri.endsWith('.json') ? 'json' : 'yaml');
}

function role(t: TemplateDocument, fnId: string) {
  const fn = t.functions.find((f) => f.logicalId === fnId);
  assert.ok(fn, `function ${fnId}`);
  return fn.executionRole;
}

function arn(t: TemplateDocument, id: string): string {
  assert.ok(t.resolver);
  const a = new TemplateValues(t.resolver).arn(id);
  assert.ok(a, `ARN of ${id}`);
  return a;
}

const SAM = `Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
  Audit:
    Type: AWS::DynamoDB::Table
  Uploads:
    Type: AWS::S3::Bucket
  Jobs:
    Type: AWS::SQS::Queue
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs22.x
      Policies:
        - DynamoDBReadPolicy:
            TableName: !Ref Orders
        - S3ReadPolicy:
            BucketName: !Ref Uploads
        - SQSSendMessagePolicy:
            QueueName: !GetAtt Jobs.QueueName
  Wide:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs22.x
      Policies:
        - AmazonDynamoDBFullAccess
        - Statement:
            - Effect: Allow
              Action: s3:*
              Resource: '*'
`;

test('SAM policy templates: the actions they list, on the resource their parameters name', () => {
  const t = load(SAM);
  const r = role(t, 'Reader');
  assert.equal(authorize(r, 'dynamodb:GetItem', arn(t, 'Orders')).decision, 'allow');
  assert.equal(authorize(r, 'dynamodb:Query', `${arn(t, 'Orders')}/index/byDate`).decision, 'allow');
  const put = authorize(r, 'dynamodb:PutItem', arn(t, 'Orders'));
  assert.equal(put.decision, 'implicit-deny');
  assert.match(put.reason, /no statement of the role allows dynamodb:PutItem/);
  // Another table of the template: the template's resource never names it.
  assert.equal(authorize(r, 'dynamodb:GetItem', arn(t, 'Audit')).decision, 'implicit-deny');
  // S3ReadPolicy covers the bucket and its objects.
  assert.equal(authorize(r, 's3:GetObject', `${arn(t, 'Uploads')}/${token('unknown:key')}`).decision, 'allow');
  assert.equal(authorize(r, 's3:ListBucket', arn(t, 'Uploads')).decision, 'allow');
  assert.equal(authorize(r, 's3:PutObject', `${arn(t, 'Uploads')}/x`).decision, 'implicit-deny');
  // sqs:SendMessage* covers SendMessageBatch.
  assert.equal(authorize(r, 'sqs:SendMessageBatch', arn(t, 'Jobs')).decision, 'allow');
  // An unnamed resource: the action is allowed only on some resources, so it cannot be told.
  assert.equal(authorize(r, 'dynamodb:GetItem').decision, 'unknown');
  assert.equal(authorize(r, 'dynamodb:PutItem').decision, 'implicit-deny');
  // What SAM adds without being asked: AWSLambdaBasicExecutionRole.
  assert.equal(authorize(r, 'logs:PutLogEvents').decision, 'allow');
  assert.deepEqual(missingActions(r, LOGS_NEED), []);
});

test('wildcards and managed policies allow; a managed policy says nothing about other services', () => {
  const t = load(SAM);
  const w = role(t, 'Wide');
  assert.equal(authorize(w, 'dynamodb:PutItem', arn(t, 'Audit')).decision, 'allow');
  assert.equal(authorize(w, 'dynamodb:PutItem').decision, 'allow');
  assert.equal(authorize(w, 's3:DeleteObject', `${arn(t, 'Uploads')}/a`).decision, 'allow');
  const sqs = authorize(w, 'sqs:SendMessage', arn(t, 'Jobs'));
  assert.equal(sqs.decision, 'unknown');
  assert.match(sqs.reason, /AmazonDynamoDBFullAccess/);
});

const CFN = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  TableNameParam:
    Type: String
    Default: orders
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Ref TableNameParam
  Other:
    Type: AWS::DynamoDB::Table
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns:
        - !Sub arn:\${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
      Policies:
        - PolicyName: data
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:PutItem]
                Resource: !Sub arn:aws:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/\${TableNameParam}
              - Effect: Allow
                Action: dynamodb:Query
                Resource: !GetAtt Other.Arn
  NoDelete:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: guard
      Roles: [!Ref Role]
      PolicyDocument:
        Statement:
          - Effect: Deny
            Action: dynamodb:DeleteItem
            Resource: '*'
          - Effect: Allow
            Action: dynamodb:DeleteItem
            Resource: '*'
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      Role: !GetAtt Role.Arn
      Code: { ZipFile: 'x' }
  Outside:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      Role: arn:aws:iam::123456789012:role/shared
      Code: { ZipFile: 'x' }
  Imported:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      Role: !ImportValue shared-role
      Code: { ZipFile: 'x' }
`;

test('a role of the template: inline policies, managed policy ARNs, attached policies, explicit Deny', () => {
  const t = load(CFN);
  const r = role(t, 'Fn');
  assert.equal(r.managedBy, 'template');
  // The statement names the table by the same parameter the table's TableName uses.
  assert.equal(authorize(r, 'dynamodb:PutItem', arn(t, 'Orders')).decision, 'allow');
  // The other table has a generated name: the parameter may or may not be it.
  assert.equal(authorize(r, 'dynamodb:PutItem', arn(t, 'Other')).decision, 'unknown');
  assert.equal(authorize(r, 'dynamodb:Query', arn(t, 'Other')).decision, 'allow');
  assert.equal(authorize(r, 'dynamodb:Query', arn(t, 'Orders')).decision, 'unknown');
  const del = authorize(r, 'dynamodb:DeleteItem', arn(t, 'Orders'));
  assert.equal(del.decision, 'explicit-deny');
  assert.match(del.reason, /Deny statement denies dynamodb:DeleteItem/);
  assert.equal(authorize(r, 'dynamodb:Scan', arn(t, 'Other')).decision, 'implicit-deny');
  assert.equal(authorize(r, 'logs:CreateLogStream').decision, 'allow');
});

test('roles from outside the template are never judged', () => {
  const t = load(CFN);
  for (const id of ['Outside', 'Imported']) {
    const a = authorize(role(t, id), 'dynamodb:PutItem', arn(t, 'Orders'));
    assert.equal(a.decision, 'unknown', id);
    assert.match(a.reason, /outside the template/);
  }
});

function inline(statement: string): string {
  return `Transform: AWS::Serverless-2016-10-31
Parameters:
  Env: { Type: String }
Conditions:
  Prod: !Equals [!Ref Env, prod]
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs22.x
      Policies:
        - Statement:
${statement
  .split('\n')
  .map((l) => `            ${l}`)
  .join('\n')}
`;
}

test('conditions, NotAction, NotResource and unreadable statements', () => {
  const cases: [string, string, string | undefined, string][] = [
    [
      '- Effect: Allow\n  Action: dynamodb:PutItem\n  Resource: "*"\n  Condition: { Bool: { aws:SecureTransport: true } }',
      'dynamodb:PutItem',
      undefined,
      'unknown',
    ],
    ['- Effect: Allow\n  NotAction: iam:*\n  Resource: "*"', 'dynamodb:PutItem', undefined, 'allow'],
    ['- Effect: Allow\n  NotAction: dynamodb:*\n  Resource: "*"', 'dynamodb:PutItem', undefined, 'implicit-deny'],
    ['- Effect: Allow\n  Action: dynamodb:*\n  NotResource: arn:aws:s3:::*', 'dynamodb:PutItem', 'ORDERS', 'allow'],
    [
      '- Effect: Allow\n  Action: !If [Prod, dynamodb:*, dynamodb:GetItem]\n  Resource: "*"',
      'dynamodb:PutItem',
      undefined,
      'unknown',
    ],
    ['- Effect: Allow\n  Action: dynamodb:PutItem', 'dynamodb:PutItem', undefined, 'unknown'],
    [
      '- Effect: Allow\n  Action: dynamodb:PutItem\n  Resource: !If [Prod, "*", !GetAtt Orders.Arn]',
      'dynamodb:PutItem',
      'ORDERS',
      'unknown',
    ],
    [
      '- Effect: Allow\n  Action: dynamodb:PutItem\n  Resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders',
      'dynamodb:PutItem',
      'ORDERS',
      'unknown',
    ],
    [
      '- Effect: Allow\n  Action: dynamodb:PutItem\n  Resource: arn:aws:dynamodb:*:*:table/*',
      'dynamodb:PutItem',
      'ORDERS',
      'allow',
    ],
    [
      '- Effect: Allow\n  Action: dynamodb:PutItem\n  Resource: arn:aws:s3:::*',
      'dynamodb:PutItem',
      'ORDERS',
      'implicit-deny',
    ],
  ];
  for (const [statement, action, resource, want] of cases) {
    const t = load(inline(statement));
    const res = resource === 'ORDERS' ? arn(t, 'Orders') : resource;
    assert.equal(authorize(role(t, 'Fn'), action, res).decision, want, statement);
  }
});

test('unknown grants leave the role unknown: connectors, customer managed policies, unknown templates', () => {
  const t = load(`Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
  A:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs22.x
      Policies:
        - arn:aws:iam::123456789012:policy/custom
  B:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs22.x
      Policies:
        - SomeFuturePolicy: { TableName: !Ref Orders }
  C:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs22.x
  Link:
    Type: AWS::Serverless::Connector
    Properties:
      Source: { Id: C }
      Destination: { Id: Orders }
      Permissions: [Write]
`);
  for (const id of ['A', 'B', 'C'])
    assert.equal(authorize(role(t, id), 'dynamodb:PutItem', arn(t, 'Orders')).decision, 'unknown', id);
});

test('serverless.yml provider.iam.role.statements', () => {
  const t = load(
    `service: s
provider:
  name: aws
  runtime: nodejs20.x
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [sqs:SendMessage]
          Resource: !GetAtt Jobs.Arn
functions:
  worker:
    handler: handler.run
resources:
  Resources:
    Jobs:
      Type: AWS::SQS::Queue
    Other:
      Type: AWS::SQS::Queue
`,
    'file:///t/serverless.yml',
  );
  const r = t.functions[0]?.executionRole;
  assert.ok(r);
  assert.equal(authorize(r, 'sqs:SendMessage', arn(t, 'Jobs')).decision, 'allow');
  assert.equal(authorize(r, 'sqs:SendMessage', arn(t, 'Other')).decision, 'implicit-deny');
  assert.equal(authorize(r, 'sqs:DeleteMessage', arn(t, 'Jobs')).decision, 'implicit-deny');
});

test('resource patterns with deploy-time values', () => {
  const name = (id: string) => token(`name:${id}`);
  const region = token('AWS::Region');
  assert.equal(resourceMatches('*', 'anything'), 2);
  assert.equal(resourceMatches('arn:aws:s3:::b/*', 'arn:aws:s3:::b/k'), 2);
  assert.equal(resourceMatches('arn:aws:s3:::b/*', 'arn:aws:s3:::b'), 0);
  assert.equal(resourceMatches('arn:aws:s3:::b?', 'arn:aws:s3:::bx'), 2);
  assert.equal(resourceMatches(`table/${name('A')}`, `table/${name('A')}`), 2);
  assert.equal(resourceMatches(`table/${name('A')}`, `table/${name('B')}`), 0);
  assert.equal(resourceMatches(`table/${name('A')}/index/*`, `table/${name('A')}`), 0);
  assert.equal(resourceMatches(`table/${name('A')}*`, `table/${name('A')}`), 2);
  assert.equal(resourceMatches('table/orders', `table/${name('A')}`), 1);
  assert.equal(resourceMatches(`arn:aws:sqs:us-east-1:1:q`, `arn:aws:sqs:${region}:1:q`), 1);
  assert.equal(resourceMatches(`arn:aws:sqs:*:1:q`, `arn:aws:sqs:${region}:1:q`), 2);
  assert.equal(resourceMatches(`table/${token('param:T')}`, `table/${name('A')}`), 1);
  assert.equal(resourceMatches(`arn:aws:s3:::x`, `arn:aws:sqs:${region}:1:q`), 0);
});

test('SDK operations map to IAM actions and to the resource they are authorised on', () => {
  assert.equal(iamAction('dynamodb', 'PutItem'), 'dynamodb:PutItem');
  assert.equal(iamAction('client-s3', 'ListObjectsV2'), 's3:ListBucket');
  assert.equal(iamAction('s3', 'HeadObject'), 's3:GetObject');
  assert.equal(iamAction('sqs', 'SendMessageBatch'), 'sqs:SendMessage');
  assert.equal(iamAction('sesv2', 'SendEmail'), 'ses:SendEmail');
  assert.equal(iamAction('lambda', 'Invoke'), 'lambda:InvokeFunction');
  assert.equal(iamAction('sfn', 'StartExecution'), 'states:StartExecution');
  assert.equal(iamAction('eventbridge', 'PutEvents'), 'events:PutEvents');
  assert.equal(iamAction('dynamodb', 'TransactWriteItems'), undefined, 'authorised per item, not covered');
  assert.equal(iamAction('rekognition', 'DetectLabels'), undefined);

  const t = load(SAM);
  const v = new TemplateValues(t.resolver!);
  const r = role(t, 'Reader');
  // QueueUrl from `!Ref Jobs` (the queue's URL) is authorised on the queue's ARN.
  const url = v.text({
    kind: 'intrinsic',
    fn: 'Ref',
    arg: { kind: 'scalar', value: 'Jobs', span: { start: 0, end: 0 } },
    span: { start: 0, end: 0 },
  });
  assert.ok(url);
  const q = requestResource('sqs:SendMessage', { QueueUrl: url });
  assert.equal(q, arn(t, 'Jobs'));
  assert.equal(authorize(r, 'sqs:SendMessage', q).decision, 'allow');
  assert.equal(
    queueArn('https://sqs.eu-west-1.amazonaws.com/123456789012/jobs'),
    'arn:aws:sqs:eu-west-1:123456789012:jobs',
  );
  const table = requestResource('dynamodb:Query', { TableName: 'orders', IndexName: 'byDate' });
  assert.equal(table, `arn:aws:dynamodb:${token('AWS::Region')}:${token('AWS::AccountId')}:table/orders/index/byDate`);
  assert.equal(requestResource('s3:ListBucket', { Bucket: 'b' }), 'arn:aws:s3:::b');
  assert.match(requestResource('s3:GetObject', { Bucket: 'b' }) ?? '', /^arn:aws:s3:::b\//);
  assert.match(requestResource('events:PutEvents', {}) ?? '', /event-bus\/default$/);
});

test('an AWS managed policy without data only adds allows, unless its name says it denies', () => {
  const t = load(`Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
  Insights:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs22.x
      Policies:
        - AmazonBedrockFullAccess
        - DynamoDBCrudPolicy: { TableName: !Ref Orders }
  Denied:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs22.x
      Policies:
        - AWSDenyAll
        - DynamoDBCrudPolicy: { TableName: !Ref Orders }
`);
  assert.equal(authorize(role(t, 'Insights'), 'dynamodb:PutItem', arn(t, 'Orders')).decision, 'allow');
  assert.equal(authorize(role(t, 'Insights'), 'sqs:SendMessage').decision, 'unknown');
  assert.equal(authorize(role(t, 'Denied'), 'dynamodb:PutItem', arn(t, 'Orders')).decision, 'unknown');
});
