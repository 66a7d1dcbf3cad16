import {
  ASYNC_EVENT_AGE,
  ASYNC_RETRY_ATTEMPTS,
  ASYNC_RETRY_DELAYS_MS,
  BATCHING_WINDOW,
  BATCH_SIZE,
  BATCH_SIZE_SOURCE,
  CONCURRENCY,
  ENVIRONMENT_BYTES,
  EPHEMERAL_STORAGE,
  INIT_TIMEOUT_SECONDS,
  LAYERS,
  MEMORY,
  PACKAGE_SIZE,
  PAYLOAD,
  PRICE,
  SQS_BATCH_WITHOUT_WINDOW_MAX,
  SQS_SCALING,
  SNAPSTART,
  SQS_VISIBILITY,
  STREAM,
  TIMEOUT,
  VERSIONS,
  ALIAS_ROUTING,
} from '../limits';
import { formatNumber } from '../model/numbers';
import { TRAFFIC_SHIFT_SOURCE } from '../model/deployment';
import type { InvocationModel } from '../model/types';
import { RUNTIMES_SOURCE } from '../runtimes';

/** Hover text for one template property, as data. Markdown; values come from limits.ts. */
export interface PropertyDoc {
  readonly summary: string;
  /** Limits and defaults, one line each. */
  readonly limits?: readonly string[];
  readonly source?: string;
  /** Set when the property exists only on SAM (`AWS::Serverless::Function`) or only on CloudFormation (`AWS::Lambda::Function`). */
  readonly only?: 'sam' | 'cloudformation';
  /** Documented properties nested under this one (EventInvokeConfig.MaximumRetryAttempts, …). */
  readonly children?: Readonly<Record<string, PropertyDoc>>;
}

const n = formatNumber;
const DG = 'https://docs.aws.amazon.com/lambda/latest/dg/';
const SAM = 'https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html';

/** OnSuccess / OnFailure of asynchronous invocation (SAM and `AWS::Lambda::EventInvokeConfig`). */
const DESTINATION: PropertyDoc = {
  summary:
    'Where Lambda sends a record of an asynchronous invocation: an SQS queue, SNS topic, Lambda function or EventBridge bus (and, on failure only, an S3 bucket). FIFO queues and topics are not accepted.',
  source: `${DG}invocation-async-retain-records.html`,
  children: {
    Type: {
      summary:
        "SAM only: the destination's kind, `SQS`, `SNS`, `Lambda`, `EventBridge` or `S3`. SAM adds the permissions the function needs to send to it.",
    },
    Destination: {
      summary: "The destination's ARN. With SAM, leave it out for `SQS`/`SNS` to have SAM create the queue or topic.",
    },
  },
};

/** Asynchronous invocation settings: SAM `EventInvokeConfig` and the `AWS::Lambda::EventInvokeConfig` resource. */
export const ASYNC_CONFIG_PROPERTIES: Readonly<Record<string, PropertyDoc>> = {
  MaximumRetryAttempts: {
    summary: `How many times Lambda retries an asynchronous event after the function returns an error. Retries come about ${ASYNC_RETRY_DELAYS_MS.values.map((ms) => `${ms / 60_000} min`).join(', then ')} after the failure.`,
    limits: [
      `${ASYNC_RETRY_ATTEMPTS.min}–${ASYNC_RETRY_ATTEMPTS.max} retries`,
      `default ${ASYNC_RETRY_ATTEMPTS.default}`,
    ],
    source: ASYNC_RETRY_ATTEMPTS.source,
  },
  MaximumEventAgeInSeconds: {
    summary:
      'How long Lambda keeps an asynchronous event it could not process yet (throttled, or waiting to be retried) before discarding it or sending it to the OnFailure destination.',
    limits: [
      `${n(ASYNC_EVENT_AGE.min)}–${n(ASYNC_EVENT_AGE.max)} ${ASYNC_EVENT_AGE.unit}`,
      `default ${n(ASYNC_EVENT_AGE.default)} seconds (6 hours)`,
    ],
    source: ASYNC_EVENT_AGE.source,
  },
  DestinationConfig: {
    summary:
      'Destinations for records of asynchronous invocations: `OnSuccess` and `OnFailure`. Without an OnFailure destination (or a DLQ), an event that exhausts its retries is lost.',
    source: `${DG}invocation-async-retain-records.html`,
    children: { OnSuccess: DESTINATION, OnFailure: DESTINATION },
  },
  Qualifier: {
    summary: 'The version or alias the configuration applies to (`$LATEST`, a version number or an alias name).',
  },
  FunctionName: { summary: 'The function (name or ARN) the configuration applies to.' },
};

