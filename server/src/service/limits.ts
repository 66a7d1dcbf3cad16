/**
 * Lambda quotas and behaviours that rules, hovers and the simulator rely on. Each value cites
 * its source; keep them here only, so that an AWS change is one edit.
 * (Checked late 2026; the quotas page: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html.)
 */

export interface Limit {
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  readonly source: string;
}

const DG = 'https://docs.aws.amazon.com/lambda/latest/dg/';

/**
 * 128–10,240 MB in 1 MB steps. CPU is allocated in proportion to memory: 1,769 MB is the
 * equivalent of one vCPU, and 10,240 MB gets up to 6 vCPUs.
 */
export const MEMORY: Limit & { readonly default: number; readonly mbPerVcpu: number; readonly maxVcpus: number } = {
  min: 128,
  max: 10240,
  unit: 'MB',
  default: 128,
  mbPerVcpu: 1769,
  maxVcpus: 6,
  source: `${DG}configuration-memory.html`,
};

/** /tmp size: 512–10,240 MB, default 512. */
export const EPHEMERAL_STORAGE: Limit & { readonly default: number } = {
  min: 512,
  max: 10240,
  unit: 'MB',
  default: 512,
  source: `${DG}API_EphemeralStorage.html`,
};

/** Function timeout: 1–900 s, default 3 s. */
export const TIMEOUT: Limit & { readonly default: number } = {
  min: 1,
  max: 900,
  unit: 'seconds',
  default: 3,
  source: `${DG}gettingstarted-limits.html`,
};

/** INIT phase limit for on-demand environments. */
export const INIT_TIMEOUT_SECONDS = { value: 10, source: `${DG}lambda-runtime-environment.html` } as const;

/** Async invocation config (EventInvokeConfig). */
export const ASYNC_RETRY_ATTEMPTS: Limit & { readonly default: number } = {
  min: 0,
  max: 2,
  unit: 'retries',
  default: 2,
  source: `${DG}API_FunctionEventInvokeConfig.html`,
};
export const ASYNC_EVENT_AGE: Limit & { readonly default: number } = {
  min: 60,
  max: 21600,
  unit: 'seconds',
  default: 21600,
  source: `${DG}API_FunctionEventInvokeConfig.html`,
};

/** Environment variables: 4 KB in total (keys and values). */
export const ENVIRONMENT_BYTES = { max: 4096, unit: 'bytes', source: `${DG}configuration-envvars.html` } as const;

/** Environment variable names Lambda reserves; setting them fails the deploy (cfn-lint E3663). */
export const RESERVED_ENV_VARS = {
  names: [
    '_HANDLER',
    '_X_AMZN_TRACE_ID',
    'AWS_DEFAULT_REGION',
    'AWS_REGION',
    'AWS_EXECUTION_ENV',
    'AWS_LAMBDA_FUNCTION_NAME',
    'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
    'AWS_LAMBDA_FUNCTION_VERSION',
    'AWS_LAMBDA_INITIALIZATION_TYPE',
    'AWS_LAMBDA_LOG_GROUP_NAME',
    'AWS_LAMBDA_LOG_STREAM_NAME',
    'AWS_ACCESS_KEY',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_LAMBDA_RUNTIME_API',
    'LAMBDA_TASK_ROOT',
    'LAMBDA_RUNTIME_DIR',
  ] as const,
  source: `${DG}configuration-envvars.html#configuration-envvars-runtime`,
};

/** At most five layers per function. */
export const LAYERS = { max: 5, source: `${DG}adding-layers.html` } as const;

/** Deployment package: 50 MB zipped (direct upload), 250 MB unzipped including layers. */
export const PACKAGE_SIZE = { zippedMb: 50, unzippedMb: 250, source: `${DG}gettingstarted-limits.html` } as const;

/** Payload limits: 6 MB synchronous, 1 MB asynchronous (raised from 256 KB in Oct 2025). */
export const PAYLOAD = { syncMb: 6, asyncKb: 1024, source: `${DG}API_Invoke.html` } as const;

/** Concurrency: 1,000 per account and region by default; 1,000 new environments per 10 s per function. */
export const CONCURRENCY = {
  accountDefault: 1000,
  scalingPer10s: 1000,
  source: `${DG}scaling-behavior.html`,
} as const;

