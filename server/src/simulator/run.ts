/**
 * A run: the scenario's function, the run's local AWS endpoint (aws/emulator.ts) with the
 * template's resources, and every other template function the handlers reach through them — a
 * message to a queue that a function reads, an SNS publish, an EventBridge event, an S3 object,
 * a Lambda Invoke, a change to a table with a stream. Each function has its own platform
 * (engine.ts: environments, concurrency, retries, batches) on one shared clock, and the trace
 * holds them all, each invocation with the AWS calls it made.
 */
import { pathToFileURL } from 'node:url';
import { PRICE } from '../service/limits';
import { knownValue, type FunctionModel } from '../service/model/types';
import { readTemplate, type TemplateDocument } from '../service/templates/template';
import type { TNode } from '../service/templates/tree';
import { accessKeyFor, AwsEmulator, type AwsHost, type QueueMessage } from './aws/emulator';
import type { StreamChange } from './aws/dynamodb';
import { deliveryCheck, functionsOf, NetworkGate, RoleGate } from './aws/enforcement';
import { ScenarioGate } from './aws/faults';
import {
  emptyResources,
  functionEnvironment,
  readResources,
  type FunctionDef,
  type QueueDef,
  type Resources,
  type TableDef,
} from './aws/resources';
import { installedSdkDir } from './aws/sdk';
import type { AwsCall, CallContext } from './aws/types';
import { SimClock } from './clock';
import type { SimulationConfig, SqsQueueConfig, StreamConfig } from './config';
import { Simulation } from './engine';
import type { RunOptions, RunService } from './platform';
import { AccountConcurrency } from './pool';
import { templateFunction, templateQueue, templateSource, templateStream } from './scenario';
import { summarize } from './summary';
import type { SimulationTrace, TraceInvocation } from './trace';
import { rejections } from './validate';

/** Run a simulation with its local AWS endpoint to its end (or until cancelled) and return the trace. */
export function simulate(config: SimulationConfig, options: RunOptions = {}): Promise<SimulationTrace> {
  return new Run(config, options).run();
}

interface Member {
  id: string;
  sim: Simulation;
  model: FunctionModel | undefined;
  started: Promise<void>;
  queues: Map<string, SqsQueueConfig>;
  streams: Map<string, StreamConfig>;
}

class Run {
  private readonly clock = new SimClock();
  /** The account's concurrency, shared by every function of the run (pool.ts). */
  private readonly account: AccountConcurrency;
  private readonly emulator: AwsEmulator;
  private readonly resources: Resources;
  private readonly members = new Map<string, Member>();
  private readonly callers = new Map<string, CallContext>();
  private readonly primaryId: string;
  private readonly templateModels = new Map<string, FunctionModel>();
  private readonly warnings: string[] = [];
  private streamSeq = 0;
  private templateRoot: TNode | undefined;
  private template: TemplateDocument | undefined;

  constructor(
    private readonly config: SimulationConfig,
    private readonly options: RunOptions,
  ) {
    const region = { region: config.platform.region, accountId: config.platform.accountId, endpoint: '' };
    let resources = emptyResources(region);
    if (config.templateFile !== undefined) {
      try {
        const { text, format } = templateSource(config.templateFile, config.templateText);
        this.template = readTemplate(pathToFileURL(config.templateFile).href, text, format);
        this.templateRoot = this.template.root;
        resources = readResources(this.templateRoot, region);
      } catch (e) {
        this.warnings.push(
          `the template's resources could not be read for the local AWS endpoint: ${(e as Error).message}`,
        );
      }
    }
    this.resources = resources;
    this.primaryId = config.function.name;
    // Reserved concurrency is carved out of the account's limit whether or not the function runs:
    // every template function's, the scenario's value for its own (lambda-concurrency.html).
    let reserved = config.function.reservedConcurrency ?? 0;
    for (const f of this.template?.functions ?? [])
      if (f.logicalId !== this.primaryId) reserved += knownValue(f.reservedConcurrency) ?? 0;
    this.account = new AccountConcurrency(config.platform.accountConcurrency, reserved);
    this.emulator = new AwsEmulator(resources, this.host());
    // What the template allows first (a call that cannot leave the VPC never reaches a fault), then the scenario's faults.
    if (this.template !== undefined) {
      const functions = functionsOf(this.template);
      this.emulator.addGate(new NetworkGate(this.template, functions, (w) => this.warnings.push(w)));
      this.emulator.addGate(new RoleGate(this.template, functions, resources, (w) => this.warnings.push(w)));
      this.emulator.setDeliveryCheck(deliveryCheck(this.template, (w) => this.warnings.push(w)));
    }
    const services = config.services;
    if (services && services.calls.length > 0) {
      this.emulator.addGate(
        new ScenarioGate(services.calls, services.seed, (req) => {
          const name = this.emulator.resourceName(req);
          if (name === undefined) return [];
          const ids = [name];
          for (const group of [
            resources.tables,
            resources.queues,
            resources.topics,
            resources.buckets,
            resources.functions,
          ]) {
            for (const [id, def] of group)
              if (def.name === name || name.startsWith(`${def.name}/`) || name.endsWith(`/${def.name}`)) ids.push(id);
          }
          return ids;
        }),
      );
    }
  }

