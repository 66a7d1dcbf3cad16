/**
 * What one simulation runs: the function, the platform settings and the traffic, fully
 * resolved (scenario.ts builds it from a scenario file; tests and the bench build it directly).
 */
import {
  ASYNC_EVENT_AGE,
  ASYNC_RETRY_ATTEMPTS,
  ASYNC_RETRY_DELAYS_MS,
  CONCURRENCY,
  INIT_TIMEOUT_SECONDS,
} from '../service/limits';
import type { TrafficShift } from '../service/model/deployment';
import type { ServiceSeed } from './aws/emulator';
import type { CallRule } from './aws/faults';

/** The function as simulated. */
export interface FunctionConfig {
  /** Function name (the logical id for template functions). */
  name: string;
  /** Handler setting, e.g. `src/index.handler`, resolved against `codeRoot`. */
  handler: string;
  /** Runtime id, e.g. `nodejs22.x`. */
  runtime: string;
  /** Absolute folder the handler is resolved against (LAMBDA_TASK_ROOT). */
  codeRoot: string;
  architecture: 'x86_64' | 'arm64';
  memorySizeMb: number;
  timeoutMs: number;
  /**
   * EphemeralStorage size, MB: the size of each environment's /tmp (512 default, 512–10,240,
   * https://docs.aws.amazon.com/lambda/latest/api/API_EphemeralStorage.html); runtimes/ephemeral.ts enforces it.
   */
  ephemeralStorageMb: number;
  /** The function's own environment variables (template Environment + scenario). */
  environment: Record<string, string>;
  /** Reserved concurrency; null when not set (the account limit applies). */
  reservedConcurrency: number | null;
  /** Provisioned concurrency: environments initialised before traffic. */
  provisionedConcurrency: number;
  /** Asynchronous invocation configuration (EventInvokeConfig). */
  async: AsyncConfig;
  /** Legacy DeadLetterConfig target (SQS/SNS ARN or a name); null when none. */
  deadLetterQueue: string | null;
}

export interface AsyncConfig {
  /** MaximumRetryAttempts 0–2, default 2 (API_FunctionEventInvokeConfig). */
  maximumRetryAttempts: number;
  /** MaximumEventAgeInSeconds 60–21,600, default 21,600. */
  maximumEventAgeSeconds: number;
  onSuccess: string | null;
  onFailure: string | null;
}

/**
 * Platform behaviour. Where AWS publishes nothing, these are the assumptions named in
 * docs/lambda.md, as settings.
 */
export interface PlatformSettings {
  /** Idle environments are reclaimed after this long; AWS publishes none, observed 10 min (docs/lambda.md, "Execution environments"). */
  idleTimeoutMs: number;
  /** Random extra idle time, 0 to this, per environment (off by default). */
  idleJitterMs: number;
  /**
   * Which idle environment takes a request. AWS publishes no rule; most recently used by
   * default (docs/lambda.md, "Execution environments").
   */
  idleEnvironmentChoice: 'most-recent' | 'least-recent' | 'random';
  /** On-demand environments older than this are retired when idle; 0 = off (docs/lambda.md, "Execution environments": "every few hours"; off by default). */
  maxEnvironmentLifetimeMs: number;
  /** Account concurrency, default 1,000 (gettingstarted-limits.html). */
  accountConcurrency: number;
  /** New environments per 10 s per function, refilled continuously (scaling-behavior.html). */
  scalingPer10s: number;
  /** INIT limit for on-demand environments, 10 s (lambda-runtime-environment.html). */
  initTimeoutMs: number;
  /** Async retry delays after a function error: ≈1 min, then ≈2 min (invocation-async-error-handling.html). */
  asyncRetryDelaysMs: number[];
  /** Async throttle backoff: starts at 1 s, doubles, capped at 5 min (invocation-async-error-handling.html). */
  throttleBackoffInitialMs: number;
  throttleBackoffMaxMs: number;
  /** Freeze environments between requests with SIGSTOP/SIGCONT (docs/lambda.md, "Execution environments"). */
  freezeBetweenInvokes: boolean;
  /** How often resident memory is read while code runs, ms. */
  memoryPollMs: number;
  /** Pre-forked processes kept ready so that cold starts do not pay for fork. */
  spareProcesses: number;
  /** Safety stop: after this many invocations, remaining inputs are dropped with that reason. */
  maxInvocations: number;
  /** Delay between a stream batch failing and its retry, ms (AWS publishes none; assumption). */
  streamRetryDelayMs: number;
  /**
   * The runtime's own start-up added to every INIT, ms; null: the published median for the
   * function's runtime (durations/startup.ts, maxday/lambda-perf).
   */
  runtimeStartupMs: number | null;
  /**
   * Host CPU ms per Lambda vCPU ms: 1 counts one host core as one vCPU (uncalibrated); set it to
   * what a CPU-bound function measures on Lambda at 1,769 MB ÷ here to calibrate.
   */
  hostCpuFactor: number;
  region: string;
  accountId: string;
}

