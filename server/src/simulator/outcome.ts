/**
 * What a request's end means on the platform, and the REPORT line: pure functions of how the
 * runtime process ended (RawInvokeResult), with no process, clock or I/O, so that every case is
 * tested directly (test/unit/simulator/outcome.test.ts). The engine feeds them and applies the
 * result (logs, environment reset, billing, the trace).
 *
 * Facts: Lambda's log lines and REPORT fields (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html), errors
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html) and payload limits
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
 */
import type { ErrorPayload } from './runtimes/protocol';
import type { EnvironmentEndReason, InvocationOutcome, TraceInvocation } from './trace';

/** How one request ended, before the platform's interpretation. */
export type RawInvokeResult =
  | { kind: 'response'; durationMs: number; responseJson: string | null }
  | { kind: 'error'; durationMs: number; error: ErrorPayload }
  | { kind: 'timeout'; durationMs: number }
  /** Uncaught exception or unhandled rejection: the runtime posted `error`, then exited. */
  | { kind: 'fatal'; durationMs: number; error: ErrorPayload; exitCode: number }
  /** The process ended without a response (`process.exit`, a signal). */
  | { kind: 'exit'; durationMs: number; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'oom'; durationMs: number };

/** The synchronous response limit as Lambda's error message states it (6 MB plus framing; API_Invoke.html). */
export const RESPONSE_LIMIT_BYTES = 6_291_556;

/** What the platform makes of a request's end. */
export interface Outcome {
  outcome: Exclude<InvocationOutcome, 'throttled'>;
  /** The error type the trace reports (REPORT's `Error Type` when there is one), null on success. */
  errorType: string | null;
  /** The error payload returned to the caller, null on success. */
  error: ErrorPayload | null;
  /** The response payload on success. */
  response: unknown;
  /** REPORT `Status:`, null when REPORT has none. */
  status: 'error' | 'timeout' | null;
  /** REPORT `Error Type:`, null when REPORT has none. */
  reportErrorType: string | null;
  /** Why the environment is reset, null when it lives on. */
  endReason: EnvironmentEndReason | null;
  /** Lines the platform writes for the request before END (the timeout line, the exit error). */
  lines: string[];
  /** The process was killed for going over MemorySize: REPORT's Max Memory Used is MemorySize. */
  overMemory: boolean;
}

export interface OutcomeContext {
  requestId: string;
  timeoutMs: number;
  /** Simulated ISO time the request ended (the prefix of the platform's own lines). */
  endIso: string;
  /** The INIT error, when INIT failed, was re-run inside this request and failed again. */
  initError: ErrorPayload | null;
}

/** Interpret how a request ended (docs/lambda.md, "Errors as the runtimes report them"). */
export function interpret(raw: RawInvokeResult, ctx: OutcomeContext): Outcome {
  const none = {
    errorType: null,
    error: null,
    response: null,
    status: null,
    reportErrorType: null,
    endReason: null,
    lines: [],
    overMemory: false,
  };
  switch (raw.kind) {
    case 'response': {
      if (raw.responseJson !== null && Buffer.byteLength(raw.responseJson) > RESPONSE_LIMIT_BYTES) {
        // A response over 6 MB is a function error (API_Invoke.html).
        const errorType = 'Function.ResponseSizeTooLarge';
        const error = {
          errorType,
          errorMessage: `Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT_BYTES} bytes).`,
          trace: [],
        };
        return {
          ...none,
          outcome: 'error',
          errorType,
          error,
          lines: [`${ctx.endIso}\t${ctx.requestId}\tERROR\t${JSON.stringify(error)}`],
        };
      }
      return {
        ...none,
        outcome: 'success',
        response: raw.responseJson === null ? null : responseValue(raw.responseJson),
      };
    }
    case 'error':
      if (ctx.initError) {
        return {
          ...none,
          outcome: 'error',
          error: raw.error,
          errorType: raw.error.errorType,
          status: 'error',
          reportErrorType: ctx.initError.errorType,
          endReason: 'init-error',
        };
      }
      return { ...none, outcome: 'error', error: raw.error, errorType: raw.error.errorType };
    case 'timeout': {
      // "<ISO> <requestId> Task timed out after 3.00 seconds" (Sandbox.Timedout); REPORT Duration
      // capped at the timeout, Status: timeout; the environment is reset.
      const message = `${ctx.endIso} ${ctx.requestId} Task timed out after ${(ctx.timeoutMs / 1000).toFixed(2)} seconds`;
      return {
        ...none,
        outcome: 'timeout',
        errorType: 'Sandbox.Timedout',
        error: { errorType: 'Sandbox.Timedout', errorMessage: message, trace: [] },
        status: 'timeout',
        endReason: 'timeout',
        lines: [message],
      };
    }
    case 'fatal':
      // Uncaught exception (exit 129) / unhandled rejection (exit 128): the posted error is the
      // response and the environment is reset.
      return {
        ...none,
        outcome: 'crash',
        error: raw.error,
        errorType: raw.error.errorType,
        status: 'error',
        reportErrorType: 'Runtime.ExitError',
        endReason: 'crash',
        lines: [
          `RequestId: ${ctx.requestId} Error: Runtime exited with error: exit status ${raw.exitCode}`,
          'Runtime.ExitError',
        ],
      };
    case 'exit': {
      // process.exit(n): Runtime.ExitError "Runtime exited with error: exit status n".
      const message = `RequestId: ${ctx.requestId} Error: Runtime exited with error: ${exitText(raw.code, raw.signal)}`;
      return {
        ...none,
        outcome: 'crash',
        errorType: 'Runtime.ExitError',
        error: { errorType: 'Runtime.ExitError', errorMessage: message, trace: [] },
        status: 'error',
        reportErrorType: 'Runtime.ExitError',
        endReason: 'crash',
        lines: [message, 'Runtime.ExitError'],
      };
    }
    case 'oom': {
      // Response Runtime.ExitError "signal: killed"; REPORT Error Type: Runtime.OutOfMemory.
      const message = `RequestId: ${ctx.requestId} Error: Runtime exited with error: signal: killed`;
      return {
        ...none,
        outcome: 'oom',
        errorType: 'Runtime.OutOfMemory',
        error: { errorType: 'Runtime.ExitError', errorMessage: message, trace: [] },
        status: 'error',
        reportErrorType: 'Runtime.OutOfMemory',
        endReason: 'oom',
        lines: [message, 'Runtime.OutOfMemory'],
        overMemory: true,
      };
    }
  }
}

