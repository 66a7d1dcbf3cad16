import type { InvocationModel } from './types';

/** What Lambda Lens knows about an event type: how it invokes the function and what retries it. */
export interface EventTypeInfo {
  readonly invocation: InvocationModel;
  /** The service, as a person would name it. */
  readonly service: string;
  /** One sentence on what happens when the function fails. */
  readonly retries: string;
  /** Stream-based event source mappings (Kinesis, DynamoDB, Kafka): ordered, shard-blocking. */
  readonly stream?: true;
}

// Invocation models: docs.aws.amazon.com/lambda/latest/dg/lambda-invocation.html,
// invocation-async.html (async services) and invocation-eventsourcemapping.html (pollers).
const SYNC_NO_RETRY = 'The caller gets the error; Lambda does not retry.';
const ASYNC_RETRY =
  'Lambda queues the event and retries a failed invocation twice (about 1 min, then 2 min later); events can also arrive more than once without an error, so the handler must be idempotent.';
const SQS_RETRY =
  'A failed batch returns to the queue after the visibility timeout and is received again, whole, unless the function reports partial batch failures; after maxReceiveCount receives the queue moves the message to its DLQ.';
const STREAM_RETRY =
  'A failed batch is retried in order until it succeeds or the records expire (or MaximumRetryAttempts / MaximumRecordAgeInSeconds is reached); meanwhile the shard is blocked.';

/** SAM `Events` types (docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventsource.html). */
export const EVENT_TYPES: Readonly<Record<string, EventTypeInfo>> = {
  Api: { invocation: 'sync', service: 'API Gateway REST API', retries: SYNC_NO_RETRY },
  HttpApi: { invocation: 'sync', service: 'API Gateway HTTP API', retries: SYNC_NO_RETRY },
  AlexaSkill: { invocation: 'sync', service: 'Alexa Skills Kit', retries: SYNC_NO_RETRY },
  Cognito: {
    invocation: 'sync',
    service: 'Cognito user pool trigger',
    retries: 'Cognito retries a failed trigger up to 3 times on some errors; the sign-in flow waits for it.',
  },
  IoTRule: { invocation: 'async', service: 'AWS IoT rule', retries: ASYNC_RETRY },
  S3: { invocation: 'async', service: 'Amazon S3 notification', retries: ASYNC_RETRY },
  SNS: { invocation: 'async', service: 'Amazon SNS', retries: ASYNC_RETRY },
  EventBridgeRule: { invocation: 'async', service: 'Amazon EventBridge rule', retries: ASYNC_RETRY },
  CloudWatchEvent: { invocation: 'async', service: 'CloudWatch Events rule', retries: ASYNC_RETRY },
  Schedule: { invocation: 'async', service: 'EventBridge schedule', retries: ASYNC_RETRY },
  ScheduleV2: { invocation: 'async', service: 'EventBridge Scheduler', retries: ASYNC_RETRY },
  CloudWatchLogs: { invocation: 'async', service: 'CloudWatch Logs subscription', retries: ASYNC_RETRY },
  SQS: { invocation: 'poll', service: 'Amazon SQS', retries: SQS_RETRY },
  Kinesis: { invocation: 'poll', service: 'Kinesis Data Streams', retries: STREAM_RETRY, stream: true },
  DynamoDB: { invocation: 'poll', service: 'DynamoDB Streams', retries: STREAM_RETRY, stream: true },
  MSK: { invocation: 'poll', service: 'Amazon MSK (Kafka)', retries: STREAM_RETRY, stream: true },
  SelfManagedKafka: { invocation: 'poll', service: 'self-managed Kafka', retries: STREAM_RETRY, stream: true },
  MQ: {
    invocation: 'poll',
    service: 'Amazon MQ',
    retries: 'A failed batch is returned to the broker and redelivered.',
  },
  DocumentDB: { invocation: 'poll', service: 'DocumentDB change stream', retries: STREAM_RETRY, stream: true },
  FunctionUrl: { invocation: 'sync', service: 'Lambda function URL', retries: SYNC_NO_RETRY },
  ALB: { invocation: 'sync', service: 'Application Load Balancer', retries: SYNC_NO_RETRY },
  // Serverless Framework event types without a SAM event of their own (templates/serverless.ts).
  WebSocket: { invocation: 'sync', service: 'API Gateway WebSocket API', retries: SYNC_NO_RETRY },
  AlexaSmartHome: { invocation: 'sync', service: 'Alexa Smart Home', retries: SYNC_NO_RETRY },
  CloudFront: { invocation: 'sync', service: 'CloudFront (Lambda@Edge)', retries: SYNC_NO_RETRY },
  IoTFleetProvisioning: { invocation: 'sync', service: 'AWS IoT fleet provisioning hook', retries: SYNC_NO_RETRY },
  // An AWS::IoT::Authorizer's function: IoT Core calls it synchronously to authenticate a connection
  // (docs.aws.amazon.com/iot/latest/developerguide/custom-authorizer.html); its invoke permission
  // names the same principal as a rule's, iot.amazonaws.com.
  IoTAuthorizer: { invocation: 'sync', service: 'AWS IoT custom authorizer', retries: SYNC_NO_RETRY },
};

/** Resource-policy principals (AWS::Lambda::Permission) and the event type they stand for. */
export const PRINCIPAL_EVENT_TYPES: Readonly<Record<string, string>> = {
  'apigateway.amazonaws.com': 'Api',
  's3.amazonaws.com': 'S3',
  'sns.amazonaws.com': 'SNS',
  'events.amazonaws.com': 'EventBridgeRule',
  'scheduler.amazonaws.com': 'ScheduleV2',
  'logs.amazonaws.com': 'CloudWatchLogs',
  'iot.amazonaws.com': 'IoTRule',
  'elasticloadbalancing.amazonaws.com': 'ALB',
  'cognito-idp.amazonaws.com': 'Cognito',
  'alexa-appkit.amazon.com': 'AlexaSkill',
};

/** The event type an event source ARN's service stands for. */
export function eventTypeForArn(arn: string): string | undefined {
  if (/^arn:[^:]+:sqs:/.test(arn)) return 'SQS';
  if (/^arn:[^:]+:kinesis:/.test(arn)) return 'Kinesis';
  if (/^arn:[^:]+:dynamodb:.*\/stream\//.test(arn)) return 'DynamoDB';
  if (/^arn:[^:]+:kafka:/.test(arn)) return 'MSK';
  if (/^arn:[^:]+:mq:/.test(arn)) return 'MQ';
  if (/^arn:[^:]+:rds:/.test(arn)) return 'DocumentDB';
  return undefined;
}

/** The event type a referenced resource stands for, when it is an event source. */
export const RESOURCE_EVENT_TYPES: Readonly<Record<string, string>> = {
  'AWS::SQS::Queue': 'SQS',
  'AWS::Kinesis::Stream': 'Kinesis',
  'AWS::DynamoDB::Table': 'DynamoDB',
  'AWS::DynamoDB::GlobalTable': 'DynamoDB',
  'AWS::MSK::Cluster': 'MSK',
  'AWS::MSK::ServerlessCluster': 'MSK',
  'AWS::AmazonMQ::Broker': 'MQ',
  'AWS::DocDB::DBCluster': 'DocumentDB',
};

export function eventInfo(type: string): EventTypeInfo | undefined {
  return EVENT_TYPES[type];
}
