/**
 * The timeline's model: rows (one per execution environment, plus one for throttles) and
 * bars (INIT and INVOKE), built from a finished trace or from events streamed by a live run.
 * Pure: no DOM, so the unit tests run it in Node.
 */
import type {
  SimulationTrace,
  TraceEnvironment,
  TraceEvent,
  TraceFunction,
  TraceInput,
  TraceInvocation,
  TraceRuntime,
} from '../../../server/src/simulator/trace';
import { compareVersions, deploymentsOf, versionsOf, type Deployment } from './versions';

/** What a bar shows; each style has its own colour and its own shape or badge (render.ts). */
export type BarStyle = 'init' | 'init-error' | 'cold' | 'warm' | 'error' | 'timeout' | 'crash' | 'throttle' | 'running';

export interface Bar {
  kind: 'init' | 'invoke' | 'throttle' | 'env-end';
  style: BarStyle;
  /** Simulated ms. For throttles and environment ends, `start === end`. */
  start: number;
  end: number;
  /** When the request reached the platform (before any queue wait and INIT), ms; equals `start` otherwise. */
  arrived: number;
  /** Attempt number (1 for the first try). */
  attempt: number;
  /** True for an INVOKE on a cold start. */
  cold: boolean;
  /** Index into `Timeline.invocations`, or -1 for INIT bars and environment ends. */
  inv: number;
  /** True while the run goes on and this bar has not ended (its `end` is "now"). */
  open: boolean;
  /** INIT bars: where the runtime's start-up ends and the module load begins, ms (traces that record it). */
  startupEnd?: number;
}

export interface Row {
  /** Environment id, or `throttled` for the throttle row. */
  id: string;
  label: string;
  /** What to say under the label: the log stream, provisioned or why it ended. */
  detail: string;
  env: TraceEnvironment | null;
  /** The function version the environment runs; null for the throttle row, traces without versions and runs of `$LATEST` alone. */
  version: string | null;
  /** Sorted by start; bars on one environment never overlap (one request at a time). */
  bars: Bar[];
}

export interface Timeline {
  rows: Row[];
  invocations: TraceInvocation[];
  /** End of the run (or "now" during a live run), simulated ms. */
  endMs: number;
  /** Every start and end of something, sorted and unique (stepping goes from one to the next). */
  eventTimes: number[];
  /** Invocation indices in order of start time (keyboard selection walks it). */
  order: number[];
  /** The versions the environments ran, in row order; empty for traces without versions and runs of `$LATEST` alone. */
  versions: string[];
  /** Deployments during the run (known from the finished trace), by time. */
  deployments: Deployment[];
}

/** An invocation that started but has not ended yet (live runs only). */
export interface RunningInvocation {
  requestId: string;
  env: string;
  attempt: number;
  source: TraceInvocation['source'];
  cold: boolean;
  startMs: number;
}

/** `requestId#attempt`: an invocation's key (retries keep their request id). */
export function invocationKey(inv: { requestId: string; attempt: number }): string {
  return `${inv.requestId}#${inv.attempt}`;
}

export function styleOf(inv: TraceInvocation): BarStyle {
  switch (inv.outcome) {
    case 'throttled':
      return 'throttle';
    case 'timeout':
      return 'timeout';
    case 'error':
      return 'error';
    case 'crash':
    case 'oom':
      return 'crash';
    case 'success':
      return inv.cold ? 'cold' : 'warm';
  }
}

/** The part of a log stream name after the date, e.g. `[$LATEST]4f3c…`, shortened. */
function streamSuffix(logStreamName: string): string {
  const tail = logStreamName.slice(logStreamName.lastIndexOf('/') + 1);
  return tail.length > 20 ? `${tail.slice(0, 19)}…` : tail;
}

function envDetail(env: TraceEnvironment): string {
  const parts = [streamSuffix(env.logStreamName)];
  if (env.initializationType === 'provisioned-concurrency') parts.push('provisioned');
  if (env.endReason && env.endReason !== 'run-end') parts.push(`ended: ${env.endReason}`);
  return parts.join(' · ');
}

/**
 * Builds the rows and bars. `running` are invocations still going on at `nowMs` (live runs);
 * environments whose INIT has not finished are drawn up to `nowMs` as well.
 */