/**
 * The response as a JSON value, or its text when it is not JSON: Python's runtime writes NaN and
 * Infinity as such (json.dumps allows them) and Lambda returns that payload as it is
 * (https://docs.python.org/3/library/json.html#infinite-and-nan-number-values).
 */
function responseValue(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

/** The result of a request the run's cancel cut short. */
export function cancelledResult(durationMs: number): RawInvokeResult {
  return {
    kind: 'error',
    durationMs,
    error: {
      errorType: 'Simulation.Cancelled',
      errorMessage: 'The run was cancelled while this request ran.',
      trace: [],
    },
  };
}

/**
 * REPORT Duration, ms: the handler's run time, capped at the timeout. After a failed INIT the
 * re-run INIT inside the request counts in it (`reinitMs`), unless that re-init failed too.
 */
export function invocationDuration(
  raw: RawInvokeResult,
  timeoutMs: number,
  reinitMs: number,
  reinitFailed: boolean,
): number {
  return Math.min(timeoutMs, raw.kind === 'timeout' ? timeoutMs : raw.durationMs + (reinitFailed ? 0 : reinitMs));
}

/**
 * Billed Duration = ceil(Duration); since 1 Aug 2025 INIT is billed too for on-demand functions
 * (https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/).
 * `billedInitMs`: the INIT on this request's path of an on-demand environment, else 0.
 */
export function billedDuration(durationMs: number, billedInitMs: number): number {
  return Math.ceil(durationMs + billedInitMs);
}

export interface ReportFields {
  requestId: string;
  durationMs: number;
  billedMs: number;
  memorySizeMb: number;
  maxMemoryMb: number;
  /** Init Duration, only on a cold start whose INIT was not suppressed; null otherwise. */
  initMs: number | null;
  status: string | null;
  errorType: string | null;
}

/** The REPORT line, tab-separated, as Lambda writes it (monitoring-cloudwatchlogs.html). */
export function reportLine(f: ReportFields): string {
  const fields = [
    `REPORT RequestId: ${f.requestId}`,
    `Duration: ${f.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${f.billedMs} ms`,
    `Memory Size: ${f.memorySizeMb} MB`,
    `Max Memory Used: ${f.maxMemoryMb} MB`,
  ];
  if (f.initMs !== null) fields.push(`Init Duration: ${f.initMs.toFixed(2)} ms`);
  if (f.status) fields.push(`Status: ${f.status}`);
  if (f.errorType) fields.push(`Error Type: ${f.errorType}`);
  return fields.join('\t');
}

/** The INIT_REPORT line of an INIT that failed or passed its limit. */
export function initReportLine(initMs: number, status: 'error' | 'timeout'): string {
  return `INIT_REPORT Init Duration: ${initMs.toFixed(2)} ms\tPhase: init\tStatus: ${status}`;
}

export interface ThrottleFields {
  requestId: string;
  attempt: number;
  source: TraceInvocation['source'];
  version: string;
  atMs: number;
  memorySizeMb: number;
  event: unknown;
  inputs: string[];
  /** The 429 reason (`ReservedFunctionConcurrentInvocationLimitExceeded`, …). */
  reason: string;
}

/**
 * A throttled request: HTTP 429 TooManyRequestsException with the reason, no environment, no
 * log (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
 */
export function throttledInvocation(t: ThrottleFields): TraceInvocation {
  return {
    requestId: t.requestId,
    env: null,
    attempt: t.attempt,
    source: t.source,
    cold: false,
    version: t.version,
    arrivedMs: t.atMs,
    startMs: t.atMs,
    endMs: t.atMs,
    initMs: 0,
    durationMs: 0,
    billedMs: 0,
    memorySizeMb: t.memorySizeMb,
    maxMemoryMb: 0,
    outcome: 'throttled',
    errorType: 'TooManyRequestsException',
    request: t.event,
    response: null,
    error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.', trace: [] },
    throttleReason: t.reason,
    inputs: t.inputs,
    logs: [],
    report: '',
  };
}

/** `exit status n` / `signal: killed`, as Lambda words a runtime exit. */
export function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal: ${signalName(signal)}`;
  return `exit status ${code ?? 0}`;
}

function signalName(signal: NodeJS.Signals): string {
  const names: Partial<Record<NodeJS.Signals, string>> = {
    SIGKILL: 'killed',
    SIGTERM: 'terminated',
    SIGABRT: 'aborted',
    SIGSEGV: 'segmentation fault',
  };
  return names[signal] ?? signal.toLowerCase();
}
