/**
 * The simulator's engine: execution environments around the real handler, on the simulated
 * clock. It schedules the scenario's traffic, runs each request on an environment the pool
 * gives it (pool.ts), starts processes and runs INIT (environment.ts, runtimes/), and turns how
 * each request ended into Lambda's outcome, logs and REPORT (outcome.ts), keeping the ledger of
 * every input (ledger.ts). Invocation sources (sources/) reach it through `Platform` (platform.ts).
 *
 * Facts and their sources are cited per behaviour, in the modules that implement them.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PAYLOAD, PRICE } from '../service/limits';
import { shiftDurationMs } from '../service/model/deployment';
import { SimClock } from './clock';
import type {
  Deployment,
  FunctionConfig,
  PlatformSettings,
  SimulationConfig,
  SqsMessageInput,
  SqsQueueConfig,
  StreamConfig,
  StreamRecordInput,
  TrafficEntry,
  VersionRouting,
} from './config';
import { runtimeStartup } from './durations/startup';
import { RuntimeProcess, type InitResult, type PhaseFigures, type RunLimits } from './environment';
import { Ledger } from './ledger';
import {
  billedDuration,
  cancelledResult,
  exitText,
  initReportLine,
  interpret,
  invocationDuration,
  reportLine,
  throttledInvocation,
  type RawInvokeResult,
} from './outcome';
import type { InvokeRequest, Platform, RunOptions, RunService } from './platform';
import { EnvironmentPool, type Env } from './pool';
import { resolveRuntime, type Runtime } from './runtimes';
import { isolatedTmpSupport, pathsInVariables, type IsolatedTmp } from './runtimes/ephemeral';
import { SparePool } from './runtimes/process';
import type { ErrorPayload, InitMessage, InvokeMessage } from './runtimes/protocol';
import { AsyncQueue } from './sources/async';
import { SqsSource } from './sources/sqs';
import { StreamSource } from './sources/streams';
import { summarize } from './summary';
import { functionVariables, startVariables } from './variables';
import { VersionRouter } from './versions';
import {
  TRACE_FORMAT_VERSION,
  type DeliveryKind,
  type EnvironmentEndReason,
  type InvocationSource,
  type SimulationTrace,
  type TraceEvent,
  type TraceFunction,
  type TraceHostFigures,
  type TraceInput,
  type TraceInvocation,
} from './trace';

export type { InvokeRequest, Platform, RunOptions, RunService } from './platform';

/** Run a simulation to its end (or until cancelled) and return the trace. */
export function simulate(config: SimulationConfig, options: RunOptions = {}): Promise<SimulationTrace> {
  return new Simulation(config, options).run();
}

