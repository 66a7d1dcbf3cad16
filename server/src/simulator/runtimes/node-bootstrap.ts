/**
 * The Node runtime bootstrap: runs inside each execution environment's child process and
 * behaves like Lambda's Node runtime interface client
 * (https://github.com/aws/aws-lambda-nodejs-runtime-interface-client v3.3.0; docs/lambda.md,
 * "Errors as the runtimes report them" and "Handlers, context and environment"): handler resolution, CommonJS and ESM,
 * async and callback handlers, `context`, console output in Lambda's log format, and the error
 * shapes for throws, rejections, uncaught exceptions and unhandled rejections.
 *
 * It is bundled to dist/runtimes/node-bootstrap.js (scripts/build.mjs) and started by
 * runtimes/process.ts; it talks to the simulator over the channel's two pipes only
 * (runtimes/protocol.ts).
 */
import { existsSync, readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, inspect } from 'node:util';
import { readMainThread } from '../durations/schedstat';
import {
  CHANNEL_FDS,
  LineSplitter,
  type ChildMessage,
  type ErrorPayload,
  type InitMessage,
  type InvokeMessage,
  type ParentMessage,
  type PhaseCpu,
} from './protocol';
import { installSdkHooks } from './sdk-hooks';

type Handler = (event: unknown, context: unknown, callback?: (err?: unknown, result?: unknown) => void) => unknown;

let clockOffsetMs = 0;
let currentRequestId: string | null = null;
let handler: Handler | null = null;
let callbackStyle = false;
let legacyContextMethods = false;

/**
 * Starts measuring a phase's CPU: the main thread's schedstat where there is one, else the
 * process's CPU time; the returned function gives the use since (issue 18, durations/model.ts).
 */
function cpuMeter(): () => PhaseCpu {
  const main = readMainThread('self');
  const process0 = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(process0);
    const processCpuMs = (used.user + used.system) / 1000;
    const now = main ? readMainThread('self') : null;
    if (main && now)
      return { cpuMs: now.cpuMs - main.cpuMs, waitMs: now.waitMs - main.waitMs, source: 'schedstat', processCpuMs };
    return { cpuMs: processCpuMs, waitMs: 0, source: 'process', processCpuMs };
  };
}

/** A short pause for a write the pipe cannot take yet (a non-blocking descriptor). */
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Write one message line and return once the pipe has taken it. Synchronous on purpose: when
 * the simulator reads slower than the code logs, the code waits here (as a process blocked on a
 * full pipe), instead of the lines piling up in this process's memory, which counts against the
 * function's MemorySize. The simulator gone, the environment ends.
 */
function send(message: ChildMessage): void {
  const data = Buffer.from(`${JSON.stringify(message)}\n`, 'utf8');
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(CHANNEL_FDS.toParent, data, offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
      else process.exit(0);
    }
  }
}

function isoNow(): string {
  return new Date(Date.now() + clockOffsetMs).toISOString();
}

// Console output in Lambda's text format: `<ISO>\t<requestId>\t<LEVEL>\t<message>`; during INIT
// the request id prints as `undefined`, as the Node runtime does (docs/lambda.md, "Logs and billing").
// Newlines inside one message become `\r` so that one call stays one CloudWatch event.
function patchConsole(): void {
  const levels: [keyof Console, string][] = [
    ['log', 'INFO'],
    ['info', 'INFO'],
    ['warn', 'WARN'],
    ['error', 'ERROR'],
    ['debug', 'DEBUG'],
    ['trace', 'TRACE'],
  ];
  for (const [method, level] of levels) {
    const target = console as unknown as Record<string, (...args: unknown[]) => void>;
    target[method as string] = (...args: unknown[]) => {
      const message = format(...args).replace(/\n/g, '\r');
      send({ t: 'log', line: `${isoNow()}\t${currentRequestId ?? 'undefined'}\t${level}\t${message}` });
    };
  }
  // Raw writes keep their text; the simulator splits them into lines of the current request.
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = ((chunk: string | Uint8Array, encoding?: unknown, cb?: unknown): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      send({ t: 'out', text });
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as typeof stream.write;
  }
}

