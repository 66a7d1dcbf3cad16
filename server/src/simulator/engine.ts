/**
 * The simulator's engine: execution environments around the real handler, on the simulated
 * clock. It picks or creates an environment per request (most recently used idle one first),
 * enforces reserved/account concurrency and the scaling rate, reclaims idle environments,
 * resets environments after timeouts, crashes and memory overruns, writes Lambda's log lines,
 * bills, and keeps the ledger of every input (the accounting invariant).
 *
 * Facts and their sources: ../shared/lambda/semantics.md (cited per behaviour below) and
 * ../shared/lambda/limits.md via server/src/service/limits.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAYLOAD, PRICE } from '../service/limits';
import { shiftDurationMs } from '../service/model/deployment';
import { SimClock } from './clock';
import type { Deployment, FunctionConfig, PlatformSettings, SimulationConfig, TrafficEntry, VersionRouting } from './config';
import { exitText, RuntimeProcess, type InitResult, type RawInvokeResult, type RunLimits } from './environment';
import { nodeBootstrapPath, resolveNodeBinary, runtimeMajor, SparePool, startEnv } from './runtimes/node';
import { isPythonRuntime, pythonBootstrapPath, pythonVersion, resolvePythonBinary } from './runtimes/python';
import type { ErrorPayload, InitMessage, InvokeMessage } from './runtimes/protocol';
import { AsyncQueue } from './sources/async';
import { SqsSource } from './sources/sqs';
import { StreamSource } from './sources/streams';
import { summarize } from './summary';
import { VersionRouter } from './versions';
import {
  TRACE_FORMAT_VERSION,
  type DeliveryKind,
  type EnvironmentEndReason,
  type InitializationType,
  type InvocationSource,
  type SimulationTrace,
  type TraceDelivery,
  type TraceEnvironment,
  type TraceEvent,
  type TraceFunction,
  type TraceInput,
  type TraceInvocation,
  type TraceRuntime,
} from './trace';

/** The synchronous response limit as Lambda's error message states it (6 MB plus framing). */
const RESPONSE_LIMIT_BYTES = 6_291_556;

export interface RunOptions {
  /** Receives every trace event as it happens (the panel streams them). */
  onEvent?: (event: TraceEvent) => void;
  /** Cancels the run: every child is killed and pending inputs are dropped with a reason. */
  signal?: AbortSignal;
  /**
   * Executables the host chose (editor settings), used instead of the ones found on PATH:
   * a path or a command name. The run fails at its start with a sentence when one does not run.
   */
  executables?: { node?: string; python?: string };
}

/** A request as the sources hand it to the platform. */
export interface InvokeRequest {
  source: InvocationSource;
  event: unknown;
  requestId: string;
  attempt: number;
  /** Ledger ids of the inputs this request carries. */
  inputs: string[];
}

interface Env {
  trace: TraceEnvironment;
  /** The function version it runs; requests go only to environments of the version they are routed to. */
  version: string;
  rp: RuntimeProcess | null;
  busy: boolean;
  provisioned: boolean;
  lastUsedMs: number;
  idleTimer: { cancel(): void } | null;
  /** Set once the environment is ended (reset, reclaimed, run over). */
  ended: boolean;
  /** Provisioned concurrency released while a request ran: the environment ends when the request does. */
  released: boolean;
}

/** The part of the engine that invocation sources use. */
export interface Platform {
  readonly clock: SimClock;
  readonly fn: FunctionConfig;
  readonly settings: PlatformSettings;
  readonly functionArn: string;
  /** Simulated wall-clock ISO time of simulated `ms`. */
  iso(ms: number): string;
  /** Register an input; returns its ledger id. */
  put(source: InvocationSource, externalId: string): string;
  /** Give inputs their fate (each input settles once; later calls are ignored). */
  settle(ids: string[], fate: TraceInput['fate'], reason: string): void;
  /** Count a receive of inputs by the handler. */
  attempted(ids: string[]): void;
  /** Run one request on an environment (or throttle it). */
  invoke(request: InvokeRequest): Promise<TraceInvocation>;
  /** False once the run is cancelled or `maxInvocations` is reached. */
  canInvoke(): string | null;
  deliver(kind: DeliveryKind, target: string | null, inputs: string[], requestId: string | null, condition: string, record: unknown): void;
  emit(event: TraceEvent): void;
}

/** Run a simulation to its end (or until cancelled) and return the trace. */
export function simulate(config: SimulationConfig, options: RunOptions = {}): Promise<SimulationTrace> {
  return new Simulation(config, options).run();
}

export class Simulation implements Platform {
  readonly clock = new SimClock();
  readonly fn: FunctionConfig;
  readonly settings: PlatformSettings;
  readonly functionArn: string;
  private readonly epochMs = Date.now();
  private readonly runtime: TraceRuntime;
  /** A Python runtime: the same processes and protocol, with the Python bootstrap (runtimes/python.ts). */
  private readonly python: boolean;
  private spares: SparePool | null = null;
  private readonly envs: Env[] = [];
  private readonly environmentLogs: SimulationTrace['environmentLogs'] = [];
  private readonly invocations: TraceInvocation[] = [];
  private readonly deliveries: TraceDelivery[] = [];
  private readonly inputs = new Map<string, TraceInput>();
  private readonly settled = new Set<string>();
  private busy = 0;
  private peak = 0;
  private tokens: number;
  private tokensAt = 0;
  private envSeq = 0;
  private inputSeq = 0;
  private ran = 0;
  private cancelled = false;
  private readonly tmpRoot: string;
  private readonly sqs = new Map<string, SqsSource>();
  private readonly streams = new Map<string, StreamSource>();
  private readonly asyncQueue: AsyncQueue;
  private readonly inFlight = new Set<Promise<TraceInvocation>>();
  private sdkNoted = false;
  /** Set when shutdown starts: no new process may start after it. */
  private closing = false;
  /** Provisioned environments being initialised (at the start and at each deployment); the shutdown waits for them. */
  private readonly provisioning: Promise<void>[] = [];
  /** Routes each request to a version (versions.ts); null when every request invokes `$LATEST`. */
  private readonly router: VersionRouter | null;
  /** The ARN callers invoke: qualified by the alias or version when the scenario names one. */
  private readonly invokedArn: string;

