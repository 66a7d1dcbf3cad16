/**
 * The simulator's trace format: what one simulated run produced, as a JSON document
 * (`SimulationTrace`) and as a stream of events (`TraceEvent`) emitted while the run goes on.
 *
 * This file is the contract between the simulator (server/src/simulator), the CLI and the
 * timeline panel (client/webview). It is self-contained on purpose: no imports, types only,
 * so that browser code can import it as is. Keep changes additive; bump
 * `TRACE_FORMAT_VERSION` when a field changes meaning.
 *
 * Units, everywhere in this file:
 * - times (`...Ms` fields that are points in time) are milliseconds of *simulated* time since
 *   the start of the run (t = 0 is the run's start). Simulated time runs with real time while
 *   handler code runs and jumps over idle gaps (see docs/simulator.md);
 * - durations (`durationMs`, `initMs`, `billedMs`, …) are milliseconds;
 * - memory is in MB (1 MB = 2^20 bytes, as Lambda's REPORT line counts it);
 * - money is in US dollars.
 * `epochMs` in the trace header maps simulated time to wall-clock time for the log lines:
 * wall time of t = `epochMs + t`.
 */

/** The version of this format; a trace carries it in `version`. */
export const TRACE_FORMAT_VERSION = 1;

/** Where an invocation's event came from. */
export type InvocationSource = 'sync' | 'async' | 'sqs' | 'kinesis' | 'dynamodb';

/**
 * How an invocation ended.
 * - `success`: the handler returned a response.
 * - `error`: the handler threw or rejected (or init failed); the environment survives
 *   unless init failed.
 * - `timeout`: the function timeout passed (`Sandbox.Timedout`); the environment is reset.
 * - `throttled`: no environment could take the request (reserved or account concurrency,
 *   or the scaling rate); the handler did not run and `env` is null.
 * - `crash`: the runtime process ended during the request (`process.exit`, an uncaught
 *   exception, an unhandled rejection, a signal); the environment is reset.
 * - `oom`: the process went over MemorySize and was killed (`Runtime.OutOfMemory`).
 */
export type InvocationOutcome = 'success' | 'error' | 'timeout' | 'throttled' | 'crash' | 'oom';

/** Why an execution environment ended. */
export type EnvironmentEndReason =
  /** Reclaimed after staying idle for the platform's idle timeout. */
  | 'idle'
  /** Retired after reaching the platform's maximum environment lifetime (off by default). */
  | 'lifetime'
  /** Reset after a request timed out. */
  | 'timeout'
  /** Reset after the runtime process exited or was killed during a request. */
  | 'crash'
  /** Reset after the process went over MemorySize. */
  | 'oom'
  /** Reset after INIT failed (and the suppressed re-init inside the first invoke failed too). */
  | 'init-error'
  /** Provisioned concurrency released: a deployment moved the alias off this environment's version (its shift completed). */
  | 'released'
  /** Still alive when the run finished; shut down with the run. */
  | 'run-end'
  /** The run was cancelled. */
  | 'cancelled';

/** How an environment was initialised (`AWS_LAMBDA_INITIALIZATION_TYPE`). */
export type InitializationType = 'on-demand' | 'provisioned-concurrency';

/**
 * What the host measured for one phase (INIT or a request), beside the Lambda figures the trace
 * reports (durations/model.ts), ms.
 */
export interface TraceHostFigures {
  /** Wall time measured in the environment's process. */
  wallMs: number;
  /** The main thread's time on a host CPU (`source: process`: the whole process's CPU time). */
  cpuMs: number;
  /** The main thread's time waiting for a host CPU (0 when unknown): not counted by Lambda. */
  waitMs: number;
  /** CPU time of every thread of the process and of the processes it started. */
  totalCpuMs: number;
  /** `schedstat`: Linux's per-thread figures; `process`: the process's CPU time only; `none`: no figures (the phase did not end normally). */
  source: 'schedstat' | 'process' | 'none';
  /** Lambda's CPU part (scaled to the vCPU share) and I/O-wait part of the phase, ms. */
  lambdaCpuMs: number;
  lambdaIoMs: number;
}

