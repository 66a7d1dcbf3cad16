/**
 * What Lambda needs from an execution role, and what common policies grant. Data, so that
 * a new event source, managed policy or SAM policy template is one more line.
 *
 * Sources:
 * - Execution role and logs: docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
 * - Event source permissions: docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#events-sqs-permissions,
 *   with-kinesis.html#services-kinesis-permissions, with-ddb.html#events-dynamodb-permissions
 * - VPC: docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
 * - AWS managed policies: docs.aws.amazon.com/aws-managed-policy/latest/reference/
 * - SAM policy templates: docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html
 */
import type { ExecutionRoleModel } from './model/types';

/** A set of actions Lambda needs on the execution role for one purpose. */
export interface PermissionNeed {
  /** What the actions are for, as a message says it: `to write its logs to CloudWatch Logs`. */
  readonly purpose: string;
  readonly actions: readonly string[];
}

export const BASIC_EXECUTION_POLICY = 'AWSLambdaBasicExecutionRole';
export const SAM_VPC_POLICY = 'AWSLambdaVPCAccessExecutionRole';

/** Writing logs. `logs:CreateLogGroup` is left out: a template (or an earlier deploy) often creates the group. */
export const LOGS_NEED: PermissionNeed = {
  purpose: 'to write its logs to CloudWatch Logs',
  actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
};

/** Creating and removing the network interfaces that attach a function to a VPC. */
export const VPC_NEED: PermissionNeed = {
  purpose: 'to create the network interfaces that attach it to the VPC',
  actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface'],
};

/**
 * What an event source mapping reads with the function's role, by event type. The lists
 * keep to the actions without which the mapping cannot be created or cannot poll.
 */
export const EVENT_SOURCE_NEEDS: Readonly<Record<string, PermissionNeed>> = {
  SQS: {
    purpose: 'to poll its SQS queue',
    actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
  },
  Kinesis: {
    purpose: 'to read its Kinesis stream',
    actions: ['kinesis:DescribeStream', 'kinesis:GetRecords', 'kinesis:GetShardIterator'],
  },
  DynamoDB: {
    purpose: 'to read its DynamoDB stream',
    actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
  },
};

/** Managed policies SAM adds to the role it creates, per event type (SAM's event source translators). */
export const SAM_EVENT_POLICIES: Readonly<Record<string, readonly string[]>> = {
  SQS: ['AWSLambdaSQSQueueExecutionRole'],
  Kinesis: ['AWSLambdaKinesisExecutionRole'],
  DynamoDB: ['AWSLambdaDynamoDBExecutionRole'],
  MSK: ['AWSLambdaMSKExecutionRole'],
};

const LOGS_WRITE = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];
const ENI = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** AWS managed policies (by name) and the actions they allow that the rules ask about. */
export const MANAGED_POLICY_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  AWSLambdaBasicExecutionRole: LOGS_WRITE,
  AWSLambdaExecute: ['logs:*', 's3:GetObject', 's3:PutObject'],
  AWSLambdaSQSQueueExecutionRole: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', ...LOGS_WRITE],
  AWSLambdaKinesisExecutionRole: [
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:ListShards',
    'kinesis:ListStreams',
    'kinesis:SubscribeToShard',
    ...LOGS_WRITE,
  ],
  AWSLambdaDynamoDBExecutionRole: [
    'dynamodb:DescribeStream',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
    ...LOGS_WRITE,
  ],
  AWSLambdaVPCAccessExecutionRole: [...ENI, ...LOGS_WRITE],
  AWSLambdaENIManagementAccess: ENI,
  AWSLambdaMSKExecutionRole: [
    'kafka:DescribeCluster',
    'kafka:DescribeClusterV2',
    'kafka:GetBootstrapBrokers',
    ...ENI,
    ...LOGS_WRITE,
  ],
  AWSLambdaRole: ['lambda:InvokeFunction'],
  AdministratorAccess: ['*'],
  // PowerUserAccess allows everything but iam:*, organizations:* and account:* (a NotAction statement).
  PowerUserAccess: ['logs:*', 'sqs:*', 'kinesis:*', 'dynamodb:*', 'ec2:*', 's3:*', 'sns:*'],
  CloudWatchLogsFullAccess: ['logs:*'],
  CloudWatchFullAccess: ['logs:*', 'cloudwatch:*'],
  AmazonSQSFullAccess: ['sqs:*'],
  AmazonKinesisFullAccess: ['kinesis:*'],
  AmazonKinesisReadOnlyAccess: ['kinesis:Get*', 'kinesis:List*', 'kinesis:Describe*'],
  AmazonDynamoDBFullAccess: ['dynamodb:*'],
  AmazonDynamoDBReadOnlyAccess: [
    'dynamodb:BatchGetItem',
    'dynamodb:Describe*',
    'dynamodb:List*',
    'dynamodb:GetItem',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:Query',
    'dynamodb:Scan',
  ],
  AmazonEC2FullAccess: ['ec2:*'],
  AmazonS3FullAccess: ['s3:*'],
  AmazonS3ReadOnlyAccess: ['s3:Get*', 's3:List*'],
  AmazonSNSFullAccess: ['sns:*'],
  AmazonSQSReadOnlyAccess: [
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
    'sqs:ListDeadLetterSourceQueues',
    'sqs:ListQueues',
  ],
  AWSXRayDaemonWriteAccess: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
  AWSXrayWriteOnlyAccess: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
};