const PROVISIONED: PropertyDoc = {
  summary:
    "Execution environments initialised ahead of requests, so those requests have no cold start. It applies to a published version or alias (with SAM, set AutoPublishAlias), is billed while configured, and comes out of the account's concurrency.",
  source: `${DG}provisioned-concurrency.html`,
  children: {
    ProvisionedConcurrentExecutions: {
      summary:
        "How many environments to keep initialised. Cannot exceed the function's reserved concurrency, when one is set.",
    },
  },
};

/** What every version-related hover comes back to. */
const VERSION_FACTS =
  "A version is the function's code and configuration frozen together: it never changes. `$LATEST` is the only mutable version, and the one an unqualified name or ARN invokes. Each version has its own execution environments, so a newly published version starts with none: its first requests are cold starts, whatever was warm on the previous one.";

const ADDITIONAL_VERSION_WEIGHTS: PropertyDoc = {
  summary: `Weighted routing: Lambda sends \`FunctionWeight\` (a fraction from ${ALIAS_ROUTING.minWeight}.0 to ${ALIAS_ROUTING.maxWeight}.0) of the alias's requests to this version and the rest to \`FunctionVersion\`, choosing per request. The two versions keep separate environments, so the share sent to the new version meets cold starts until it has warm environments of its own.`,
  limits: [
    `at most ${ALIAS_ROUTING.maxAdditionalVersions} additional version`,
    `FunctionWeight ${ALIAS_ROUTING.minWeight}.0–${ALIAS_ROUTING.maxWeight}.0 (0.1 = 10 %)`,
  ],
  source: ALIAS_ROUTING.source,
};

/** SAM DeploymentPreference: CodeDeploy moves the AutoPublishAlias to each new version. */
const DEPLOYMENT_PREFERENCE: PropertyDoc = {
  summary:
    "Gradual deployment of the AutoPublishAlias with CodeDeploy: each new version first gets a share of the alias's traffic through its routing weights, growing until it gets all of it, unless an alarm or a hook rolls it back. Every shift moves requests onto a version with no warm environments, so p99 rises after each step.",
  source:
    'https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-deploymentpreference.html',
  only: 'sam',
  children: {
    Type: {
      summary:
        '`Canary10Percent5Minutes` (10 % for 5 minutes, then all), `Linear10PercentEvery1Minute` (10 % more every minute), `AllAtOnce`, and other Canary/Linear steps. The rest of the traffic stays on the previous version until the shift completes.',
      source: TRAFFIC_SHIFT_SOURCE,
    },
    Hooks: {
      summary:
        'Functions CodeDeploy runs around the shift; each must report success or failure to CodeDeploy (PutLifecycleEventHookExecutionStatus).',
      children: {
        PreTraffic: {
          summary:
            'Runs after the new version is published and before any traffic moves to it: a place to invoke the new version once and warm or test it.',
        },
        PostTraffic: { summary: 'Runs after all traffic has moved to the new version.' },
      },
    },
    Alarms: {
      summary: 'CloudWatch alarms that roll the alias back to the previous version when they fire during the shift.',
    },
    Enabled: { summary: 'Whether the gradual deployment is used (default true).' },
  },
};

const AUTH_TYPE: PropertyDoc = {
  summary:
    '`AWS_IAM` (callers sign requests with SigV4) or `NONE` (public: anyone with the URL can invoke the function).',
  source: `${DG}urls-auth.html`,
};
const INVOKE_MODE: PropertyDoc = {
  summary:
    '`BUFFERED` (default: the response is sent when the handler returns) or `RESPONSE_STREAM` (the handler streams its response).',
};

