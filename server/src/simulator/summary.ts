/**
 * The run's summary figures: counts, p50/p95 durations of warm and cold invocations, billed
 * GB-seconds and the cost on x86 and arm (the prices in service/limits.ts, from https://aws.amazon.com/lambda/pricing/: per GB-s and per request,
 * us-east-1; INIT billed for on-demand functions since 1 Aug 2025, already inside `billedMs`).
 */
import type { DurationStats, TraceEnvironment, TraceInput, TraceInvocation, TraceSummary } from './trace';

export interface Prices {
  readonly x86PerGbSecond: number;
  readonly arm64PerGbSecond: number;
  readonly perRequest: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function durationStats(values: number[]): DurationStats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : null,
  };
}

export function summarize(
  invocations: TraceInvocation[],
  environments: TraceEnvironment[],
  inputs: TraceInput[],
  peakConcurrency: number,
  simulatedMs: number,
  wallMs: number,
  prices: Prices,
): TraceSummary {
  const ran = invocations.filter((i) => i.outcome !== 'throttled');
  const billedMs = ran.reduce((sum, i) => sum + i.billedMs, 0);
  const gbSeconds = ran.reduce((sum, i) => sum + (i.billedMs / 1000) * (i.memorySizeMb / 1024), 0);
  return {
    invocations: ran.length,
    coldStarts: ran.filter((i) => i.cold).length,
    environments: environments.length,
    peakConcurrency,
    throttles: invocations.length - ran.length,
    retries: ran.filter((i) => i.attempt > 1).length,
    errors: ran.filter((i) => i.outcome !== 'success').length,
    warm: durationStats(ran.filter((i) => !i.cold).map((i) => i.durationMs)),
    cold: durationStats(ran.filter((i) => i.cold).map((i) => i.durationMs)),
    init: durationStats(ran.filter((i) => i.cold && i.initMs > 0).map((i) => i.initMs)),
    billedMs,
    gbSeconds,
    cost: {
      x86_64: gbSeconds * prices.x86PerGbSecond + ran.length * prices.perRequest,
      arm64: gbSeconds * prices.arm64PerGbSecond + ran.length * prices.perRequest,
    },
    simulatedMs,
    wallMs,
    accounting: {
      put: inputs.length,
      succeeded: inputs.filter((i) => i.fate === 'succeeded').length,
      delivered: inputs.filter((i) => i.fate === 'delivered').length,
      dropped: inputs.filter((i) => i.fate === 'dropped').length,
    },
  };
}