export class Simulation implements Platform {
  readonly clock: SimClock;
  readonly fn: FunctionConfig;
  readonly settings: PlatformSettings;
  readonly functionArn: string;
  private readonly epochMs = Date.now();
  private readonly runtime: Runtime;
  private spares: SparePool | null = null;
  private readonly pool: EnvironmentPool;
  private readonly ledger: Ledger;
  private readonly services: RunService[];
  private readonly environmentLogs: SimulationTrace['environmentLogs'] = [];
  private readonly invocations: TraceInvocation[] = [];
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
    const member = options.member;
    this.clock = member?.clock ?? new SimClock();
    this.fn = config.function;
    this.settings = config.platform;
    this.functionArn = `arn:aws:lambda:${this.settings.region}:${this.settings.accountId}:function:${this.fn.name}`;
    this.runtime = resolveRuntime(this.fn.runtime, options.executables);
    this.services = options.services ?? [];
    this.tmpRoot = mkdtempSync(join(tmpdir(), 'lambda-lens-sim-'));
    // Code whose folder is the host's /tmp itself would be hidden by the environment's own /tmp.
    const support: ReturnType<typeof isolatedTmpSupport> =
      resolve(this.fn.codeRoot) === '/tmp'
        ? { ok: false, reason: "the function's code folder is /tmp itself, which its own /tmp would hide" }
        : isolatedTmpSupport();
    const sizeMb = this.fn.ephemeralStorageMb;
    this.ephemeralStorage = support.ok
      ? { sizeMb, enforced: true, note: `/tmp: ${sizeMb} MB per environment (a tmpfs of its own)` }
      : {
          sizeMb,
          enforced: false,
          note: `/tmp: a private TMPDIR per environment, its ${sizeMb} MB not enforced: ${support.reason}`,
        };
    // In a run of several functions, the others' environment and input ids start with their logical id.
    const prefix = member && !member.primary ? `${member.functionId}-` : '';
    this.pool = new EnvironmentPool(
      this.clock,
      this.fn,
      this.settings,
      this.tmpRoot,
      (ms) => this.iso(ms),
      (e) => this.emit(e),
      member ? { functionId: member.functionId, prefix } : undefined,
      member?.account,
    );
    this.ledger = new Ledger(
      () => this.clock.now(),
      (e) => this.emit(e),
      prefix,
    );
    this.asyncQueue = new AsyncQueue(this);
    const routing = config.routing;
    this.router = routing !== undefined ? new VersionRouter(routing) : null;
    this.invokedArn =
      routing !== undefined && routing.qualifier !== '$LATEST'
        ? `${this.functionArn}:${routing.qualifier}`
        : this.functionArn;
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
    const cancelled = new Promise<void>((resolve) => {
      const signal = this.options.signal;
      if (!signal) return;
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      await Promise.race([this.start(), cancelled]);
      if (!this.options.signal?.aborted) await Promise.race([this.clock.whenIdle(), cancelled]);
    } finally {
      await this.stop();
    }
    return this.finish();
  }

  /** The function as the trace describes it. */
  traceFunction(): TraceFunction {
    return {
      name: this.fn.name,
      handler: this.fn.handler,
      runtime: this.fn.runtime,
      codeRoot: this.fn.codeRoot,
      architecture: this.fn.architecture,
      memorySizeMb: this.fn.memorySizeMb,
      timeoutMs: this.fn.timeoutMs,
      reservedConcurrency: this.fn.reservedConcurrency,
      provisionedConcurrency: this.fn.provisionedConcurrency,
      ephemeralStorage: this.ephemeralStorage,
    };
  }

  /** Each environment's /tmp: a tmpfs of the function's ephemeral storage size where the host allows it. */
  private readonly ephemeralStorage: NonNullable<TraceFunction['ephemeralStorage']>;
  /** How runtime processes get their own /tmp; set when the run starts, unset where the host cannot. */
  private isolatedTmp: IsolatedTmp | undefined;

  private startedAt = performance.now();

  /**
   * Starts the function's platform: spare processes, provisioned environments, then the
   * scenario's deployments and traffic. Resolves once the provisioned environments are ready.
   */
  async start(): Promise<void> {
    this.startedAt = performance.now();
    if (this.options.member?.primary !== false) {
      this.emit({
        type: 'run-start',
        atMs: 0,
        epochMs: this.epochMs,
        function: this.traceFunction(),
        runtime: this.runtime.trace,
        scenario: this.config.scenario,
        ...(this.config.routing !== undefined ? { routing: this.traceRouting(this.config.routing) } : {}),
      });
    }
    if (this.ephemeralStorage.enforced) {
      const start = startVariables(this.runtime);
      this.isolatedTmp = {
        sizeMb: this.fn.ephemeralStorageMb,
        stage: this.tmpRoot,
        // What the process reads from the host: it stays visible if it lies in the host's /tmp.
        keep: [
          this.runtime.trace.binary,
          this.runtime.bootstrap(),
          this.fn.codeRoot,
          ...pathsInVariables(start),
          ...pathsInVariables(this.fn.environment),
          ...this.services.flatMap((s) => s.hostPaths?.() ?? []),
        ],
      };
    }
    this.spares = new SparePool(
      {
        binary: this.runtime.trace.binary,
        bootstrap: this.runtime.bootstrap(),
        cwd: this.fn.codeRoot,
        env: startVariables(this.runtime),
        ...(this.isolatedTmp ? { isolatedTmp: this.isolatedTmp } : {}),
      },
      this.settings.spareProcesses,
    );
    const initial = this.startProvisioned();
    this.provisioning.push(initial);
    await initial;
    if (!this.options.signal?.aborted) {
      // Deployments first: one due at the same time as a request moves the alias before the request arrives.
      this.scheduleDeployments();
      this.scheduleTraffic(this.config.traffic);
    }
  }