/** Properties of a Lambda function, shared by `AWS::Serverless::Function`, `AWS::Lambda::Function` and SAM `Globals.Function`. */
export const FUNCTION_PROPERTIES: Readonly<Record<string, PropertyDoc>> = {
  Handler: {
    summary:
      'The function Lambda calls. Its form depends on the runtime: `file.export` (Node.js), `module.function` (Python), `package.Class::method` (Java), `Assembly::Namespace.Class::Method` (.NET), `file.method` (Ruby); custom runtimes read it themselves (usually `bootstrap`). Image packages take no Handler.',
    source: `${DG}API_CreateFunction.html`,
  },
  Runtime: {
    summary:
      'The language runtime. AWS deprecates a runtime when its language version reaches end of life, then blocks creating and later updating functions with it. Image packages take no Runtime.',
    source: RUNTIMES_SOURCE,
  },
  CodeUri: {
    summary:
      "The function's code: a local folder (uploaded by `sam build`/`sam deploy`), an `s3://` URI or a Bucket/Key map.",
    limits: [
      `${PACKAGE_SIZE.zippedMb} MB zipped for direct upload`,
      `${PACKAGE_SIZE.unzippedMb} MB unzipped, layers included`,
    ],
    source: PACKAGE_SIZE.source,
    only: 'sam',
  },
  InlineCode: { summary: "The function's code written in the template (Node.js and Python only).", only: 'sam' },
  Code: {
    summary:
      "The function's code: `ZipFile` (inline source), `S3Bucket`/`S3Key` (a .zip in S3), or `ImageUri` (a container image in ECR).",
    limits: [
      `${PACKAGE_SIZE.zippedMb} MB zipped for direct upload`,
      `${PACKAGE_SIZE.unzippedMb} MB unzipped, layers included`,
    ],
    source: PACKAGE_SIZE.source,
    only: 'cloudformation',
  },
  PackageType: {
    summary:
      '`Zip` (code package with a Runtime and Handler; the default) or `Image` (a container image; no Runtime, Handler or Layers — set ImageConfig instead).',
    source: `${DG}API_CreateFunction.html`,
  },
  ImageUri: { summary: 'The container image (ECR URI) of an Image package.', only: 'sam' },
  ImageConfig: {
    summary:
      'Overrides for the container image: `Command` (plays the role of Handler), `EntryPoint`, `WorkingDirectory`.',
  },
  MemorySize: {
    summary: `Memory for each execution environment. CPU scales with it: ${n(MEMORY.mbPerVcpu)} MB is one vCPU, and CPU-bound code (including INIT) runs faster with more memory.`,
    limits: [`${n(MEMORY.min)}–${n(MEMORY.max)} MB in 1 MB steps`, `default ${MEMORY.default} MB`],
    source: MEMORY.source,
  },
  Timeout: {
    summary:
      'How long one invocation may run before Lambda stops it. A timeout ends the execution environment: the next request is a cold start.',
    limits: [
      `${TIMEOUT.min}–${TIMEOUT.max} ${TIMEOUT.unit}`,
      `default ${TIMEOUT.default} seconds`,
      `INIT has its own limit of ${INIT_TIMEOUT_SECONDS.value} seconds for on-demand environments`,
    ],
    source: TIMEOUT.source,
  },
  EphemeralStorage: {
    summary:
      'Size of `/tmp`. It persists across warm invocations of the same execution environment, so per-request files add up.',
    limits: [`${n(EPHEMERAL_STORAGE.min)}–${n(EPHEMERAL_STORAGE.max)} MB`, `default ${EPHEMERAL_STORAGE.default} MB`],
    source: EPHEMERAL_STORAGE.source,
    children: {
      Size: {
        summary: 'Size of `/tmp` in MB.',
        limits: [
          `${n(EPHEMERAL_STORAGE.min)}–${n(EPHEMERAL_STORAGE.max)} MB`,
          `default ${EPHEMERAL_STORAGE.default} MB`,
        ],
        source: EPHEMERAL_STORAGE.source,
      },
    },
  },
  Environment: {
    summary:
      "Environment variables, under `Variables`. Lambda reserves some names (AWS_REGION, _HANDLER, AWS_LAMBDA_FUNCTION_NAME, …) and sets them itself. In SAM, Globals variables are merged with the function's own.",
    limits: [`${n(ENVIRONMENT_BYTES.max)} bytes (4 KB) for all names and values together`],
    source: ENVIRONMENT_BYTES.source,
    children: {
      Variables: {
        summary:
          'Names and values of the environment variables. Values are strings; keep secrets in Secrets Manager or SSM rather than here.',
        limits: [`${n(ENVIRONMENT_BYTES.max)} bytes (4 KB) for all names and values together`],
        source: ENVIRONMENT_BYTES.source,
      },
    },
  },
  Layers: {
    summary:
      "Layer version ARNs, extracted under `/opt` in the order given. In SAM, Globals layers are added to the function's own.",
    limits: [`at most ${LAYERS.max} layers`, `function and layers together ≤ ${PACKAGE_SIZE.unzippedMb} MB unzipped`],
    source: LAYERS.source,
  },
  Architectures: {
    summary: 'The instruction set: `x86_64` (default) or `arm64` (Graviton). Native dependencies must be built for it.',
    limits: [
      `x86_64: $${PRICE.x86PerGbSecond} per GB-second`,
      `arm64: $${PRICE.arm64PerGbSecond} per GB-second (us-east-1)`,
    ],
    source: PRICE.source,
  },
  ReservedConcurrentExecutions: {
    summary:
      "Concurrency set aside for this function, and also its ceiling: requests beyond it are throttled. 0 stops the function from being invoked at all. It is taken from the account's pool.",
    limits: [`account concurrency: ${n(CONCURRENCY.accountDefault)} per Region by default`],
    source: `${DG}configuration-concurrency.html`,
  },
  ProvisionedConcurrencyConfig: { ...PROVISIONED, only: 'sam' },
  AutoPublishAlias: {
    summary: `SAM publishes a new version on each code or configuration change and points this alias at it; the function's SAM events invoke the alias. Needed for provisioned concurrency, SnapStart and gradual deployments (DeploymentPreference). ${VERSION_FACTS}`,
    source: VERSIONS.aliasesSource,
    only: 'sam',
  },
  AutoPublishCodeSha256: {
    summary:
      "A value SAM mixes into the version's hash: change it to publish a new version when the code changed in a way SAM cannot see (code built outside CodeUri). The new version starts with no warm environments.",
    source: SAM,
    only: 'sam',
  },
  VersionDescription: {
    summary: `The description of each version AutoPublishAlias publishes. Versions are immutable, so it is fixed once the version exists.`,
    source: VERSIONS.versionsSource,
    only: 'sam',
  },
  DeploymentPreference: DEPLOYMENT_PREFERENCE,
  EventInvokeConfig: {
    summary:
      'Asynchronous invocation settings: how often Lambda retries a failed event, how long it keeps events, and where it sends records of successes and failures.',
    source: `${DG}invocation-async-error-handling.html`,
    only: 'sam',
    children: ASYNC_CONFIG_PROPERTIES,
  },
  DeadLetterQueue: {
    summary:
      'An SQS queue or SNS topic that receives asynchronous events that failed all their retries. OnFailure destinations (EventInvokeConfig) carry more detail and are preferred.',
    source: `${DG}invocation-async-retain-records.html`,
    only: 'sam',
    children: {
      Type: { summary: '`SQS` or `SNS`.' },
      TargetArn: { summary: "The queue's or topic's ARN." },
    },
  },
  DeadLetterConfig: {
    summary:
      'An SQS queue or SNS topic that receives asynchronous events that failed all their retries. OnFailure destinations (AWS::Lambda::EventInvokeConfig) carry more detail and are preferred.',
    source: `${DG}invocation-async-retain-records.html`,
    only: 'cloudformation',
    children: { TargetArn: { summary: "The queue's or topic's ARN." } },
  },
  VpcConfig: {
    summary:
      'Attaches the function to subnets of a VPC. It then reaches the internet and AWS services only through a NAT gateway or VPC endpoints, and its role needs the network-interface permissions.',
    source: `${DG}configuration-vpc.html`,
    children: {
      SubnetIds: {
        summary:
          "Subnets for the function's network interfaces; use private subnets in at least two Availability Zones.",
      },
      SecurityGroupIds: { summary: "Security groups of the function's network interfaces." },
    },
  },
  FunctionUrlConfig: {
    summary: 'A dedicated HTTPS endpoint for the function, invoked synchronously.',
    limits: [`request and response ${PAYLOAD.syncMb} MB (buffered)`],
    source: `${DG}urls-configuration.html`,
    only: 'sam',
    children: {
      AuthType: AUTH_TYPE,
      InvokeMode: INVOKE_MODE,
      Cors: { summary: 'Cross-origin settings for browsers calling the URL.' },
    },
  },
  Role: {
    summary:
      "The execution role's ARN: what the function may do. It needs CloudWatch Logs permissions for the function's logs, and read permissions on any event source mapping's source. With SAM, leave it out to have SAM create a role from `Policies`.",
    source: `${DG}lambda-intro-execution-role.html`,
  },
  Policies: {
    summary:
      'Permissions for the role SAM creates: managed policy names or ARNs, SAM policy templates (`DynamoDBCrudPolicy`, `SQSPollerPolicy`, …) or inline policy documents. Ignored when Role is set.',
    source:
      'https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-templates.html',
    only: 'sam',
  },
  Tracing: {
    summary:
      'AWS X-Ray tracing: `Active` (sample and trace requests) or `PassThrough` (default: trace only when the caller sampled).',
    source: `${DG}services-xray.html`,
  },
  TracingConfig: {
    summary: 'AWS X-Ray tracing, under `Mode`: `Active` or `PassThrough` (default).',
    source: `${DG}services-xray.html`,
    only: 'cloudformation',
  },
  SnapStart: {
    summary:
      'Snapshots the initialised environment of a published version and resumes from it instead of running INIT: shorter cold starts. Code must not rely on uniqueness or connections made during INIT.',
    source: SNAPSTART.source,
    children: {
      ApplyOn: {
        summary:
          '`PublishedVersions` (snapshot each version when it is published) or `None`. `$LATEST` is never snapshotted: invoke a version or alias to benefit.',
        source: SNAPSTART.source,
      },
    },
  },
  LoggingConfig: {
    summary: 'Log format (`Text` or `JSON`), log levels and the log group the function writes to.',
    source: `${DG}monitoring-cloudwatchlogs-advanced.html`,
  },
  RecursiveLoop: {
    summary: '`Terminate` (default: Lambda stops a detected recursive loop through SQS, SNS or S3) or `Allow`.',
    source: `${DG}invocation-recursion.html`,
  },
  FunctionName: {
    summary:
      "The function's name. Setting it prevents CloudFormation from replacing the function without downtime, and from deploying the stack twice in one account and Region.",
  },
  KmsKeyArn: { summary: 'A customer managed KMS key that encrypts the environment variables at rest.' },
  Events: {
    summary:
      'What invokes the function. Each event has a `Type` (Api, SQS, S3, Schedule, …) and SAM creates the trigger, its permissions and, for queues and streams, an event source mapping.',
    source:
      'https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventsource.html',
    only: 'sam',
  },
};