/**
 * The Node runtime's error serialisation (the runtime interface client's `toRapidResponse`,
 * https://github.com/aws/aws-lambda-nodejs-runtime-interface-client, src/Errors.js): an Error
 * gives `{errorType: name, errorMessage: message, trace: stack lines}`; anything else
 * `{errorType: typeof value, errorMessage: value.toString(), trace: []}`; and when reading those
 * throws (`throw null`, an Error without a stack, a toString that throws), the `handled` shape.
 * A non-string name or message (which the runtime returns as it is) is kept as its JSON text, or
 * inspected when it has none (a cyclic object), so that the payload is always text.
 */
function toPayload(error: unknown): ErrorPayload {
  try {
    if (error instanceof Error) {
      const stack: unknown = error.stack;
      if (typeof stack !== 'string') throw new Error('no stack');
      return { errorType: asText(error.name), errorMessage: asText(error.message), trace: stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: asText((error as { toString(): unknown }).toString()), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

/** `String(value)`, or its text form when that throws (an object whose toString throws or is not a function). */
function stringOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return asText(value);
  }
}

/** A value the runtime would put in an error field, as text. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value);
    if (typeof json === 'string') return json;
  } catch {
    // Cyclic or otherwise not JSON.
  }
  return inspect(value, { depth: 2, breakLength: Infinity });
}

function namedError(errorType: string, errorMessage: string, cause?: unknown): ErrorPayload {
  const stack = cause instanceof Error && typeof cause.stack === 'string' ? cause.stack.split('\n') : [];
  return { errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, ...stack.slice(1)] };
}

/** The log form of an error (`stack` where the response has `trace`). */
function logForm(payload: ErrorPayload): string {
  return JSON.stringify({ errorType: payload.errorType, errorMessage: payload.errorMessage, stack: payload.trace });
}

class InitError extends Error {
  constructor(readonly payload: ErrorPayload) {
    super(payload.errorMessage);
  }
}

/** True when the nearest package.json above `file` says `"type": "module"`. */
function nearestTypeModule(file: string): boolean {
  let dir = dirname(file);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    const up = dirname(dir);
    if (up === dir) return false;
    dir = up;
  }
}

async function loadFile(file: string, asEsm: boolean): Promise<unknown> {
  if (asEsm) return import(pathToFileURL(file).href);
  const req = createRequire(file);
  return req(file);
}

/**
 * Lambda's handler resolution (docs/lambda.md, "Handlers, context and environment"): `dir/sub/file.a.b` →
 * module root `dir/sub/`, module `file`, export path `a.b`; `..` is rejected; the module is
 * tried extensionless and as `.js` (import when the nearest package.json has "type":"module",
 * else require), then `.mjs` (import), then `.cjs` (require), then as a package name.
 */
async function resolveHandler(taskRoot: string, full: string): Promise<Handler> {
  if (full.includes('..')) {
    throw new InitError(
      namedError(
        'Runtime.MalformedHandlerName',
        `'${full}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
      ),
    );
  }
  const slash = full.lastIndexOf('/');
  const moduleRoot = slash >= 0 ? full.slice(0, slash + 1) : '';
  const moduleAndPath = full.slice(slash + 1);
  const dot = moduleAndPath.indexOf('.');
  if (dot <= 0 || dot === moduleAndPath.length - 1)
    throw new InitError(namedError('Runtime.MalformedHandlerName', 'Bad handler'));
  const moduleName = moduleAndPath.slice(0, dot);
  const exportPath = moduleAndPath.slice(dot + 1).split('.');
  const base = resolve(taskRoot, moduleRoot, moduleName);

  let loaded: unknown;
  let found = false;
  try {
    const candidates: [string, boolean][] = [
      [base, nearestTypeModule(base)],
      [`${base}.js`, nearestTypeModule(`${base}.js`)],
      [`${base}.mjs`, true],
      [`${base}.cjs`, false],
    ];
    for (const [file, esm] of candidates) {
      if (!existsSync(file)) continue;
      found = true;
      loaded = await loadFile(file, esm);
      break;
    }
    if (!found) {
      const req = createRequire(join(taskRoot, moduleRoot, 'index.js'));
      let resolved: string | undefined;
      try {
        resolved = req.resolve(moduleName, { paths: [taskRoot, resolve(taskRoot, moduleRoot)] });
      } catch {
        resolved = undefined;
      }
      if (resolved === undefined) {
        throw new InitError(
          namedError(
            'Runtime.ImportModuleError',
            `Error: Cannot find module '${moduleName}'\nRequire stack:\n- /var/runtime/index.mjs`,
          ),
        );
      }
      loaded = await loadFile(resolved, nearestTypeModule(resolved));
    }
  } catch (error) {
    if (error instanceof InitError) throw error;
    if (error instanceof SyntaxError) {
      throw new InitError(namedError('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`, error));
    }
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw new InitError(namedError('Runtime.ImportModuleError', `Error: ${(error as Error).message}`, error));
    }
    throw error;
  }

  let target: unknown = loaded;
  for (const key of exportPath) {
    target =
      target !== null && (typeof target === 'object' || typeof target === 'function')
        ? (target as Record<string, unknown>)[key]
        : undefined;
  }
  if (target === undefined)
    throw new InitError(namedError('Runtime.HandlerNotFound', `${full} is undefined or not exported`));
  if (typeof target !== 'function')
    throw new InitError(namedError('Runtime.HandlerNotFound', `${full} is not a function`));
  return target as Handler;
}

