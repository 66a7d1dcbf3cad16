/**
 * What the Linux scheduler says about a process: for each thread, the time it ran on a CPU and
 * the time it waited on a run queue for one (`/proc/<pid>/task/<tid>/schedstat`: on-CPU ns,
 * run-queue wait ns, time slices; Documentation/scheduler/sched-stats.rst in the kernel tree).
 * The waiting is what a busy host adds and Lambda does not (each sandbox has its own CPU
 * share), so durations subtract it (see `model.ts`).
 *
 * Other systems have no such file: `HAS_SCHEDSTAT` is false there, every read returns null,
 * and the callers fall back to the process's own CPU time with no wait (docs/simulator.md).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** One thread's (or a sum of threads') scheduler figures, ms. */
export interface CpuTimes {
  /** Time on a CPU. */
  cpuMs: number;
  /** Time runnable but waiting for a CPU (run-queue delay). */
  waitMs: number;
}

/** True where the kernel exposes schedstat (Linux with CONFIG_SCHED_INFO, which distributions enable). */
export const HAS_SCHEDSTAT = existsSync('/proc/self/schedstat');

/** Parses a schedstat line (`<on-cpu ns> <run-queue wait ns> <slices>`); null when it is not one. */
export function parseSchedstat(text: string): CpuTimes | null {
  const m = /^\s*(\d+)\s+(\d+)\s+\d+\s*$/.exec(text);
  if (!m) return null;
  return { cpuMs: Number(m[1]) / 1e6, waitMs: Number(m[2]) / 1e6 };
}

function readStat(path: string): CpuTimes | null {
  try {
    return parseSchedstat(readFileSync(path, 'utf8'));
  } catch {
    // The thread or process ended between listing and reading it, or there is no /proc.
    return null;
  }
}

/**
 * The main thread of a process (`/proc/<pid>/schedstat` is the thread-group leader's own
 * figures, not a sum over threads); `'self'` for the calling process. Null without schedstat
 * or when the process is gone.
 */
export function readMainThread(pid: number | 'self'): CpuTimes | null {
  return HAS_SCHEDSTAT ? readStat(`/proc/${pid}/schedstat`) : null;
}

/** A process tree's figures: its main thread, and every thread of it and of its live descendants. */
export interface TreeTimes {
  main: CpuTimes;
  /** Sum over every thread of the process and of the processes it started that are still alive. */
  all: CpuTimes;
  /** How many threads and processes were read. */
  threads: number;
  processes: number;
}

function list(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/**
 * Reads a process and its descendants (children of every thread, from `task/<tid>/children`,
 * recursively). Threads and processes that already ended are not counted: their CPU time is
 * lost to this reading (a handler that starts short-lived processes is under-counted).
 */
export function readProcessTree(pid: number): TreeTimes | null {
  if (!HAS_SCHEDSTAT) return null;
  const main = readStat(`/proc/${pid}/schedstat`);
  if (!main) return null;
  const all: CpuTimes = { cpuMs: 0, waitMs: 0 };
  let threads = 0;
  let processes = 0;
  const seen = new Set<number>();
  const pending = [pid];
  while (pending.length > 0) {
    const p = pending.pop() as number;
    if (seen.has(p)) continue;
    seen.add(p);
    processes++;
    for (const tid of list(`/proc/${p}/task`)) {
      const t = readStat(`/proc/${p}/task/${tid}/schedstat`);
      if (t) {
        all.cpuMs += t.cpuMs;
        all.waitMs += t.waitMs;
        threads++;
      }
      let children = '';
      try {
        children = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8');
      } catch {
        // Gone, or a kernel without CONFIG_PROC_CHILDREN: descendants are not counted.
      }
      for (const c of children.split(/\s+/)) if (c) pending.push(Number(c));
    }
  }
  return { main, all, threads, processes };
}

/**
 * CPU time of the live processes a process started (from its main thread: Node and Python start
 * processes there), with all their threads and descendants, ms; 0 when it started none, or
 * without schedstat. One file read when there are none.
 */
export function descendantsCpuMs(pid: number): number {
  if (!HAS_SCHEDSTAT) return 0;
  let children: string;
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    return 0;
  }
  let total = 0;
  for (const c of children.split(/\s+/)) if (c) total += readProcessTree(Number(c))?.all.cpuMs ?? 0;
  return total;
}

/** `after − before`, per field, never negative (a thread that ended leaves the sum smaller). */
export function diffTimes(before: CpuTimes, after: CpuTimes): CpuTimes {
  return { cpuMs: Math.max(0, after.cpuMs - before.cpuMs), waitMs: Math.max(0, after.waitMs - before.waitMs) };
}
