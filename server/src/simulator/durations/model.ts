/**
 * Durations as Lambda would measure them (issue 18).
 *
 * A phase (INIT or one request) measured on the host is its wall time W, of which the
 * environment's main thread spent C on a CPU and D waiting for one (run-queue delay, the host's
 * load: other environments, the editor, the simulator itself). The rest, W − C − D, it slept:
 * waiting on I/O, timers or other threads. On Lambda the sandbox has its own CPU share, so
 * D does not exist, and the CPU work runs at the speed the function's memory buys:
 *
 * - share = memory / 1,769 MB vCPUs, at most 6 (configuration-memory.html:
 *   https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html);
 * - one thread can use at most one vCPU, so the main thread's CPU time scales by 1 / min(share, 1):
 *   13.8× at 128 MB, 1× from 1,769 MB on;
 * - all threads and processes together cannot use more than `share` vCPUs: their total CPU
 *   time T takes at least T / share.
 *
 *   Lambda time = max(W − C − D + C · k / min(share, 1), T · k / share)
 *
 * where k converts host CPU time to Lambda vCPU time (1 unless calibrated: one host core counts
 * as one vCPU). This is a model, not a throttle: code that times itself (`Date.now()` in a
 * handler) sees the host's speed; the trace keeps both figures.
 */
import { MEMORY } from '../../service/limits';

/** vCPUs a function's memory buys: memory / 1,769 MB, at most 6 (configuration-memory.html). */
export function vcpuShare(memoryMb: number): number {
  return Math.min(memoryMb / MEMORY.mbPerVcpu, MEMORY.maxVcpus);
}

/** What was measured on the host for one phase, ms. */
export interface HostPhase {
  /** Wall time from the start to the end of the phase, as the environment's process measured it. */
  wallMs: number;
  /** The main thread's time on a CPU. Without schedstat: the process's CPU time. */
  cpuMs: number;
  /** The main thread's time waiting for a host CPU; 0 when unknown (no schedstat). */
  waitMs: number;
  /** CPU time of every thread of the process and its live descendants; omitted when not read. */
  totalCpuMs?: number;
}

/** The same phase as Lambda would have measured it. */
export interface LambdaPhase {
  /** The phase's duration on Lambda, ms. */
  ms: number;
  /** Its CPU part, scaled to the function's share, ms. */
  cpuMs: number;
  /** The time it waited on I/O (or timers, or other threads), ms: not scaled. */
  ioMs: number;
}

export interface ShareOptions {
  /** Host CPU ms per Lambda vCPU ms (1: one host core counts as one vCPU). */
  hostCpuFactor?: number;
}

export function lambdaPhase(host: HostPhase, memoryMb: number, options: ShareOptions = {}): LambdaPhase {
  const k = options.hostCpuFactor ?? 1;
  const share = vcpuShare(memoryMb);
  const cpu = Math.max(0, Math.min(host.cpuMs, host.wallMs));
  const wait = Math.max(0, Math.min(host.waitMs, host.wallMs - cpu));
  const ioMs = Math.max(0, host.wallMs - cpu - wait);
  const cpuMs = (cpu * k) / Math.min(share, 1);
  const critical = ioMs + cpuMs;
  const quota = host.totalCpuMs !== undefined ? (host.totalCpuMs * k) / share : 0;
  // Past the quota bound, the CPU part is what the quota leaves after the I/O waits.
  return quota > critical ? { ms: quota, cpuMs: quota - ioMs, ioMs } : { ms: critical, cpuMs, ioMs };
}
