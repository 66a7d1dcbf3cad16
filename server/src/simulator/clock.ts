/**
 * The simulator's clock: simulated milliseconds since the start of a run.
 *
 * While handler code runs (an environment is in INIT or INVOKE), the clock advances by the
 * time Lambda would count for it, not by the host's wall time (issue 18): each running code
 * phase reports how much Lambda time it has used so far (`Phase.progress`, from the process's
 * CPU and I/O waits, durations/model.ts), and the clock stands at the slowest phase's start
 * plus its progress. A phase that finishes with a Lambda duration L resumes its caller at
 * exactly start + L. So a bar's length is its Duration, what the host does meanwhile (forking,
 * IPC, other environments' CPU) is not on the clock, and phases that overlap in simulated time
 * still run at the same time in their real processes. The clock stands still while only the
 * simulator works, and jumps straight to the next scheduled event when nothing runs, so "idle
 * 15 minutes, then invoke" costs no waiting (issue 6, point 3). Timers fire in order: the
 * clock never passes a pending timer.
 *
 * Rules for callers: work that continues asynchronously at one simulated instant must hold the
 * clock (`hold()` … release) or be a running phase, otherwise the clock may jump past it. A hold
 * does not keep the clock from the end of a phase that already finished on the host: the work
 * holding it may be waiting for that end. (So while a process is being started for one request,
 * another phase's end can pass first; the new phase then starts at the instant it was asked
 * for, and the clock waits for it from there.)
 * Timers marked `daemon` (idle reclaim) do not keep a run alive.
 */

export interface TimerHandle {
  cancel(): void;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  daemon: boolean;
  cancelled: boolean;
  /** The end of a phase: code that ran until then, which a hold does not keep the clock from reaching. */
  phaseEnd: boolean;
}

/** Code running in one environment, on the clock. */
export interface Phase {
  /** Simulated time the phase started. */
  readonly startMs: number;
  /** Lambda time used so far, a lower bound of the phase's duration, ms: the clock waits for it. */
  progress(lambdaMs: number): void;
  /**
   * The phase took `lambdaMs`: it stops holding the clock, and the result resolves with its end
   * (start + lambdaMs) when the clock gets there.
   */
  finish(lambdaMs: number): Promise<number>;
}

interface RunningPhase {
  startMs: number;
  /** Real time the phase started, when it follows real time (no CPU figures on this system). */
  realStart: number | null;
  progressMs: number;
}

export class SimClock {
  private virtualBase = 0;
  private readonly phases = new Set<RunningPhase>();
  private holds = 0;
  private seq = 0;
  private timers: Timer[] = [];
  private realTimer: NodeJS.Timeout | null = null;
  private pumpQueued = false;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  private firing = false;
  /** Timers that end a phase, still pending: code runs on the simulated timeline until each. */
  private readonly phaseEnds = new Set<Timer>();
  /** Phase ends still waiting for the clock; a stop resolves them. */
  private readonly stopWaiters = new Set<() => void>();

  /** Simulated now, ms since the start of the run. */
  now(): number {
    // A timer's callback runs at the timer's time, whatever the running phases did meanwhile.
    if (this.phases.size === 0 || this.firing) return this.virtualBase;
    // The slowest running phase sets the time, and no pending timer is passed.
    let at = this.timers[0]?.at ?? Infinity;
    for (const p of this.phases) {
      const progress = p.realStart !== null ? performance.now() - p.realStart : p.progressMs;
      at = Math.min(at, p.startMs + progress);
    }
    if (at > this.virtualBase) this.virtualBase = at;
    return this.virtualBase;
  }

  /** Offset from real wall-clock time to simulated wall-clock time, given the run's epoch. */
  wallOffset(epochMs: number): number {
    return epochMs + this.now() - Date.now();
  }