export function buildTimeline(
  environments: readonly TraceEnvironment[],
  invocations: readonly TraceInvocation[],
  running: readonly RunningInvocation[] = [],
  nowMs?: number,
  liveInit: ReadonlySet<string> = new Set(),
): Timeline {
  const rowsById = new Map<string, Row>();
  // Each version's environments together, the old version's before the new one's; by creation within a version.
  // In a run of several functions, each function's environments together, in the order the functions first ran.
  const functionOrder = new Map<string, number>();
  for (const e of [...environments].sort((a, b) => a.createdMs - b.createdMs))
    if (!functionOrder.has(e.function ?? '')) functionOrder.set(e.function ?? '', functionOrder.size);
  const several = functionOrder.size > 1;
  const envs = [...environments].sort(
    (a, b) =>
      (functionOrder.get(a.function ?? '') ?? 0) - (functionOrder.get(b.function ?? '') ?? 0) ||
      compareVersions(a.version ?? '', b.version ?? '') ||
      a.createdMs - b.createdMs ||
      a.id.localeCompare(b.id, 'en', { numeric: true }),
  );
  const rows: Row[] = [];
  const throttleRow: Row = {
    id: 'throttled',
    label: 'Throttled',
    detail: 'requests no environment took',
    env: null,
    version: null,
    bars: [],
  };
  let endMs = 0;
  const versions = versionsOf(envs);
  for (const env of envs) {
    const label =
      several && env.function !== undefined ? `${env.function} · ${env.id.slice(env.id.lastIndexOf('env-'))}` : env.id;
    const row: Row = {
      id: env.id,
      label,
      detail: envDetail(env),
      env,
      version: versions.length > 0 ? (env.version ?? null) : null,
      bars: [],
    };
    rowsById.set(env.id, row);
    rows.push(row);
    const initOpen = liveInit.has(env.id);
    const initEnd = initOpen ? (nowMs ?? env.createdMs) : env.createdMs + env.initMs;
    // The runtime's start-up is the first part of INIT, drawn as its own segment.
    const startup = env.runtimeStartupMs ?? 0;
    row.bars.push({
      kind: 'init',
      style: env.initStatus === 'success' ? 'init' : 'init-error',
      start: env.createdMs,
      end: initEnd,
      arrived: env.createdMs,
      attempt: 1,
      cold: false,
      inv: -1,
      open: initOpen,
      ...(startup > 0 ? { startupEnd: Math.min(env.createdMs + startup, initEnd) } : {}),
    });
    endMs = Math.max(endMs, initEnd);
    // An environment shut down with the run has nothing to say; a reclaimed or reset one does.
    if (env.endedMs !== null && env.endReason !== 'run-end') {
      row.bars.push({
        kind: 'env-end',
        style: 'warm',
        start: env.endedMs,
        end: env.endedMs,
        arrived: env.endedMs,
        attempt: 1,
        cold: false,
        inv: -1,
        open: false,
      });
      endMs = Math.max(endMs, env.endedMs);
    }
  }
  const all: TraceInvocation[] = [...invocations];
  invocations.forEach((inv, i) => {
    const bar: Bar = {
      kind: inv.outcome === 'throttled' ? 'throttle' : 'invoke',
      style: styleOf(inv),
      start: inv.outcome === 'throttled' ? inv.arrivedMs : inv.startMs,
      end: inv.outcome === 'throttled' ? inv.arrivedMs : inv.endMs,
      arrived: inv.arrivedMs,
      attempt: inv.attempt,
      cold: inv.cold,
      inv: i,
      open: false,
    };
    const row = inv.env === null ? throttleRow : rowsById.get(inv.env);
    (row ?? throttleRow).bars.push(bar);
    endMs = Math.max(endMs, bar.end);
  });
  for (const r of running) {
    const now = nowMs ?? r.startMs;
    const row = rowsById.get(r.env);
    if (!row) continue;
    row.bars.push({
      kind: 'invoke',
      style: 'running',
      start: r.startMs,
      end: Math.max(now, r.startMs),
      arrived: r.startMs,
      attempt: r.attempt,
      cold: r.cold,
      inv: -1,
      open: true,
    });
    endMs = Math.max(endMs, now);
  }
  if (nowMs !== undefined) endMs = Math.max(endMs, nowMs);
  if (throttleRow.bars.length > 0) rows.unshift(throttleRow);
  const times: number[] = [];
  for (const row of rows) {
    row.bars.sort((a, b) => a.start - b.start || kindOrder(a) - kindOrder(b));
    for (const b of row.bars) {
      times.push(b.start);
      if (b.end !== b.start && !b.open) times.push(b.end);
    }
  }
  const order = all.map((_, i) => i).sort((a, b) => startOf(all[a]!) - startOf(all[b]!) || a - b);
  return { rows, invocations: all, endMs, eventTimes: sortedUnique(times), order, versions, deployments: [] };
}

