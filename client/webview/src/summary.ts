/**
 * The summary strip: the run's figures as label/value pairs. A finished run shows its trace's
 * summary; a live run shows figures computed from what has happened so far (cost appears when
 * the run ends, since pricing is the simulator's business). Pure: no DOM.
 */
import type { DurationStats, TraceInvocation, TraceSummary } from '../../../server/src/simulator/trace';
import { formatDuration } from './timeaxis';

/** The summary's figures; a live run has no cost yet (pricing is the simulator's business). */
export type Figures = Pick<
  TraceSummary,
  | 'invocations'
  | 'coldStarts'
  | 'environments'
  | 'peakConcurrency'
  | 'throttles'
  | 'retries'
  | 'errors'
  | 'warm'
  | 'cold'
  | 'init'
  | 'gbSeconds'
> & {
  cost: TraceSummary['cost'] | null;
};

export interface SummaryItem {
  /** Stable key, used as a `data-key` (tests find figures by it). */
  key: string;
  label: string;
  value: string;
  /** A sentence for the tooltip. */
  title: string;
}

export function figuresOfSummary(s: TraceSummary): Figures {
  return {
    invocations: s.invocations,
    coldStarts: s.coldStarts,
    environments: s.environments,
    peakConcurrency: s.peakConcurrency,
    throttles: s.throttles,
    retries: s.retries,
    errors: s.errors,
    warm: s.warm,
    cold: s.cold,
    init: s.init,
    gbSeconds: s.gbSeconds,
    cost: s.cost,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function stats(values: number[]): DurationStats {
  values.sort((a, b) => a - b);
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: values.length ? values[values.length - 1]! : null,
  };
}

/** Figures from the invocations seen so far (a live run). */
export function computeFigures(invocations: readonly TraceInvocation[], environments: number): Figures {
  const warm: number[] = [];
  const cold: number[] = [];
  const init: number[] = [];
  const edges: [number, number][] = [];
  let throttles = 0;
  let retries = 0;
  let errors = 0;
  let gbSeconds = 0;
  for (const inv of invocations) {
    if (inv.outcome === 'throttled') {
      throttles++;
      continue;
    }
    if (inv.attempt > 1) retries++;
    if (inv.outcome !== 'success') errors++;
    (inv.cold ? cold : warm).push(inv.durationMs);
    if (inv.cold) init.push(inv.initMs);
    gbSeconds += (inv.billedMs / 1000) * (inv.memorySizeMb / 1024);
    edges.push([inv.startMs - inv.initMs, 1], [inv.endMs, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let busy = 0;
  let peak = 0;
  for (const [, d] of edges) {
    busy += d;
    peak = Math.max(peak, busy);
  }
  return {
    invocations: warm.length + cold.length,
    coldStarts: cold.length,
    environments,
    peakConcurrency: peak,
    throttles,
    retries,
    errors,
    warm: stats(warm),
    cold: stats(cold),
    init: stats(init),
    gbSeconds,
    cost: null,
  };
}

function ms(v: number | null): string {
  return v === null ? '—' : formatDuration(v);
}

/** `0.15 / 0.17 ms`: two durations, their unit said once when they share it (the strip fits one line). */
export function pair(a: number | null, b: number | null): string {
  const [x, y] = [ms(a), ms(b)];
  const unit = /^[\d.]+ (ms|s)$/;
  const ux = unit.exec(x)?.[1];
  return ux !== undefined && unit.exec(y)?.[1] === ux ? `${x.slice(0, -ux.length - 1)} / ${y}` : `${x} / ${y}`;
}

/**
 * The summary strip's items. With the function's `architecture`, the cost cell gives the cost on
 * it (the other one is in its tooltip), so that the strip fits on one line at 1,280 px.
 */
export function summaryItems(f: Figures, architecture?: 'x86_64' | 'arm64'): SummaryItem[] {
  const rate = f.invocations === 0 ? '—' : `${Math.round((f.coldStarts / f.invocations) * 1000) / 10}%`;
  const items: SummaryItem[] = [
    {
      key: 'invocations',
      label: 'Invocations',
      value: f.invocations.toLocaleString('en-US'),
      title: 'Attempts that ran the handler (throttles not counted)',
    },
    {
      key: 'cold-rate',
      label: 'Cold starts',
      value: `${rate} (${f.coldStarts})`,
      title: 'Share of invocations that started a new execution environment',
    },
    {
      key: 'environments',
      label: 'Environments',
      value: String(f.environments),
      title: 'Execution environments created',
    },
    {
      key: 'peak',
      label: 'Peak concurrency',
      value: String(f.peakConcurrency),
      title: 'Most environments busy (INIT or INVOKE) at once',
    },
    {
      key: 'throttles',
      label: 'Throttles',
      value: String(f.throttles),
      title: 'Requests rejected because no environment could take them',
    },
    {
      key: 'retries',
      label: 'Retries',
      value: String(f.retries),
      title: 'Attempts after the first (async retries, SQS re-receives)',
    },
    {
      key: 'errors',
      label: 'Errors',
      value: String(f.errors),
      title: 'Attempts that did not succeed (error, timeout, crash, out of memory)',
    },
    {
      key: 'cold-p',
      label: 'Cold p50 / p95',
      value: pair(f.cold.p50, f.cold.p95),
      title: 'Handler duration of cold invocations (INIT not included)',
    },
    {
      key: 'warm-p',
      label: 'Warm p50 / p95',
      value: pair(f.warm.p50, f.warm.p95),
      title: 'Handler duration of warm invocations',
    },
    { key: 'init-p50', label: 'Init p50', value: ms(f.init.p50), title: 'Median INIT duration of cold starts' },
    {
      key: 'gb-s',
      label: 'Billed GB-s',
      value: f.gbSeconds < 10 ? f.gbSeconds.toFixed(4) : f.gbSeconds.toFixed(1),
      title: 'Billed duration × memory, in GB-seconds (INIT billed on cold starts)',
    },
  ];
  const both = f.cost ? `: x86_64 ${usd(f.cost.x86_64)}, arm64 ${usd(f.cost.arm64)}` : ', for x86_64 and arm64';
  const title = `Compute and request cost of this run in us-east-1${both}`;
  if (architecture) {
    items.push({
      key: 'cost',
      label: `Cost (${architecture})`,
      value: f.cost ? usd(f.cost[architecture]) : 'at the end',
      title,
    });
  } else {
    items.push({
      key: 'cost',
      label: 'Cost x86 / arm',
      value: f.cost ? `${usd(f.cost.x86_64)} / ${usd(f.cost.arm64)}` : 'at the end',
      title,
    });
  }
  return items;
}

function usd(v: number): string {
  if (v === 0) return '$0';
  if (v < 0.01) return `$${v.toPrecision(2)}`;
  return `$${v.toFixed(2)}`;
}