const FIFO_MAX = BATCH_SIZE['SQS FIFO']?.max;

/**
 * Event source mapping properties, for SAM poll events (`SQS`, `Kinesis`, `DynamoDB`, `MSK`, …)
 * and `AWS::Lambda::EventSourceMapping`. BatchSize's per-source default and maximum are added
 * by the hover for the source at hand.
 */
export const MAPPING_PROPERTIES: Readonly<Record<string, PropertyDoc>> = {
  BatchSize: {
    summary: `The most records Lambda sends to one invocation. Lambda invokes with fewer when the batching window ends or the payload reaches ${PAYLOAD.syncMb} MB.`,
    source: BATCH_SIZE_SOURCE,
  },
  MaximumBatchingWindowInSeconds: {
    summary: `How long Lambda gathers records before invoking, when the batch is not full. SQS batches larger than ${SQS_BATCH_WITHOUT_WINDOW_MAX} need a window of at least 1 second; FIFO queues take no window.`,
    limits: [
      `${BATCHING_WINDOW.min}–${BATCHING_WINDOW.max} ${BATCHING_WINDOW.unit}`,
      'default 0 (SQS, streams) — 500 ms for Kafka and MQ',
    ],
    source: BATCHING_WINDOW.source,
  },
  FunctionResponseTypes: {
    summary:
      '`[ReportBatchItemFailures]` lets the handler return `{ batchItemFailures: [{ itemIdentifier }] }` so that only the failed records are retried. Without it, one failure retries the whole batch.',
    source: `${DG}services-sqs-errorhandling.html`,
  },
  ParallelizationFactor: {
    summary:
      'Streams only: how many batches of each shard are processed at once (records with the same partition key stay in order).',
    limits: [`${STREAM.parallelizationFactor.min}–${STREAM.parallelizationFactor.max}`, 'default 1'],
    source: STREAM.parallelizationFactor.source,
  },
  BisectBatchOnFunctionError: {
    summary:
      'Streams only: on an error, split the batch in two and retry each half, isolating a bad record instead of retrying the whole batch until it expires.',
    source: STREAM.parallelizationFactor.source,
  },
  MaximumRetryAttempts: {
    summary:
      'Streams only: how many times a failed batch is retried before it is skipped (and sent to the OnFailure destination). -1 retries until the records expire, blocking the shard meanwhile.',
    limits: [
      `${STREAM.maximumRetryAttempts.min}–${n(STREAM.maximumRetryAttempts.max)}`,
      'default -1 (until the record expires)',
    ],
    source: STREAM.maximumRetryAttempts.source,
  },
  MaximumRecordAgeInSeconds: {
    summary:
      'Streams only: records older than this are skipped (and sent to the OnFailure destination). -1 means no limit: records are retried until the stream drops them.',
    limits: [
      `-1, or ${n(STREAM.maximumRecordAgeInSeconds.min)}–${n(STREAM.maximumRecordAgeInSeconds.max)} ${STREAM.maximumRecordAgeInSeconds.unit}`,
      'default -1',
    ],
    source: STREAM.maximumRecordAgeInSeconds.source,
  },
  TumblingWindowInSeconds: {
    summary:
      'Streams only: aggregate records over windows of this length, passing state from one invocation to the next.',
    limits: [
      `${STREAM.tumblingWindowInSeconds.min}–${STREAM.tumblingWindowInSeconds.max} ${STREAM.tumblingWindowInSeconds.unit}`,
    ],
    source: STREAM.tumblingWindowInSeconds.source,
  },
  StartingPosition: {
    summary:
      'Streams and Kafka: where to start reading — `TRIM_HORIZON` (oldest available record), `LATEST` (new records only) or `AT_TIMESTAMP` (Kinesis, with StartingPositionTimestamp). Required for streams; not allowed for SQS.',
    source: STREAM.parallelizationFactor.source,
  },
  StartingPositionTimestamp: {
    summary: 'With `StartingPosition: AT_TIMESTAMP`: the time to start reading from, in Unix seconds.',
  },
  ScalingConfig: {
    summary: `SQS only: caps how many concurrent invocations the queue can drive. Without it, Lambda starts at ${SQS_SCALING.initial} concurrent batches and adds up to ${SQS_SCALING.perMinute} per minute, up to ${n(SQS_SCALING.max)}.`,
    source: SQS_SCALING.source,
    children: {
      MaximumConcurrency: {
        summary:
          'The most concurrent invocations this queue drives. Prefer it to reserved concurrency, which throttles and returns messages to the queue.',
        limits: [`${SQS_SCALING.maximumConcurrency.min}–${n(SQS_SCALING.maximumConcurrency.max)}`],
        source: SQS_SCALING.source,
      },
    },
  },
  DestinationConfig: {
    summary:
      "Streams and Kafka: `OnFailure` receives a record of batches that were skipped after their retries or age ran out (SQS, SNS, S3 or Kafka). SQS sources use the queue's redrive policy (DLQ) instead.",
    source: STREAM.parallelizationFactor.source,
    children: { OnFailure: { summary: 'Where a record of a failed batch is sent; `Destination` is its ARN.' } },
  },
  FilterCriteria: {
    summary:
      'Event filtering: only records that match one of the patterns invoke the function. Records that do not match are dropped (deleted from SQS, skipped in streams).',
    source: `${DG}invocation-eventfiltering.html`,
  },
  Enabled: {
    summary: 'Whether the mapping polls (default true). A disabled mapping leaves messages in the queue or stream.',
  },
  Queue: { summary: "The SQS queue's ARN.", source: `${DG}with-sqs.html` },
  Stream: { summary: "The stream's ARN (Kinesis stream or consumer, DynamoDB stream, MSK cluster)." },
  EventSourceArn: {
    summary:
      "The source's ARN: SQS queue, Kinesis stream, DynamoDB stream, MSK cluster, MQ broker or DocumentDB cluster.",
  },
  FunctionName: { summary: 'The function (name, ARN, or alias/version ARN) that the mapping invokes.' },
};

