/**
 * Which IAM action an AWS SDK operation needs, and which resource it is authorised on, from
 * the request's parameters. Shared by the static rule LL4007 (the code's calls) and the
 * simulator (the emulated calls), so both ask the evaluator (iam.ts) the same question.
 *
 * Sources: the Service Authorization Reference, one page per service
 * (docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html,
 * list_amazonsqs.html, list_amazonsns.html, list_amazons3.html, list_amazoneventbridge.html,
 * list_amazonses.html, list_awssystemsmanager.html, list_awssecretsmanager.html,
 * list_awslambda.html, list_amazonkinesis.html, list_awsstepfunctions.html): the action that
 * authorises each API operation, and the ARN format of each resource type.
 */
import { token } from './iam';

/** The IAM service prefix of an SDK service id (v3 package suffix, v2 class or boto3 name, lower-cased without dashes). */
const PREFIX: Readonly<Record<string, string>> = {
  dynamodb: 'dynamodb',
  sqs: 'sqs',
  sns: 'sns',
  s3: 's3',
  eventbridge: 'events',
  cloudwatchevents: 'events',
  events: 'events',
  ses: 'ses',
  sesv2: 'ses',
  ssm: 'ssm',
  secretsmanager: 'secretsmanager',
  lambda: 'lambda',
  kinesis: 'kinesis',
  sfn: 'states',
  stepfunctions: 'states',
};

/**
 * Operations of the covered services, by IAM prefix: the operation's name → the action's
 * name, where they differ or where the operation is known. An operation that is not listed
 * gets no action (and no finding): several need more than one action, or actions per item
 * (DynamoDB transactions and PartiQL, S3 CopyObject's source).
 */
const OPERATIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  dynamodb: {
    GetItem: 'GetItem',
    PutItem: 'PutItem',
    UpdateItem: 'UpdateItem',
    DeleteItem: 'DeleteItem',
    Query: 'Query',
    Scan: 'Scan',
    BatchGetItem: 'BatchGetItem',
    BatchWriteItem: 'BatchWriteItem',
    DescribeTable: 'DescribeTable',
    ConditionCheckItem: 'ConditionCheckItem',
  },
  sqs: {
    SendMessage: 'SendMessage',
    // The batch operations are authorised by the single-message actions.
    SendMessageBatch: 'SendMessage',
    ReceiveMessage: 'ReceiveMessage',
    DeleteMessage: 'DeleteMessage',
    DeleteMessageBatch: 'DeleteMessage',
    ChangeMessageVisibility: 'ChangeMessageVisibility',
    ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
    GetQueueAttributes: 'GetQueueAttributes',
    GetQueueUrl: 'GetQueueUrl',
    PurgeQueue: 'PurgeQueue',
  },
  sns: { Publish: 'Publish', PublishBatch: 'Publish' },
  s3: {
    GetObject: 'GetObject',
    HeadObject: 'GetObject',
    PutObject: 'PutObject',
    DeleteObject: 'DeleteObject',
    DeleteObjects: 'DeleteObject',
    CreateMultipartUpload: 'PutObject',
    UploadPart: 'PutObject',
    CompleteMultipartUpload: 'PutObject',
    AbortMultipartUpload: 'AbortMultipartUpload',
    ListObjects: 'ListBucket',
    ListObjectsV2: 'ListBucket',
    HeadBucket: 'ListBucket',
    ListObjectVersions: 'ListBucketVersions',
    GetObjectTagging: 'GetObjectTagging',
    PutObjectTagging: 'PutObjectTagging',
    GetObjectAcl: 'GetObjectAcl',
    PutObjectAcl: 'PutObjectAcl',
    GetBucketLocation: 'GetBucketLocation',
  },
  events: { PutEvents: 'PutEvents' },
  ses: {
    SendEmail: 'SendEmail',
    SendRawEmail: 'SendRawEmail',
    SendTemplatedEmail: 'SendTemplatedEmail',
    SendBulkTemplatedEmail: 'SendBulkTemplatedEmail',
    SendBulkEmail: 'SendBulkEmail',
  },
  ssm: {
    GetParameter: 'GetParameter',
    GetParameters: 'GetParameters',
    GetParametersByPath: 'GetParametersByPath',
    PutParameter: 'PutParameter',
    DeleteParameter: 'DeleteParameter',
  },
  secretsmanager: {
    GetSecretValue: 'GetSecretValue',
    DescribeSecret: 'DescribeSecret',
    PutSecretValue: 'PutSecretValue',
    UpdateSecret: 'UpdateSecret',
  },
  lambda: { Invoke: 'InvokeFunction', InvokeWithResponseStream: 'InvokeFunction' },
  kinesis: {
    PutRecord: 'PutRecord',
    PutRecords: 'PutRecords',
    GetRecords: 'GetRecords',
    GetShardIterator: 'GetShardIterator',
    DescribeStream: 'DescribeStream',
    DescribeStreamSummary: 'DescribeStreamSummary',
    ListShards: 'ListShards',
  },
  states: {
    StartExecution: 'StartExecution',
    StartSyncExecution: 'StartSyncExecution',
    DescribeExecution: 'DescribeExecution',
    StopExecution: 'StopExecution',
  },
};