  constructor(
    private readonly config: SimulationConfig,
    private readonly options: RunOptions,
  ) {
    this.fn = config.function;
    this.settings = config.platform;
    this.functionArn = `arn:aws:lambda:${this.settings.region}:${this.settings.accountId}:function:${this.fn.name}`;
    this.python = isPythonRuntime(this.fn.runtime);
    this.runtime = this.python ? resolvePythonBinary(this.fn.runtime, options.executables?.python) : resolveNodeBinary(this.fn.runtime, options.executables?.node);
    this.tokens = this.settings.scalingPer10s;
    this.tmpRoot = mkdtempSync(join(tmpdir(), 'lambda-lens-sim-'));
    this.asyncQueue = new AsyncQueue(this);
    const routing = config.routing;
    this.router = routing !== undefined ? new VersionRouter(routing) : null;
    this.invokedArn = routing !== undefined && routing.qualifier !== '$LATEST' ? `${this.functionArn}:${routing.qualifier}` : this.functionArn;
  }

  iso(ms: number): string {
    return new Date(this.epochMs + ms).toISOString();
  }

  emit(event: TraceEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A consumer's failure must not stop the run.
    }
  }

  async run(): Promise<SimulationTrace> {
    const started = performance.now();
    const traceFunction: TraceFunction = {
      name: this.fn.name,
      handler: this.fn.handler,
      runtime: this.fn.runtime,
      codeRoot: this.fn.codeRoot,
      architecture: this.fn.architecture,
      memorySizeMb: this.fn.memorySizeMb,
      timeoutMs: this.fn.timeoutMs,
      reservedConcurrency: this.fn.reservedConcurrency,
      provisionedConcurrency: this.fn.provisionedConcurrency,
    };
    const scenario = this.config.scenario;
    this.emit({
      type: 'run-start',
      atMs: 0,
      epochMs: this.epochMs,
      function: traceFunction,
      runtime: this.runtime,
      scenario,
      ...(this.config.routing !== undefined ? { routing: this.traceRouting(this.config.routing) } : {}),
    });
    const cancelled = new Promise<void>((resolve) => {
      const signal = this.options.signal;
      if (!signal) return;
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      this.spares = new SparePool(
        {
          binary: this.runtime.binary,
          bootstrap: this.python ? pythonBootstrapPath() : nodeBootstrapPath(),
          cwd: this.fn.codeRoot,
          env: { ...this.baseProcessEnv(), ...startEnv(this.runtime.binary) },
        },
        this.settings.spareProcesses,
      );
      const initial = this.startProvisioned();
      this.provisioning.push(initial);
      await Promise.race([initial, cancelled]);
      if (!this.options.signal?.aborted) {
        // Deployments first: one due at the same time as a request moves the alias before the request arrives.
        this.scheduleDeployments();
        this.scheduleTraffic(this.config.traffic);
        await Promise.race([this.clock.whenIdle(), cancelled]);
      }
    } finally {
      this.cancelled = this.options.signal?.aborted ?? false;
      await this.shutdown();
    }
    const end = this.clock.now();
    const trace: SimulationTrace = {
      version: TRACE_FORMAT_VERSION,
      scenario,
      epochMs: this.epochMs,
      function: traceFunction,
      runtime: this.runtime,
      platform: { ...this.settings },
      environments: this.envs.map((e) => e.trace),
      invocations: [...this.invocations],
      deliveries: [...this.deliveries],
      inputs: [...this.inputs.values()],
      environmentLogs: this.environmentLogs,
      summary: summarize(this.invocations, this.envs.map((e) => e.trace), [...this.inputs.values()], this.peak, end, performance.now() - started, PRICE),
      cancelled: this.cancelled,
      ...(this.config.routing !== undefined ? { routing: this.traceRouting(this.config.routing) } : {}),
    };
    this.emit({ type: 'run-end', atMs: end, trace });
    return trace;
  }

  /** The process environment a runtime child starts with, before INIT sets the function's. */
  private baseProcessEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const key of ['PATH', 'HOME', 'SYSTEMROOT']) {
      const v = process.env[key];
      if (v !== undefined) env[key] = v;
    }
    return env;
  }

  private scheduleTraffic(traffic: TrafficEntry[]): void {
    for (const entry of traffic) {
      if (entry.kind === 'sync' || entry.kind === 'async') {
        const kind = entry.kind;
        const fire = (i: number): void => {
          if (this.cancelled) return;
          if (entry.intervalMs === 0) {
            for (let k = i; k < entry.count; k++) this.putInvoke(kind, entry.event);
            return;
          }
          this.putInvoke(kind, entry.event);
          // One timer at a time per entry keeps the timer list short for long series.
          if (i + 1 < entry.count) this.clock.at(entry.at + (i + 1) * entry.intervalMs, () => fire(i + 1));
        };
        this.clock.at(entry.at, () => fire(0));
      } else if (entry.kind === 'sqs') {
        let source = this.sqs.get(entry.queue.name);
        if (!source) {
          source = new SqsSource(this, entry.queue);
          this.sqs.set(entry.queue.name, source);
        }
        const target = source;
        this.clock.at(entry.at, () => target.send(entry.messages));
      } else if (entry.kind === 'stream') {
        let source = this.streams.get(entry.stream.name);
        if (!source) {
          source = new StreamSource(this, entry.stream);
          this.streams.set(entry.stream.name, source);
        }
        const target = source;
        this.clock.at(entry.at, () => target.put(entry.records));
      }
    }
  }

  private putInvoke(kind: 'sync' | 'async', event: unknown): void {
    // Payload limits: 6 MB synchronous, 1 MB asynchronous (API_Invoke.html); over them Invoke
    // fails with 413 RequestEntityTooLargeException and the function never sees the event.
    const bytes = Buffer.byteLength(JSON.stringify(event ?? null));
    const limit = kind === 'sync' ? PAYLOAD.syncMb * 2 ** 20 : PAYLOAD.asyncKb * 2 ** 10;
    if (bytes > limit) {
      const id = this.put(kind, randomUUID());
      this.settle([id], 'dropped', `request payload of ${bytes} bytes is over the ${kind} limit of ${limit} bytes: 413 RequestEntityTooLargeException`);
      return;
    }
    if (kind === 'async') {
      this.asyncQueue.put(event);
      return;
    }
    const requestId = randomUUID();
    const id = this.put('sync', requestId);
    const release = this.clock.hold();
    void (async () => {
      try {
        const why = this.canInvoke();
        if (why) {
          this.settle([id], 'dropped', why);
          return;
        }
        const inv = await this.invoke({ source: 'sync', event, requestId, attempt: 1, inputs: [id] });
        // A synchronous caller gets the response or the error; nothing is retried for it.
        if (inv.outcome === 'success') this.settle([id], 'succeeded', 'response returned to the caller');
        else if (inv.outcome === 'throttled') this.settle([id], 'dropped', `throttled: 429 TooManyRequestsException (${inv.throttleReason}) returned to the caller`);
        else this.settle([id], 'dropped', `function error returned to the caller (X-Amz-Function-Error: Unhandled, ${inv.errorType})`);
      } finally {
        release();
      }
    })();
  }

  put(source: InvocationSource, externalId: string): string {
    const id = `in-${++this.inputSeq}`;
    this.inputs.set(id, { id, source, putMs: this.clock.now(), externalId, fate: 'dropped', settledMs: -1, reason: 'pending', attempts: 0 });
    return id;
  }

  attempted(ids: string[]): void {
    for (const id of ids) {
      const input = this.inputs.get(id);
      if (input) input.attempts++;
    }
  }

  settle(ids: string[], fate: TraceInput['fate'], reason: string): void {
    for (const id of ids) {
      const input = this.inputs.get(id);
      if (!input || this.settled.has(id)) continue;
      this.settled.add(id);
      input.fate = fate;
      input.reason = reason;
      input.settledMs = this.clock.now();
      this.emit({ type: 'input-settled', atMs: input.settledMs, input });
    }
  }

  deliver(kind: DeliveryKind, target: string | null, inputs: string[], requestId: string | null, condition: string, record: unknown): void {
    const delivery: TraceDelivery = { kind, atMs: this.clock.now(), target: target ?? '(unnamed)', inputs, requestId, condition, record };
    this.deliveries.push(delivery);
    this.emit({ type: 'delivery', atMs: delivery.atMs, delivery });
  }

  canInvoke(): string | null {
    if (this.cancelled || this.options.signal?.aborted) return 'run cancelled';
    if (this.ran >= this.settings.maxInvocations) return `simulation stopped: maxInvocations (${this.settings.maxInvocations}) reached`;
    return null;
  }

  private newEnv(type: InitializationType, version: string): Env {
    const id = `env-${++this.envSeq}`;
    const date = this.iso(this.clock.now()).slice(0, 10).replace(/-/g, '/');
    const trace: TraceEnvironment = {
      id,
      logStreamName: `${date}/[${version}]${randomUUID().replace(/-/g, '')}`,
      initializationType: type,
      createdMs: this.clock.now(),
      initMs: 0,
      initStatus: 'success',
      endedMs: null,
      endReason: null,
      tmpDir: mkdtempSync(join(this.tmpRoot, `${id}-`)),
      pids: [],
      processStartMs: 0,
      maxMemoryMb: 0,
      version,
    };
    const env: Env = { trace, version, rp: null, busy: false, provisioned: type === 'provisioned-concurrency', lastUsedMs: -Infinity, idleTimer: null, ended: false, released: false };
    this.envs.push(env);
    return env;
  }

  /** Lambda's variables for an environment plus the function's (semantics.md, "Context and environment"). */
  private lambdaEnv(env: Env): Record<string, string> {
    const major = runtimeMajor(this.fn.runtime) ?? 22;
    const base = this.baseProcessEnv();
    return {
      ...base,
      ...this.fn.environment,
      AWS_LAMBDA_FUNCTION_NAME: this.fn.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.fn.memorySizeMb),
      AWS_LAMBDA_FUNCTION_VERSION: env.version,
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: env.trace.logStreamName,
      AWS_LAMBDA_INITIALIZATION_TYPE: env.trace.initializationType,
      AWS_EXECUTION_ENV: this.python ? `AWS_Lambda_${this.fn.runtime}` : `AWS_Lambda_nodejs${major}.x`,
      _HANDLER: this.fn.handler,
      LAMBDA_TASK_ROOT: this.fn.codeRoot,
      LAMBDA_RUNTIME_DIR: '/var/runtime',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      AWS_REGION: this.settings.region,
      AWS_DEFAULT_REGION: this.settings.region,
      ...(this.python ? {} : { NODE_PATH: '/opt/nodejs/node_modules:/var/runtime/node_modules' }),
      // Lambda's /tmp is per environment; here each environment gets its own TMPDIR.
      TMPDIR: env.trace.tmpDir,
      TMP: env.trace.tmpDir,
      TEMP: env.trace.tmpDir,
    };
  }

  private initMessage(env: Env): InitMessage {
    const major = runtimeMajor(this.fn.runtime) ?? 22;
    return {
      t: 'init',
      env: this.lambdaEnv(env),
      taskRoot: this.fn.codeRoot,
      handler: this.fn.handler,
      // Node 24 rejects callback handlers at init; context.succeed/fail/done exist on ≤ 22 (semantics.md, "Failures").
      rejectCallbackHandlers: major >= 24,
      legacyContextMethods: major <= 22,
      clockOffsetMs: this.clock.wallOffset(this.epochMs),
    };
  }

  private envLog(env: Env, line: string): void {
    const atMs = this.clock.now();
    this.environmentLogs.push({ env: env.trace.id, atMs, line });
    this.emit({ type: 'log', atMs, env: env.trace.id, requestId: null, line });
  }

  private runtimeVersionLine(): string {
    if (this.python) return `INIT_START Runtime Version: python:${pythonVersion(this.fn.runtime) ?? '3'}.v0\tRuntime Version ARN: simulated on Python ${this.runtime.version}`;
    const major = runtimeMajor(this.fn.runtime) ?? 22;
    return `INIT_START Runtime Version: nodejs:${major}.v0\tRuntime Version ARN: simulated on Node ${this.runtime.version}`;
  }

  /**
   * Start a process for `env` and run INIT. Provisioned environments initialise off the
   * request path, before traffic (semantics.md, "Provisioned concurrency"): their INIT does not
   * advance the clock and is placed just before t = 0.
   */
  private async startProcess(env: Env, limits: RunLimits, offClock = false): Promise<InitResult> {
    const proc = await (this.spares as SparePool).take();
    if (this.closing) {
      // The run ended while this process was being started: it must not outlive the run.
      await proc.kill();
      throw new Error('the run ended');
    }
    if (env.trace.pids.length === 0 && !offClock) {
      // INIT starts now: a request that waited for a process shows the wait before the INIT bar.
      env.trace.createdMs = this.clock.now();
      this.emit({ type: 'env-start', atMs: env.trace.createdMs, env: { ...env.trace } });
    }
    env.trace.pids.push(proc.pid);
    env.trace.processStartMs = proc.startMs;
    const rp: RuntimeProcess = new RuntimeProcess(proc, this.clock, (line) => this.envLog(env, line), () => this.onIdleExit(env, rp));
    env.rp = rp;
    this.envLog(env, this.runtimeVersionLine());
    return rp.init(this.initMessage(env), limits, (line) => this.envLog(env, line), offClock);
  }

  /** A process that dies while idle (e.g. a timer left running calls process.exit) ends its environment. */
  private onIdleExit(env: Env, rp: RuntimeProcess): void {
    if (env.rp !== rp || env.busy || env.ended) return;
    this.envLog(env, `RUNTIME_EXIT the runtime process exited while idle: ${exitText(rp.proc.exit?.code ?? null, rp.proc.exit?.signal ?? null)}`);
    this.endEnv(env, 'crash');
  }

  /**
   * Provisioned concurrency belongs to a version: at the start, to the version the qualifier
   * points at (an alias's version; `$LATEST` when no qualifier is given). Its environments
   * initialise before traffic, off the simulated clock, so that their INIT bars end at t = 0.
   */
  private async startProvisioned(): Promise<void> {
    if (this.fn.provisionedConcurrency <= 0) return;
    const release = this.clock.hold();
    try {
      await this.allocateProvisioned(this.config.routing?.version ?? '$LATEST', true);
    } finally {
      release();
    }
  }

  /**
   * Initialise the function's provisioned environments for `version`. `offClock`: before the
   * run's traffic (see `startProvisioned`); otherwise on the clock, as any INIT, from now.
   * Never rejects: an environment whose INIT fails ends with `init-error`.
   */
  private async allocateProvisioned(version: string, offClock: boolean): Promise<void> {
    await Promise.all(
      Array.from({ length: this.fn.provisionedConcurrency }, async () => {
        const env = this.newEnv('provisioned-concurrency', version);
        // Provisioned INIT may take max(130 s, timeout) (lambda-runtime-environment.html).
        const limit = Math.max(130_000, this.fn.timeoutMs);
        try {
          const result = await this.startProcess(env, { timeoutMs: limit, memoryMb: this.fn.memorySizeMb, memoryPollMs: this.settings.memoryPollMs }, offClock);
          env.trace.initMs = result.initMs;
          if (offClock) {
            env.trace.createdMs = -result.initMs;
            this.emit({ type: 'env-start', atMs: env.trace.createdMs, env: { ...env.trace } });
          }
          if (!result.ok) {
            env.trace.initStatus = result.status;
            this.envLog(env, `INIT_REPORT Init Duration: ${result.initMs.toFixed(2)} ms\tPhase: init\tStatus: ${result.status}`);
            this.endEnv(env, 'init-error');
            return;
          }
          this.emit({ type: 'init-end', atMs: offClock ? 0 : this.clock.now(), env: { ...env.trace } });
          this.makeIdle(env);
        } catch (e) {
          if (env.trace.pids.length === 0) this.emit({ type: 'env-start', atMs: env.trace.createdMs, env: { ...env.trace } });
          this.envLog(env, `INIT_REPORT Phase: init\tStatus: error\tcould not start the runtime: ${(e as Error).message}`);
          env.trace.initStatus = 'error';
          this.endEnv(env, 'init-error');
        }
      }),
    );
  }

  private scheduleDeployments(): void {
    for (const d of this.config.routing?.deployments ?? []) this.clock.at(d.at, () => this.deploy(d));
  }

  /**
   * A deployment publishes `d.version` and moves the alias to it. With provisioned concurrency
   * on the alias, the new version's provisioned environments are allocated first and traffic
   * shifts only once they are ready: CloudFormation/CodeDeploy keep the alias on the old
   * version until the new version's provisioned concurrency is allocated, and during a
   * weighted shift Lambda provisions concurrency for both versions
   * (API_PutProvisionedConcurrencyConfig.html, AllocatedProvisionedConcurrentExecutions "fluctuates
   * depending on the amount of concurrency that is provisioned for the function versions";
   * configuring-alias-routing.html). Meanwhile requests keep going to the old version.
   */
  private deploy(d: Deployment): void {
    const router = this.router as VersionRouter;
    // The clock may not jump past the allocation: it is simulator work until the INITs begin.
    const release = this.clock.hold();
    const run = (async () => {
      try {
        if (this.fn.provisionedConcurrency > 0) await this.allocateProvisioned(d.version, false);
        if (this.closing) return;
        const now = this.clock.now();
        router.startShift(d, now);
        // Once the alias routes nothing to a version any more, its provisioned concurrency is released.
        if (this.fn.provisionedConcurrency > 0) this.clock.at(now + shiftDurationMs(d.shift), () => this.releaseUnrouted(), { daemon: true });
      } finally {
        release();
      }
    })();
    this.provisioning.push(run);
  }

  /** Release the provisioned environments of versions the alias no longer routes to (after a shift completes). */
  private releaseUnrouted(): void {
    const routable = (this.router as VersionRouter).routable(this.clock.now());
    for (const env of this.envs) {
      if (!env.provisioned || env.ended || routable.has(env.version)) continue;
      if (env.busy) env.released = true;
      else this.endEnv(env, 'released');
    }
  }

  private traceRouting(routing: VersionRouting): NonNullable<SimulationTrace['routing']> {
    const deployments = routing.deployments.map((d) => {
      const start = this.router?.shiftStartMs(d) ?? null;
      return { atMs: d.at, version: d.version, type: d.type, ...(start !== null ? { shiftStartMs: start } : {}) };
    });
    return { qualifier: routing.qualifier, deployments };
  }

  /** Reserve capacity for a new on-demand environment, or say why the request is throttled. */
  private throttleReason(): string | null {
    // Reserved concurrency caps the function; otherwise the account limit applies
    // (semantics.md, "Scaling and concurrency").
    const limit = this.fn.reservedConcurrency ?? this.settings.accountConcurrency;
    if (this.busy >= limit) {
      return this.fn.reservedConcurrency !== null ? 'ReservedFunctionConcurrentInvocationLimitExceeded' : 'ConcurrentInvocationLimitExceeded';
    }
    // 1,000 new environments per 10 s per function, refilled continuously (scaling-behavior.html).
    const now = this.clock.now();
    const cap = this.settings.scalingPer10s;
    this.tokens = Math.min(cap, this.tokens + ((now - this.tokensAt) * cap) / 10_000);
    this.tokensAt = now;
    if (this.tokens < 1) return 'ScalingRateExceeded';
    return null;
  }

  /**
   * The idle environment of `version` that takes the next request: a provisioned one first
   * (requests use provisioned concurrency first and spill over to on-demand above it,
   * provisioned-concurrency.html; semantics.md, "Provisioned concurrency"), then among those
   * the most recently used by default (AWS publishes no rule; semantics.md, "INVOKE"), or as
   * `idleEnvironmentChoice` says.
   */
  private takeIdle(version: string): Env | null {
    const all = this.envs.filter((env) => !env.ended && !env.busy && env.rp && env.version === version);
    const provisioned = all.filter((env) => env.provisioned);
    const idle = provisioned.length > 0 ? provisioned : all;
    if (idle.length === 0) return null;
    const choice = this.settings.idleEnvironmentChoice;
    if (choice === 'random') return idle[Math.floor(Math.random() * idle.length)] as Env;
    const sign = choice === 'least-recent' ? -1 : 1;
    return idle.reduce((best, env) => (sign * (env.lastUsedMs - best.lastUsedMs) > 0 ? env : best));
  }

  private makeIdle(env: Env): void {
    env.busy = false;
    const now = this.clock.now();
    env.lastUsedMs = now;
    env.idleTimer?.cancel();
    env.idleTimer = null;
    // Provisioned environments stay initialised; on-demand ones are reclaimed when idle, and
    // (when maxEnvironmentLifetimeMs is set) retired once they are that old (semantics.md,
    // "Shutdown": EEs live at most "a few hours").
    if (!env.provisioned) {
      const lifetime = this.settings.maxEnvironmentLifetimeMs;
      const retireAt = lifetime > 0 ? env.trace.createdMs + lifetime : Infinity;
      if (now >= retireAt) {
        this.endEnv(env, 'lifetime');
        return;
      }
      const jitter = this.settings.idleJitterMs > 0 ? Math.random() * this.settings.idleJitterMs : 0;
      const idleAt = now + this.settings.idleTimeoutMs + jitter;
      env.idleTimer = this.clock.at(Math.min(idleAt, retireAt), () => this.endEnv(env, idleAt <= retireAt ? 'idle' : 'lifetime'), { daemon: true });
    }
    if (this.settings.freezeBetweenInvokes) env.rp?.proc.freeze();
  }

  private endEnv(env: Env, reason: EnvironmentEndReason): void {
    if (env.ended) return;
    env.ended = true;
    env.idleTimer?.cancel();
    env.idleTimer = null;
    env.trace.endedMs = this.clock.now();
    env.trace.endReason = reason;
    void env.rp?.proc.kill();
    try {
      rmSync(env.trace.tmpDir, { recursive: true, force: true });
    } catch {
      // Best effort: the whole temp root goes at the end of the run.
    }
    this.emit({ type: 'env-end', atMs: env.trace.endedMs, env: { ...env.trace } });
  }

  private acquire(): void {
    this.busy++;
    if (this.busy > this.peak) this.peak = this.busy;
  }

  async invoke(req: InvokeRequest): Promise<TraceInvocation> {
    const release = this.clock.hold();
    const running = this.invokeHeld(req);
    this.inFlight.add(running);
    try {
      return await running;
    } finally {
      this.inFlight.delete(running);
      release();
    }
  }

  private async invokeHeld(req: InvokeRequest): Promise<TraceInvocation> {
    const arrivedMs = this.clock.now();
    // Each version has its own environments: a request routed to a new version starts cold.
    const version = this.router?.pick(arrivedMs) ?? '$LATEST';
    let env = this.takeIdle(version);
    let cold = false;
    if (env) {
      env.busy = true;
      env.idleTimer?.cancel();
      env.idleTimer = null;
      this.acquire();
    } else {
      const reason = this.throttleReason();
      if (reason) return this.recordThrottle(req, arrivedMs, reason, version);
      this.tokens -= 1;
      this.acquire();
      env = this.newEnv('on-demand', version);
      env.busy = true;
      cold = true;
    }
    this.ran++;
    this.attempted(req.inputs);
    try {
      return await this.runOn(env, req, arrivedMs, cold);
    } finally {
      this.busy--;
    }
  }

  private recordThrottle(req: InvokeRequest, atMs: number, reason: string, version: string): TraceInvocation {
    // Sync: HTTP 429 TooManyRequestsException with the reason (semantics.md, "Scaling and concurrency").
    const inv: TraceInvocation = {
      requestId: req.requestId,
      env: null,
      attempt: req.attempt,
      source: req.source,
      cold: false,
      version,
      arrivedMs: atMs,
      startMs: atMs,
      endMs: atMs,
      initMs: 0,
      durationMs: 0,
      billedMs: 0,
      memorySizeMb: this.fn.memorySizeMb,
      maxMemoryMb: 0,
      outcome: 'throttled',
      errorType: 'TooManyRequestsException',
      request: req.event,
      response: null,
      error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.', trace: [] },
      throttleReason: reason,
      inputs: req.inputs,
      logs: [],
      report: '',
    };
    this.invocations.push(inv);
    this.emit({ type: 'invoke-end', atMs, invocation: inv });
    return inv;
  }

  private async runOn(env: Env, req: InvokeRequest, arrivedMs: number, cold: boolean): Promise<TraceInvocation> {
    const logs: string[] = [];
    const requestLine = (line: string): void => {
      logs.push(line);
      this.emit({ type: 'log', atMs: this.clock.now(), env: env.trace.id, requestId: req.requestId, line });
    };
    const limits: RunLimits = { timeoutMs: this.fn.timeoutMs, memoryMb: this.fn.memorySizeMb, memoryPollMs: this.settings.memoryPollMs };
    let initMs = 0;
    let suppressedInit = false;

    if (cold) {
      let failed: { status: 'error' | 'timeout'; initMs: number } | null = null;
      try {
        const result = await this.startProcess(env, { ...limits, timeoutMs: this.settings.initTimeoutMs });
        env.trace.initMs = result.initMs;
        if (result.ok) initMs = result.initMs;
        else failed = { status: result.status, initMs: result.initMs };
      } catch (e) {
        if (env.trace.pids.length === 0) this.emit({ type: 'env-start', atMs: env.trace.createdMs, env: { ...env.trace } });
        this.envLog(env, `could not start the runtime: ${(e as Error).message}`);
        failed = { status: 'error', initMs: 0 };
      }
      if (failed) {
        // INIT failed or passed 10 s: Lambda logs INIT_REPORT and re-runs INIT inside the first
        // invoke, under the function timeout (semantics.md, "Execution environment lifecycle").
        env.trace.initStatus = failed.status;
        this.envLog(env, `INIT_REPORT Init Duration: ${failed.initMs.toFixed(2)} ms\tPhase: init\tStatus: ${failed.status}`);
        await env.rp?.proc.kill();
        suppressedInit = true;
      }
      this.emit({ type: 'init-end', atMs: this.clock.now(), env: { ...env.trace } });
    } else if (this.settings.freezeBetweenInvokes) {
      env.rp?.proc.thaw();
    }

    const startMs = this.clock.now();
    this.emit({ type: 'invoke-start', atMs: startMs, requestId: req.requestId, env: env.trace.id, attempt: req.attempt, source: req.source, cold });
    requestLine(`START RequestId: ${req.requestId} Version: ${env.version}`);

    let raw: RawInvokeResult;
    let reinitMs = 0;
    let initError: ErrorPayload | null = null;
    if (suppressedInit) {
      try {
        const result = await this.startProcess(env, limits);
        reinitMs = result.initMs;
        if (!result.ok) initError = result.error;
        if (!result.ok && result.status === 'timeout') raw = { kind: 'timeout', durationMs: this.fn.timeoutMs };
        else if (!result.ok && result.oom) raw = { kind: 'oom', durationMs: result.initMs };
        else if (!result.ok) raw = { kind: 'error', durationMs: result.initMs, error: result.error };
        else raw = await this.sendInvoke(env, req, { ...limits, timeoutMs: Math.max(1, this.fn.timeoutMs - reinitMs) }, requestLine);
      } catch (e) {
        initError = { errorType: 'Runtime.Unknown', errorMessage: `could not start the runtime: ${(e as Error).message}`, trace: [] };
        raw = { kind: 'error', durationMs: 0, error: initError };
      }
    } else {
      raw = await this.sendInvoke(env, req, limits, requestLine);
    }

    if (this.cancelled) {
      raw = { kind: 'error', durationMs: this.clock.now() - startMs, error: { errorType: 'Simulation.Cancelled', errorMessage: 'The run was cancelled while this request ran.', trace: [] } };
    }
    const endMs = this.clock.now();
    // With a suppressed init the re-init counts in Duration and REPORT has no Init Duration.
    const durationMs = Math.min(this.fn.timeoutMs, raw.kind === 'timeout' ? this.fn.timeoutMs : raw.durationMs + (initError ? 0 : reinitMs));
    const peak = env.rp?.proc.peakMemoryMb() ?? null;
    if (peak !== null) env.trace.maxMemoryMb = Math.max(env.trace.maxMemoryMb, Math.ceil(peak));

    let outcome: TraceInvocation['outcome'];
    let errorType: string | null = null;
    let error: ErrorPayload | null = null;
    let response: unknown = null;
    let status: string | null = null;
    let reportErrorType: string | null = null;
    let endReason: EnvironmentEndReason | null = null;
    let maxMemoryMb = env.trace.maxMemoryMb;

    switch (raw.kind) {
      case 'response':
        if (raw.responseJson !== null && Buffer.byteLength(raw.responseJson) > RESPONSE_LIMIT_BYTES) {
          // A response over 6 MB is a function error (API_Invoke.html).
          outcome = 'error';
          errorType = 'Function.ResponseSizeTooLarge';
          error = { errorType, errorMessage: `Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT_BYTES} bytes).`, trace: [] };
          requestLine(`${this.iso(this.clock.now())}\t${req.requestId}\tERROR\t${JSON.stringify(error)}`);
          break;
        }
        outcome = 'success';
        response = raw.responseJson === null ? null : (JSON.parse(raw.responseJson) as unknown);
        break;
      case 'error':
        outcome = 'error';
        error = raw.error;
        errorType = raw.error.errorType;
        if (initError) {
          status = 'error';
          reportErrorType = initError.errorType;
          endReason = 'init-error';
        }
        break;
      case 'timeout': {
        // "<ISO> <requestId> Task timed out after 3.00 seconds" (Sandbox.Timedout); REPORT Duration
        // capped at the timeout, Status: timeout; the environment is reset (semantics.md, "Failures").
        const message = `${this.iso(endMs)} ${req.requestId} Task timed out after ${(this.fn.timeoutMs / 1000).toFixed(2)} seconds`;
        requestLine(message);
        outcome = 'timeout';
        errorType = 'Sandbox.Timedout';
        error = { errorType: 'Sandbox.Timedout', errorMessage: message, trace: [] };
        status = 'timeout';
        endReason = 'timeout';
        break;
      }
      case 'fatal': {
        // Uncaught exception (exit 129) / unhandled rejection (exit 128): the posted error is the
        // response and the environment is reset.
        requestLine(`RequestId: ${req.requestId} Error: Runtime exited with error: exit status ${raw.exitCode}`);
        requestLine('Runtime.ExitError');
        outcome = 'crash';
        error = raw.error;
        errorType = raw.error.errorType;
        status = 'error';
        reportErrorType = 'Runtime.ExitError';
        endReason = 'crash';
        break;
      }
      case 'exit': {
        // process.exit(n): Runtime.ExitError "Runtime exited with error: exit status n".
        const message = `RequestId: ${req.requestId} Error: Runtime exited with error: ${exitText(raw.code, raw.signal)}`;
        requestLine(message);
        requestLine('Runtime.ExitError');
        outcome = 'crash';
        errorType = 'Runtime.ExitError';
        error = { errorType: 'Runtime.ExitError', errorMessage: message, trace: [] };
        status = 'error';
        reportErrorType = 'Runtime.ExitError';
        endReason = 'crash';
        break;
      }
      case 'oom': {
        // Response Runtime.ExitError "signal: killed"; REPORT Error Type: Runtime.OutOfMemory.
        const message = `RequestId: ${req.requestId} Error: Runtime exited with error: signal: killed`;
        requestLine(message);
        requestLine('Runtime.OutOfMemory');
        outcome = 'oom';
        errorType = 'Runtime.OutOfMemory';
        error = { errorType: 'Runtime.ExitError', errorMessage: message, trace: [] };
        status = 'error';
        reportErrorType = 'Runtime.OutOfMemory';
        endReason = 'oom';
        maxMemoryMb = this.fn.memorySizeMb;
        env.trace.maxMemoryMb = Math.max(env.trace.maxMemoryMb, maxMemoryMb);
        break;
      }
    }

    // Billed Duration = ceil(Duration); since 1 Aug 2025 INIT is billed too for on-demand
    // functions (AWS Compute blog, "standardizes billing for INIT phase"; semantics.md, "Billing").
    const billedInit = cold && !suppressedInit && env.trace.initializationType === 'on-demand' ? initMs : 0;
    const billedMs = Math.ceil(durationMs + billedInit);
    requestLine(`END RequestId: ${req.requestId}`);
    let report = `REPORT RequestId: ${req.requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedMs} ms\tMemory Size: ${this.fn.memorySizeMb} MB\tMax Memory Used: ${maxMemoryMb} MB\t`;
    if (cold && !suppressedInit) report += `Init Duration: ${initMs.toFixed(2)} ms\t`;
    if (status) report += `Status: ${status}\t`;
    if (reportErrorType) report += `Error Type: ${reportErrorType}`;
    report = report.replace(/\t$/, '');
    requestLine(report);

    const inv: TraceInvocation = {
      requestId: req.requestId,
      env: env.trace.id,
      attempt: req.attempt,
      source: req.source,
      cold,
      version: env.version,
      arrivedMs,
      startMs,
      endMs,
      initMs: cold && !suppressedInit ? initMs : 0,
      durationMs,
      billedMs,
      memorySizeMb: this.fn.memorySizeMb,
      maxMemoryMb,
      outcome,
      errorType,
      request: req.event,
      response,
      error,
      throttleReason: null,
      inputs: req.inputs,
      logs,
      report,
    };
    this.invocations.push(inv);
    this.noteMissingSdk(env, error);
    if (endReason) this.endEnv(env, endReason);
    else if (!env.rp?.proc.alive) this.endEnv(env, 'crash');
    else if (env.released) this.endEnv(env, 'released');
    else this.makeIdle(env);
    this.emit({ type: 'invoke-end', atMs: endMs, invocation: inv });
    return inv;
  }

  /**
   * Lambda's Node runtimes (nodejs18.x and later) ship the AWS SDK for JavaScript v3, so code
   * may import `@aws-sdk/*` without bundling it; here it must be installed where the handler
   * resolves modules. Say so once, next to the error, without changing Lambda's message.
   */
  private noteMissingSdk(env: Env, error: ErrorPayload | null): void {
    if (this.sdkNoted || error?.errorType !== 'Runtime.ImportModuleError') return;
    const m = /'(@aws-sdk\/[^'/]+)/.exec(error.errorMessage);
    if (!m) return;
    this.sdkNoted = true;
    this.envLog(env, `LAMBDA_LENS note: Lambda's Node runtime includes the AWS SDK for JavaScript v3, but this machine cannot resolve ${m[1]} from ${this.fn.codeRoot}; install it there (npm install --save-dev ${m[1]}) to simulate this function.`);
  }

  private sendInvoke(env: Env, req: InvokeRequest, limits: RunLimits, line: (l: string) => void): Promise<RawInvokeResult> {
    const rp = env.rp as RuntimeProcess;
    const message: InvokeMessage = {
      t: 'invoke',
      requestId: req.requestId,
      event: req.event,
      remainingMs: limits.timeoutMs,
      clockOffsetMs: this.clock.wallOffset(this.epochMs),
      traceId: `Root=1-${Math.floor((this.epochMs + this.clock.now()) / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)};Sampled=0;Lineage=1:${randomUUID().slice(0, 8)}:0`,
      invokedFunctionArn: this.invokedArn,
      functionName: this.fn.name,
      functionVersion: env.version,
      memoryLimitInMB: String(this.fn.memorySizeMb),
      logGroupName: `/aws/lambda/${this.fn.name}`,
      logStreamName: env.trace.logStreamName,
    };
    return rp.invoke(message, limits, line);
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.clock.stop();
    // Inputs still waiting (a cancelled run) are accounted for, never lost.
    for (const input of this.inputs.values()) {
      if (!this.settled.has(input.id)) this.settle([input.id], 'dropped', this.cancelled ? 'run cancelled before it was processed' : 'run ended before it was processed');
    }
    const reason: EnvironmentEndReason = this.cancelled ? 'cancelled' : 'run-end';
    const procs = this.envs.map((e) => e.rp?.proc).filter((p) => p !== undefined);
    for (const env of this.envs) this.endEnv(env, reason);
    await Promise.all(procs.map((p) => p.kill()));
    // Requests cut short by the cancel finish recording before the trace is built, and
    // processes still starting are killed as they arrive.
    await Promise.allSettled([...this.inFlight, ...this.provisioning]);
    await this.spares?.close();
    try {
      rmSync(this.tmpRoot, { recursive: true, force: true });
    } catch {
      // Best effort.
    }
  }
}
