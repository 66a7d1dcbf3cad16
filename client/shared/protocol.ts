/**
 * The messages between the extension host (client/src/panel) and the timeline webview
 * (client/webview). Both sides import this file; it imports only the trace types, which are
 * self-contained, so it compiles for Node and for the browser alike.
 */
import type { SimulationTrace, TraceEvent, TuneResult } from '../../server/src/simulator/trace';

/** Where the panel's run came from, so that it can be reloaded after a window reload. */
export type RunSource =
  /** A run saved as JSON (a past run under `.lambda-lens/runs/`, or a trace file opened by hand). */
  | { kind: 'file'; path: string }
  /** A live run that has not finished (and so has no file yet). */
  | { kind: 'live'; runId: string };

/** extension → webview: show a complete trace, replacing whatever is shown. */
export interface LoadTraceMessage {
  type: 'load-trace';
  trace: SimulationTrace;
  source: RunSource;
  /** A short title for the run, e.g. `OrdersApiFunction · burst of 10`. */
  title: string;
}

/** extension → webview: a live run started; `live-events` with the same `runId` follow. */
export interface LiveStartMessage {
  type: 'live-start';
  runId: string;
  title: string;
}

/** extension → webview: trace events of the live run, in the order they were emitted. */
export interface LiveEventsMessage {
  type: 'live-events';
  runId: string;
  events: TraceEvent[];
}

/** extension → webview: the live run stopped before producing a trace (its message says why). */
export interface LiveFailedMessage {
  type: 'live-failed';
  runId: string;
  message: string;
}

/** extension → webview: the live run's trace was saved; `source` now points at its file. */
export interface RunSavedMessage {
  type: 'run-saved';
  runId: string;
  source: RunSource;
}

/**
 * extension → webview: Compare Memory Sizes… finished: show its chart and table in the panel's
 * Memory sizes view. `reveal`: switch to that view (a new result), else keep the view shown (a
 * reloaded webview being fed again).
 */
export interface LoadTuneMessage {
  type: 'load-tune';
  result: TuneResult;
  /** E.g. `QuoteFunction: memory sizes`. */
  title: string;
  reveal: boolean;
}

/** webview → extension: the page script started; `source` is what it showed before a reload, if anything. */
export interface ReadyMessage {
  type: 'ready';
  source: RunSource | null;
}

/** webview → extension: cancel the live run. */
export interface CancelRunMessage {
  type: 'cancel-run';
  runId: string;
}

/** webview → extension: export the shown run in the Chrome trace-event format. */
export interface ExportChromeTraceMessage {
  type: 'export-chrome-trace';
}

/** webview → extension: show a request's log lines in the Lambda Lens Simulation output channel. */
export interface RevealLogsMessage {
  type: 'reveal-logs';
  requestId: string;
  attempt: number;
}

/**
 * webview → extension: open the LL2101/LL2102 finding (a retried attempt repeats a side effect)
 * in the code of `fn` that best matches a duplicate call, or the rule's page when there is none.
 */
export interface RevealFindingMessage {
  type: 'reveal-finding';
  /** The function's logical id (trace.functions). */
  fn: string;
  service: string;
  operation: string;
}

export type ToWebviewMessage =
  LoadTraceMessage | LiveStartMessage | LiveEventsMessage | LiveFailedMessage | RunSavedMessage | LoadTuneMessage;
export type FromWebviewMessage =
  ReadyMessage | CancelRunMessage | ExportChromeTraceMessage | RevealLogsMessage | RevealFindingMessage;

/** The view's state, kept with the webview's setState so that it survives hide/show and reloads. */
export interface PanelViewState {
  source: RunSource | null;
  title: string;
  /** Visible window of the time axis, in display units (see timeaxis.ts). */
  view: { start: number; end: number } | null;
  /** Playhead, in simulated ms. */
  playheadMs: number;
  speed: number;
  /** Selected invocation as `requestId#attempt`, or null. */
  selected: string | null;
  scrollRow: number;
  /** The search box's text. */
  query: string;
  /** Compressed time on (the default) or off; absent in state saved by older versions. */
  compress?: boolean;
  /** The Memory sizes view's comparison, and the view shown; absent in state saved by older versions. */
  tune?: { result: TuneResult; title: string } | null;
  tab?: 'timeline' | 'memory';
}

/** The webview panel's view type (also the serializer's key); `contributes` has no entry for it. */
export const TIMELINE_VIEW_TYPE = 'lambdaLens.timeline';

/**
 * Reads a message from the webview. The webview runs the handler's output as data, so what it
 * sends is checked at the boundary like any other untrusted input: anything that is not one of
 * the {@link FromWebviewMessage} shapes, field by field, is refused (`undefined`).
 */
export function readFromWebview(m: unknown): FromWebviewMessage | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready': {
      const source = o.source === null ? null : readRunSource(o.source);
      return source === undefined ? undefined : { type: 'ready', source };
    }
    case 'cancel-run':
      return typeof o.runId === 'string' && o.runId.length <= 200 ? { type: 'cancel-run', runId: o.runId } : undefined;
    case 'export-chrome-trace':
      return { type: 'export-chrome-trace' };
    case 'reveal-logs':
      return typeof o.requestId === 'string' && o.requestId.length <= 200 && Number.isInteger(o.attempt)
        ? { type: 'reveal-logs', requestId: o.requestId, attempt: o.attempt as number }
        : undefined;
    case 'reveal-finding': {
      const short = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;
      return short(o.fn) && short(o.service) && short(o.operation)
        ? { type: 'reveal-finding', fn: o.fn, service: o.service, operation: o.operation }
        : undefined;
    }
    default:
      return undefined;
  }
}

function readRunSource(s: unknown): RunSource | undefined {
  if (typeof s !== 'object' || s === null) return undefined;
  const o = s as Record<string, unknown>;
  if (o.kind === 'file' && typeof o.path === 'string' && o.path.length <= 4096) return { kind: 'file', path: o.path };
  if (o.kind === 'live' && typeof o.runId === 'string' && o.runId.length <= 200)
    return { kind: 'live', runId: o.runId };
  return undefined;
}
