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
import type { ExecutionRoleModel, PolicyGrant, PolicyStatement } from './model/types';

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

/** True when an IAM action pattern (`sqs:*`, `sqs:Receive*`, `*`) matches an action; IAM compares case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  let re = patterns.get(pattern);
  if (re === undefined) {
    re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    );
    // Compiled once per pattern: every function's role is checked at every keystroke (bench/lsp.ts).
    if (patterns.size > 10_000) patterns.clear();
    patterns.set(pattern, re);
  }
  return re.test(action);
}
const patterns = new Map<string, RegExp>();

// ---------------------------------------------------------------------------------------------
// Deploy-time values in resource patterns.

const TOKEN_OPEN = '\uE000';
const TOKEN_CLOSE = '\uE001';

/**
 * A value CloudFormation fills in at deploy time, inside a resource string: `AWS::Region`,
 * `AWS::AccountId`, `name:<logical id>` (the name CloudFormation generates for a resource of
 * the template), `param:<name>` (a parameter or a Serverless variable), anything else
 * (`unknown:…`, `ref:…`, `att:…`, `suffix:…`) a value that cannot be read. Two resources of the
 * template never share a generated name; every other token may stand for any text.
 */
export function token(id: string): string {
  return `${TOKEN_OPEN}${id}${TOKEN_CLOSE}`;
}

/** A resource string cut into literal characters and tokens. */
type Unit = { readonly char: string } | { readonly token: string };

function units(s: string): Unit[] {
  const out: Unit[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === TOKEN_OPEN) {
      const end = s.indexOf(TOKEN_CLOSE, i);
      if (end > i) {
        out.push({ token: s.slice(i + 1, end) });
        i = end;
        continue;
      }
    }
    out.push({ char: c });
  }
  return out;
}

/** How a string reads in a message: tokens as `${…}`. */
export function showResource(s: string): string {
  return s.replace(/\uE000(name:|param:)?([^\uE001]*)\uE001/g, (_, kind: string | undefined, id: string) =>
    kind === 'name:' ? `<name of ${id}>` : `\${${id}}`,
  );
}

/** Three-valued logic: 0 no, 1 cannot tell, 2 yes. */
type Tri = 0 | 1 | 2;

/**
 * Whether an IAM resource pattern (`*` any run of characters, `?` one character, both only in
 * the pattern) matches a resource string, when tokens on either side stand for values the
 * template does not give. Identical tokens match. The region, the account and a generated
 * name are one ARN segment each (never `:` or `/`), and two different ones never match; any
 * other token may stand for any text. A match that depends on what a token stands for is
 * "cannot tell" (1).
 * (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
 */
export function resourceMatches(pattern: string, resource: string): Tri {
  if (pattern === '*') return 2;
  const p = units(pattern);
  const s = units(resource);
  const fixed = (u: Unit | undefined): boolean =>
    u !== undefined && 'token' in u && (u.token.startsWith('name:') || u.token.startsWith('AWS::'));
  const free = (u: Unit | undefined): boolean => u !== undefined && 'token' in u && !fixed(u);
  const segmentChar = (u: Unit | undefined): boolean =>
    u !== undefined && 'char' in u && u.char !== ':' && u.char !== '/' && u.char !== '*';
  const memo = new Map<string, Tri>();
  const cap = (t: Tri): Tri => (t > 1 ? 1 : t);
  // mode: 0 aligned; 1 the resource's token at j is taking pattern characters; 2 the pattern's token at i is taking resource characters.
  const go = (i: number, j: number, mode: 0 | 1 | 2): Tri => {
    const key = `${i},${j},${mode}`;
    const seen = memo.get(key);
    if (seen !== undefined) return seen;
    let best: Tri = 0;
    const offer = (t: Tri): void => {
      if (t > best) best = t;
    };
    const pu = p[i];
    const su = s[j];
    if (mode === 1) {
      // su is a fixed token that has taken at least one character: take more, or stop.
      offer(go(i, j + 1, 0));
      if (segmentChar(pu)) offer(go(i + 1, j, 1));
    } else if (mode === 2) {
      offer(go(i + 1, j, 0));
      if (segmentChar(su)) offer(go(i, j + 1, 2));
    } else if (pu === undefined && su === undefined) {
      best = 2;
    } else {
      if (pu !== undefined && 'char' in pu && pu.char === '*') {
        offer(go(i + 1, j, 0));
        if (su !== undefined) offer(go(i, j + 1, 0));
      } else {
        if (pu !== undefined && su !== undefined) {
          if ('char' in pu && 'char' in su) {
            if (pu.char === su.char || pu.char === '?') offer(go(i + 1, j + 1, 0));
          } else if ('token' in pu && 'token' in su && pu.token === su.token) {
            offer(go(i + 1, j + 1, 0));
          } else if ('char' in pu && pu.char === '?') {
            offer(cap(go(i + 1, j + 1, 0)));
          }
        }
        // A fixed token takes one or more characters of its segment from the other side.
        if (fixed(su) && segmentChar(pu)) offer(cap(go(i + 1, j, 1)));
        if (fixed(pu) && segmentChar(su)) offer(cap(go(i, j + 1, 2)));
      }
      // A free token takes any run (possibly empty) of the other side.
      if (free(su)) {
        offer(cap(go(i, j + 1, 0)));
        if (pu !== undefined) offer(cap(go(i + 1, j, 0)));
      }
      if (free(pu)) {
        offer(cap(go(i + 1, j, 0)));
        if (su !== undefined) offer(cap(go(i, j + 1, 0)));
      }
    }
    memo.set(key, best);
    return best;
  };
  return go(0, 0, 0);
}