/** The IAM prefix of an SDK service id (`client-dynamodb` → `dynamodb`, `sfn` → `states`), or `undefined` when it is not covered. */
export function iamPrefix(sdkService: string): string | undefined {
  return PREFIX[
    sdkService
      .toLowerCase()
      .replace(/^client-/, '')
      .replace(/-/g, '')
  ];
}

/** The IAM action an operation needs (`dynamodb`, `PutItem` → `dynamodb:PutItem`), when the operation is covered. */
export function iamAction(sdkService: string, operation: string): string | undefined {
  const prefix = iamPrefix(sdkService);
  const name = prefix !== undefined ? OPERATIONS[prefix]?.[operation] : undefined;
  return prefix !== undefined && name !== undefined ? `${prefix}:${name}` : undefined;
}

/** Operations a covered service has, by IAM prefix (for hovers and tests). */
export function coveredOperations(prefix: string): readonly string[] {
  return Object.keys(OPERATIONS[prefix] ?? {});
}

const R = token('AWS::Region');
const A = token('AWS::AccountId');

/** A request parameter's value as the evaluator spells it, or `undefined` when it is not passed. */
export type Params = Readonly<Record<string, string | undefined>>;

/** One ARN segment: characters up to `/` or `:`, or tokens (which stand for whole values). */
const SEG = '(?:[^/:\\uE000]|\\uE000[^\\uE001]*\\uE001)+';

/**
 * The ARN a request is authorised on, from its parameters (each an evaluator string: literal
 * text and tokens), or `undefined` when the parameters do not name it. The ARN formats are
 * the resource types of the Service Authorization Reference.
 */
export function requestResource(action: string, params: Params): string | undefined {
  const [prefix, name] = action.split(':');
  switch (prefix) {
    case 'dynamodb': {
      const table = params.TableName;
      if (table === undefined) return undefined;
      const arn = table.startsWith('arn:') ? table : `arn:aws:dynamodb:${R}:${A}:table/${table}`;
      const index = params.IndexName;
      return name === 'Query' || name === 'Scan' ? (index !== undefined ? `${arn}/index/${index}` : arn) : arn;
    }
    case 'sqs':
      return params.QueueUrl !== undefined ? queueArn(params.QueueUrl) : undefined;
    case 'sns':
      return params.TopicArn;
    case 's3': {
      const bucket = params.Bucket;
      if (bucket === undefined || bucket.startsWith('arn:')) return undefined;
      if (name === 'ListBucket' || name === 'ListBucketVersions' || name === 'GetBucketLocation')
        return `arn:aws:s3:::${bucket}`;
      return `arn:aws:s3:::${bucket}/${params.Key ?? token('unknown:object key')}`;
    }
    case 'events': {
      const bus = params.EventBusName ?? 'default';
      return bus.startsWith('arn:') ? bus : `arn:aws:events:${R}:${A}:event-bus/${bus}`;
    }
    case 'ssm': {
      const p = params.Name ?? params.Path;
      if (p === undefined) return undefined;
      return p.startsWith('arn:') ? p : `arn:aws:ssm:${R}:${A}:parameter/${p.replace(/^\//, '')}`;
    }
    case 'secretsmanager': {
      const id = params.SecretId;
      if (id === undefined) return undefined;
      // A secret's ARN ends in six random characters that its name does not carry.
      return id.startsWith('arn:') ? id : `arn:aws:secretsmanager:${R}:${A}:secret:${id}-${token('unknown:suffix')}`;
    }
    case 'lambda': {
      const fn = params.FunctionName;
      if (fn === undefined) return undefined;
      if (fn.startsWith('arn:')) return fn;
      if (fn.includes(':')) return undefined;
      const q = params.Qualifier;
      return `arn:aws:lambda:${R}:${A}:function:${fn}${q !== undefined ? `:${q}` : ''}`;
    }
    case 'kinesis': {
      if (params.StreamARN !== undefined) return params.StreamARN;
      return params.StreamName !== undefined ? `arn:aws:kinesis:${R}:${A}:stream/${params.StreamName}` : undefined;
    }
    case 'states':
      return name === 'StartExecution' || name === 'StartSyncExecution' ? params.stateMachineArn : params.executionArn;
    default:
      return undefined;
  }
}

/** A queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`, or the legacy hosts) as the queue's ARN. */
export function queueArn(url: string): string | undefined {
  if (url.startsWith('arn:')) return url;
  const m = new RegExp(`^https?://(${SEG})/(${SEG})/(${SEG})/?$`).exec(url);
  if (m === null) return undefined;
  const host = m[1] ?? '';
  const region =
    /^sqs\.([^.]+)\.amazonaws\.com/.exec(host)?.[1] ??
    /^([^.]+)\.queue\.amazonaws\.com/.exec(host)?.[1] ??
    (host.startsWith('queue.amazonaws.com') ? 'us-east-1' : token('unknown:region'));
  return `arn:aws:sqs:${region}:${m[2] ?? ''}:${m[3] ?? ''}`;
}

/** The request parameters that name the resource, for callers that read them from code. */
export const RESOURCE_PARAMETERS: readonly string[] = [
  'TableName',
  'IndexName',
  'QueueUrl',
  'TopicArn',
  'Bucket',
  'Key',
  'EventBusName',
  'Name',
  'Path',
  'SecretId',
  'FunctionName',
  'Qualifier',
  'StreamName',
  'StreamARN',
  'stateMachineArn',
  'executionArn',
];
