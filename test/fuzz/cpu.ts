/**
 * A thread's own CPU time on Linux, read from /proc, so that the fuzz harness can tell a worker
 * that computes for too long (a hang) from one that waits for a core on a loaded machine.
 * Elsewhere (no /proc) both return `undefined` and the harness falls back to wall time.
 */
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';

/** /proc's file of the calling thread's statistics (`/proc/PID/task/TID/stat`). */
export function threadStatPath(): string | undefined {
  try {
    return `/proc/${readlinkSync('/proc/thread-self')}/stat`;
  } catch {
    return undefined;
  }
}

/** The user and system CPU time of the thread whose stat file this is, in ms (10 ms steps). */
export function threadCpuMs(statPath: string | undefined): number | undefined {
  if (statPath === undefined) return undefined;
  try {
    const stat = readFileSync(statPath, 'utf8');
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime the
    // 14th and stime the 15th, in clock ticks (USER_HZ, 100 per second; proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** A process's peak resident memory (VmHWM) in bytes, all its threads together, or `undefined`. */
export function peakRssBytes(pid: number | 'self' = 'self'): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the process's peak resident memory (VmHWM) again from its resident memory now (Linux 4.0+, proc(5) `clear_refs`). */
export function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // No /proc, or not allowed: the peak then covers the worker's whole life.
  }
}