/**
 * Event source mapping batch sizes (default / max) per source, and the batching window.
 * SQS BatchSize > 10 requires MaximumBatchingWindowInSeconds ≥ 1; FIFO queues take no window.
 */
export const BATCH_SIZE: Readonly<Record<string, { readonly default: number; readonly max: number }>> = {
  SQS: { default: 10, max: 10000 },
  'SQS FIFO': { default: 10, max: 10 },
  Kinesis: { default: 100, max: 10000 },
  DynamoDB: { default: 100, max: 10000 },
  MSK: { default: 100, max: 10000 },
  SelfManagedKafka: { default: 100, max: 10000 },
  MQ: { default: 100, max: 10000 },
  DocumentDB: { default: 100, max: 10000 },
};
export const BATCH_SIZE_SOURCE = `${DG}API_CreateEventSourceMapping.html`;
export const SQS_BATCH_WITHOUT_WINDOW_MAX = 10;
export const BATCHING_WINDOW: Limit = {
  min: 0,
  max: 300,
  unit: 'seconds',
  source: `${DG}API_EventSourceMappingConfiguration.html`,
};

/** Stream (Kinesis / DynamoDB) event source mapping settings. */
export const STREAM = {
  parallelizationFactor: { min: 1, max: 10, unit: '', source: `${DG}services-kinesis-parameters.html` },
  maximumRetryAttempts: { min: -1, max: 10000, unit: 'retries', source: `${DG}services-kinesis-parameters.html` },
  /** -1 (records never expire for the mapping) or 60–604,800. */
  maximumRecordAgeInSeconds: { min: 60, max: 604800, unit: 'seconds', source: `${DG}services-kinesis-parameters.html` },
  tumblingWindowInSeconds: { min: 0, max: 900, unit: 'seconds', source: `${DG}services-kinesis-parameters.html` },
} as const;

/** SQS: default visibility timeout 30 s (0–43,200); AWS recommends ≥ 6× the function timeout. */
export const SQS_VISIBILITY = {
  default: 30,
  max: 43200,
  recommendedFactor: 6,
  source: `${DG}services-sqs-configure.html`,
} as const;

/** SQS event source scaling: 5 concurrent batches at first, +300 per minute, up to 1,000; MaximumConcurrency 2–1,000. */
export const SQS_SCALING = {
  initial: 5,
  perMinute: 300,
  max: 1000,
  maximumConcurrency: { min: 2, max: 1000 },
  source: `${DG}services-sqs-scaling.html`,
} as const;

/** API Gateway integration timeouts (REST 29 s, raisable for Regional/private since Jun 2024; WebSocket 29 s; HTTP API 30 s). */
export const API_TIMEOUT = {
  restSeconds: 29,
  httpSeconds: 30,
  websocketSeconds: 29,
  source: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html',
} as const;

/** Async retries on function error: about 1 minute, then 2 minutes later. */
export const ASYNC_RETRY_DELAYS_MS = {
  values: [60_000, 120_000],
  source: `${DG}invocation-async-error-handling.html`,
} as const;

/** Prices in us-east-1 (per GB-second, per request) and 1 ms billing granularity. INIT billed since 1 Aug 2025. */
export const PRICE = {
  x86PerGbSecond: 0.0000166667,
  arm64PerGbSecond: 0.0000133334,
  perRequest: 0.2 / 1_000_000,
  source: 'https://aws.amazon.com/lambda/pricing/',
} as const;

/** Kinesis and DynamoDB stream records are kept 24 h by default; an unbounded mapping retries a failing batch that long. */
export const STREAM_RETENTION_HOURS = { default: 24, source: `${DG}services-kinesis-errors.html` } as const;

/** Alias routing: at most one additional version, with a weight from 0.0 to 1.0. */
export const ALIAS_ROUTING = {
  maxAdditionalVersions: 1,
  minWeight: 0,
  maxWeight: 1,
  source: `${DG}API_AliasRoutingConfiguration.html`,
} as const;

/** SnapStart applies to published versions only (`ApplyOn: PublishedVersions`); `$LATEST` always runs INIT. */
export const SNAPSTART = { source: `${DG}snapstart.html` } as const;

/** Versions are immutable; an alias routes to one or two of them; each version has its own execution environments. */
export const VERSIONS = {
  versionsSource: `${DG}configuration-versions.html`,
  aliasesSource: `${DG}configuration-aliases.html`,
} as const;
