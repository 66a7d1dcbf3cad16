/**
 * The timeline panel's state, in one object, and the questions asked of it (which row holds a
 * bar, which bar is under the pointer, which simulated time a pixel stands for). No DOM here:
 * `actions.ts` changes the state, `main.ts` draws it, `input.ts` and `details.ts` read it.
 */
import type { RunSource } from '../../shared/protocol';
import type { SimulationTrace, TraceInput } from '../../../server/src/simulator/trace';
import { barAt, buildTimeline, invocationKey, type Bar, type LiveRun, type Row, type Timeline } from './model';
import { initialPlayback, type Playback } from './playback';
import { LAYOUT, visibleRowCount } from './render';
import { buildTimeAxis, type TimeAxis } from './timeaxis';
import { fitView, type View } from './viewport';

/** A stretch of simulated time, ms. */
export interface Stretch {
  fromMs: number;
  toMs: number;
}

export interface PanelState {
  // ---- the run shown
  timeline: Timeline;
  axis: TimeAxis;
  /** The finished run's trace; null while a run is live or when nothing is shown. */
  trace: SimulationTrace | null;
  inputsById: ReadonlyMap<string, TraceInput>;
  source: RunSource | null;
  title: string;

  // ---- a live run
  live: LiveRun | null;
  liveRunId: string | null;
  /** Events arrived since the timeline was last rebuilt. */
  liveDirty: boolean;
  lastLiveBuild: number;
  /** How long the last live rebuild took, ms: rebuilds are spaced so that they take at most a fifth of the time. */
  liveBuildCost: number;

  // ---- the view
  /** Compressed time (idle breaks, long INIT and waits at one scale, narrow clusters widened) or real time. */
  compress: boolean;
  view: View;
  /** The user zoomed or panned: a live run no longer refits the view as it grows. */
  userMovedView: boolean;
  playback: Playback;
  scrollRow: number;
  /** The canvas's size in CSS pixels. */
  width: number;
  height: number;

  // ---- selection and search
  /** The selected bar's key (see keyOf), kept across timeline rebuilds. */
  selectedKey: string | null;
  selected: Bar | null;
  hovered: Bar | null;
  query: string;
  /** Invocation indices matching the search, in time order, and the one last gone to. */
  matches: number[];
  matchSet: Set<number> | null;
  matchIndex: number;
  /** A stretch selected with Shift+drag (simulated ms), shown with its figures in the details pane. */
  range: Stretch | null;

  // ---- pointer gestures in progress
  /** A plain drag on the timeline: where it started, and the view and first row then. */
  drag: { x: number; y: number; view: View; scrollRow: number; moved: boolean } | null;
  /** Shift+drag: the canvas x where the stretch started. */
  rangeDrag: number | null;
  /** Pixel columns being dragged over on the overview strip. */
  overviewDrag: { from: number; to: number } | null;
}

export function createState(): PanelState {
  return {
    timeline: buildTimeline([], []),
    axis: buildTimeAxis([], 0),
    trace: null,
    inputsById: new Map(),
    source: null,
    title: '',
    live: null,
    liveRunId: null,
    liveDirty: false,
    lastLiveBuild: 0,
    liveBuildCost: 0,
    compress: true,
    view: fitView(1),
    userMovedView: false,
    playback: initialPlayback(0),
    scrollRow: 0,
    width: 0,
    height: 0,
    selectedKey: null,
    selected: null,
    hovered: null,
    query: '',
    matches: [],
    matchSet: null,
    matchIndex: -1,
    range: null,
    drag: null,
    rangeDrag: null,
    overviewDrag: null,
  };
}

export function rowOf(s: PanelState, bar: Bar): Row | undefined {
  for (const r of s.timeline.rows) if (r.bars.includes(bar)) return r;
  return undefined;
}

/** A key that finds the bar again after the timeline is rebuilt: `requestId#attempt` or `env:<id>` for an INIT. */
export function keyOf(s: PanelState, bar: Bar, row: Row | undefined): string | null {
  if (bar.inv >= 0) return invocationKey(s.timeline.invocations[bar.inv]!);
  if (bar.kind === 'init' && row) return `env:${row.id}`;
  return null;
}

export function findBar(s: PanelState, key: string | null): Bar | null {
  if (!key) return null;
  const { timeline } = s;
  if (key.startsWith('env:')) {
    const row = timeline.rows.find((r) => r.id === key.slice(4));
    return row?.bars.find((b) => b.kind === 'init') ?? null;
  }
  for (const r of timeline.rows)
    for (const b of r.bars) if (b.inv >= 0 && invocationKey(timeline.invocations[b.inv]!) === key) return b;
  return null;
}

/** The first row shown: the scroll position, kept so that the last rows fill the canvas. */
export function firstRow(s: PanelState): number {
  return Math.max(0, Math.min(s.scrollRow, s.timeline.rows.length - visibleRowCount(s.height)));
}

/** The bar under canvas point (x, y), if it is already played (left of the playhead). */
export function hit(s: PanelState, x: number, y: number): Bar | null {
  if (x < LAYOUT.gutter || y < LAYOUT.axisHeight) return null;
  const r = Math.floor((y - LAYOUT.axisHeight) / LAYOUT.rowHeight) + firstRow(s);
  const row = s.timeline.rows[r];
  if (!row) return null;
  const { view, axis } = s;
  const w = s.width - LAYOUT.gutter;
  const disp = view.start + ((x - LAYOUT.gutter) / w) * (view.end - view.start);
  const t = axis.toSim(disp);
  const slack = ((6 / w) * (view.end - view.start)) / axis.scaleAt(t);
  const bar = barAt(row, t, slack);
  return bar && bar.start <= s.playback.playheadMs ? bar : null;
}

/** Simulated time under canvas x. */
export function simAt(s: PanelState, x: number): number {
  const w = Math.max(1, s.width - LAYOUT.gutter);
  return s.axis.toSim(s.view.start + ((Math.max(LAYOUT.gutter, x) - LAYOUT.gutter) / w) * (s.view.end - s.view.start));
}
