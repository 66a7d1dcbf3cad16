/**
 * One execution environment (EE): a real child process running the runtime's bootstrap, INIT once,
 * then one request at a time (docs/lambda.md, "Execution environments"). This layer
 * runs INIT and INVOKE and says how each ended; the engine decides what that means for the
 * platform (reset, retry, logs, billing).
 */
import type { SimClock, TimerHandle } from './clock';
import { exitText, type RawInvokeResult } from './outcome';
import { HAS_PROC_FS, sampleWithPs, type RuntimeChild } from './runtimes/process';
import type { ChildMessage, ErrorPayload, InitMessage, InvokeMessage } from './runtimes/protocol';

/** How INIT ended. */
export type InitResult =
  | { ok: true; initMs: number }
  | { ok: false; initMs: number; status: 'error' | 'timeout'; error: ErrorPayload; oom: boolean };

export interface RunLimits {
  /** Function timeout (or INIT limit), ms. */
  timeoutMs: number;
  memoryMb: number;
  /** How often resident memory is read while code runs, ms. */
  memoryPollMs: number;
}

/** Receives each output line of the process while a phase runs. */
export type LineSink = (line: string) => void;

export interface Watch {
  proc: RuntimeChild;
  limitMb: number;
  onOver: () => void;
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
 * Runs the phases of one process. `clock.begin/end` bracket the time user code runs, so the
 * simulated clock follows real time exactly then.
 */
export class RuntimeProcess {
  private partial = '';
  private sink: LineSink;

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
    return this.phase(limits, sink, (m, done) => {
      if (m.t === 'init-done') {
        done(m.error ? { ok: false, initMs: m.initMs, status: 'error', error: m.error, oom: false } : { ok: true, initMs: m.initMs });
      }
    }, (elapsed, how) => {
      if (how.kind === 'timeout') {
        return { ok: false, initMs: elapsed, status: 'timeout', error: { errorType: 'Runtime.Unknown', errorMessage: 'INIT timed out', trace: [] }, oom: false };
      }
      if (how.kind === 'oom') {
        return { ok: false, initMs: elapsed, status: 'error', error: { errorType: 'Runtime.OutOfMemory', errorMessage: 'Runtime exited with error: signal: killed', trace: [] }, oom: true };
      }
      return { ok: false, initMs: elapsed, status: 'error', error: { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${exitText(how.code, how.signal)}`, trace: [] }, oom: false };
    }, message, offClock);
  }

  invoke(message: InvokeMessage, limits: RunLimits, sink: LineSink): Promise<RawInvokeResult> {
    let fatal: { error: ErrorPayload; exitCode: number } | null = null;
    return this.phase<RawInvokeResult>(limits, sink, (m, done) => {
      if (m.t === 'result' && m.requestId === message.requestId) {
        done(m.error ? { kind: 'error', durationMs: m.durationMs, error: m.error } : { kind: 'response', durationMs: m.durationMs, responseJson: m.responseJson });
      } else if (m.t === 'fatal') {
        // The exit follows; report it then, with the posted error.
        fatal = { error: m.error, exitCode: m.exitCode };
      }
    }, (elapsed, how) => {
      if (how.kind === 'timeout') return { kind: 'timeout', durationMs: limits.timeoutMs };
      if (how.kind === 'oom') return { kind: 'oom', durationMs: elapsed };
      const f = fatal as { error: ErrorPayload; exitCode: number } | null;
      if (f) return { kind: 'fatal', durationMs: elapsed, error: f.error, exitCode: f.exitCode };
      return { kind: 'exit', durationMs: elapsed, code: how.code, signal: how.signal };
    }, message);
  }

  /**
   * Send `message`, let the clock run while the child works, and settle on the first of:
   * a reply `onMessage` accepts, the time limit, a memory overrun, or the process exiting.
   * The process is killed on timeout and memory overrun (the environment is reset).
   */
  private phase<R>(
    limits: RunLimits,
    sink: LineSink,
    onMessage: (m: ChildMessage, done: (r: R) => void) => void,
    onEnd: (elapsedMs: number, how: { kind: 'timeout' } | { kind: 'oom' } | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }) => R,
    message: InitMessage | InvokeMessage,
    offClock = false,
  ): Promise<R> {
    return new Promise<R>((resolve) => {
      const realStart = performance.now();
      const started = this.clock.now();
      const elapsed = (): number => (offClock ? performance.now() - realStart : this.clock.now() - started);
      let settled = false;
      let timer: TimerHandle | null = null;
      let unwatch: (() => void) | null = null;
      let killedFor: 'timeout' | 'oom' | null = null;
      this.sink = sink;
      if (!offClock) this.clock.begin();
      const done = (r: R): void => {
        if (settled) return;
        settled = true;
        timer?.cancel();
        unwatch?.();
        this.flush();
        this.sink = this.idleSink;
        this.proc.onExit(() => this.idleExit());
        this.proc.onMessage((m) => this.onIdleMessage(m));
        if (!offClock) this.clock.end();
        resolve(r);
      };
      this.proc.onMessage((m) => {
        if (m.t === 'log') sink(m.line);
        else if (m.t === 'out') this.output(m.text);
        else {
          if (m.t === 'result' || m.t === 'init-done') this.proc.notePeak(m.maxRssKb / 1024);
          onMessage(m, done);
        }
      });
      this.proc.onExit((code, signal) => {
        done(onEnd(elapsed(), killedFor ? { kind: killedFor } : { kind: 'exit', code, signal }));
      });
      const onTimeout = (): void => {
        if (killedFor) return;
        killedFor = 'timeout';
        void this.proc.kill();
      };
      if (offClock) {
        const real = setTimeout(onTimeout, limits.timeoutMs);
        timer = { cancel: () => clearTimeout(real) };
      } else {
        timer = this.clock.after(limits.timeoutMs, onTimeout);
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
        },
        limits.memoryPollMs,
      );
      if (!this.proc.alive) {
        done(onEnd(0, { kind: 'exit', code: this.proc.exit?.code ?? null, signal: this.proc.exit?.signal ?? null }));
        return;
      }
      this.proc.send(message);
    });
  }
}