  /** Ends the function's platform: every environment ends, pending inputs get their fate. */
  async stop(): Promise<void> {
    this.cancelled = this.options.signal?.aborted ?? false;
    await this.shutdown();
  }

  /** The function's trace, after `stop`. */
  finish(): SimulationTrace {
    const started = this.startedAt;
    const traceFunction = this.traceFunction();
    const scenario = this.config.scenario;
    const end = this.clock.now();
    const trace: SimulationTrace = {
      version: TRACE_FORMAT_VERSION,
      scenario,
      epochMs: this.epochMs,
      function: traceFunction,
      runtime: this.runtime.trace,
      platform: { ...this.settings },
      environments: this.pool.traces(),
      invocations: [...this.invocations],
      deliveries: this.ledger.deliveries(),
      inputs: this.ledger.all(),
      environmentLogs: this.environmentLogs,
      summary: summarize(
        this.invocations,
        this.pool.traces(),
        this.ledger.all(),
        this.pool.peak,
        end,
        performance.now() - started,
        PRICE,
      ),
      cancelled: this.cancelled,
      ...(this.config.routing !== undefined ? { routing: this.traceRouting(this.config.routing) } : {}),
    };
    // In a run of several functions, run.ts emits run-end with the whole run's trace.
    if (!this.options.member) this.emit({ type: 'run-end', atMs: end, trace });
    return trace;
  }

  /** An asynchronous invocation from elsewhere in the run (SNS, S3, EventBridge, Lambda Event). */
  acceptAsync(event: unknown): void {
    this.putInvoke('async', event);
  }

  /** A synchronous invocation from elsewhere in the run (Lambda RequestResponse): its record, or null when it did not run. */
  acceptSync(event: unknown): Promise<TraceInvocation | null> {
    return this.putInvoke('sync', event) ?? Promise.resolve(null);
  }

  /** Messages sent to a queue the function reads through an event source mapping. */
  acceptSqs(queue: SqsQueueConfig, messages: SqsMessageInput[]): void {
    let source = this.sqs.get(queue.name);
    if (!source) {
      source = new SqsSource(this, queue);
      this.sqs.set(queue.name, source);
    }
    source.send(messages);
  }

