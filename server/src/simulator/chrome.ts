/**
 * Export a trace to the Chrome trace-event format (the JSON Object Format read by Perfetto,
 * chrome://tracing and speedscope): one thread per execution environment, an `X` (complete)
 * event for each INIT and each invocation, instant events for throttles, retries and
 * deliveries. Times are microseconds; the whole run is shifted so that the earliest event
 * (a provisioned INIT may start before t = 0) is at 0, and `otherData.offsetMs` says by how much.
 */
import type { SimulationTrace } from './trace';

/** One Chrome trace event (the fields this export uses). */
export interface ChromeTraceEvent {
  name: string;
  cat?: string;
  ph: 'X' | 'i' | 'M';
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  s?: 'g' | 'p' | 't';
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string | number>;
}

const PID = 1;
/** Thread for platform-level events that have no environment (throttles, deliveries). */
const PLATFORM_TID = 0;

export function toChromeTrace(trace: SimulationTrace): ChromeTrace {
  const earliest = Math.min(0, ...trace.environments.map((e) => e.createdMs));
  const us = (ms: number): number => Math.round((ms - earliest) * 1000);
  const tidOf = new Map(trace.environments.map((e, i) => [e.id, i + 1]));
  const events: ChromeTraceEvent[] = [
    {
      name: 'process_name',
      ph: 'M',
      ts: 0,
      pid: PID,
      tid: PLATFORM_TID,
      args: { name: `${trace.function.name} (${trace.function.runtime}, ${trace.function.memorySizeMb} MB)` },
    },
    { name: 'thread_name', ph: 'M', ts: 0, pid: PID, tid: PLATFORM_TID, args: { name: 'platform' } },
  ];
  for (const env of trace.environments) {
    const tid = tidOf.get(env.id) as number;
    events.push({
      name: 'thread_name',
      ph: 'M',
      ts: 0,
      pid: PID,
      tid,
      args: { name: `${env.id} ${env.logStreamName}` },
    });
    events.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: PID, tid, args: { sort_index: tid } });
    if (env.initMs > 0) {
      events.push({
        name: env.initializationType === 'provisioned-concurrency' ? 'INIT (provisioned)' : 'INIT',
        cat: 'init',
        ph: 'X',
        ts: us(env.createdMs),
        dur: Math.max(1, Math.round(env.initMs * 1000)),
        pid: PID,
        tid,
        args: { status: env.initStatus, initMs: env.initMs },
      });
    }
    if (env.endedMs !== null) {
      events.push({
        name: `ended: ${env.endReason}`,
        cat: 'environment',
        ph: 'i',
        s: 't',
        ts: us(env.endedMs),
        pid: PID,
        tid,
      });
    }
  }
  for (const inv of trace.invocations) {
    const args = {
      requestId: inv.requestId,
      attempt: inv.attempt,
      source: inv.source,
      outcome: inv.outcome,
      errorType: inv.errorType,
      durationMs: inv.durationMs,
      billedMs: inv.billedMs,
      maxMemoryMb: inv.maxMemoryMb,
      report: inv.report,
    };
    if (inv.outcome === 'throttled' || inv.env === null) {
      events.push({
        name: `throttled (${inv.throttleReason})`,
        cat: 'throttle',
        ph: 'i',
        s: 'p',
        ts: us(inv.arrivedMs),
        pid: PID,
        tid: PLATFORM_TID,
        args,
      });
      continue;
    }
    const label = `${inv.cold ? 'cold ' : ''}${inv.source}${inv.attempt > 1 ? ` retry #${inv.attempt - 1}` : ''}: ${inv.outcome}`;
    events.push({
      name: label,
      cat: inv.cold ? 'invoke,cold' : 'invoke',
      ph: 'X',
      ts: us(inv.startMs),
      dur: Math.max(1, Math.round((inv.endMs - inv.startMs) * 1000)),
      pid: PID,
      tid: tidOf.get(inv.env) ?? PLATFORM_TID,
      args,
    });
  }
  for (const d of trace.deliveries) {
    events.push({
      name: `${d.kind}: ${d.condition}`,
      cat: 'delivery',
      ph: 'i',
      s: 'p',
      ts: us(d.atMs),
      pid: PID,
      tid: PLATFORM_TID,
      args: { target: d.target, requestId: d.requestId, inputs: d.inputs.length },
    });
  }
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      scenario: trace.scenario.name,
      runtime: trace.runtime.note,
      offsetMs: -earliest,
      epochMs: trace.epochMs,
    },
  };
}