/** One execution environment: one real child process (replaced in place by a suppressed re-init). */
export interface TraceEnvironment {
  /** Stable id within the trace, e.g. `env-1`. Invocations refer to it. */
  id: string;
  /** The environment's CloudWatch log stream name, e.g. `2026/11/27/[$LATEST]4f3c…`. */
  logStreamName: string;
  initializationType: InitializationType;
  /**
   * Simulated time the environment was created (INIT started), ms. Negative for provisioned
   * environments: they are initialised before traffic, so their INIT ends at t = 0.
   */
  createdMs: number;
  /**
   * INIT duration as Lambda would report it, ms: the runtime's start-up (`runtimeStartupMs`)
   * plus the module load and top-level code, whose CPU part is scaled to the function's memory
   * and from which the time spent waiting for a host CPU is removed (issue 18, docs/simulator.md).
   */
  initMs: number;
  /** The runtime start-up included in `initMs`, drawn as its own segment, ms (added by issue 18). */
  runtimeStartupMs?: number;
  /** What the host measured for INIT (added by issue 18). */
  initHost?: TraceHostFigures;
  /** How INIT went; `error`/`timeout` means the first invoke re-ran it ("suppressed init"). */
  initStatus: 'success' | 'error' | 'timeout';
  /** Simulated time the environment ended, ms; null while it is alive (streamed snapshots). */
  endedMs: number | null;
  /** Why it ended; null while it is alive. */
  endReason: EnvironmentEndReason | null;
  /** The environment's private temporary directory (TMPDIR), on the host. */
  tmpDir: string;
  /** OS process ids that served this environment (more than one after a suppressed re-init). */
  pids: number[];
  /**
   * Real time the runtime process took to start (fork until the bootstrap was ready), ms. The
   * spare pool pays it ahead of time, so it is not on the timeline and not in `initMs`; Lambda's
   * Init Duration includes its runtime's start-up (≈145 ms for Node, maxday/lambda-perf).
   * Optional only because it was added after the first version of this format.
   */
  processStartMs?: number;
  /** Peak resident memory of the environment's process, MB (VmHWM). */
  maxMemoryMb: number;
  /**
   * The function version the environment runs (`$LATEST`, `1`, `2`…): every version has its
   * own environments. Optional: traces written before versions were simulated lack it.
   */
  version?: string;
  /** Logical id of the function the environment runs, in a run of several functions. Optional: absent in older traces. */
  function?: string;
}

/** A function error payload, as the Node runtime returns it (`{errorType, errorMessage, trace}`). */
export interface TraceError {
  errorType: string;
  errorMessage: string;
  /** Stack lines, as Lambda's Node runtime sends them. */
  trace: string[];
  /** Python runtime: the request id (`""` for INIT errors), as in `{errorMessage, errorType, requestId, stackTrace}`. */
  requestId?: string;
  /** Python runtime: the traceback's frames (`trace` holds the same lines). */
  stackTrace?: string[];
}