/** SAM policy templates and the actions they allow that the rules ask about. */
export const POLICY_TEMPLATE_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  SQSPollerPolicy: [
    'sqs:ChangeMessageVisibility',
    'sqs:ChangeMessageVisibilityBatch',
    'sqs:DeleteMessage',
    'sqs:DeleteMessageBatch',
    'sqs:GetQueueAttributes',
    'sqs:ReceiveMessage',
  ],
  SQSSendMessagePolicy: ['sqs:SendMessage*'],
  KinesisStreamReadPolicy: [
    'kinesis:ListStreams',
    'kinesis:DescribeLimits',
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
  ],
  KinesisCrudPolicy: [
    'kinesis:AddTagsToStream',
    'kinesis:CreateStream',
    'kinesis:DecreaseStreamRetentionPeriod',
    'kinesis:DeleteStream',
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:GetShardIterator',
    'kinesis:IncreaseStreamRetentionPeriod',
    'kinesis:ListTagsForStream',
    'kinesis:MergeShards',
    'kinesis:PutRecord',
    'kinesis:PutRecords',
    'kinesis:SplitShard',
    'kinesis:RemoveTagsFromStream',
  ],
  DynamoDBStreamReadPolicy: [
    'dynamodb:DescribeStream',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
  ],
  DynamoDBCrudPolicy: [
    'dynamodb:GetItem',
    'dynamodb:DeleteItem',
    'dynamodb:PutItem',
    'dynamodb:Scan',
    'dynamodb:Query',
    'dynamodb:UpdateItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:BatchGetItem',
    'dynamodb:DescribeTable',
    'dynamodb:ConditionCheckItem',
  ],
  DynamoDBReadPolicy: [
    'dynamodb:GetItem',
    'dynamodb:Scan',
    'dynamodb:Query',
    'dynamodb:BatchGetItem',
    'dynamodb:DescribeTable',
  ],
  DynamoDBWritePolicy: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
  VPCAccessPolicy: [
    'ec2:CreateNetworkInterface',
    'ec2:DeleteNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DetachNetworkInterface',
  ],
  S3ReadPolicy: [
    's3:GetObject',
    's3:ListBucket',
    's3:GetBucketLocation',
    's3:GetObjectVersion',
    's3:GetLifecycleConfiguration',
  ],
  S3WritePolicy: ['s3:PutObject', 's3:PutObjectAcl', 's3:PutLifecycleConfiguration'],
  S3CrudPolicy: [
    's3:GetObject',
    's3:ListBucket',
    's3:GetBucketLocation',
    's3:GetObjectVersion',
    's3:PutObject',
    's3:PutObjectAcl',
    's3:GetLifecycleConfiguration',
    's3:PutLifecycleConfiguration',
    's3:DeleteObject',
  ],
  S3FullAccessPolicy: [
    's3:GetObject',
    's3:GetObjectAcl',
    's3:GetObjectVersion',
    's3:PutObject',
    's3:PutObjectAcl',
    's3:DeleteObject',
    's3:DeleteObjectTagging',
    'S3:DeleteObjectVersionTagging',
    's3:GetObjectTagging',
    's3:GetObjectVersionTagging',
    's3:PutObjectTagging',
    's3:PutObjectVersionTagging',
    's3:ListBucket',
    's3:GetBucketLocation',
    's3:GetLifecycleConfiguration',
    's3:PutLifecycleConfiguration',
  ],
  SNSPublishMessagePolicy: ['sns:Publish'],
  SNSCrudPolicy: [
    'sns:ListSubscriptionsByTopic',
    'sns:CreateTopic',
    'sns:SetTopicAttributes',
    'sns:Subscribe',
    'sns:Publish',
  ],
  LambdaInvokePolicy: ['lambda:InvokeFunction'],
  CloudWatchPutMetricPolicy: ['cloudwatch:PutMetricData'],
  AWSSecretsManagerGetSecretValuePolicy: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
  SSMParameterReadPolicy: [
    'ssm:DescribeParameters',
    'ssm:GetParameters',
    'ssm:GetParameter',
    'ssm:GetParametersByPath',
  ],
  EventBridgePutEventsPolicy: ['events:PutEvents'],
  StepFunctionsExecutionPolicy: ['states:StartExecution'],
  KMSDecryptPolicy: ['kms:Decrypt'],
  SESCrudPolicy: [
    'ses:GetIdentityVerificationAttributes',
    'ses:SendEmail',
    'ses:SendRawEmail',
    'ses:VerifyEmailIdentity',
  ],
  SESSendBouncePolicy: ['ses:SendBounce'],
  AWSXrayWriteOnlyAccess: [
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
    'xray:GetSamplingStatisticSummaries',
  ],
};

/** True when an IAM action pattern (`sqs:*`, `sqs:Receive*`, `*`) matches an action; IAM compares case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(action);
}

/**
 * The needed actions a role does not allow. `undefined` when the role cannot be judged:
 * it is not a role of this template, or part of it cannot be read, or it names a managed
 * policy or policy template this table does not know.
 */
export function missingActions(role: ExecutionRoleModel, need: PermissionNeed): readonly string[] | undefined {
  if (role.managedBy !== 'template' && role.managedBy !== 'sam') return undefined;
  const allowed: string[] = [];
  for (const g of role.grants) {
    switch (g.kind) {
      case 'unknown':
        return undefined;
      case 'statement':
        allowed.push(...g.actions);
        break;
      case 'managed': {
        const actions = MANAGED_POLICY_ACTIONS[g.name];
        if (actions === undefined) return undefined;
        allowed.push(...actions);
        break;
      }
      case 'template': {
        const actions = POLICY_TEMPLATE_ACTIONS[g.name];
        if (actions === undefined) return undefined;
        allowed.push(...actions);
        break;
      }
    }
  }
  return need.actions.filter((a) => !allowed.some((p) => actionMatches(p, a)));
}