// ---------------------------------------------------------------------------------------------
// Policies as data.

const R = token('AWS::Region');
const A = token('AWS::AccountId');
const LOGS_WRITE = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];
const ENI = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

function allow(actions: readonly string[], resources: readonly string[] = ['*']): PolicyStatement {
  return { effect: 'Allow', actions, notAction: false, resources, notResource: false, conditional: false };
}

/** An AWS managed policy as data: its statements, and the services for which they are complete. */
export interface ManagedPolicyData {
  readonly statements: readonly PolicyStatement[];
  /**
   * Services (action prefixes) whose actions the statements list in full; for any other
   * service the evaluator cannot tell what the policy grants. `undefined`: every service.
   */
  readonly services?: readonly string[];
}

export const MANAGED_POLICY_SOURCE = 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/';

/** What AWSXRayDaemonWriteAccess and AWSXrayWriteOnlyAccess grant (the same actions). */
const XRAY_WRITE: ManagedPolicyData = {
  statements: [
    allow([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'xray:GetSamplingStatisticSummaries',
    ]),
  ],
  services: ['xray'],
};

/**
 * AWS managed policies, by name, from their pages in the AWS Managed Policy Reference
 * (docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html). The broad ones are
 * kept to the services they are about (`services`); what they grant elsewhere is unknown.
 */