/** The queue properties that matter to a Lambda trigger. */
export const QUEUE_PROPERTIES: Readonly<Record<string, PropertyDoc>> = {
  VisibilityTimeout: {
    summary: `How long a received message stays hidden from other consumers. With a Lambda trigger it must be at least the function timeout (the mapping fails to create otherwise), and AWS recommends at least ${SQS_VISIBILITY.recommendedFactor}× the function timeout plus the batching window, so that retries of throttled batches do not re-deliver messages still being processed.`,
    limits: [`0–${n(SQS_VISIBILITY.max)} seconds`, `default ${SQS_VISIBILITY.default} seconds`],
    source: SQS_VISIBILITY.source,
  },
  FifoQueue: {
    summary: `A FIFO queue keeps order within a message group and removes duplicates. A Lambda trigger on it takes at most ${FIFO_MAX ?? 10} records per batch and no batching window.`,
    source: `${DG}services-sqs-parameters.html`,
  },
  RedrivePolicy: {
    summary:
      'Sends a message to a dead-letter queue after `maxReceiveCount` receives. With a Lambda trigger, each failed batch counts as a receive for every message in it (unless the function reports partial batch failures).',
    source: `${DG}services-sqs-errorhandling.html`,
  },
};

/** `AWS::Lambda::Url` properties. */
export const URL_PROPERTIES: Readonly<Record<string, PropertyDoc>> = {
  AuthType: AUTH_TYPE,
  InvokeMode: INVOKE_MODE,
  TargetFunctionArn: { summary: 'The function (or alias) the URL invokes.' },
};

