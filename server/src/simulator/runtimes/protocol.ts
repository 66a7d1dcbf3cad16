/**
 * Messages between the simulator (parent) and the runtime bootstrap (node-bootstrap.ts,
 * python-bootstrap.py) in each execution environment's child process: one JSON object per
 * line, over two pipes of the child (`CHANNEL_FDS`), so the order of log lines and results is
 * the order the child produced them. The child writes its lines synchronously: when the parent
 * reads slower than the code logs, the code waits, instead of the lines queueing up in the
 * function's memory.
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

/**
 * What a phase (INIT or one request) used of the host, measured by the child over the same
 * window as its `initMs` / `durationMs` (durations/model.ts turns it into Lambda's figures).
 */
export interface PhaseCpu {
  /**
   * The main thread's time on a CPU and waiting for one (`/proc/self/schedstat`, Linux), ms;
   * `process`: the whole process's CPU time (other systems), with no wait figure.
   */
  cpuMs: number;
  waitMs: number;
  source: 'schedstat' | 'process';
  /** CPU time of every thread of the process (getrusage), ms. */
  processCpuMs: number;
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
  /** Host CPU use during INIT (absent from bootstraps older than issue 18). */
  cpu?: PhaseCpu;
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
  /** Host CPU use during the request. */
  cpu?: PhaseCpu;
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

/** The file descriptors of the channel in the runtime process: the parent writes to 3, the child to 4. */
export const CHANNEL_FDS = { toChild: 3, toParent: 4 } as const;

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((l) => typeof l === 'string');

/** An error payload with only the protocol's fields, or null when it lacks one. */
function errorPayload(v: unknown): ErrorPayload | null {
  if (v === null || typeof v !== 'object') return null;
  const e = v as Record<string, unknown>;
  const { errorType, errorMessage, trace, requestId, stackTrace } = e;
  if (typeof errorType !== 'string' || typeof errorMessage !== 'string' || !isStrings(trace)) return null;
  return {
    errorType,
    errorMessage,
    trace,
    ...(typeof requestId === 'string' ? { requestId } : {}),
    ...(isStrings(stackTrace) ? { stackTrace } : {}),
  };
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A phase's CPU figures when they have the protocol's shape (never negative); absent otherwise. */
function phaseCpu(v: unknown): { cpu: PhaseCpu } | Record<string, never> {
  if (v === null || typeof v !== 'object') return {};
  const { cpuMs, waitMs, source, processCpuMs } = v as Record<string, unknown>;
  if (
    !isNumber(cpuMs) ||
    !isNumber(waitMs) ||
    !isNumber(processCpuMs) ||
    (source !== 'schedstat' && source !== 'process')
  )
    return {};
  return {
    cpu: { cpuMs: Math.max(0, cpuMs), waitMs: Math.max(0, waitMs), source, processCpuMs: Math.max(0, processCpuMs) },
  };
}

/**
 * One line from the channel as a message, or null when it is not one: the child is the
 * handler's process, so whatever the code writes there (or a message it broke) must not be
 * trusted to have the protocol's shape. A line that is not a message is kept as output.
 */
export function parseChildMessage(line: string): ChildMessage | null {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return null;
  }
  if (m === null || typeof m !== 'object') return null;
  const r = m as Record<string, unknown>;
  switch (r['t']) {
    case 'ready':
      return { t: 'ready' };
    case 'log':
      return typeof r['line'] === 'string' ? { t: 'log', line: r['line'] } : null;
    case 'out':
      return typeof r['text'] === 'string' ? { t: 'out', text: r['text'] } : null;
    case 'init-done': {
      const error = r['error'] === null ? null : errorPayload(r['error']);
      if (!isNumber(r['initMs']) || !isNumber(r['maxRssKb']) || (r['error'] !== null && error === null)) return null;
      return { t: 'init-done', initMs: r['initMs'], error, maxRssKb: r['maxRssKb'], ...phaseCpu(r['cpu']) };
    }
    case 'result': {
      const error = r['error'] === null ? null : errorPayload(r['error']);
      const responseJson = r['responseJson'];
      if (typeof r['requestId'] !== 'string' || !isNumber(r['durationMs']) || !isNumber(r['maxRssKb'])) return null;
      if (!(responseJson === null || typeof responseJson === 'string') || (r['error'] !== null && error === null))
        return null;
      return {
        t: 'result',
        requestId: r['requestId'],
        durationMs: r['durationMs'],
        responseJson,
        error,
        maxRssKb: r['maxRssKb'],
        ...phaseCpu(r['cpu']),
      };
    }
    case 'fatal': {
      const error = errorPayload(r['error']);
      if (error === null || !isNumber(r['exitCode'])) return null;
      return { t: 'fatal', error, exitCode: r['exitCode'] };
    }
    default:
      return null;
  }
}

/**
 * Splits a byte stream into lines: each chunk is searched once (a 6 MB message arrives in a
 * hundred chunks), and a line is decoded whole, so a character split across chunks stays intact.
 */
export class LineSplitter {
  private held: Buffer[] = [];

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const line = this.held.length > 0 ? Buffer.concat([...this.held, piece]) : piece;
      this.held = [];
      start = nl + 1;
      this.onLine(line.toString('utf8'));
    }
    if (start < chunk.length) this.held.push(chunk.subarray(start));
  }

  /** The stream ended: what is left is the last line. */
  end(): void {
    if (this.held.length > 0) this.onLine(Buffer.concat(this.held).toString('utf8'));
    this.held = [];
  }
}