export const MANAGED_POLICIES: Readonly<Record<string, ManagedPolicyData>> = {
  AWSLambdaBasicExecutionRole: { statements: [allow(LOGS_WRITE)] },
  AWSLambdaExecute: {
    statements: [
      allow(['logs:*'], ['arn:aws:logs:*:*:*']),
      allow(['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::*']),
    ],
  },
  AWSLambdaSQSQueueExecutionRole: {
    statements: [allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', ...LOGS_WRITE])],
  },
  AWSLambdaKinesisExecutionRole: {
    statements: [
      allow([
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
        'kinesis:ListStreams',
        'kinesis:SubscribeToShard',
        ...LOGS_WRITE,
      ]),
    ],
  },
  AWSLambdaDynamoDBExecutionRole: {
    statements: [
      allow([
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        ...LOGS_WRITE,
      ]),
    ],
  },
  AWSLambdaVPCAccessExecutionRole: { statements: [allow([...ENI, ...LOGS_WRITE])] },
  AWSLambdaENIManagementAccess: { statements: [allow(ENI)] },
  AWSLambdaMSKExecutionRole: {
    statements: [
      allow(['kafka:DescribeCluster', 'kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers', ...ENI, ...LOGS_WRITE]),
    ],
    services: ['logs', 'ec2'],
  },
  AWSLambdaRole: { statements: [allow(['lambda:InvokeFunction'])] },
  CloudWatchLambdaInsightsExecutionRolePolicy: {
    statements: [
      allow(['logs:CreateLogGroup']),
      allow(['logs:CreateLogStream', 'logs:PutLogEvents'], ['arn:aws:logs:*:*:log-group:/aws/lambda-insights:*']),
    ],
  },
  AdministratorAccess: { statements: [allow(['*'])] },
  // Everything but IAM, Organizations and Account management (a NotAction statement); some of
  // their actions are allowed by further statements, so those services stay unknown.
  PowerUserAccess: {
    statements: [{ ...allow([]), actions: ['iam:*', 'organizations:*', 'account:*'], notAction: true }],
    services: [
      'logs',
      'sqs',
      'sns',
      'kinesis',
      'dynamodb',
      'ec2',
      's3',
      'events',
      'ses',
      'ssm',
      'secretsmanager',
      'lambda',
      'states',
      'xray',
      'cloudwatch',
      'kms',
    ],
  },
  CloudWatchLogsFullAccess: { statements: [allow(['logs:*'])], services: ['logs'] },
  CloudWatchFullAccess: { statements: [allow(['logs:*', 'cloudwatch:*'])], services: ['logs', 'cloudwatch'] },
  AmazonSQSFullAccess: { statements: [allow(['sqs:*'])], services: ['sqs', 'logs'] },
  AmazonSQSReadOnlyAccess: {
    statements: [
      allow([
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ListDeadLetterSourceQueues',
        'sqs:ListQueues',
        'sqs:ListMessageMoveTasks',
        'sqs:ListQueueTags',
      ]),
    ],
    services: ['sqs', 'logs'],
  },
  AmazonKinesisFullAccess: { statements: [allow(['kinesis:*'])], services: ['kinesis', 'logs'] },
  AmazonKinesisReadOnlyAccess: {
    statements: [allow(['kinesis:Get*', 'kinesis:List*', 'kinesis:Describe*'])],
    services: ['kinesis', 'logs'],
  },
  AmazonDynamoDBFullAccess: { statements: [allow(['dynamodb:*'])], services: ['dynamodb', 'logs'] },
  AmazonDynamoDBFullAccess_v2: { statements: [allow(['dynamodb:*'])], services: ['dynamodb', 'logs'] },
  AmazonDynamoDBReadOnlyAccess: {
    statements: [
      allow([
        'dynamodb:BatchGetItem',
        'dynamodb:Describe*',
        'dynamodb:List*',
        'dynamodb:GetItem',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:GetResourcePolicy',
        'dynamodb:PartiQLSelect',
        'dynamodb:Query',
        'dynamodb:Scan',
      ]),
    ],
    services: ['dynamodb', 'logs'],
  },
  AmazonEC2FullAccess: { statements: [allow(['ec2:*'])], services: ['ec2'] },
  AmazonS3FullAccess: { statements: [allow(['s3:*', 's3-object-lambda:*'])], services: ['s3', 'logs'] },
  AmazonS3ReadOnlyAccess: {
    statements: [allow(['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'])],
    services: ['s3', 'logs'],
  },
  AmazonSNSFullAccess: { statements: [allow(['sns:*'])], services: ['sns', 'logs'] },
  AmazonSESFullAccess: { statements: [allow(['ses:*'])], services: ['ses'] },
  AmazonEventBridgeFullAccess: { statements: [allow(['events:*'])], services: ['events'] },
  AWSStepFunctionsFullAccess: { statements: [allow(['states:*'])], services: ['states'] },
  SecretsManagerReadWrite: { statements: [allow(['secretsmanager:*'])], services: ['secretsmanager'] },
  AmazonSSMReadOnlyAccess: { statements: [allow(['ssm:Describe*', 'ssm:Get*', 'ssm:List*'])], services: ['ssm'] },
  AmazonSSMFullAccess: { statements: [allow(['ssm:*'])], services: ['ssm'] },
  AWSLambda_FullAccess: { statements: [allow(['lambda:*'])], services: ['lambda'] },
  AWSXRayDaemonWriteAccess: XRAY_WRITE,
  AWSXrayWriteOnlyAccess: XRAY_WRITE,
};

export const POLICY_TEMPLATE_SOURCE =
  'https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html';

/** A SAM policy template: its parameters and its statements, where `{Param}` stands for a parameter's value. */
export interface PolicyTemplateData {
  readonly parameters: readonly string[];
  readonly statements: readonly PolicyStatement[];
}

const ddbTable = [
  `arn:aws:dynamodb:${R}:${A}:table/{TableName}`,
  `arn:aws:dynamodb:${R}:${A}:table/{TableName}/index/*`,
];
const bucket = ['arn:aws:s3:::{BucketName}', 'arn:aws:s3:::{BucketName}/*'];
const queue = [`arn:aws:sqs:${R}:${A}:{QueueName}`];

/**
 * SAM policy templates, from the SAM policy template list ({@link POLICY_TEMPLATE_SOURCE}) and
 * SAM's policy_templates.json (github.com/aws/serverless-application-model, samtranslator/policy_templates_data).
 * A template not listed here leaves the role unknown.
 */
export const POLICY_TEMPLATES: Readonly<Record<string, PolicyTemplateData>> = {
  SQSPollerPolicy: {
    parameters: ['QueueName'],
    statements: [
      allow(
        [
          'sqs:ChangeMessageVisibility',
          'sqs:ChangeMessageVisibilityBatch',
          'sqs:DeleteMessage',
          'sqs:DeleteMessageBatch',
          'sqs:GetQueueAttributes',
          'sqs:ReceiveMessage',
        ],
        queue,
      ),
    ],
  },
  SQSSendMessagePolicy: { parameters: ['QueueName'], statements: [allow(['sqs:SendMessage*'], queue)] },
  LambdaInvokePolicy: {
    parameters: ['FunctionName'],
    statements: [allow(['lambda:InvokeFunction'], [`arn:aws:lambda:${R}:${A}:function:{FunctionName}*`])],
  },
  CloudWatchPutMetricPolicy: { parameters: [], statements: [allow(['cloudwatch:PutMetricData'])] },
  DynamoDBCrudPolicy: {
    parameters: ['TableName'],
    statements: [
      allow(
        [
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
        ddbTable,
      ),
    ],
  },
  DynamoDBReadPolicy: {
    parameters: ['TableName'],
    statements: [
      allow(
        ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'],
        ddbTable,
      ),
    ],
  },
  DynamoDBWritePolicy: {
    parameters: ['TableName'],
    statements: [allow(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], ddbTable)],
  },
  DynamoDBStreamReadPolicy: {
    parameters: ['TableName', 'StreamName'],
    statements: [
      allow(
        ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        [`arn:aws:dynamodb:${R}:${A}:table/{TableName}/stream/{StreamName}`],
      ),
      allow(['dynamodb:ListStreams'], [`arn:aws:dynamodb:${R}:${A}:table/{TableName}/stream/*`]),
    ],
  },
  S3ReadPolicy: {
    parameters: ['BucketName'],
    statements: [
      allow(
        [
          's3:GetObject',
          's3:ListBucket',
          's3:GetBucketLocation',
          's3:GetObjectVersion',
          's3:GetLifecycleConfiguration',
        ],
        bucket,
      ),
    ],
  },
  S3WritePolicy: {
    parameters: ['BucketName'],
    statements: [allow(['s3:PutObject', 's3:PutObjectAcl', 's3:PutLifecycleConfiguration'], bucket)],
  },
  S3CrudPolicy: {
    parameters: ['BucketName'],
    statements: [
      allow(
        [
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
        bucket,
      ),
    ],
  },
  S3FullAccessPolicy: {
    parameters: ['BucketName'],
    statements: [
      allow(
        [
          's3:GetObject',
          's3:GetObjectAcl',
          's3:GetObjectVersion',
          's3:PutObject',
          's3:PutObjectAcl',
          's3:DeleteObject',
          's3:DeleteObjectTagging',
          's3:DeleteObjectVersionTagging',
          's3:GetObjectTagging',
          's3:GetObjectVersionTagging',
          's3:PutObjectTagging',
          's3:PutObjectVersionTagging',
        ],
        ['arn:aws:s3:::{BucketName}/*'],
      ),
      allow(
        ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration'],
        ['arn:aws:s3:::{BucketName}'],
      ),
    ],
  },
  SNSPublishMessagePolicy: {
    parameters: ['TopicName'],
    statements: [allow(['sns:Publish'], [`arn:aws:sns:${R}:${A}:{TopicName}`])],
  },
  SNSCrudPolicy: {
    parameters: ['TopicName'],
    statements: [
      allow(
        ['sns:ListSubscriptionsByTopic', 'sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:Publish'],
        [`arn:aws:sns:${R}:${A}:{TopicName}*`],
      ),
    ],
  },
  VPCAccessPolicy: {
    parameters: [],
    statements: [
      allow([
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DetachNetworkInterface',
      ]),
    ],
  },
  KinesisStreamReadPolicy: {
    parameters: ['StreamName'],
    statements: [
      allow(['kinesis:ListStreams', 'kinesis:DescribeLimits'], [`arn:aws:kinesis:${R}:${A}:stream/*`]),
      allow(
        ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator'],
        [`arn:aws:kinesis:${R}:${A}:stream/{StreamName}`],
      ),
    ],
  },
  KinesisCrudPolicy: {
    parameters: ['StreamName'],
    statements: [
      allow(
        [
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
        [`arn:aws:kinesis:${R}:${A}:stream/{StreamName}`],
      ),
    ],
  },
  SESCrudPolicy: {
    parameters: ['IdentityName'],
    statements: [
      allow(
        ['ses:GetIdentityVerificationAttributes', 'ses:SendEmail', 'ses:SendRawEmail', 'ses:VerifyEmailIdentity'],
        [`arn:aws:ses:${R}:${A}:identity/{IdentityName}`],
      ),
    ],
  },
  SESBulkTemplatedCrudPolicy: {
    parameters: ['IdentityName'],
    statements: [
      allow(
        [
          'ses:GetIdentityVerificationAttributes',
          'ses:SendEmail',
          'ses:SendRawEmail',
          'ses:SendTemplatedEmail',
          'ses:SendBulkTemplatedEmail',
          'ses:VerifyEmailIdentity',
        ],
        [`arn:aws:ses:${R}:${A}:identity/{IdentityName}`],
      ),
    ],
  },
  SESSendBouncePolicy: {
    parameters: ['IdentityName'],
    statements: [allow(['ses:SendBounce'], [`arn:aws:ses:${R}:${A}:identity/{IdentityName}`])],
  },
  SSMParameterReadPolicy: {
    parameters: ['ParameterName'],
    statements: [
      allow(['ssm:DescribeParameters']),
      allow(
        ['ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParametersByPath'],
        [`arn:aws:ssm:${R}:${A}:parameter/{ParameterName}`],
      ),
    ],
  },
  SSMParameterWithSlashPrefixReadPolicy: {
    parameters: ['ParameterName'],
    statements: [
      allow(['ssm:DescribeParameters']),
      allow(
        ['ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParametersByPath'],
        [`arn:aws:ssm:${R}:${A}:parameter{ParameterName}`],
      ),
    ],
  },
  AWSSecretsManagerGetSecretValuePolicy: {
    parameters: ['SecretArn'],
    statements: [allow(['secretsmanager:GetSecretValue'], ['{SecretArn}'])],
  },
  StepFunctionsExecutionPolicy: {
    parameters: ['StateMachineName'],
    statements: [allow(['states:StartExecution'], [`arn:aws:states:${R}:${A}:stateMachine:{StateMachineName}`])],
  },
  EventBridgePutEventsPolicy: {
    parameters: ['EventBusName'],
    statements: [allow(['events:PutEvents'], [`arn:aws:events:${R}:${A}:event-bus/{EventBusName}`])],
  },
  KMSDecryptPolicy: {
    parameters: ['KeyId'],
    statements: [allow(['kms:Decrypt'], [`arn:aws:kms:${R}:${A}:key/{KeyId}`])],
  },
  KMSEncryptPolicy: {
    parameters: ['KeyId'],
    statements: [allow(['kms:Encrypt'], [`arn:aws:kms:${R}:${A}:key/{KeyId}`])],
  },
  FirehoseWritePolicy: {
    parameters: ['DeliveryStreamName'],
    statements: [
      allow(
        ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        [`arn:aws:firehose:${R}:${A}:deliverystream/{DeliveryStreamName}`],
      ),
    ],
  },
  // The SAM policy template grants what the managed policy of the same name does.
  AWSXrayWriteOnlyAccess: { parameters: [], statements: XRAY_WRITE.statements },
};

/**
 * A SAM policy template's statements with its parameters filled in (each an evaluator string),
 * or `undefined` when the template is not in the data or a parameter it needs is missing.
 */
export function policyTemplateStatements(
  name: string,
  parameters: Readonly<Record<string, string>>,
): readonly PolicyStatement[] | undefined {
  const data = POLICY_TEMPLATES[name];
  if (data === undefined || data.parameters.some((p) => parameters[p] === undefined)) return undefined;
  const fill = (s: string): string => s.replace(/\{(\w+)\}/g, (m, p: string) => parameters[p] ?? m);
  return data.statements.map((st) => ({ ...st, resources: st.resources.map(fill) }));
}

// ---------------------------------------------------------------------------------------------
// The evaluator.

/**
 * What an identity-based policy evaluation decides for one request:
 * - `allow`: a statement allows it and nothing could deny it;
 * - `implicit-deny`: no statement allows it, and every grant of the role is known;
 * - `explicit-deny`: a Deny statement matches it for certain;
 * - `unknown`: the role cannot be judged for it: the role is not in the template, a grant
 *   cannot be read (a customer managed policy, an intrinsic, a template or managed policy the
 *   data does not know, a SAM connector), a matching statement has a Condition, or a
 *   resource cannot be compared. Callers never report or enforce on `unknown`.
 */
export type Decision = 'allow' | 'implicit-deny' | 'explicit-deny' | 'unknown';

export interface Authorization {
  readonly decision: Decision;
  /** The grants that decided: those that allow (`allow`), the one that denies (`explicit-deny`), those that leave it open (`unknown`). */
  readonly grants: readonly PolicyGrant[];
  /** Why, in a sentence fragment: `DynamoDBReadPolicy does not include dynamodb:PutItem`. */
  readonly reason: string;
}

/**
 * Decides whether a function's execution role allows `action` (`dynamodb:PutItem`) on
 * `resource`, an ARN as the evaluator spells it (literal text and tokens, see {@link token};
 * `templateValues.arn(logicalId)` gives one for a resource of the template), or on a resource
 * that is not known (`undefined`: then only "no statement allows the action at all" or "a
 * statement allows it on every resource" can be told).
 *
 * IAM evaluation within one account, identity-based policies only: an explicit Deny wins, then
 * any Allow, else the request is implicitly denied
 * (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * Not evaluated: permission boundaries, SCPs and RCPs, session policies, resource policies
 * (a bucket or key policy may allow or deny on its own), KMS key policies; `Condition`s make a
 * statement unknown.
 */
export function authorize(role: ExecutionRoleModel, action: string, resource?: string): Authorization {
  if (role.managedBy === 'external')
    return { decision: 'unknown', grants: [], reason: 'the role is defined outside the template' };
  if (role.managedBy === 'none') return { decision: 'unknown', grants: [], reason: 'the function has no role' };
  const service = action.split(':')[0]?.toLowerCase() ?? '';
  const allows: PolicyGrant[] = [];
  const open: PolicyGrant[] = [];
  const openReasons: string[] = [];
  let denied: PolicyGrant | undefined;
  let openDeny = false;
  for (const g of role.grants) {
    const known = grantStatements(g, service);
    if (known === undefined) {
      open.push(g);
      openReasons.push(unknownReason(g));
      if (mayDeny(g)) openDeny = true;
      continue;
    }
    let grantAllows: Tri = 0;
    for (const st of known) {
      const m = statementMatches(st, action, resource);
      if (m === 0) continue;
      if (st.effect === 'Deny') {
        if (m === 2) denied ??= g;
        else {
          open.push(g);
          openDeny = true;
          openReasons.push(`${grantLabel(g)} may deny it${st.conditional ? ' (a conditional Deny)' : ''}`);
        }
      } else if (m > grantAllows) grantAllows = m;
    }
    if (grantAllows === 2) allows.push(g);
    else if (grantAllows === 1) {
      open.push(g);
      openReasons.push(`whether ${grantLabel(g)} allows it cannot be told`);
    }
  }
  if (denied !== undefined)
    return { decision: 'explicit-deny', grants: [denied], reason: `${grantLabel(denied)} denies ${action}` };
  // What cannot be read may add an Allow, which changes nothing once one allows; only a possible Deny leaves it open.
  if (open.length > 0 && (allows.length === 0 || openDeny))
    return { decision: 'unknown', grants: open, reason: [...new Set(openReasons)].join('; ') };
  if (allows.length > 0)
    return { decision: 'allow', grants: allows, reason: `allowed by ${allows.map(grantLabel).join(', ')}` };
  return {
    decision: 'implicit-deny',
    grants: [],
    reason: `no statement of the role allows ${action}${resource !== undefined ? ` on ${showResource(resource)}` : ''}`,
  };
}

/**
 * Whether a grant that cannot be read may hold a Deny. SAM policy templates never deny, and
 * AWS managed policies only grant, but for the few whose name says they deny; a customer
 * policy or an intrinsic may.
 */
function mayDeny(g: PolicyGrant): boolean {
  if (g.kind === 'template' || (g.kind === 'statement' && g.statements === undefined)) return false;
  // AWS managed policies grant; the few that deny say so in their name (AWSDenyAll, AWSCompromisedKeyQuarantine…).
  if (g.kind === 'managed') return MANAGED_POLICIES[g.name] === undefined && /Deny|Quarantine/i.test(g.name);
  return true;
}

/** The statements of a grant that can speak about `service`'s actions, or `undefined` when they cannot be known. */
function grantStatements(g: PolicyGrant, service: string): readonly PolicyStatement[] | undefined {
  switch (g.kind) {
    case 'unknown':
      return undefined;
    case 'statement':
      // A statement read without its document (a CDK grant): its actions, on resources not known.
      return g.statements ?? [allow(g.actions, [token('unknown:resource')])];
    case 'template':
      return g.statements;
    case 'managed': {
      const data = MANAGED_POLICIES[g.name];
      if (data === undefined) return undefined;
      if (data.services !== undefined && !data.services.includes(service)) return undefined;
      return data.statements;
    }
  }
}

function statementMatches(st: PolicyStatement, action: string, resource: string | undefined): Tri {
  const actionHit = st.actions.some((p) => actionMatches(p, action));
  if (actionHit === st.notAction) return 0;
  let res: Tri;
  if (resource === undefined) {
    // An unnamed resource: only a statement over every resource matches it for certain.
    const every = !st.notResource && st.resources.some((p) => /^\*+$/.test(p));
    res = every ? 2 : st.notResource && st.resources.length === 0 ? 2 : 1;
  } else {
    let best: Tri = 0;
    for (const p of st.resources) {
      const m = resourceMatches(p, resource);
      if (m > best) best = m;
    }
    res = st.notResource ? ((2 - best) as Tri) : best;
  }
  if (res === 0) return 0;
  return st.conditional ? 1 : res;
}

/** How a message names a grant: `DynamoDBReadPolicy`, `AWS managed policy AmazonS3ReadOnlyAccess`, `an inline statement`. */
export function grantLabel(g: PolicyGrant): string {
  switch (g.kind) {
    case 'template':
      return `SAM policy template ${g.name}`;
    case 'managed':
      return `AWS managed policy ${g.name}`;
    default:
      return g.name;
  }
}

function unknownReason(g: PolicyGrant): string {
  switch (g.kind) {
    case 'template':
      return POLICY_TEMPLATES[g.name] === undefined
        ? `SAM policy template ${g.name} is not one Lambda Lens knows`
        : `the parameters of SAM policy template ${g.name} cannot be read`;
    case 'managed':
      return MANAGED_POLICIES[g.name] === undefined
        ? `AWS managed policy ${g.name} is not one Lambda Lens knows`
        : `what AWS managed policy ${g.name} grants for this service is not known`;
    default:
      return `${g.name} cannot be read`;
  }
}

/**
 * The needed actions a role does not allow, on any resource. `undefined` when the role cannot
 * be judged for one of them (see {@link authorize}).
 */
export function missingActions(role: ExecutionRoleModel, need: PermissionNeed): readonly string[] | undefined {
  if (role.managedBy !== 'template' && role.managedBy !== 'sam') return undefined;
  const missing: string[] = [];
  for (const a of need.actions) {
    const d = grantedSomewhere(role, a);
    if (d === undefined) return undefined;
    if (!d) missing.push(a);
  }
  return missing;
}

/** Whether some statement of the role allows the action on some resource; `undefined` when it cannot be told. */
function grantedSomewhere(role: ExecutionRoleModel, action: string): boolean | undefined {
  const service = action.split(':')[0]?.toLowerCase() ?? '';
  let unknown = false;
  for (const g of role.grants) {
    // What a SAM policy template allows does not depend on its parameters when the resource does not matter.
    const sts =
      grantStatements(g, service) ?? (g.kind === 'template' ? POLICY_TEMPLATES[g.name]?.statements : undefined);
    if (sts === undefined) {
      unknown = true;
      continue;
    }
    for (const st of sts)
      if (st.effect === 'Allow' && st.actions.some((p) => actionMatches(p, action)) !== st.notAction) return true;
  }
  return unknown ? undefined : false;
}