/** `AWS::Lambda::Version` and `AWS::Lambda::Alias` properties. */
export const VERSION_PROPERTIES: Readonly<Record<string, PropertyDoc>> = {
  ProvisionedConcurrencyConfig: PROVISIONED,
  FunctionName: { summary: 'The function the version or alias belongs to.' },
  FunctionVersion: {
    summary: `Alias only: the version the alias points at (\`!GetAtt MyVersion.Version\`). An alias is a mutable pointer: moving it to a new version moves its callers to that version's environments, which start cold. \`$LATEST\` here means the alias follows every unpublished change and cannot have provisioned concurrency.`,
    source: VERSIONS.aliasesSource,
  },
  RoutingConfig: {
    summary:
      "Alias only: sends a weighted share of the alias's traffic to a second version (canary), the way CodeDeploy shifts an alias during a gradual deployment.",
    source: ALIAS_ROUTING.source,
    children: { AdditionalVersionWeights: ADDITIONAL_VERSION_WEIGHTS },
  },
  Name: {
    summary:
      'Alias only: its name (`live`, `prod`). Callers invoke `function:live`; event sources and permissions must name the alias too, or their requests go to `$LATEST`.',
    source: VERSIONS.aliasesSource,
  },
  Description: {
    summary: `Version: the description frozen with it. ${VERSION_FACTS}`,
    source: VERSIONS.versionsSource,
  },
  CodeSha256: {
    summary:
      "Version only: publish only when the function's code has this hash, so that the version holds the code you expect.",
    source: VERSIONS.versionsSource,
  },
};

/** How each invocation model reads in a hover. */
export const INVOCATION_TEXT: Readonly<Record<InvocationModel, string>> = {
  sync: 'the caller waits for the response',
  async: 'Lambda queues the event and the caller does not wait for it',
  poll: 'an event source mapping reads batches and invokes the function with them',
};
