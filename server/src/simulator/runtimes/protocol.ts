/**
 * Messages between the simulator (parent) and the Node runtime bootstrap running in each
 * execution environment's child process. They travel over the child's IPC channel, so the
 * order of log lines and results is the order the child produced them.
 */

/** A function error payload as Lambda's Node runtime serialises it. */
export interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
  /** Python runtime (awslambdaric): the request id, `""` for INIT errors. */
  requestId?: string;
  /** Python runtime: the traceback's frames, as awslambdaric sends them (`trace` holds the same lines). */
  stackTrace?: string[];
}

/** Parent → child: run INIT (resolve and load the handler module). */
export interface InitMessage {
  t: 'init';
  /** The function's environment (Lambda's variables plus the template's). */
  env: Record<string, string>;
  /** LAMBDA_TASK_ROOT on the host. */
  taskRoot: string;
  /** The Handler setting, e.g. `src/index.handler`. */
  handler: string;
  /** True on nodejs24.x and later: callback-style handlers are rejected at init. */
  rejectCallbackHandlers: boolean;
  /** True on nodejs22.x and earlier: `context.succeed/fail/done` exist. */
  legacyContextMethods: boolean;
  /** Offset to add to the child's `Date.now()` to get simulated wall time (log timestamps). */
  clockOffsetMs: number;
}

/** Parent → child: run one request. */
export interface InvokeMessage {
  t: 'invoke';
  requestId: string;
  event: unknown;
  /** Time left before the function timeout, ms, for `getRemainingTimeInMillis`. */
  remainingMs: number;
  /** Offset to add to the child's `Date.now()` to get simulated wall time (log timestamps). */
  clockOffsetMs: number;
  traceId: string;
  invokedFunctionArn: string;
  functionName: string;
  functionVersion: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
}

export type ParentMessage = InitMessage | InvokeMessage;

/** Child → parent: the bootstrap is loaded and waits for `init`. */
export interface ReadyMessage {
  t: 'ready';
}

/** Child → parent: INIT finished. */
export interface InitDoneMessage {
  t: 'init-done';
  /** Measured inside the child around handler resolution and module load, ms. */
  initMs: number;
  /** Set when INIT failed (`Runtime.ImportModuleError`, `Runtime.HandlerNotFound`, …). */
  error: ErrorPayload | null;
  /** The process's peak resident memory so far (`process.resourceUsage().maxRSS`), KB. */
  maxRssKb: number;
}

/** Child → parent: a log line already in Lambda's format (console output). */
export interface LogMessage {
  t: 'log';
  line: string;
}

/** Child → parent: raw text written to process.stdout / process.stderr. */
export interface OutputMessage {
  t: 'out';
  text: string;
}

/** Child → parent: a request finished. */
export interface ResultMessage {
  t: 'result';
  requestId: string;
  /** Handler run time measured inside the child, ms. */
  durationMs: number;
  /** The JSON text of the response (`null` when the handler returned nothing), when `error` is null. */
  responseJson: string | null;
  error: ErrorPayload | null;
  /** The process's peak resident memory so far (`process.resourceUsage().maxRSS`), KB. */
  maxRssKb: number;
}

/**
 * Child → parent: the runtime is about to exit because of an uncaught exception (exit 129)
 * or an unhandled rejection (exit 128); `error` is what Lambda's runtime posts for the request.
 */
export interface FatalMessage {
  t: 'fatal';
  error: ErrorPayload;
  exitCode: number;
}

export type ChildMessage = ReadyMessage | InitDoneMessage | LogMessage | OutputMessage | ResultMessage | FatalMessage;
