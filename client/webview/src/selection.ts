/**
 * Figures for a stretch of the run (Shift+drag on the timeline): what started in it, how much
 * of it was cold, failed or throttled, and how long it took. Pure: no DOM.
 */
import type { DurationStats } from '../../../server/src/simulator/trace';
import type { Timeline } from './model';
import { stats } from './summary';

export interface RangeFigures {
  fromMs: number;
  toMs: number;
  /** Attempts that started in the range and ran the handler. */
  invocations: number;
  cold: number;
  errors: number;
  retries: number;
  throttles: number;
  /** Environments that ran something in the range. */
  environments: number;
  duration: DurationStats;
  billedMs: number;
}

export function rangeFigures(timeline: Timeline, fromMs: number, toMs: number): RangeFigures {
  const lo = Math.min(fromMs, toMs);
  const hi = Math.max(fromMs, toMs);
  const durations: number[] = [];
  const envs = new Set<string>();
  let cold = 0;
  let errors = 0;
  let retries = 0;
  let throttles = 0;
  let billedMs = 0;
  for (const inv of timeline.invocations) {
    const at = inv.outcome === 'throttled' ? inv.arrivedMs : inv.startMs;
    if (at < lo || at > hi) continue;
    if (inv.outcome === 'throttled') {
      throttles++;
      continue;
    }
    durations.push(inv.durationMs);
    if (inv.cold) cold++;
    if (inv.outcome !== 'success') errors++;
    if (inv.attempt > 1) retries++;
    if (inv.env) envs.add(inv.env);
    billedMs += inv.billedMs;
  }
  return {
    fromMs: lo,
    toMs: hi,
    invocations: durations.length,
    cold,
    errors,
    retries,
    throttles,
    environments: envs.size,
    duration: stats(durations),
    billedMs,
  };
}
