/**
 * The simulator's clock: simulated milliseconds since the start of a run.
 *
 * It runs with real time while handler code runs (some environment is in INIT or INVOKE), so
 * concurrent invocations really overlap and durations are measured, not invented; it stands
 * still while the simulator itself works (forking a process, bookkeeping), and it jumps
 * straight to the next scheduled event when nothing runs, so "idle 15 minutes, then invoke"
 * costs no waiting (issue 6, point 3).
 *
 * Rules for callers: work that continues asynchronously at one simulated instant must hold the
 * clock (`hold()` … release) or be running (`begin()` … `end()`), otherwise the clock may jump
 * past it. Timers marked `daemon` (idle reclaim) do not keep a run alive.
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
}

export class SimClock {
  private virtualBase = 0;
  private realBase = performance.now();
  private running = 0;
  private holds = 0;
  private seq = 0;
  private timers: Timer[] = [];
  private realTimer: NodeJS.Timeout | null = null;
  private pumpQueued = false;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  /** Simulated now, ms since the start of the run. */
  now(): number {
    return this.running > 0 ? this.virtualBase + (performance.now() - this.realBase) : this.virtualBase;
  }

  /** Offset from real wall-clock time to simulated wall-clock time, given the run's epoch. */
  wallOffset(epochMs: number): number {
    return epochMs + this.now() - Date.now();
  }

  /** Code starts running: the clock follows real time until every `begin` has its `end`. */
  begin(): void {
    if (this.running === 0) {
      this.realBase = performance.now();
    }
    this.running++;
    this.schedulePump();
  }

  end(): void {
    if (this.running === 0) throw new Error('SimClock.end without begin');
    if (this.running === 1) this.virtualBase = this.now();
    this.running--;
    this.schedulePump();
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
  at(at: number, fn: () => void, options: { daemon?: boolean } = {}): TimerHandle {
    const timer: Timer = { at, seq: this.seq++, fn, daemon: options.daemon ?? false, cancelled: false };
    // Binary insertion keeps timers ordered by time, then by creation order.
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.timers[mid] as Timer).at <= at) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
    this.schedulePump();
    return {
      cancel: () => {
        if (timer.cancelled) return;
        timer.cancelled = true;
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
    if (this.running > 0) {
      // Real time passes: wake up when the next timer is due in simulated time.
      if (next) this.realTimer = setTimeout(() => this.pump(), Math.max(0, next.at - this.now()));
      return;
    }
    if (this.holds > 0) return;
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

  private fire(timer: Timer): void {
    this.timers.shift();
    timer.cancelled = true;
    // Keep the instant while the callback starts its work; it holds or begins if it continues.
    const release = this.hold();
    try {
      timer.fn();
    } finally {
      release();
    }
  }
}