/** One attempt to run the handler (or a throttled attempt that never ran). */
export interface TraceInvocation {
  /** Lambda request id. Retries of one async event keep the same id; `attempt` tells them apart. */
  requestId: string;
  /** Id of the environment that served it; null when throttled. */
  env: string | null;
  /** 1 for the first try, 2 and 3 for async retries, n for the n-th receive of an SQS batch. */
  attempt: number;
  source: InvocationSource;
  /** True when this request created its environment (INIT ran on its path). */
  cold: boolean;
  /** The version that served it (throttled: the version it was routed to). Optional: absent in older traces. */
  version?: string;
  /** Simulated time the request reached the platform (before INIT for a cold start), ms. */
  arrivedMs: number;
  /** Simulated time the handler started (after INIT for a cold start), ms. */
  startMs: number;
  /** Simulated time the response was produced (or the environment died), ms. */
  endMs: number;
  /** INIT duration on this request's path, ms (0 for warm starts and throttles). */
  initMs: number;
  /**
   * REPORT Duration: handler run time (plus a suppressed re-init) as Lambda would measure it —
   * CPU time scaled to the memory's vCPU share plus I/O waits, without the host's CPU waits —
   * capped at the timeout, ms. `endMs − startMs` equals it.
   */
  durationMs: number;
  /** What the host measured for the handler's run (added by issue 18; absent for throttles). */
  host?: TraceHostFigures;
  /**
   * REPORT Billed Duration, ms: ceil(Duration), plus ceil(Init Duration) for on-demand cold
   * starts, which AWS bills since 1 Aug 2025.
   */
  billedMs: number;
  /** REPORT Memory Size, MB. */
  memorySizeMb: number;
  /** REPORT Max Memory Used, MB (the environment's peak resident memory so far). */
  maxMemoryMb: number;
  outcome: InvocationOutcome;
  /**
   * The error type Lambda reports: the REPORT line's `Error Type` (e.g. `Runtime.OutOfMemory`,
   * `Runtime.ExitError`, `Sandbox.Timedout`), the thrown error's name, or
   * `TooManyRequestsException` for a throttle. Null on success.
   */
  errorType: string | null;
  /**
   * The event the handler was given (for a throttle: the event it would have been given).
   * Optional only because it was added after the first version of this format.
   */
  request?: unknown;
  /** The response payload on success (JSON value; `null` when the handler returned nothing). */
  response: unknown;
  /** The function error payload returned to the caller, or null. */
  error: TraceError | null;
  /** For throttles: the 429 reason (`ReservedFunctionConcurrentInvocationLimitExceeded`, …). */
  throttleReason: string | null;
  /** Ids of the inputs (`TraceInput.id`) carried by this invocation (a batch carries several). */
  inputs: string[];
  /** The log lines of this request, in Lambda's format, START to REPORT included. */
  logs: string[];
  /** The REPORT line alone (empty for throttles, which produce no log). */
  report: string;
  /** Logical id (or name) of the function that ran it. Optional: absent in older traces. */
  function?: string;
  /** The AWS calls the handler made during this attempt, answered by the run's local endpoint. */
  awsCalls?: AwsCall[];
}

/** Where a delivery went. */
export type DeliveryKind =
  /** Async OnSuccess destination. */
  | 'on-success'
  /** Async OnFailure destination, or a stream event source mapping's OnFailure destination. */
  | 'on-failure'
  /** The function's legacy dead-letter queue (DeadLetterConfig). */
  | 'dlq'
  /** The SQS source queue's redrive dead-letter queue (maxReceiveCount reached). */
  | 'queue-dlq';

/** A record sent to a destination or dead-letter queue. */
export interface TraceDelivery {
  kind: DeliveryKind;
  /** Simulated time of delivery, ms. */
  atMs: number;
  /** The target as configured (an ARN or a name); `(unnamed)` when the scenario gave none. */
  target: string;
  /** The inputs this record accounts for. */
  inputs: string[];
  /** Request id of the last attempt, when the event reached the function. */
  requestId: string | null;
  /** `Success`, `RetriesExhausted`, `EventAgeExceeded`, `RetryAttemptsExhausted`, `maxReceiveCount`. */
  condition: string;
  /** The exact record as Lambda (or SQS) would deliver it. */
  record: unknown;
}

/** What finally happened to an input. */
export type InputFate = 'succeeded' | 'delivered' | 'dropped';

/**
 * One event put into the platform: a sync or async invoke, an SQS message or a stream record.
 * The accounting invariant: at the end of a run every input has a fate.
 */
export interface TraceInput {
  /** Stable id within the trace, e.g. `in-12`. */
  id: string;
  source: InvocationSource;
  /** Simulated time it was put in, ms. */
  putMs: number;
  /** SQS message id, stream sequence number, or the async/sync request id. */
  externalId: string;
  fate: InputFate;
  /** Simulated time the fate was decided, ms. */
  settledMs: number;
  /** Why, in words: for `dropped` always set; for `delivered` the destination kind. */
  reason: string;
  /** How many times the handler received it. */
  attempts: number;
}

/** Which runtime binary ran the handlers. */
export interface TraceRuntime {
  /** The runtime the function asks for, e.g. `nodejs22.x`. */
  requested: string;
  /** Absolute path of the Node binary used. */
  binary: string;
  /** That binary's version, e.g. `v20.20.2`. */
  version: string;
  /** True when the binary's major version matches the requested runtime. */
  exact: boolean;
  /** A sentence saying what was used and why, for display. */
  note: string;
}