async function init(message: InitMessage): Promise<void> {
  clockOffsetMs = message.clockOffsetMs;
  legacyContextMethods = message.legacyContextMethods;
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, message.env);
  // The SDK copy's folder comes from the run (run.ts); the handler does not see the variable.
  const sdkDir = process.env['_LAMBDA_LENS_SDK_DIR'];
  delete process.env['_LAMBDA_LENS_SDK_DIR'];
  installSdkHooks(sdkDir, message.env['AWS_ENDPOINT_URL']);
  const meter = cpuMeter();
  const started = performance.now();
  let error: ErrorPayload | null = null;
  try {
    process.chdir(message.taskRoot);
    handler = await resolveHandler(message.taskRoot, message.handler);
    // A handler is async when its constructor is AsyncFunction; a non-async handler taking
    // three parameters is callback-style (docs/lambda.md, "Handlers, context and environment").
    callbackStyle = handler.constructor.name !== 'AsyncFunction' && handler.length >= 3;
    if (callbackStyle && message.rejectCallbackHandlers) {
      handler = null;
      throw new InitError(
        namedError(
          'Runtime.CallbackHandlerDeprecated',
          'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature before you can use it with Node.js 24 or later.',
        ),
      );
    }
  } catch (e) {
    handler = null;
    error = e instanceof InitError ? e.payload : toPayload(e);
    console.error(`Uncaught Exception \t${logForm(error)}`);
  }
  const initMs = performance.now() - started;
  send({ t: 'init-done', initMs, error, maxRssKb: process.resourceUsage().maxRSS, cpu: meter() });
}