  async run(): Promise<SimulationTrace> {
    const started = performance.now();
    const signal = this.options.signal;
    const cancelled = new Promise<void>((resolve) => {
      if (!signal) return;
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    const endpoint = await this.emulator.start(this.config.services?.data ?? {});
    const primary = this.member(this.primaryId, this.config, undefined, true);
    try {
      await Promise.race([primary.started, cancelled]);
      if (!signal?.aborted) await Promise.race([this.clock.whenIdle(), cancelled]);
    } finally {
      // Later functions may have started while the earlier ones stopped: stop until none is left.
      const stopped = new Set<string>();
      while (stopped.size < this.members.size) {
        for (const [id, m] of [...this.members]) {
          if (stopped.has(id)) continue;
          stopped.add(id);
          await m.started.catch(() => undefined);
          await m.sim.stop();
        }
      }
      this.clock.stop();
    }
    const state = await this.emulator.dump().catch((e: unknown) => ({ error: (e as Error).message }));
    await this.emulator.close();
    const trace = this.merge(started, state, endpoint);
    this.options.onEvent?.({ type: 'run-end', atMs: trace.summary.simulatedMs, trace });
    return trace;
  }

  /** The function's platform in this run, started on first use. */
  private member(id: string, config: SimulationConfig, model: FunctionModel | undefined, primary: boolean): Member {
    const existing = this.members.get(id);
    if (existing) return existing;
    const sdk = installedSdkDir();
    // The endpoint's side of each environment: its variables, whose request is running, the calls it made.
    const endpoint: RunService = {
      environmentVariables: (env) => ({
        ...this.emulator.environment(env.id),
        ...(sdk !== undefined ? { _LAMBDA_LENS_SDK_DIR: sdk } : {}),
      }),
      hostPaths: () => (sdk !== undefined ? [sdk] : []),
      invocationStarted: (requestId, envId, request) => {
        this.callers.set(accessKeyFor(envId), {
          function: id,
          env: envId,
          requestId,
          attempt: request.attempt,
          inputs: request.inputs,
        });
      },
      invocationEnded: (inv) => {
        if (inv.env !== null) this.callers.delete(accessKeyFor(inv.env));
        this.emulator.endHangsOf(inv.requestId, inv.attempt);
        // A call is placed where its request was on the Lambda clock when it arrived, read from
        // the process's CPU time then; the invocation's Duration is measured once it ends. On a
        // loaded machine the two readings can disagree by a few ms: the measured bar wins, and each
        // call is kept inside it.
        const placed = (c: AwsCall): AwsCall => {
          const startMs = Math.min(Math.max(c.startMs, inv.startMs), inv.endMs);
          return { ...c, startMs, durationMs: Math.max(0, Math.min(c.durationMs, inv.endMs - startMs)) };
        };
        // A call still in flight when the invocation ended (another record of its batch failed
        // first, say) is listed as it was sent, and completed in the trace once AWS answers it; its
        // bar ends with the invocation.
        const calls = this.emulator.callsOf(inv.requestId, inv.attempt, (answered) => {
          const i = inv.awsCalls?.findIndex((c) => c.id === answered.id) ?? -1;
          if (inv.awsCalls && i >= 0) inv.awsCalls[i] = placed(answered);
        });
        inv.awsCalls = calls.map(placed);
      },
    };
    // The caller's own services belong to the run once: they go with the scenario's function.
    const services = [...(primary ? (this.options.services ?? []) : []), endpoint];
    const sim = new Simulation(this.withResolvedEnvironment(id, config), {
      ...this.options,
      services,
      member: { clock: this.clock, functionId: id, primary, account: this.account },
    });
    const m: Member = { id, sim, model, started: Promise.resolve(), queues: new Map(), streams: new Map() };
    m.started = sim.start();
    this.members.set(id, m);
    return m;
  }

  /**
   * The function's environment with the template's references (a table's name, a queue's URL,
   * a topic's ARN…) resolved to the emulated resources; the scenario's own values are kept.
   */
  private withResolvedEnvironment(id: string, config: SimulationConfig): SimulationConfig {
    if (this.templateRoot === undefined) return config;
    const { values, unresolved } = functionEnvironment(this.templateRoot, id, this.resources);
    for (const name of unresolved) {
      if (config.function.environment[name] === undefined)
        this.warnings.push(`${id}.Environment.${name} cannot be resolved from the template; the variable is not set`);
    }
    return { ...config, function: { ...config.function, environment: { ...values, ...config.function.environment } } };
  }

  /** A template function other than the scenario's, by logical id. */
  private memberFor(fn: FunctionDef): Member | undefined {
    if (fn.logicalId === this.primaryId) return this.members.get(this.primaryId);
    const existing = this.members.get(fn.logicalId);
    if (existing) return existing;
    if (this.config.templateFile === undefined) return undefined;
    const loaded = templateFunction(this.config.templateFile, fn.logicalId, this.config.templateText);
    if (!loaded) {
      this.warnings.push(
        `${fn.logicalId}: the function could not be read from the template, so calls to it are not run`,
      );
      return undefined;
    }
    for (const w of loaded.warnings) this.warnings.push(w);
    // The scenario's own function is checked before the run starts; a function the run reaches
    // through the template is checked here, and said to run as written (the stack would not deploy).
    if (this.template !== undefined) {
      const rejected = rejections(this.template, loaded.model);
      if (rejected.length > 0)
        this.warnings.push(
          `${fn.logicalId}: Lambda would reject this configuration (${rejected.map((r) => `${r.ruleId}: ${r.message.replace(/\.$/, '')}`).join('; ')}); it runs here as written`,
        );
    }
    const config: SimulationConfig = {
      scenario: this.config.scenario,
      function: loaded.config,
      platform: this.config.platform,
      traffic: [],
    };
    return this.member(fn.logicalId, config, loaded.model, false);
  }

  private modelOf(m: Member): FunctionModel | undefined {
    if (m.model !== undefined || this.config.templateFile === undefined) return m.model;
    let model = this.templateModels.get(m.id);
    if (model === undefined) {
      model = templateFunction(this.config.templateFile, m.id, this.config.templateText)?.model;
      if (model) this.templateModels.set(m.id, model);
    }
    return model;
  }

  /**
   * Runs `fn` once the member's platform has started, after the endpoint has answered the call
   * that caused it (a delivery may start a process), holding the clock meanwhile.
   */
  private when(m: Member, fn: () => void): void {
    const release = this.clock.hold();
    m.started
      .then(
        () =>
          new Promise<void>((resolve) =>
            setImmediate(() => {
              try {
                fn();
              } finally {
                resolve();
              }
            }),
          ),
        () => undefined,
      )
      .finally(release);
  }

  private host(): AwsHost {
    return {
      now: (caller) =>
        (caller ? this.members.get(caller.function)?.sim.lambdaNow(caller.env) : null) ?? this.clock.now(),
      caller: (key) => (key === undefined ? undefined : this.callers.get(key)),
      deliverToQueue: (queue, messages) => this.deliverToQueue(queue, messages),
      invokeAsync: (fn, event) => {
        const m = this.memberFor(fn);
        if (m) this.when(m, () => m.sim.acceptAsync(event));
      },
      invokeSync: async (fn, payload) => {
        const m = this.memberFor(fn);
        if (!m)
          return {
            payload: { errorType: 'ResourceNotFoundException', errorMessage: `${fn.logicalId} cannot be run` },
            functionError: 'Unhandled',
          };
        await m.started;
        const inv: TraceInvocation | null = await m.sim.acceptSync(payload);
        if (inv === null)
          return {
            payload: { errorType: 'Simulation.Stopped', errorMessage: 'the run stopped before the function ran' },
            functionError: 'Unhandled',
          };
        if (inv.outcome === 'success') return { payload: inv.response, functionError: null };
        if (inv.outcome === 'throttled')
          return { payload: null, functionError: null, throttled: inv.throttleReason ?? 'Rate Exceeded' };
        return { payload: inv.error, functionError: 'Unhandled' };
      },
      streamChange: (table, change) => this.streamChange(table, change),
    };
  }

  private deliverToQueue(queue: QueueDef, messages: QueueMessage[]): boolean {
    const mapping = this.resources.mappings.find((x) => x.kind === 'sqs' && x.source === queue.logicalId);
    const fn = mapping ? this.resources.functions.get(mapping.function) : undefined;
    const m = fn ? this.memberFor(fn) : undefined;
    if (!m) return false;
    let config = m.queues.get(queue.logicalId);
    if (!config) {
      const model = this.modelOf(m);
      config = (model ? templateQueue(model, queue.logicalId, m.sim.fn.timeoutMs) : undefined) ?? {
        name: queue.logicalId,
        fifo: queue.fifo,
        batchSize: 10,
        batchingWindowSeconds: 0,
        visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
        reportBatchItemFailures: false,
        maxReceiveCount: null,
        deadLetterQueue: null,
        maximumConcurrency: null,
        retentionSeconds: 345_600,
      };
      m.queues.set(queue.logicalId, config);
    }
    const target = config;
    const inputs = messages.map((msg) => ({
      body: msg.body,
      messageId: msg.messageId,
      ...(msg.groupId !== undefined ? { groupId: msg.groupId } : {}),
      attributes: {
        ...msg.attributes,
        ...(Object.keys(msg.messageAttributes).length > 0 ? { messageAttributes: msg.messageAttributes } : {}),
      },
    }));
    this.when(m, () => m.sim.acceptSqs(target, inputs));
    return true;
  }

  /** A table change goes to the functions that read the table's stream, as a DynamoDB stream record. */
  private streamChange(table: TableDef, change: StreamChange): void {
    for (const mapping of this.resources.mappings.filter(
      (x) => x.kind === 'dynamodb' && x.source === table.logicalId,
    )) {
      const fn = this.resources.functions.get(mapping.function);
      const m = fn ? this.memberFor(fn) : undefined;
      if (!m) continue;
      let config = m.streams.get(table.logicalId);
      if (!config) {
        const model = this.modelOf(m);
        config = (model ? templateStream(model, table.logicalId) : undefined) ?? {
          name: table.logicalId,
          kind: 'dynamodb',
          shards: 1,
          batchSize: 100,
          maximumRetryAttempts: -1,
          maximumRecordAgeSeconds: -1,
          bisectBatchOnFunctionError: false,
          reportBatchItemFailures: false,
          parallelizationFactor: 1,
          onFailure: null,
          retentionSeconds: 86_400,
        };
        m.streams.set(table.logicalId, config);
      }
      // The record's `dynamodb` part with the images the StreamViewType keeps (Streams.html).
      const view = table.streamViewType ?? 'NEW_AND_OLD_IMAGES';
      const data: Record<string, unknown> = {
        ApproximateCreationDateTime: Math.floor((Date.now() + this.clock.now()) / 1000),
        Keys: change.keys,
        SequenceNumber: String(++this.streamSeq).padStart(21, '0'),
        SizeBytes: JSON.stringify(change.newImage ?? change.keys).length,
        StreamViewType: view,
      };
      if (change.newImage && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES'))
        data['NewImage'] = change.newImage;
      if (change.oldImage && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES'))
        data['OldImage'] = change.oldImage;
      const target = config;
      this.when(m, () =>
        m.sim.acceptStream(target, [{ data, eventName: change.eventName, partitionKey: JSON.stringify(change.keys) }]),
      );
    }
  }

  /** One trace for the run: the scenario function's, with every other function's environments, invocations and inputs. */
  private merge(started: number, state: Record<string, unknown>, endpoint: string): SimulationTrace {
    const members = [...this.members.values()];
    const traces = members.map((m) => m.sim.finish());
    const first = traces[0] as SimulationTrace;
    const environments = traces.flatMap((t) => t.environments);
    const invocations = traces.flatMap((t) => t.invocations).sort((a, b) => a.arrivedMs - b.arrivedMs);
    const inputs = traces.flatMap((t) => t.inputs);
    const end = Math.max(...traces.map((t) => t.summary.simulatedMs));
    const peak = members.length === 1 ? first.summary.peakConcurrency : peakOf(invocations);
    const summary = summarize(invocations, environments, inputs, peak, end, performance.now() - started, PRICE);
    const calls = this.emulator.recorder.calls;
    summary.awsCalls = calls.length;
    summary.duplicateSideEffects = calls.filter((c) => c.duplicateOf !== null).length;
    return {
      ...first,
      environments,
      invocations,
      deliveries: traces.flatMap((t) => t.deliveries).sort((a, b) => a.atMs - b.atMs),
      inputs,
      environmentLogs: traces.flatMap((t) => t.environmentLogs).sort((a, b) => a.atMs - b.atMs),
      summary,
      cancelled: traces.some((t) => t.cancelled),
      functions: members.map((m, i) => ({ logicalId: m.id, ...(traces[i] as SimulationTrace).function })),
      aws: { endpoint, state, warnings: [...this.warnings, ...this.emulator.warnings] },
    };
  }
}

/** Highest number of requests running at once across functions (INIT on their path included). */
function peakOf(invocations: TraceInvocation[]): number {
  const points: [number, number][] = [];
  for (const i of invocations) {
    if (i.outcome === 'throttled') continue;
    points.push([i.arrivedMs, 1], [i.endMs, -1]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of points) {
    now += d;
    peak = Math.max(peak, now);
  }
  return peak;
}
