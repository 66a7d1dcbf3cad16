/**
 * One execution environment (EE): a real child process running the runtime's bootstrap, INIT once,
 * then one request at a time (docs/lambda.md, "Execution environments"). This layer
 * runs INIT and INVOKE and says how each ended; the engine decides what that means for the
 * platform (reset, retry, logs, billing).
 */
import type { Phase, SimClock } from './clock';
import { lambdaPhase } from './durations/model';
import { descendantsCpuMs, diffTimes, HAS_SCHEDSTAT, readMainThread, type CpuTimes } from './durations/schedstat';
import { exitText, type RawInvokeResult } from './outcome';
import { HAS_PROC_FS, sampleWithPs, type RuntimeChild } from './runtimes/process';
import type { ChildMessage, ErrorPayload, InitMessage, InvokeMessage, PhaseCpu } from './runtimes/protocol';

/** How INIT ended. */
export type InitResult =
  | { ok: true; initMs: number }
  | { ok: false; initMs: number; status: 'error' | 'timeout'; error: ErrorPayload; oom: boolean };

export interface RunLimits {
  /** Function timeout (or INIT limit), ms, in Lambda time. */
  timeoutMs: number;
  memoryMb: number;
  /** How often resident memory is read while code runs, ms. */
  memoryPollMs: number;
  /** Simulated time the phase started, when earlier than now (the request was taken then; host work since is off the clock). */
  startAtMs?: number;
  /** INIT only: the runtime's own start-up, added to the measured module load (durations/startup.ts). */
  startupMs?: number;
  /** Host CPU ms per Lambda vCPU ms (platform `hostCpuFactor`, 1 by default). */
  hostCpuFactor?: number;
}

/** What the host measured for a phase (kept in the trace beside Lambda's figures), ms. */
export interface HostFigures {
  /** Wall time measured in the environment's process. */
  wallMs: number;
  /** Main thread on a CPU / waiting for a CPU (`process`: the process's CPU, wait unknown). */
  cpuMs: number;
  waitMs: number;
  /** Every thread of the process and of the processes it started. */
  totalCpuMs: number;
  source: PhaseCpu['source'] | 'none';
}

/** The last phase a process ran, on the simulated clock and on the host. */
export interface PhaseFigures {
  /** Simulated start and end; end − start is the phase's Lambda duration (with the runtime start-up for INIT). */
  startMs: number;
  endMs: number;
  /** The runtime start-up included (INIT), ms. */
  startupMs: number;
  /** Lambda's CPU and I/O parts of the rest, ms. */
  cpuMs: number;
  ioMs: number;
  host: HostFigures;
}

/** Receives each output line of the process while a phase runs. */
export type LineSink = (line: string) => void;

export interface Watch {
  proc: RuntimeChild;
  limitMb: number;
  onOver: () => void;
  /** Called on every reading, before memory is checked. */
  onTick?: () => void;
}

/** Without /proc, memory is sampled with `ps`, a process spawn: not more often than this. */
const PS_PERIOD_MS = 200;

/**
 * One timer reads the resident memory of every process running code, instead of one timer per
 * phase: with many short invocations the per-phase timers cost more than the reads. Where the
 * system has no /proc (macOS), one `ps` call samples them all.
 */
export class MemoryWatcher {
  private readonly watches = new Set<Watch>();
  private timer: NodeJS.Timeout | null = null;
  private periodMs = 0;
  private sampling = false;

  constructor(private readonly procFs = HAS_PROC_FS) {}