function kindOrder(b: Bar): number {
  return b.kind === 'init' ? 0 : b.kind === 'env-end' ? 2 : 1;
}

function startOf(inv: TraceInvocation): number {
  return inv.outcome === 'throttled' ? inv.arrivedMs : inv.startMs;
}

function sortedUnique(values: number[]): number[] {
  values.sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of values) if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  return out;
}

/** The first bar whose end is at or after `t` (bars in a row are sorted and do not overlap). */
export function firstBarEndingAfter(bars: readonly Bar[], t: number): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bars[mid]!.end < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The bar of `row` under simulated time `t`, give or take `slack` ms; the nearest wins. */
export function barAt(row: Row, t: number, slack: number): Bar | null {
  let best: Bar | null = null;
  let bestDistance = Infinity;
  for (let i = firstBarEndingAfter(row.bars, t - slack); i < row.bars.length; i++) {
    const b = row.bars[i]!;
    if (b.start > t + slack) break;
    const distance = t < b.start ? b.start - t : t > b.end ? t - b.end : 0;
    if (distance < bestDistance || (distance === bestDistance && b.kind === 'invoke')) {
      best = b;
      bestDistance = distance;
    }
  }
  return best;
}

/** The header of a run: known from `run-start` in a live run, from the trace otherwise. */
export interface RunHeader {
  function: TraceFunction;
  runtime: TraceRuntime;
  scenario: SimulationTrace['scenario'];
  epochMs: number;
  /** Deployments planned for the run; a live run shows each once its time has come. */
  routing: SimulationTrace['routing'];
}

/** Collects the events of a live run and rebuilds the timeline from them on demand. */
export class LiveRun {
  header: RunHeader | null = null;
  readonly environments = new Map<string, TraceEnvironment>();
  readonly invocations: TraceInvocation[] = [];
  readonly running = new Map<string, RunningInvocation>();
  readonly initRunning = new Set<string>();
  readonly inputs = new Map<string, TraceInput>();
  nowMs = 0;
  trace: SimulationTrace | null = null;

  apply(event: TraceEvent): void {
    this.nowMs = Math.max(this.nowMs, event.atMs);
    switch (event.type) {
      case 'run-start':
        this.header = {
          function: event.function,
          runtime: event.runtime,
          scenario: event.scenario,
          epochMs: event.epochMs,
          routing: event.routing,
        };
        break;
      case 'env-start':
        this.environments.set(event.env.id, event.env);
        this.initRunning.add(event.env.id);
        break;
      case 'init-end':
        this.environments.set(event.env.id, event.env);
        this.initRunning.delete(event.env.id);
        break;
      case 'env-end':
        this.environments.set(event.env.id, event.env);
        this.initRunning.delete(event.env.id);
        break;
      case 'invoke-start':
        this.running.set(invocationKey(event), {
          requestId: event.requestId,
          env: event.env,
          attempt: event.attempt,
          source: event.source,
          cold: event.cold,
          startMs: event.atMs,
        });
        break;
      case 'invoke-end':
        this.running.delete(invocationKey(event.invocation));
        this.invocations.push(event.invocation);
        break;
      case 'input-settled':
        this.inputs.set(event.input.id, event.input);
        break;
      case 'run-end':
        this.trace = event.trace;
        this.nowMs = Math.max(this.nowMs, event.trace.summary.simulatedMs);
        break;
      case 'retry-scheduled':
      case 'delivery':
      case 'log':
        break;
    }
  }

  timeline(): Timeline {
    if (this.trace) return timelineOfTrace(this.trace);
    const t = buildTimeline(
      [...this.environments.values()],
      this.invocations,
      [...this.running.values()],
      this.nowMs,
      this.initRunning,
    );
    t.deployments = deploymentsOf(this.header?.routing).filter((d) => d.atMs <= this.nowMs);
    return t;
  }
}

export function timelineOfTrace(trace: SimulationTrace): Timeline {
  const t = buildTimeline(trace.environments, trace.invocations);
  t.endMs = Math.max(t.endMs, trace.summary.simulatedMs);
  t.deployments = deploymentsOf(trace.routing);
  return t;
}