  /** Records of a stream the function reads. */
  acceptStream(stream: StreamConfig, records: StreamRecordInput[]): void {
    let source = this.streams.get(stream.name);
    if (!source) {
      source = new StreamSource(this, stream);
      this.streams.set(stream.name, source);
    }
    source.put(records);
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

  private putInvoke(kind: 'sync' | 'async', event: unknown): Promise<TraceInvocation | null> | undefined {
    // Payload limits: 6 MB synchronous, 1 MB asynchronous (API_Invoke.html); over them Invoke
    // fails with 413 RequestEntityTooLargeException and the function never sees the event.
    const bytes = Buffer.byteLength(JSON.stringify(event ?? null));
    const limit = kind === 'sync' ? PAYLOAD.syncMb * 2 ** 20 : PAYLOAD.asyncKb * 2 ** 10;
    if (bytes > limit) {
      const id = this.put(kind, randomUUID());
      this.settle(
        [id],
        'dropped',
        `request payload of ${bytes} bytes is over the ${kind} limit of ${limit} bytes: 413 RequestEntityTooLargeException`,
      );
      return undefined;
    }
    if (kind === 'async') {
      this.asyncQueue.put(event);
      return undefined;
    }
    const requestId = randomUUID();
    const id = this.put('sync', requestId);
    const release = this.clock.hold();
    return (async (): Promise<TraceInvocation | null> => {
      try {
        const why = this.canInvoke();
        if (why) {
          this.settle([id], 'dropped', why);
          return null;
        }
        const inv = await this.invoke({ source: 'sync', event, requestId, attempt: 1, inputs: [id] });
        // A synchronous caller gets the response or the error; nothing is retried for it.
        if (inv.outcome === 'success') this.settle([id], 'succeeded', 'response returned to the caller');
        else if (inv.outcome === 'throttled')
          this.settle(
            [id],
            'dropped',
            `throttled: 429 TooManyRequestsException (${inv.throttleReason}) returned to the caller`,
          );
        else
          this.settle(
            [id],
            'dropped',
            `function error returned to the caller (X-Amz-Function-Error: Unhandled, ${inv.errorType})`,
          );
        return inv;
      } finally {
        release();
      }
    })();
  }

  put(source: InvocationSource, externalId: string): string {
    return this.ledger.put(source, externalId);
  }

  attempted(ids: string[]): void {
    this.ledger.attempted(ids);
  }

  settle(ids: string[], fate: TraceInput['fate'], reason: string): void {
    this.ledger.settle(ids, fate, reason);
  }

  deliver(
    kind: DeliveryKind,
    target: string | null,
    inputs: string[],
    requestId: string | null,
    condition: string,
    record: unknown,
  ): void {
    this.ledger.deliver(kind, target, inputs, requestId, condition, record);
  }

  /** Where the request running on environment `envId` is on the clock now (RuntimeProcess.lambdaNow), or null. */
  lambdaNow(envId: string): number | null {
    return (
      this.pool
        .all()
        .find((e) => e.trace.id === envId)
        ?.rp?.lambdaNow() ?? null
    );
  }

  canInvoke(): string | null {
    if (this.cancelled || this.options.signal?.aborted) return 'run cancelled';
    if (this.ran >= this.settings.maxInvocations)
      return `simulation stopped: maxInvocations (${this.settings.maxInvocations}) reached`;
    return null;
  }

  private initMessage(env: Env, rp: RuntimeProcess): InitMessage {
    const extra: Record<string, string> = {};
    for (const service of this.services) Object.assign(extra, service.environmentVariables?.(env.trace));
    return {
      t: 'init',
      env: functionVariables(
        this.fn,
        this.settings,
        this.runtime,
        { ...env.trace, version: env.version, ownTmp: this.isolatedTmp !== undefined },
        extra,
        rp.proc.marker,
      ),
      taskRoot: this.fn.codeRoot,
      handler: this.fn.handler,
      rejectCallbackHandlers: this.runtime.rejectCallbackHandlers,
      legacyContextMethods: this.runtime.legacyContextMethods,
      clockOffsetMs: this.clock.wallOffset(this.epochMs),
    };
  }

  private envLog(env: Env, line: string): void {
    const atMs = this.clock.now();
    this.environmentLogs.push({ env: env.trace.id, atMs, line });
    this.emit({ type: 'log', atMs, env: env.trace.id, requestId: null, line });
  }

  /**
   * Start a process for `env` and run INIT. Provisioned environments initialise off the
   * request path, before traffic (provisioned-concurrency.html): their INIT does not advance
   * the clock and is placed just before t = 0.
   */
  private async startProcess(env: Env, limits: RunLimits, offClock = false): Promise<InitResult> {
    // Taking a process (a spare, or a fork) is host work: the INIT starts when it was asked for.
    const takenMs = this.clock.now();
    const proc = await (this.spares as SparePool).take();
    if (this.closing) {
      // The run ended while this process was being started: it must not outlive the run.
      await proc.kill();
      throw new Error('the run ended');
    }
    const first = env.trace.pids.length === 0;
    if (first && !offClock) {
      env.trace.createdMs = takenMs;
      this.emit({ type: 'env-start', atMs: env.trace.createdMs, env: { ...env.trace } });
    }
    env.trace.pids.push(proc.pid);
    env.trace.processStartMs = proc.startMs;
    const rp: RuntimeProcess = new RuntimeProcess(
      proc,
      this.clock,
      (line) => this.envLog(env, line),
      () => this.onIdleExit(env, rp),
    );
    env.rp = rp;
    this.envLog(env, this.runtime.initStartLine);
    const startAtMs = limits.startAtMs ?? (first && !offClock ? env.trace.createdMs : undefined);
    const initLimits: RunLimits = {
      ...limits,
      startupMs: this.runtimeStartupMs,
      hostCpuFactor: this.settings.hostCpuFactor,
      ...(startAtMs !== undefined ? { startAtMs } : {}),
    };
    return rp.init(this.initMessage(env, rp), initLimits, (line) => this.envLog(env, line), offClock);
  }

  /** The runtime's start-up in every INIT: the platform setting, else the runtime's published median. */
  private get runtimeStartupMs(): number {
    return this.settings.runtimeStartupMs ?? runtimeStartup(this.fn.runtime).ms;
  }

  /** Keeps INIT's runtime start-up and host figures in the environment's trace. */
  private noteInit(env: Env): void {
    const figures = env.rp?.lastPhase;
    if (!figures) return;
    env.trace.runtimeStartupMs = figures.startupMs;
    env.trace.initHost = hostFigures(figures);
  }

  /** A process that dies while idle (e.g. a timer left running calls process.exit) ends its environment. */
  private onIdleExit(env: Env, rp: RuntimeProcess): void {
    if (env.rp !== rp || env.busy || env.ended) return;
    this.envLog(
      env,
      `RUNTIME_EXIT the runtime process exited while idle: ${exitText(rp.proc.exit?.code ?? null, rp.proc.exit?.signal ?? null)}`,
    );
    this.pool.end(env, 'crash');
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
        const env = this.pool.create('provisioned-concurrency', version);
        // Provisioned INIT may take max(130 s, timeout) (lambda-runtime-environment.html).
        const limit = Math.max(130_000, this.fn.timeoutMs);
        try {
          const result = await this.startProcess(
            env,
            { timeoutMs: limit, memoryMb: this.fn.memorySizeMb, memoryPollMs: this.settings.memoryPollMs },
            offClock,
          );
          env.trace.initMs = result.initMs;
          this.noteInit(env);
          if (offClock) {
            env.trace.createdMs = -result.initMs;
            this.emit({ type: 'env-start', atMs: env.trace.createdMs, env: { ...env.trace } });
          }
          if (!result.ok) {
            env.trace.initStatus = result.status;
            this.envLog(
              env,
              `INIT_REPORT Init Duration: ${result.initMs.toFixed(2)} ms\tPhase: init\tStatus: ${result.status}`,
            );
            this.pool.end(env, 'init-error');
            return;
          }
          this.emit({ type: 'init-end', atMs: offClock ? 0 : this.clock.now(), env: { ...env.trace } });
          this.pool.makeIdle(env);
        } catch (e) {
          if (env.trace.pids.length === 0)
            this.emit({ type: 'env-start', atMs: env.trace.createdMs, env: { ...env.trace } });
          this.envLog(
            env,
            `INIT_REPORT Phase: init\tStatus: error\tcould not start the runtime: ${(e as Error).message}`,
          );
          env.trace.initStatus = 'error';
          this.pool.end(env, 'init-error');
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
        if (this.fn.provisionedConcurrency > 0)
          this.clock.at(now + shiftDurationMs(d.shift), () => this.releaseUnrouted(), { daemon: true });
      } finally {
        release();
      }
    })();
    this.provisioning.push(run);
  }

  /** Release the provisioned environments of versions the alias no longer routes to (after a shift completes). */
  private releaseUnrouted(): void {
    this.pool.releaseUnrouted((this.router as VersionRouter).routable(this.clock.now()));
  }

  private traceRouting(routing: VersionRouting): NonNullable<SimulationTrace['routing']> {
    const deployments = routing.deployments.map((d) => {
      const start = this.router?.shiftStartMs(d) ?? null;
      return { atMs: d.at, version: d.version, type: d.type, ...(start !== null ? { shiftStartMs: start } : {}) };
    });
    return { qualifier: routing.qualifier, deployments };
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
    const admission = this.pool.admit(version);
    if ('throttled' in admission) {
      const inv: TraceInvocation = {
        ...throttledInvocation({
          ...req,
          event: req.event,
          version,
          atMs: arrivedMs,
          memorySizeMb: this.fn.memorySizeMb,
          reason: admission.throttled,
        }),
        // In a run of several functions a throttle is the function's too (rows are grouped by it).
        ...(this.options.member ? { function: this.options.member.functionId } : {}),
      };
      this.invocations.push(inv);
      this.emit({ type: 'invoke-end', atMs: arrivedMs, invocation: inv });
      return inv;
    }
    this.ran++;
    this.ledger.attempted(req.inputs);
    try {
      return await this.runOn(admission.env, req, arrivedMs, admission.cold);
    } finally {
      this.pool.done();
    }
  }

  /**
   * A cold start's INIT, on the request's path. When INIT fails or passes its 10 s limit, Lambda
   * logs INIT_REPORT and re-runs INIT inside the first invoke, under the function timeout
   * (lambda-runtime-environment.html): returns `suppressed` then.
   */
  private async coldInit(env: Env, limits: RunLimits): Promise<{ initMs: number; suppressed: boolean }> {
    let failed: { status: 'error' | 'timeout'; initMs: number } | null = null;
    let initMs = 0;
    try {
      const result = await this.startProcess(env, { ...limits, timeoutMs: this.settings.initTimeoutMs });
      env.trace.initMs = result.initMs;
      this.noteInit(env);
      if (result.ok) initMs = result.initMs;
      else failed = { status: result.status, initMs: result.initMs };
    } catch (e) {
      if (env.trace.pids.length === 0)
        this.emit({ type: 'env-start', atMs: env.trace.createdMs, env: { ...env.trace } });
      this.envLog(env, `could not start the runtime: ${(e as Error).message}`);
      failed = { status: 'error', initMs: 0 };
    }
    if (failed) {
      env.trace.initStatus = failed.status;
      this.envLog(env, initReportLine(failed.initMs, failed.status));
      await env.rp?.proc.kill();
    }
    this.emit({ type: 'init-end', atMs: this.clock.now(), env: { ...env.trace } });
    return { initMs, suppressed: failed !== null };
  }

  /** The suppressed INIT re-run inside the request, then the request when it succeeds. */
  private async reinitAndInvoke(
    env: Env,
    req: InvokeRequest,
    limits: RunLimits,
    line: (l: string) => void,
  ): Promise<{ raw: RawInvokeResult; reinitMs: number; initError: ErrorPayload | null }> {
    try {
      const result = await this.startProcess(env, limits);
      // The request runs on from where the re-run INIT ended on the clock.
      const invokeLimits: RunLimits = {
        ...limits,
        timeoutMs: Math.max(1, this.fn.timeoutMs - result.initMs),
        ...(limits.startAtMs !== undefined ? { startAtMs: limits.startAtMs + result.initMs } : {}),
      };
      if (result.ok)
        return { raw: await this.sendInvoke(env, req, invokeLimits, line), reinitMs: result.initMs, initError: null };
      const raw: RawInvokeResult =
        result.status === 'timeout'
          ? { kind: 'timeout', durationMs: this.fn.timeoutMs }
          : result.oom
            ? { kind: 'oom', durationMs: result.initMs }
            : { kind: 'error', durationMs: result.initMs, error: result.error };
      return { raw, reinitMs: result.initMs, initError: result.error };
    } catch (e) {
      const initError = {
        errorType: 'Runtime.Unknown',
        errorMessage: `could not start the runtime: ${(e as Error).message}`,
        trace: [],
      };
      return { raw: { kind: 'error', durationMs: 0, error: initError }, reinitMs: 0, initError };
    }
  }

  private async runOn(env: Env, req: InvokeRequest, arrivedMs: number, cold: boolean): Promise<TraceInvocation> {
    // A warm request starts when it is taken: thawing and IPC are host work, off the clock.
    const takenMs = this.clock.now();
    const logs: string[] = [];
    const requestLine = (line: string): void => {
      logs.push(line);
      this.emit({ type: 'log', atMs: this.clock.now(), env: env.trace.id, requestId: req.requestId, line });
    };
    const limits: RunLimits = {
      timeoutMs: this.fn.timeoutMs,
      memoryMb: this.fn.memorySizeMb,
      memoryPollMs: this.settings.memoryPollMs,
      hostCpuFactor: this.settings.hostCpuFactor,
    };
    let initMs = 0;
    let suppressedInit = false;
    if (cold) ({ initMs, suppressed: suppressedInit } = await this.coldInit(env, limits));
    else if (this.settings.freezeBetweenInvokes) env.rp?.proc.thaw();

    // A cold request's handler starts where its INIT ended on the clock.
    const startMs = cold ? (env.rp?.lastPhase?.endMs ?? this.clock.now()) : takenMs;
    this.emit({
      type: 'invoke-start',
      atMs: startMs,
      requestId: req.requestId,
      env: env.trace.id,
      attempt: req.attempt,
      source: req.source,
      cold,
    });
    for (const service of this.services) service.invocationStarted?.(req.requestId, env.trace.id, req);
    requestLine(`START RequestId: ${req.requestId} Version: ${env.version}`);

    const invoked = suppressedInit
      ? await this.reinitAndInvoke(env, req, { ...limits, startAtMs: startMs }, requestLine)
      : {
          raw: await this.sendInvoke(env, req, { ...limits, startAtMs: startMs }, requestLine),
          reinitMs: 0,
          initError: null,
        };
    const { reinitMs, initError } = invoked;
    const raw = this.cancelled ? cancelledResult(this.clock.now() - startMs) : invoked.raw;
    // With a suppressed init the re-init counts in Duration and REPORT has no Init Duration.
    const durationMs = invocationDuration(raw, this.fn.timeoutMs, reinitMs, initError !== null);
    // The bar is the Duration: the clock advanced by it (environment.ts, clock.ts).
    const endMs = this.cancelled ? this.clock.now() : startMs + durationMs;
    const invokeFigures = env.rp?.lastPhase;
    const peak = env.rp?.proc.peakMemoryMb() ?? null;
    if (peak !== null) env.trace.maxMemoryMb = Math.max(env.trace.maxMemoryMb, Math.ceil(peak));

    const o = interpret(raw, {
      requestId: req.requestId,
      timeoutMs: this.fn.timeoutMs,
      endIso: this.iso(endMs),
      initError,
    });
    for (const line of o.lines) requestLine(line);
    if (o.overMemory) env.trace.maxMemoryMb = Math.max(env.trace.maxMemoryMb, this.fn.memorySizeMb);
    const maxMemoryMb = o.overMemory ? this.fn.memorySizeMb : env.trace.maxMemoryMb;
    const initOnPath = cold && !suppressedInit ? initMs : null;
    // INIT is billed for on-demand environments only (outcome.ts, billedDuration).
    const billedMs = billedDuration(
      durationMs,
      initOnPath !== null && env.trace.initializationType === 'on-demand' ? initOnPath : 0,
    );
    requestLine(`END RequestId: ${req.requestId}`);
    const report = reportLine({
      requestId: req.requestId,
      durationMs,
      billedMs,
      memorySizeMb: this.fn.memorySizeMb,
      maxMemoryMb,
      initMs: initOnPath,
      status: o.status,
      errorType: o.reportErrorType,
    });
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
      initMs: initOnPath ?? 0,
      durationMs,
      ...(invokeFigures ? { host: hostFigures(invokeFigures) } : {}),
      billedMs,
      memorySizeMb: this.fn.memorySizeMb,
      maxMemoryMb,
      outcome: o.outcome,
      errorType: o.errorType,
      request: req.event,
      response: o.response,
      error: o.error,
      throttleReason: null,
      inputs: req.inputs,
      logs,
      report,
      ...(this.options.member ? { function: this.options.member.functionId } : {}),
    };
    this.invocations.push(inv);
    this.noteMissingSdk(env, o.error);
    if (o.endReason) this.pool.end(env, o.endReason);
    else if (!env.rp?.proc.alive) this.pool.end(env, 'crash');
    else if (env.released) this.pool.end(env, 'released');
    else this.pool.makeIdle(env);
    for (const service of this.services) service.invocationEnded?.(inv);
    this.emit({ type: 'invoke-end', atMs: endMs, invocation: inv });
    return inv;
  }

  /**
   * Lambda's Node runtimes (nodejs18.x and later) ship the AWS SDK for JavaScript v3, and its
   * Python runtimes boto3, so code may import them without bundling them
   * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included,
   * https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html). Here the SDK comes from the
   * workspace, the copy `lambda-lens sdk install` keeps, or the Python interpreter: when it is
   * missing, say once how to install it, next to the error, without changing Lambda's message.
   */
  private noteMissingSdk(env: Env, error: ErrorPayload | null): void {
    if (this.sdkNoted || error?.errorType !== 'Runtime.ImportModuleError') return;
    const node = /'(@aws-sdk\/[^'/]+)/.exec(error.errorMessage);
    const python = /No module named '(boto3|botocore)'/.exec(error.errorMessage);
    if (node) {
      this.sdkNoted = true;
      this.envLog(
        env,
        `LAMBDA_LENS note: Lambda's Node runtime includes the AWS SDK for JavaScript v3, but ${node[1]} cannot be resolved from ${this.fn.codeRoot}; run \`lambda-lens sdk install\` (or press Install in VS Code) to install the SDK copy simulations use, or npm install --save-dev ${node[1]} there.`,
      );
    } else if (python) {
      this.sdkNoted = true;
      const py = this.runtime.trace.binary;
      this.envLog(
        env,
        `LAMBDA_LENS note: Lambda's Python runtime includes boto3, but the interpreter this simulation uses (${py}) has no ${python[1]}; install it with: ${py} -m pip install boto3 (on Debian or Ubuntu's system Python: apt install python3-boto3).`,
      );
    }
  }

  private sendInvoke(
    env: Env,
    req: InvokeRequest,
    limits: RunLimits,
    line: (l: string) => void,
  ): Promise<RawInvokeResult> {
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
    // A run of several functions stops its shared clock once, after every function's platform.
    if (!this.options.member) this.clock.stop();
    // Inputs still waiting (a cancelled run) are accounted for, never lost.
    this.ledger.settleRemaining(
      this.cancelled ? 'run cancelled before it was processed' : 'run ended before it was processed',
    );
    const reason: EnvironmentEndReason = this.cancelled ? 'cancelled' : 'run-end';
    await this.pool.endAll(reason);
    // Requests cut short by the cancel finish recording before the trace is built, and
    // processes still starting are killed as they arrive.
    await Promise.allSettled([...this.inFlight, ...this.provisioning]);
    await this.spares?.close();
    await Promise.allSettled(this.services.map((s) => s.close?.()));
    try {
      rmSync(this.tmpRoot, { recursive: true, force: true });
    } catch {
      // Best effort.
    }
  }
}

/** A phase's host figures as the trace keeps them. */
function hostFigures(p: PhaseFigures): TraceHostFigures {
  return { ...p.host, lambdaCpuMs: p.cpuMs, lambdaIoMs: p.ioMs };
}