  watch(w: Watch, requestedMs: number): () => void {
    this.watches.add(w);
    const periodMs = this.procFs ? requestedMs : Math.max(requestedMs, PS_PERIOD_MS);
    if (!this.timer || periodMs < this.periodMs) {
      if (this.timer) clearInterval(this.timer);
      this.periodMs = periodMs;
      this.timer = setInterval(() => this.tick(), periodMs);
    }
    return () => {
      this.watches.delete(w);
      if (this.watches.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  private tick(): void {
    if (this.procFs) {
      this.check();
      return;
    }
    if (this.sampling) return;
    this.sampling = true;
    void sampleWithPs([...this.watches].map((w) => w.proc)).then(() => {
      this.sampling = false;
      this.check();
    });
  }

  private check(): void {
    for (const w of this.watches) {
      w.onTick?.();
      if (!this.watches.has(w)) continue;
      const peak = w.proc.peakMemoryMb(this.procFs);
      if (peak !== null && peak > w.limitMb) {
        this.watches.delete(w);
        w.onOver();
      }
    }
  }
}

const memoryWatcher = new MemoryWatcher();

/**
 * A phase's Lambda time so far is re-estimated on each memory reading from the main thread's
 * schedstat; the estimate is lowered by this much so that it stays below the phase's final
 * figure (measured in the child, without the IPC on either side).
 */
const PROGRESS_MARGIN_MS = 1;

/**
 * Runs the phases of one process. Each INIT or INVOKE is a phase on the simulated clock that
 * advances by the Lambda time the code uses (durations/model.ts), so a phase ends on the clock
 * at its start plus its Lambda duration.
 */
export class RuntimeProcess {
  private partial = '';
  private sink: LineSink;
  /** The last phase's figures (read by the engine after each `init` / `invoke`). */
  lastPhase: PhaseFigures | null = null;
  /** While a phase runs on the clock: where it is now in Lambda time (its start plus its Lambda time so far). */
  private position: (() => number) | null = null;

  /**
   * @param idleSink receives lines written between phases.
   * @param idleExit called when the process exits between phases.
   */
  constructor(
    readonly proc: RuntimeChild,
    private readonly clock: SimClock,
    private readonly idleSink: LineSink,
    private readonly idleExit: () => void,
  ) {
    this.sink = idleSink;
    this.proc.onMessage((m) => this.onIdleMessage(m));
    this.proc.onExit(() => this.idleExit());
  }

  /**
   * Where the running phase is on the simulated clock now: its start plus its Lambda time so
   * far, read from the process's schedstat at this moment (the clock itself moves on memory
   * readings). Null between phases. The AWS endpoint places a handler's calls with it.
   */
  lambdaNow(): number | null {
    return this.position?.() ?? null;
  }

  private onIdleMessage(m: ChildMessage): void {
    if (m.t === 'log') this.sink(m.line);
    else if (m.t === 'out') this.output(m.text);
  }

  private output(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.sink(line);
  }

  private flush(): void {
    if (this.partial) this.sink(this.partial);
    this.partial = '';
  }

  /**
   * Run INIT. `offClock`: the INIT happens before the run's traffic (provisioned concurrency),
   * so it must not advance the simulated clock; its time limit then runs on real time.
   */
  init(message: InitMessage, limits: RunLimits, sink: LineSink, offClock = false): Promise<InitResult> {
    return this.phase(
      limits,
      sink,
      (m, done) => {
        if (m.t === 'init-done') {
          const initMs = this.measured(m.initMs, m.cpu, limits);
          // Lambda would have stopped an INIT that took longer than its limit.
          if (initMs >= limits.timeoutMs)
            done(
              {
                ok: false,
                initMs: limits.timeoutMs,
                status: 'timeout',
                error: { errorType: 'Runtime.Unknown', errorMessage: 'INIT timed out', trace: [] },
                oom: false,
              },
              limits.timeoutMs,
            );
          else
            done(
              m.error ? { ok: false, initMs, status: 'error', error: m.error, oom: false } : { ok: true, initMs },
              initMs,
            );
        }
      },
      (elapsed, how) => {
        if (how.kind === 'timeout') {
          return {
            ok: false,
            initMs: elapsed,
            status: 'timeout',
            error: { errorType: 'Runtime.Unknown', errorMessage: 'INIT timed out', trace: [] },
            oom: false,
          };
        }
        if (how.kind === 'oom') {
          return {
            ok: false,
            initMs: elapsed,
            status: 'error',
            error: {
              errorType: 'Runtime.OutOfMemory',
              errorMessage: 'Runtime exited with error: signal: killed',
              trace: [],
            },
            oom: true,
          };
        }
        return {
          ok: false,
          initMs: elapsed,
          status: 'error',
          error: {
            errorType: 'Runtime.ExitError',
            errorMessage: `Runtime exited with error: ${exitText(how.code, how.signal)}`,
            trace: [],
          },
          oom: false,
        };
      },
      message,
      offClock,
    );
  }

  invoke(message: InvokeMessage, limits: RunLimits, sink: LineSink): Promise<RawInvokeResult> {
    let fatal: { error: ErrorPayload; exitCode: number } | null = null;
    return this.phase<RawInvokeResult>(
      limits,
      sink,
      (m, done) => {
        if (m.t === 'result' && m.requestId === message.requestId) {
          const durationMs = this.measured(m.durationMs, m.cpu, limits);
          // Past the timeout in Lambda time (the host ran it faster than the memory's CPU share
          // would): a timeout, and the engine ends the environment as after any timeout.
          if (durationMs > limits.timeoutMs) done({ kind: 'timeout', durationMs: limits.timeoutMs }, limits.timeoutMs);
          else
            done(
              m.error
                ? { kind: 'error', durationMs, error: m.error }
                : { kind: 'response', durationMs, responseJson: m.responseJson },
              durationMs,
            );
        } else if (m.t === 'fatal') {
          // The exit follows; report it then, with the posted error.
          fatal = { error: m.error, exitCode: m.exitCode };
        }
      },
      (elapsed, how) => {
        if (how.kind === 'timeout') return { kind: 'timeout', durationMs: limits.timeoutMs };
        if (how.kind === 'oom') return { kind: 'oom', durationMs: elapsed };
        const f = fatal as { error: ErrorPayload; exitCode: number } | null;
        if (f) return { kind: 'fatal', durationMs: elapsed, error: f.error, exitCode: f.exitCode };
        return { kind: 'exit', durationMs: elapsed, code: how.code, signal: how.signal };
      },
      message,
    );
  }

  /**
   * Lambda's figure for a phase the child measured (`wallMs` and its CPU use), with the runtime
   * start-up for INIT; records the host's figures for the trace.
   */
  private measured(wallMs: number, cpu: PhaseCpu | undefined, limits: RunLimits): number {
    const descendants = Math.max(0, descendantsCpuMs(this.proc.pid) - this.descendantsAtStart);
    const host: HostFigures = cpu
      ? { wallMs, cpuMs: cpu.cpuMs, waitMs: cpu.waitMs, totalCpuMs: cpu.processCpuMs + descendants, source: cpu.source }
      : { wallMs, cpuMs: 0, waitMs: 0, totalCpuMs: 0, source: 'none' };
    const l = lambdaPhase(host, limits.memoryMb, { hostCpuFactor: limits.hostCpuFactor ?? 1 });
    const startupMs = limits.startupMs ?? 0;
    this.pendingFigures = { startupMs, cpuMs: l.cpuMs, ioMs: l.ioMs, host };
    return startupMs + l.ms;
  }

  private descendantsAtStart = 0;
  private pendingFigures: Omit<PhaseFigures, 'startMs' | 'endMs'> | null = null;

  /**
   * Send `message` and settle on the first of: a reply `onMessage` accepts, the time limit, a
   * memory overrun, or the process exiting. The process is killed on timeout and memory
   * overrun (the environment is reset), and when a reply says Lambda would have timed out.
   * On the clock, the phase advances by its Lambda time so far (re-estimated on each memory
   * reading) and ends at its start plus its Lambda duration; `offClock` (INIT before traffic,
   * for provisioned concurrency) runs its time limit on real time instead.
   */
  private phase<R>(
    limits: RunLimits,
    sink: LineSink,
    onMessage: (m: ChildMessage, done: (r: R, lambdaMs: number) => void) => void,
    onEnd: (
      elapsedMs: number,
      how: { kind: 'timeout' } | { kind: 'oom' } | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null },
    ) => R,
    message: InitMessage | InvokeMessage,
    offClock = false,
  ): Promise<R> {
    return new Promise<R>((resolve) => {
      const realStart = performance.now();
      const startupMs = limits.startupMs ?? 0;
      const phase: Phase | null = offClock
        ? null
        : this.clock.beginPhase({
            ...(limits.startAtMs !== undefined ? { startAtMs: limits.startAtMs } : {}),
            followRealTime: !HAS_SCHEDSTAT,
          });
      const base: CpuTimes | null = readMainThread(this.proc.pid);
      this.descendantsAtStart = descendantsCpuMs(this.proc.pid);
      this.pendingFigures = null;
      this.lastPhase = null;
      /** Lambda time used so far: from the main thread's schedstat, else real time (other systems). */
      const soFar = (): number => {
        const wallMs = performance.now() - realStart;
        const now = base ? readMainThread(this.proc.pid) : null;
        if (!base || !now) return startupMs + wallMs;
        const used = diffTimes(base, now);
        return (
          startupMs +
          lambdaPhase({ wallMs, cpuMs: used.cpuMs, waitMs: used.waitMs }, limits.memoryMb, {
            hostCpuFactor: limits.hostCpuFactor ?? 1,
          }).ms
        );
      };
      let settled = false;
      let realTimer: NodeJS.Timeout | null = null;
      let unwatch: (() => void) | null = null;
      let killedFor: 'timeout' | 'oom' | null = null;
      this.sink = sink;
      if (phase) this.position = () => phase.startMs + Math.min(limits.timeoutMs, soFar());
      const done = (r: R, lambdaMs: number): void => {
        if (settled) return;
        settled = true;
        this.position = null;
        if (realTimer) clearTimeout(realTimer);
        unwatch?.();
        this.flush();
        this.sink = this.idleSink;
        this.proc.onExit(() => this.idleExit());
        this.proc.onMessage((m) => this.onIdleMessage(m));
        const figures = this.pendingFigures ?? {
          startupMs: Math.min(startupMs, lambdaMs),
          cpuMs: 0,
          ioMs: 0,
          host: { wallMs: performance.now() - realStart, cpuMs: 0, waitMs: 0, totalCpuMs: 0, source: 'none' as const },
        };
        if (!phase) {
          this.lastPhase = { startMs: 0, endMs: lambdaMs, ...figures };
          resolve(r);
          return;
        }
        void phase.finish(lambdaMs).then((endMs) => {
          this.lastPhase = { startMs: phase.startMs, endMs, ...figures };
          resolve(r);
        });
      };
      const elapsed = (): number => Math.min(limits.timeoutMs, soFar());
      this.proc.onMessage((m) => {
        if (m.t === 'log') sink(m.line);
        else if (m.t === 'out') this.output(m.text);
        else {
          if (m.t === 'result' || m.t === 'init-done') this.proc.notePeak(m.maxRssKb / 1024);
          onMessage(m, done);
        }
      });
      this.proc.onExit((code, signal) => {
        const lambdaMs = killedFor === 'timeout' ? limits.timeoutMs : elapsed();
        done(onEnd(lambdaMs, killedFor ? { kind: killedFor } : { kind: 'exit', code, signal }), lambdaMs);
      });
      const onTimeout = (): void => {
        if (killedFor) return;
        killedFor = 'timeout';
        void this.proc.kill();
      };
      if (offClock || !base) {
        // No CPU figures (or before traffic): the time limit runs on real time.
        realTimer = setTimeout(onTimeout, Math.max(0, limits.timeoutMs - startupMs));
      }
      // Memory is enforced by watching resident memory against MemorySize and killing past it
      // (docs/lambda.md, "Errors as the runtimes report them": --max-old-space-size misses Buffers).
      unwatch = memoryWatcher.watch(
        {
          proc: this.proc,
          limitMb: limits.memoryMb,
          onOver: () => {
            if (killedFor) return;
            killedFor = 'oom';
            void this.proc.kill();
          },
          onTick: () => {
            if (settled || killedFor || !base) return;
            const used = soFar();
            if (used >= limits.timeoutMs) onTimeout();
            else phase?.progress(used - PROGRESS_MARGIN_MS);
          },
        },
        limits.memoryPollMs,
      );
      if (!this.proc.alive) {
        done(onEnd(0, { kind: 'exit', code: this.proc.exit?.code ?? null, signal: this.proc.exit?.signal ?? null }), 0);
        return;
      }
      this.proc.send(message);
    });
  }
}