export function defaultPlatform(): PlatformSettings {
  return {
    idleTimeoutMs: 10 * 60_000,
    idleJitterMs: 0,
    idleEnvironmentChoice: 'most-recent',
    maxEnvironmentLifetimeMs: 0,
    accountConcurrency: CONCURRENCY.accountDefault,
    scalingPer10s: CONCURRENCY.scalingPer10s,
    initTimeoutMs: INIT_TIMEOUT_SECONDS.value * 1000,
    asyncRetryDelaysMs: [...ASYNC_RETRY_DELAYS_MS.values],
    throttleBackoffInitialMs: 1000,
    throttleBackoffMaxMs: 5 * 60_000,
    freezeBetweenInvokes: true,
    memoryPollMs: 10,
    spareProcesses: 2,
    maxInvocations: 20_000,
    streamRetryDelayMs: 1000,
    runtimeStartupMs: null,
    hostCpuFactor: 1,
    region: 'us-east-1',
    accountId: '123456789012',
  };
}

export function defaultAsyncConfig(): AsyncConfig {
  return {
    maximumRetryAttempts: ASYNC_RETRY_ATTEMPTS.default,
    maximumEventAgeSeconds: ASYNC_EVENT_AGE.default,
    onSuccess: null,
    onFailure: null,
  };
}

/** An SQS queue feeding the function through an event source mapping. */
export interface SqsQueueConfig {
  name: string;
  fifo: boolean;
  /** BatchSize, default 10 (standard ≤ 10,000, FIFO ≤ 10). */
  batchSize: number;
  /** MaximumBatchingWindowInSeconds, 0–300 (FIFO: none). */
  batchingWindowSeconds: number;
  /** The queue's VisibilityTimeout, default 30 s. */
  visibilityTimeoutSeconds: number;
  /** FunctionResponseTypes includes ReportBatchItemFailures. */
  reportBatchItemFailures: boolean;
  /** Redrive policy maxReceiveCount; null when the queue has no DLQ. */
  maxReceiveCount: number | null;
  /** The redrive DLQ's name or ARN. */
  deadLetterQueue: string | null;
  /** ScalingConfig.MaximumConcurrency (2–1,000); null when not set. */
  maximumConcurrency: number | null;
  /** MessageRetentionPeriod, default 4 days (345,600 s). */
  retentionSeconds: number;
}

export interface SqsMessageInput {
  body: string;
  messageId?: string;
  groupId?: string;
  attributes?: Record<string, unknown>;
}

/** A Kinesis stream or DynamoDB stream feeding the function. */
export interface StreamConfig {
  name: string;
  kind: 'kinesis' | 'dynamodb';
  shards: number;
  /** BatchSize, default 100. */
  batchSize: number;
  /** MaximumRetryAttempts −1 (until expiry) to 10,000; default −1. */
  maximumRetryAttempts: number;
  /** MaximumRecordAgeInSeconds −1 or 60–604,800; default −1. */
  maximumRecordAgeSeconds: number;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  /** ParallelizationFactor 1–10. */
  parallelizationFactor: number;
  /** OnFailure destination; null when none. */
  onFailure: string | null;
  /** Record retention: Kinesis default 24 h, DynamoDB streams 24 h. */
  retentionSeconds: number;
}

export interface StreamRecordInput {
  /** Kinesis: the data (JSON value or string, sent base64). DynamoDB: the `dynamodb` record body. */
  data: unknown;
  partitionKey?: string;
  /** DynamoDB: INSERT, MODIFY or REMOVE. */
  eventName?: string;
}

/** One entry of traffic, resolved. */
export type TrafficEntry =
  | { at: number; kind: 'sync' | 'async'; event: unknown; count: number; intervalMs: number }
  | { at: number; kind: 'sqs'; queue: SqsQueueConfig; messages: SqsMessageInput[] }
  | { at: number; kind: 'stream'; stream: StreamConfig; records: StreamRecordInput[] };

/** A deployment during the run: from `at`, `version` takes the alias's traffic as `shift` says. */
export interface Deployment {
  at: number;
  version: string;
  shift: TrafficShift;
  /** The DeploymentPreference type as written (`Canary10Percent5Minutes`), for the trace. */
  type: string;
}

/** What the requests invoke (versions.ts): an alias, a version or `$LATEST`, and the deployments that move an alias. */
export interface VersionRouting {
  /** `$LATEST`, a version number or an alias name, as in the invoked ARN. */
  qualifier: string;
  /** The version the qualifier points at when the run starts. */
  version: string;
  /** An alias's weighted second version when the run starts; null when none. */
  additional: { version: string; weight: number } | null;
  /** Sorted by `at`. */
  deployments: Deployment[];
  /** Seed of the per-request weighted choice, so that a run repeats. */
  seed: number;
}

export interface SimulationConfig {
  /** Scenario name and path, for the trace. */
  scenario: { name: string; path: string | null };
  function: FunctionConfig;
  platform: PlatformSettings;
  traffic: TrafficEntry[];
  /** Versions and aliases; absent means every request invokes `$LATEST`. */
  routing?: VersionRouting;
  /** The template the function came from: its resources are emulated by the run's local AWS endpoint. */
  templateFile?: string;
  /**
   * The template's text when the caller rendered it (a CDK stack as a SAM template, given with
   * ScenarioInputs.templates): read in place of `templateFile`, which is then the stack's path.
   */
  templateText?: string;
  /** The scenario's `services` section: seed data and call rules for the local AWS endpoint. */
  services?: ServicesConfig;
}

/** The scenario's `services` section, read (scenario.ts). */
export interface ServicesConfig {
  data: ServiceSeed;
  calls: CallRule[];
  /** Seed of the failure-rate draws, so a run repeats. */
  seed: number;
}