  /**
   * Code starts running. `startAtMs` (default now) may be earlier than now: the phase then
   * started when its request was taken, and the host work since (a fork, a thaw) is off the
   * clock. `followRealTime`: the phase's progress is its real elapsed time (systems without CPU
   * figures), not what `progress` reports.
   */
  beginPhase(options: { startAtMs?: number; followRealTime?: boolean } = {}): Phase {
    const now = this.now();
    const phase: RunningPhase = {
      startMs: Math.min(options.startAtMs ?? now, now),
      realStart: options.followRealTime === true ? performance.now() : null,
      progressMs: 0,
    };
    this.phases.add(phase);
    this.schedulePump();
    let finished = false;
    return {
      startMs: phase.startMs,
      progress: (lambdaMs) => {
        if (finished || phase.realStart !== null || lambdaMs <= phase.progressMs) return;
        phase.progressMs = lambdaMs;
        this.schedulePump();
      },
      finish: (lambdaMs) => {
        if (finished) throw new Error('Phase.finish called twice');
        finished = true;
        const end = phase.startMs + Math.max(0, lambdaMs);
        // The end is a timer: until it fires the run is not idle, and the clock passes no
        // timer before it. The phase itself no longer holds the clock back. A stopped clock
        // (the run ended or was cancelled) fires no timers: the phase ends at once.
        const done = new Promise<number>((resolve) => {
          if (this.stopped) return resolve(end);
          const onStop = (): void => resolve(end);
          this.stopWaiters.add(onStop);
          this.at(
            end,
            () => {
              this.stopWaiters.delete(onStop);
              resolve(end);
            },
            { phaseEnd: true },
          );
        });
        this.now();
        this.phases.delete(phase);
        this.schedulePump();
        return done;
      },
    };
  }

  /** Keep the clock from jumping ahead (simulator work in progress); call the result to release. */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.schedulePump();
    };
  }

  /** Run `fn` at simulated time `at` (or at once if that is past). */
  at(at: number, fn: () => void, options: { daemon?: boolean; phaseEnd?: boolean } = {}): TimerHandle {
    const timer: Timer = {
      at,
      seq: this.seq++,
      fn,
      daemon: options.daemon ?? false,
      cancelled: false,
      phaseEnd: options.phaseEnd ?? false,
    };
    // Binary insertion keeps timers ordered by time, then by creation order.
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.timers[mid] as Timer).at <= at) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
    if (timer.phaseEnd) this.phaseEnds.add(timer);
    this.schedulePump();
    return {
      cancel: () => {
        if (timer.cancelled) return;
        timer.cancelled = true;
        this.phaseEnds.delete(timer);
        const index = this.timers.indexOf(timer);
        if (index >= 0) this.timers.splice(index, 1);
        this.schedulePump();
      },
    };
  }

  after(delayMs: number, fn: () => void, options: { daemon?: boolean } = {}): TimerHandle {
    return this.at(this.now() + delayMs, fn, options);
  }

  /** Resolves when nothing runs, nothing is held and only daemon timers remain. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.schedulePump();
    });
  }

  /** Stop firing timers (end of run or cancel). */
  stop(): void {
    this.stopped = true;
    this.timers = [];
    this.phaseEnds.clear();
    for (const w of this.stopWaiters) w();
    this.stopWaiters.clear();
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = null;
  }

  private schedulePump(): void {
    if (this.pumpQueued || this.stopped) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.realTimer) {
      clearTimeout(this.realTimer);
      this.realTimer = null;
    }
    const next = this.timers[0];
    if (next && next.at <= this.now()) {
      this.fire(next);
      return;
    }
    if (this.phases.size > 0) {
      // Phases report progress (each report pumps); a phase following real time reaches the
      // next timer no sooner than this.
      if (next) this.realTimer = setTimeout(() => this.pump(), Math.max(1, next.at - this.now()));
      return;
    }
    // Held (the simulator works at this instant), the clock may still move through code that
    // already ran, up to its end: the request that holds it is often the one waiting for that
    // end, and what happens meanwhile happens while that code runs (as on the old real-time clock).
    if (this.holds > 0 && !(next && next.at <= this.latestPhaseEnd())) return;
    const work = this.timers.find((t) => !t.daemon);
    if (next && work) {
      // Nothing runs: jump over the idle gap to the next event.
      this.virtualBase = Math.max(this.virtualBase, next.at);
      this.fire(next);
      return;
    }
    if (!work && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private latestPhaseEnd(): number {
    let latest = -Infinity;
    for (const t of this.phaseEnds) latest = Math.max(latest, t.at);
    return latest;
  }

  private fire(timer: Timer): void {
    this.timers.shift();
    this.phaseEnds.delete(timer);
    timer.cancelled = true;
    // Keep the instant while the callback starts its work; it holds or begins if it continues.
    const release = this.hold();
    this.firing = true;
    try {
      timer.fn();
    } finally {
      this.firing = false;
      release();
    }
  }
}