/** One AWS call a handler made, answered by the run's local endpoint (server/src/simulator/aws), on the simulated clock. */
export interface AwsCall {
  /** Unique in the run: `duplicateOf` names it. */
  id: string;
  /** The function (logical id) whose handler made the call; `null` when no request was running. */
  function: string | null;
  requestId: string | null;
  attempt: number | null;
  service: string;
  operation: string;
  /** The table, queue, topic, bucket/key or function the call addressed, when it names one. */
  resource: string | null;
  startMs: number;
  durationMs: number;
  /** `ok`, `error` (an AWS error answered), or `hang` (no answer until the function timed out). */
  outcome: 'ok' | 'error' | 'hang';
  errorCode: string | null;
  summary: string;
  /** Id of the call of an earlier attempt of the same input whose side effect this call repeats. */
  duplicateOf: string | null;
  /**
   * Set when what the template allows stopped the call or a delivery it caused (docs/simulator.md,
   * *Enforcement*): `denied` (the execution role does not allow it: AccessDeniedException),
   * `unreachable` (no route from the function's subnets: the call hangs), `refused` (a delivery
   * it caused to a function whose resource policy does not allow the service). Absent otherwise.
   */
  enforcement?: { kind: 'denied' | 'unreachable' | 'refused'; reason: string };
}

/** The function as simulated (after template, inline config and overrides). */
export interface TraceFunction {
  name: string;
  handler: string;
  runtime: string;
  /** Folder the handler path is resolved against (LAMBDA_TASK_ROOT), on the host. */
  codeRoot: string;
  architecture: 'x86_64' | 'arm64';
  memorySizeMb: number;
  timeoutMs: number;
  reservedConcurrency: number | null;
  provisionedConcurrency: number;
  /**
   * Each environment's /tmp: its size (EphemeralStorage), whether the size is enforced (a tmpfs
   * of that size in the environment's own mount namespace, runtimes/ephemeral.ts) and, when
   * not, why. Optional: absent in older traces.
   */
  ephemeralStorage?: { sizeMb: number; enforced: boolean; note: string };
}