function invoke(message: InvokeMessage): void {
  clockOffsetMs = message.clockOffsetMs;
  currentRequestId = message.requestId;
  process.env['_X_AMZN_TRACE_ID'] = message.traceId;
  const meter = cpuMeter();
  const started = performance.now();
  const deadline = started + message.remainingMs;
  let settled = false;
  let calledBack = false;

  const finish = (error: unknown, result: unknown, failed: boolean): void => {
    if (settled) return;
    settled = true;
    atEmptyEventLoop = null;
    channel.ref();
    const durationMs = performance.now() - started;
    const cpu = meter();
    let payload: ErrorPayload | null = null;
    let responseJson: string | null = null;
    if (failed) {
      payload = toPayload(error);
      console.error(`Invoke Error \t${logForm(payload)}`);
    } else {
      try {
        responseJson = result === undefined ? null : (JSON.stringify(result) ?? null);
      } catch (e) {
        payload = namedError(
          'Runtime.MarshalError',
          `Unable to stringify response body: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    send({
      t: 'result',
      requestId: message.requestId,
      durationMs,
      responseJson,
      error: payload,
      maxRssKb: process.resourceUsage().maxRSS,
      cpu,
    });
  };

  const context: Record<string, unknown> = {
    functionName: message.functionName,
    functionVersion: message.functionVersion,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: message.memoryLimitInMB,
    awsRequestId: message.requestId,
    logGroupName: message.logGroupName,
    logStreamName: message.logStreamName,
    clientContext: undefined,
    identity: undefined,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
  };
  // context.succeed/fail/done exist only on Node ≤ 22 (docs/lambda.md, "Errors as the runtimes report them").
  if (legacyContextMethods) {
    context['succeed'] = (result: unknown) => finish(null, result, false);
    context['fail'] = (error: unknown) => finish(error, undefined, true);
    context['done'] = (error: unknown, result: unknown) => finish(error, result, error !== undefined && error !== null);
  }
  // A callback handler's result is sent once the event loop is empty, unless the handler set
  // context.callbackWaitsForEmptyEventLoop to false before calling back (runtime interface client,
  // CallbackContext.js): work it left running (a timer, an open connection) runs inside the
  // invocation's Duration, or makes it time out.
  const callback = (error?: unknown, result?: unknown): void => {
    if (calledBack || settled) return;
    calledBack = true;
    const failed = error !== undefined && error !== null;
    if (context['callbackWaitsForEmptyEventLoop']) whenEventLoopEmpty(() => finish(error, result, failed));
    else finish(error, result, failed);
  };

  try {
    const fn = handler as Handler;
    const returned = callbackStyle ? fn(message.event, context, callback) : fn(message.event, context);
    if (
      returned !== null &&
      typeof returned === 'object' &&
      typeof (returned as { then?: unknown }).then === 'function'
    ) {
      (returned as Promise<unknown>).then(
        (value) => finish(null, value, false),
        (error: unknown) => finish(error, undefined, true),
      );
      // A promise that has not settled when the event loop runs empty (nothing left that could
      // settle it) ends the invocation with a null response: the runtime interface client's
      // 'beforeExit' listener (Runtime.js `_setDefaultExitListener`) is set for every invocation.
      whenEventLoopEmpty(() => finish(null, undefined, false));
    } else if (!calledBack) {
      // A handler that returns no promise and has not called back answers null once the event
      // loop is empty (a plain return value is dropped; runtime interface client, Runtime.js
      // `_setDefaultExitListener`), unless its callback comes first.
      whenEventLoopEmpty(() => finish(null, undefined, false));
    }
  } catch (error) {
    finish(error, undefined, true);
  }
}

/** What to do when the event loop has nothing left but the channel ({@link whenEventLoopEmpty}). */
let atEmptyEventLoop: (() => void) | null = null;

/**
 * Calls `done` once the handler's own work is over: its timers, sockets and pending I/O. The
 * channel to the simulator is this process's only handle of its own; unreferenced, it no longer
 * keeps the event loop alive, so Node's 'beforeExit' says when nothing else does. A later call
 * replaces the earlier one (the runtime keeps one such listener). Work that never ends (an open
 * database connection, an interval) keeps the loop busy, and the invocation times out, as on Lambda.
 */
function whenEventLoopEmpty(done: () => void): void {
  atEmptyEventLoop = done;
  channel.unref();
}

// `done` is always an invocation's finish, which references the channel again.
process.on('beforeExit', () => atEmptyEventLoop?.());

/**
 * Uncaught exceptions and unhandled rejections end the runtime as Lambda's does: the error is
 * logged and posted for the current request, then the process exits with 129 or 128.
 */
function fatal(kind: 'exception' | 'rejection', reason: unknown): void {
  const payload =
    kind === 'exception'
      ? toPayload(reason)
      : {
          errorType: 'Runtime.UnhandledPromiseRejection',
          errorMessage:
            reason instanceof Error ? `${asText(reason.name)}: ${asText(reason.message)}` : stringOf(reason),
          trace: reason instanceof Error && typeof reason.stack === 'string' ? reason.stack.split('\n') : [],
        };
  const label = kind === 'exception' ? 'Uncaught Exception' : 'Unhandled Promise Rejection';
  console.error(`${label} \t${logForm(payload)}`);
  const exitCode = kind === 'exception' ? 129 : 128;
  send({ t: 'fatal', error: payload, exitCode });
  process.exit(exitCode);
}

process.on('uncaughtException', (error) => fatal('exception', error));
process.on('unhandledRejection', (reason) => fatal('rejection', reason));

patchConsole();
const channel = new Socket({ fd: CHANNEL_FDS.toChild, readable: true, writable: false });
const lines = new LineSplitter((line) => {
  if (!line.trim()) return;
  const message = JSON.parse(line) as ParentMessage;
  if (message.t === 'init') void init(message);
  else if (message.t === 'invoke') invoke(message);
});
channel.on('data', (d: Buffer) => lines.push(d));
// The simulator going away (even without killing us) ends the environment.
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(0));
send({ t: 'ready' });
