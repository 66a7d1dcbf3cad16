/**
 * What the CDK's `grant*` methods add to the grantee's role, as data: construct class → method →
 * the IAM actions of the statement the method adds (on the construct's own ARN). A method that is
 * not in this table makes the role unknown, so rules that need the whole role stay silent.
 *
 * Sources (aws-cdk-lib API reference, each method's "grants the following permissions"):
 * - docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_dynamodb.Table.html (grantReadData: the
 *   read data actions and DescribeTable; grantWriteData; grantReadWriteData; grantStreamRead)
 * - docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_sqs.Queue.html (grantConsumeMessages,
 *   grantSendMessages, grantPurge)
 * - docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_s3.Bucket.html (grantRead, grantWrite,
 *   grantPut, grantDelete, grantReadWrite; the put actions without ACLs, the default of
 *   `@aws-cdk/aws-s3:grantWriteWithoutAcl` in apps created by CDK v2)
 * - docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_sns.Topic.html (grantPublish, grantSubscribe)
 * - docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_secretsmanager.Secret.html (grantRead, grantWrite)
 * - docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_events.EventBus.html (grantPutEventsTo, grantAllPutEvents)
 * - docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_stepfunctions.StateMachine.html (grantStartExecution,
 *   grantStartSyncExecution, grantTaskResponse)
 * - docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_lambda.Function.html (grantInvoke, grantInvokeUrl)
 * - docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_kinesis.Stream.html (grantRead, grantWrite, grantReadWrite)
 * - docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ssm.StringParameter.html (grantRead, grantWrite)
 * KMS key actions that some grants add for encrypted resources are left out: no rule asks about them.
 */

const DDB_READ = [
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:DescribeTable',
];
const DDB_WRITE = [
  'dynamodb:BatchWriteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
];
const DDB_STREAM = [
  'dynamodb:ListStreams',
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
];
const SQS_CONSUME = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueUrl',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
];
const SQS_SEND = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];
const S3_READ = ['s3:GetObject*', 's3:GetBucket*', 's3:List*'];
const S3_PUT = [
  's3:PutObject',
  's3:PutObjectLegalHold',
  's3:PutObjectRetention',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
  's3:Abort*',
];
const S3_DELETE = ['s3:DeleteObject*'];
const KINESIS_READ = [
  'kinesis:DescribeStreamSummary',
  'kinesis:GetRecords',
  'kinesis:GetShardIterator',
  'kinesis:ListShards',
  'kinesis:SubscribeToShard',
  'kinesis:DescribeStream',
  'kinesis:ListStreams',
  'kinesis:DescribeStreamConsumer',
];
const KINESIS_WRITE = ['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords'];
const SNS_PUBLISH = ['sns:Publish'];
const LAMBDA_INVOKE = ['lambda:InvokeFunction'];
const EVENTS_PUT = ['events:PutEvents'];

const TABLE = {
  grantReadData: DDB_READ,
  grantWriteData: DDB_WRITE,
  grantReadWriteData: [...DDB_READ, ...DDB_WRITE],
  grantFullAccess: ['dynamodb:*'],
  grantStreamRead: DDB_STREAM,
  grantTableListStreams: ['dynamodb:ListStreams'],
};
const FUNCTION = { grantInvoke: LAMBDA_INVOKE, grantInvokeUrl: ['lambda:InvokeFunctionUrl'] };

export const GRANTS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'aws-dynamodb.Table': TABLE,
  'aws-dynamodb.TableV2': TABLE,
  'aws-sqs.Queue': {
    grantConsumeMessages: SQS_CONSUME,
    grantSendMessages: SQS_SEND,
    grantPurge: ['sqs:PurgeQueue', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
  },
  'aws-s3.Bucket': {
    grantRead: S3_READ,
    grantWrite: [...S3_DELETE, ...S3_PUT],
    grantReadWrite: [...S3_READ, ...S3_DELETE, ...S3_PUT],
    grantPut: S3_PUT,
    grantDelete: S3_DELETE,
  },
  'aws-sns.Topic': { grantPublish: SNS_PUBLISH, grantSubscribe: ['sns:Subscribe'] },
  'aws-secretsmanager.Secret': {
    grantRead: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    grantWrite: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecret'],
  },
  'aws-events.EventBus': { grantPutEventsTo: EVENTS_PUT, grantAllPutEvents: EVENTS_PUT },
  'aws-stepfunctions.StateMachine': {
    grantStartExecution: ['states:StartExecution'],
    grantStartSyncExecution: ['states:StartSyncExecution'],
    grantTaskResponse: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
  },
  'aws-lambda.Function': FUNCTION,
  'aws-lambda.SingletonFunction': FUNCTION,
  'aws-lambda.DockerImageFunction': FUNCTION,
  'aws-lambda-nodejs.NodejsFunction': FUNCTION,
  'aws-lambda-python.PythonFunction': FUNCTION,
  'aws-kinesis.Stream': {
    grantRead: KINESIS_READ,
    grantWrite: KINESIS_WRITE,
    grantReadWrite: [...KINESIS_READ, ...KINESIS_WRITE],
  },
  'aws-ssm.StringParameter': {
    grantRead: ['ssm:DescribeParameters', 'ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory'],
    grantWrite: ['ssm:PutParameter'],
  },
};

/** What the CDK grants a function's role for the things it wires (event sources, destinations, tracing). */
export const IMPLIED = {
  /** `SqsEventSource` calls `queue.grantConsumeMessages(fn)`. */
  SQS: SQS_CONSUME,
  /** `DynamoEventSource` calls `table.grantStreamRead(fn)`. */
  DynamoDB: DDB_STREAM,
  /** `KinesisEventSource` calls `stream.grantRead(fn)`. */
  Kinesis: KINESIS_READ,
  /** Destinations and dead-letter targets: `grantSendMessages`, `grantPublish`, `grantInvoke`, `PutEvents`. */
  sendSQS: SQS_SEND,
  sendSNS: SNS_PUBLISH,
  sendLambda: LAMBDA_INVOKE,
  sendEventBridge: EVENTS_PUT,
  /** `tracing: Tracing.ACTIVE` (FunctionProps.tracing). */
  xray: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
} as const;

/** The class a resource's static importer stands for: `aws-dynamodb.Table.fromTableName` → `aws-dynamodb.Table`. */
export function importedClass(fn: string): string | undefined {
  const m = /^(.+)\.from[A-Z]\w*$/.exec(fn);
  return m?.[1];
}