/** Latency figures of a group of invocations, ms. Null fields when the group is empty. */
export interface DurationStats {
  count: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** Figures for the whole run. */
export interface TraceSummary {
  /** Invocation attempts that ran the handler (throttles excluded). */
  invocations: number;
  coldStarts: number;
  environments: number;
  /** Highest number of environments busy (INIT on a request path or INVOKE) at once. */
  peakConcurrency: number;
  throttles: number;
  /** Attempts after the first (async retries, SQS re-receives, stream retries). */
  retries: number;
  /** Attempts whose outcome was not `success` (throttles excluded). */
  errors: number;
  /** Handler Duration of warm invocations. */
  warm: DurationStats;
  /** Handler Duration of cold invocations (INIT not included; see `init`). */
  cold: DurationStats;
  /** Init Duration of cold starts. */
  init: DurationStats;
  /** Sum of billed durations, ms. */
  billedMs: number;
  /** Billed GB-seconds: sum of billedMs/1000 × MemorySize/1024. */
  gbSeconds: number;
  /** Cost of the run in USD for each architecture (compute + requests), us-east-1 prices. */
  cost: { x86_64: number; arm64: number };
  /** Simulated length of the run, ms. */
  simulatedMs: number;
  /** Real time the run took, ms. */
  wallMs: number;
  /** The accounting invariant: `put = succeeded + delivered + dropped`. */
  accounting: { put: number; succeeded: number; delivered: number; dropped: number };
  /** AWS calls answered by the local endpoint, and those that repeated a side effect of an earlier attempt. */
  awsCalls?: number;
  duplicateSideEffects?: number;
}

/** A complete run, as saved to JSON. */
export interface SimulationTrace {
  version: typeof TRACE_FORMAT_VERSION;
  /** Scenario name (from the file) and path, when the run came from a file. */
  scenario: { name: string; path: string | null };
  /** Wall-clock time (Unix epoch ms) of simulated t = 0. */
  epochMs: number;
  function: TraceFunction;
  runtime: TraceRuntime;
  /** The platform settings in force (idle timeout, limits, retry delays…), by name. */
  platform: Record<string, number | string | boolean | number[] | null>;
  environments: TraceEnvironment[];
  invocations: TraceInvocation[];
  deliveries: TraceDelivery[];
  inputs: TraceInput[];
  /** Lines that belong to no request (INIT_START, INIT_REPORT, output between requests). */
  environmentLogs: { env: string; atMs: number; line: string }[];
  summary: TraceSummary;
  /** True when the run was cancelled before it finished. */
  cancelled: boolean;
  /** Every function that ran, the scenario's first; absent in older traces (one function). */
  functions?: (TraceFunction & { logicalId: string })[];
  /** The local AWS endpoint of the run: its URL, and the final state of the emulated resources. */
  aws?: { endpoint: string; state: Record<string, unknown>; warnings: string[] };
  /** What the requests invoked (`$LATEST`, a version or an alias) and the deployments during the run. Optional: absent in older traces. */
  routing?: {
    qualifier: string;
    /**
     * `atMs`: when the deployment happened (the version was published and, with provisioned
     * concurrency on the alias, its provisioned environments started to initialise);
     * `shiftStartMs`: when traffic started moving to it (later than `atMs` by the provisioned
     * INIT; absent in older traces and when the run ended first).
     */
    deployments: { atMs: number; version: string; type: string; shiftStartMs?: number }[];
  };
}

/**
 * Events streamed while a run goes on, in simulated-time order per environment. A consumer
 * can rebuild the trace from them; `run-end` carries the complete trace.
 */
export type TraceEvent =
  /** The run started (sent once, first). */
  | {
      type: 'run-start';
      atMs: 0;
      epochMs: number;
      function: TraceFunction;
      runtime: TraceRuntime;
      scenario: SimulationTrace['scenario'];
      /** What the requests invoke and the deployments planned (when each traffic shift starts is known only at the end). Optional: absent in older runs. */
      routing?: SimulationTrace['routing'];
    }
  /** An environment was created and its INIT started. */
  | { type: 'env-start'; atMs: number; env: TraceEnvironment }
  /** An environment's INIT finished (`env.initMs`, `env.initStatus` are final). */
  | { type: 'init-end'; atMs: number; env: TraceEnvironment }
  /** An invocation started running on an environment. */
  | {
      type: 'invoke-start';
      atMs: number;
      requestId: string;
      env: string;
      attempt: number;
      source: InvocationSource;
      cold: boolean;
    }
  /** An invocation finished (any outcome, throttles included). */
  | { type: 'invoke-end'; atMs: number; invocation: TraceInvocation }
  /** A retry was scheduled for a request (async, SQS visibility, stream). */
  | {
      type: 'retry-scheduled';
      atMs: number;
      requestId: string;
      source: InvocationSource;
      nextAttempt: number;
      dueMs: number;
      reason: string;
    }
  /** A record went to a destination or DLQ. */
  | { type: 'delivery'; atMs: number; delivery: TraceDelivery }
  /** An input got its fate. */
  | { type: 'input-settled'; atMs: number; input: TraceInput }
  /** An environment ended (`env.endedMs`, `env.endReason` set). */
  | { type: 'env-end'; atMs: number; env: TraceEnvironment }
  /** A log line (of a request when `requestId` is set, else of the environment). */
  | { type: 'log'; atMs: number; env: string; requestId: string | null; line: string }
  /** The run finished (or was cancelled); the complete trace. */
  | { type: 'run-end'; atMs: number; trace: SimulationTrace };

/** `lambda-lens tune` and Compare Memory Sizes… (tune.ts): one memory size's figures (the JSON output's elements). */
export interface TuneRow {
  memorySizeMb: number;
  /** Duration of the invocations that ran (warm and cold), ms. */
  durationP50Ms: number | null;
  durationP95Ms: number | null;
  /** Init Duration of the cold starts, ms. */
  initP50Ms: number | null;
  /** GB-seconds billed for the whole scenario (INIT included for on-demand cold starts). */
  billedGbS: number;
  /** What a million requests like the scenario's would cost, USD (GB-seconds and requests). */
  costPerMillionUsd: { x86_64: number; arm64: number };
  invocations: number;
  errors: number;
}

export interface TuneResult {
  rows: TuneRow[];
  /** The size with the lowest cost per million on the function's architecture. */
  cheapestMb: number;
  /** The smallest size whose Duration p50 is within `tolerancePct` of the best. */
  fastestMb: number;
  tolerancePct: number;
  architecture: 'x86_64' | 'arm64';
}
