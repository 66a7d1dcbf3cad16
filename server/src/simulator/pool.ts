/**
 * The execution environments of a run: which one takes a request (or why it is throttled), how
 * many run at once, when an idle one is reclaimed or retired, and how one ends. The engine asks
 * it for an environment and hands each back when the request is over.
 *
 * Facts: concurrency and scaling (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html), provisioned concurrency
 * (https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html), and the
 * environment lifecycle (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SimClock } from './clock';
import type { FunctionConfig, PlatformSettings } from './config';
import type { RuntimeProcess } from './environment';
import type { EnvironmentEndReason, InitializationType, TraceEnvironment, TraceEvent } from './trace';

/** One execution environment and its state in the pool. */
export interface Env {
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

/**
 * The account's concurrency in the run's region, shared by every function of a run: functions
 * with reserved concurrency have it carved out of the account limit, and the functions without
 * any share what is left ("unreserved account concurrency",
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html#reserved-and-provisioned,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
 */
export class AccountConcurrency {
  /** Requests running now in functions without reserved concurrency. */
  private unreservedBusy = 0;

  constructor(
    /** The account's concurrency limit in the region (default 1,000, gettingstarted-limits.html). */
    readonly limitForAccount: number,
    /** Reserved concurrency of every function of the run's template (the scenario's value for its own). */
    readonly reserved = 0,
  ) {}

  /** What the functions without reserved concurrency share. */
  get unreservedLimit(): number {
    return Math.max(0, this.limitForAccount - this.reserved);
  }

  get full(): boolean {
    return this.unreservedBusy >= this.unreservedLimit;
  }

  take(): void {
    this.unreservedBusy++;
  }

  give(): void {
    this.unreservedBusy--;
  }
}

/** An environment for a request, or the reason it is throttled. */
export type Admission = { env: Env; cold: boolean } | { throttled: string };

export class EnvironmentPool {
  private readonly envs: Env[] = [];
  private seq = 0;
  private busy = 0;
  private peakBusy = 0;
  private tokens: number;
  private tokensAt = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly fn: FunctionConfig,
    private readonly settings: PlatformSettings,
    /** Each environment's /tmp is a folder under this one. */
    private readonly tmpRoot: string,
    private readonly iso: (ms: number) => string,
    private readonly emit: (event: TraceEvent) => void,
    /** In a run of several functions: the function's logical id, and the prefix of its environment ids. */
    private readonly member?: { functionId: string; prefix: string },
    /** The account's concurrency, shared with the run's other functions (else the function's own view of it). */
    private readonly account = new AccountConcurrency(settings.accountConcurrency),
  ) {
    this.tokens = settings.scalingPer10s;
  }

  /** The most environments busy at once so far. */
  get peak(): number {
    return this.peakBusy;
  }

  traces(): TraceEnvironment[] {
    return this.envs.map((e) => e.trace);
  }

  all(): readonly Env[] {
    return this.envs;
  }

  /** A new environment (no process yet). */
  create(type: InitializationType, version: string): Env {
    const id = `${this.member?.prefix ?? ''}env-${++this.seq}`;
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
      ...(this.member !== undefined ? { function: this.member.functionId } : {}),
    };
    const env: Env = {
      trace,
      version,
      rp: null,
      busy: false,
      provisioned: type === 'provisioned-concurrency',
      lastUsedMs: -Infinity,
      idleTimer: null,
      ended: false,
      released: false,
    };
    this.envs.push(env);
    return env;
  }

  /**
   * Take an idle environment of `version` for a request, else reserve capacity for a new
   * on-demand one (cold), else say why the request is throttled. Call `done` when it is over.
   */
  admit(version: string): Admission {
    const idle = this.takeIdle(version);
    if (idle) {
      idle.busy = true;
      idle.idleTimer?.cancel();
      idle.idleTimer = null;
      this.acquire();
      return { env: idle, cold: false };
    }
    const reason = this.throttleReason();
    if (reason) return { throttled: reason };
    this.tokens -= 1;
    this.acquire();
    const env = this.create('on-demand', version);
    env.busy = true;
    return { env, cold: true };
  }

  /** A request admitted with `admit` is over (its environment is made idle or ended apart). */
  done(): void {
    this.busy--;
    if (this.fn.reservedConcurrency === null) this.account.give();
  }

  private acquire(): void {
    this.busy++;
    if (this.fn.reservedConcurrency === null) this.account.take();
    if (this.busy > this.peakBusy) this.peakBusy = this.busy;
  }

  /** Reserve capacity for a new on-demand environment, or say why the request is throttled. */
  private throttleReason(): string | null {
    // Reserved concurrency caps the function; otherwise the account's unreserved concurrency,
    // shared with the run's other functions, applies (lambda-concurrency.html).
    if (this.fn.reservedConcurrency !== null) {
      if (this.busy >= this.fn.reservedConcurrency) return 'ReservedFunctionConcurrentInvocationLimitExceeded';
    } else if (this.account.full) return 'ConcurrentInvocationLimitExceeded';
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
   * provisioned-concurrency.html), then among those the most recently used by default (AWS
   * publishes no rule), or as `idleEnvironmentChoice` says.
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

  makeIdle(env: Env): void {
    env.busy = false;
    const now = this.clock.now();
    env.lastUsedMs = now;
    env.idleTimer?.cancel();
    env.idleTimer = null;
    // Provisioned environments stay initialised; on-demand ones are reclaimed when idle, and
    // (when maxEnvironmentLifetimeMs is set) retired once they are that old (AWS: environments
    // live at most "a few hours", lambda-runtime-environment.html).
    if (!env.provisioned) {
      const lifetime = this.settings.maxEnvironmentLifetimeMs;
      const retireAt = lifetime > 0 ? env.trace.createdMs + lifetime : Infinity;
      if (now >= retireAt) {
        this.end(env, 'lifetime');
        return;
      }
      const jitter = this.settings.idleJitterMs > 0 ? Math.random() * this.settings.idleJitterMs : 0;
      const idleAt = now + this.settings.idleTimeoutMs + jitter;
      env.idleTimer = this.clock.at(
        Math.min(idleAt, retireAt),
        () => this.end(env, idleAt <= retireAt ? 'idle' : 'lifetime'),
        { daemon: true },
      );
    }
    if (this.settings.freezeBetweenInvokes) env.rp?.proc.freeze();
  }

  /** End an environment: kill its process, remove its /tmp. Later calls do nothing. */
  end(env: Env, reason: EnvironmentEndReason): void {
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

  /** Release the provisioned environments of versions not in `routable` (after a traffic shift completes). */
  releaseUnrouted(routable: ReadonlySet<string>): void {
    for (const env of this.envs) {
      if (!env.provisioned || env.ended || routable.has(env.version)) continue;
      if (env.busy) env.released = true;
      else this.end(env, 'released');
    }
  }

  /** End every environment; resolves when their processes are gone. */
  async endAll(reason: EnvironmentEndReason): Promise<void> {
    const procs = this.envs.map((e) => e.rp?.proc).filter((p) => p !== undefined);
    for (const env of this.envs) this.end(env, reason);
    await Promise.all(procs.map((p) => p.kill()));
  }
}
