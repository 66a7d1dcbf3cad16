/**
 * The time axis. Simulated time jumps over idle gaps (15 minutes of idle cost nothing), and so
 * does the axis: a long stretch with nothing happening is drawn as a narrow break, labelled with
 * how long it was, instead of being squeezed silently or filling the screen with nothing.
 *
 * Compressed time (buildTimeAxis with `background`, the panel's default) goes further, so that
 * a first view shows INIT, the invocations and the idle gaps alike:
 * - stretches where only INIT runs or requests only wait ("background") are drawn at one
 *   scale, 1/N, when they are longer in all than the time invocations run;
 * - a cluster of activity between two breaks narrower than CLUSTER_SHARE of the whole is
 *   widened to that share (×N), so that a warm wave of 0.1 ms requests after a 2 s INIT is
 *   not a sliver at the edge.
 * The renderer labels every stretch drawn at a scale other than 1:1 with its factor (see
 * docs/timeline.md).
 *
 * "Display" units are what the viewport scrolls and zooms over: equal to simulated ms inside
 * 1:1 segments. Pure: no DOM.
 */

/** `active`: something runs; `background`: only INIT runs or requests wait; `idle`: a break. */
export type SegmentKind = 'active' | 'background' | 'idle';

export interface Segment {
  simStart: number;
  simEnd: number;
  dispStart: number;
  dispEnd: number;
  /** True for a jumped idle gap (drawn as a break). */
  isBreak: boolean;
  kind: SegmentKind;
}

/** Display units per simulated ms in a segment (1 for 1:1 time). */
export function segmentScale(s: Segment): number {
  const span = s.simEnd - s.simStart;
  return span > 0 ? (s.dispEnd - s.dispStart) / span : 1;
}

/** The least share of the display a cluster of activity between breaks gets in compressed time. */
export const CLUSTER_SHARE = 0.12;

export interface AxisOptions {
  /** Idle gaps shorter than this are never broken, ms. */
  minGapMs: number;
  /** Gaps are also kept when shorter than this fraction of the total active time. */
  gapFraction: number;
  /** Width of a break, as a fraction of the total active time (never wider than the gap). */
  breakFraction: number;
}

export const DEFAULT_AXIS_OPTIONS: AxisOptions = { minGapMs: 1000, gapFraction: 0.05, breakFraction: 0.04 };

export class TimeAxis {
  /** Total length in display units. */
  readonly displayEnd: number;
  readonly simEnd: number;

  constructor(readonly segments: readonly Segment[]) {
    const last = segments[segments.length - 1];
    this.displayEnd = last ? last.dispEnd : 0;
    this.simEnd = last ? last.simEnd : 0;
  }

  get breaks(): Segment[] {
    return this.segments.filter((s) => s.isBreak);
  }

  toDisplay(sim: number): number {
    const s = this.find(sim, 'simStart');
    if (!s) return sim;
    if (sim <= s.simStart) return s.dispStart + (sim - s.simStart);
    if (sim >= s.simEnd && s === this.segments[this.segments.length - 1]) return s.dispEnd + (sim - s.simEnd);
    const span = s.simEnd - s.simStart;
    return span === 0 ? s.dispStart : s.dispStart + ((sim - s.simStart) / span) * (s.dispEnd - s.dispStart);
  }

  toSim(disp: number): number {
    const s = this.find(disp, 'dispStart');
    if (!s) return disp;
    if (disp <= s.dispStart) return s.simStart + (disp - s.dispStart);
    if (disp >= s.dispEnd && s === this.segments[this.segments.length - 1]) return s.simEnd + (disp - s.dispEnd);
    const span = s.dispEnd - s.dispStart;
    return span === 0 ? s.simStart : s.simStart + ((disp - s.dispStart) / span) * (s.simEnd - s.simStart);
  }

  /** Display units per simulated ms at `sim` (1 in 1:1 segments, less inside a break or compressed time, more in widened time). */
  scaleAt(sim: number): number {
    const s = this.find(sim, 'simStart');
    return s ? segmentScale(s) : 1;
  }

  /** True when some time is drawn at a scale other than 1:1 besides idle breaks. */
  get rescaled(): boolean {
    return this.segments.some((s) => !s.isBreak && Math.abs(segmentScale(s) - 1) > 1e-6);
  }

  /** The last segment whose start is at or before `value`. */
  private find(value: number, key: 'simStart' | 'dispStart'): Segment | undefined {
    let lo = 0;
    let hi = this.segments.length - 1;
    if (hi < 0) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]![key] <= value) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo];
  }
}

/** Sorted, merged `[start, end]` intervals from flattened pairs. */
function mergePairs(intervals: readonly number[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < intervals.length; i += 2)
    pairs.push([intervals[i]!, Math.max(intervals[i]!, intervals[i + 1]!)]);
  pairs.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const p of pairs) {
    const last = merged[merged.length - 1];
    if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
    else merged.push([p[0], p[1]]);
  }
  return merged;
}

/** Real time: one 1:1 segment from 0 to `endMs`. */
export function linearAxis(endMs: number): TimeAxis {
  const end = Math.max(0, endMs);
  return new TimeAxis([{ simStart: 0, simEnd: end, dispStart: 0, dispEnd: end, isBreak: false, kind: 'active' }]);
}

/**
 * Builds the axis from the intervals when something happens (`[start, end]` pairs, flattened:
 * start0, end0, start1, end1, …; a point is start = end) over a run of `endMs`. With
 * `background` (intervals when only INIT runs or requests wait), time is compressed as the
 * header says; without, only idle gaps are.
 */
export function buildTimeAxis(
  intervals: readonly number[],
  endMs: number,
  options: AxisOptions = DEFAULT_AXIS_OPTIONS,
  background?: readonly number[],
): TimeAxis {
  if (background !== undefined) return compressedAxis(mergePairs(intervals), mergePairs(background), endMs, options);
  const merged = mergePairs(intervals);
  const end = Math.max(endMs, merged.length ? merged[merged.length - 1]![1] : 0);
  let active = 0;
  for (const [s, e] of merged) active += e - s;
  const threshold = Math.max(options.minGapMs, active * options.gapFraction);
  const breakWidth = Math.max(active * options.breakFraction, 1);

  const segments: Segment[] = [];
  let disp = 0;
  let segStart = 0;
  const push = (simStart: number, simEnd: number, isBreak: boolean): void => {
    if (simEnd <= simStart) return;
    const width = isBreak ? Math.min(breakWidth, simEnd - simStart) : simEnd - simStart;
    segments.push({
      simStart,
      simEnd,
      dispStart: disp,
      dispEnd: disp + width,
      isBreak,
      kind: isBreak ? 'idle' : 'active',
    });
    disp += width;
  };
  let cursor = 0;
  for (const [s, e] of merged) {
    if (s - cursor > threshold) {
      push(segStart, cursor, false);
      push(cursor, s, true);
      segStart = s;
    }
    cursor = Math.max(cursor, e);
  }
  if (end - cursor > threshold) {
    push(segStart, cursor, false);
    push(cursor, end, true);
  } else {
    push(segStart, end, false);
  }
  if (segments.length === 0)
    segments.push({ simStart: 0, simEnd: end, dispStart: 0, dispEnd: end, isBreak: false, kind: 'active' });
  return new TimeAxis(segments);
}

/** Compressed time: see the header. `busy` and `background` are merged interval lists. */
function compressedAxis(
  busy: [number, number][],
  background: [number, number][],
  endMs: number,
  options: AxisOptions,
): TimeAxis {
  const lastOf = (list: [number, number][]): number => (list.length ? list[list.length - 1]![1] : 0);
  const end = Math.max(endMs, lastOf(busy), lastOf(background));
  // Cut the run at every boundary and say what each piece is.
  const cuts = [...new Set([0, end, ...busy.flat(), ...background.flat()])]
    .filter((t) => t >= 0 && t <= end)
    .sort((a, b) => a - b);
  const inside = (list: [number, number][], t: number): boolean => {
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const [a, b] = list[mid]!;
      if (t < a) hi = mid - 1;
      else if (t > b) lo = mid + 1;
      else return true;
    }
    return false;
  };
  const pieces: { from: number; to: number; kind: SegmentKind }[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!;
    const to = cuts[i + 1]!;
    const mid = (from + to) / 2;
    const kind: SegmentKind = inside(busy, mid) ? 'active' : inside(background, mid) ? 'background' : 'idle';
    const last = pieces[pieces.length - 1];
    if (last && last.kind === kind) last.to = to;
    else pieces.push({ from, to, kind });
  }
  let busyMs = 0;
  let backgroundMs = 0;
  for (const p of pieces) {
    if (p.kind === 'active') busyMs += p.to - p.from;
    else if (p.kind === 'background') backgroundMs += p.to - p.from;
  }
  // Background time gets at most as much room as the time something runs.
  const k = busyMs > 0 && backgroundMs > busyMs ? busyMs / backgroundMs : 1;
  const activeDisplay = busyMs + backgroundMs * k;
  const threshold = Math.max(options.minGapMs, activeDisplay * options.gapFraction);
  const breakWidth = Math.max(activeDisplay * options.breakFraction, 1e-3);
  const widths: { from: number; to: number; kind: SegmentKind; width: number }[] = pieces.map((p) => {
    const len = p.to - p.from;
    if (p.kind === 'idle' && len > threshold) return { ...p, width: Math.min(breakWidth, len) };
    if (p.kind === 'idle') return { ...p, kind: 'active' as const, width: len };
    return { ...p, width: p.kind === 'background' && k < 1 ? len * k : len };
  });
  widenClusters(widths);
  const segments: Segment[] = [];
  let disp = 0;
  for (const w of widths) {
    const prev = segments[segments.length - 1];
    const scale = w.to > w.from ? w.width / (w.to - w.from) : 1;
    // Neighbours of one kind and scale are one segment.
    if (prev && prev.kind === w.kind && Math.abs(segmentScale(prev) - scale) < 1e-9 * Math.max(1, scale)) {
      prev.simEnd = w.to;
      prev.dispEnd = disp + w.width;
    } else {
      segments.push({
        simStart: w.from,
        simEnd: w.to,
        dispStart: disp,
        dispEnd: disp + w.width,
        isBreak: w.kind === 'idle',
        kind: w.kind,
      });
    }
    disp += w.width;
  }
  if (segments.length === 0) return linearAxis(end);
  return new TimeAxis(segments);
}

/**
 * Widens each cluster of activity (the pieces between two breaks) narrower than CLUSTER_SHARE
 * of the final width to that share, scaling its pieces alike.
 */
function widenClusters(pieces: { kind: SegmentKind; width: number }[]): void {
  const clusters: { first: number; last: number; width: number }[] = [];
  pieces.forEach((p, i) => {
    if (p.kind === 'idle') return;
    const c = clusters[clusters.length - 1];
    if (c && c.last === i - 1) {
      c.last = i;
      c.width += p.width;
    } else clusters.push({ first: i, last: i, width: p.width });
  });
  if (clusters.length < 2) return;
  const total = pieces.reduce((n, p) => n + p.width, 0);
  // Which clusters are widened depends on the final total, which depends on which are: iterate.
  let widened = new Set<number>();
  for (let round = 0; round < clusters.length; round++) {
    const rest = total - [...widened].reduce((n, i) => n + clusters[i]!.width, 0);
    const final = rest / (1 - widened.size * CLUSTER_SHARE);
    const next = new Set(clusters.flatMap((c, i) => (c.width > 0 && c.width < CLUSTER_SHARE * final ? [i] : [])));
    if (next.size * CLUSTER_SHARE >= 0.9) return;
    if ([...next].every((i) => widened.has(i)) && next.size === widened.size) break;
    widened = next;
  }
  if (widened.size === 0) return;
  const rest = total - [...widened].reduce((n, i) => n + clusters[i]!.width, 0);
  const final = rest / (1 - widened.size * CLUSTER_SHARE);
  for (const i of widened) {
    const c = clusters[i]!;
    const m = (CLUSTER_SHARE * final) / c.width;
    for (let j = c.first; j <= c.last; j++) pieces[j]!.width *= m;
  }
}

export interface Tick {
  /** Display position. */
  disp: number;
  sim: number;
  label: string;
}

const NICE = [1, 2, 5];

/** A round step in ms whose spacing is at least `minMs`. */
export function niceStep(minMs: number): number {
  if (!(minMs > 0)) return 1;
  let base = 10 ** Math.floor(Math.log10(minMs));
  for (;;) {
    for (const m of NICE) if (base * m >= minMs) return base * m;
    base *= 10;
  }
}

/** Ticks for the visible window `[viewStart, viewEnd]` (display units) on `widthPx` pixels. */
export function ticks(axis: TimeAxis, viewStart: number, viewEnd: number, widthPx: number, minSpacingPx = 90): Tick[] {
  if (widthPx <= 0 || viewEnd <= viewStart) return [];
  const baseStep = niceStep(((viewEnd - viewStart) / widthPx) * minSpacingPx);
  const out: Tick[] = [];
  for (const seg of axis.segments) {
    if (seg.isBreak || seg.dispEnd < viewStart || seg.dispStart > viewEnd) continue;
    // Compressed or widened time has ticks as far apart on screen as 1:1 time.
    const scale = segmentScale(seg);
    const step =
      Math.abs(scale - 1) < 1e-6 ? baseStep : niceStep((((viewEnd - viewStart) / widthPx) * minSpacingPx) / scale);
    const from = Math.max(seg.simStart, axis.toSim(viewStart));
    const to = Math.min(seg.simEnd, axis.toSim(viewEnd));
    for (let t = Math.ceil(from / step) * step; t <= to && out.length < 500; t += step) {
      out.push({ disp: axis.toDisplay(t), sim: t, label: formatTime(t, step) });
    }
  }
  return out;
}

/** A point in simulated time, with as many decimals as the tick step needs. */
export function formatTime(ms: number, step = 1): string {
  if (step >= 60_000 || ms >= 3_600_000) {
    const total = Math.round(ms / 1000);
    const m = Math.floor(total / 60);
    const s = total % 60;
    return s === 0 ? `${m} min` : `${m} min ${String(s).padStart(2, '0')} s`;
  }
  if (step >= 1000 || ms >= 10_000) return `${trim((ms / 1000).toFixed(step >= 1000 ? 0 : step >= 100 ? 1 : 2))} s`;
  return `${trim(ms.toFixed(step >= 1 ? 0 : step >= 0.1 ? 1 : 2))} ms`;
}

/** A duration in words for people: `850 ms`, `1.25 s`, `15 min`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${trim(ms.toFixed(2))} ms`;
  if (ms < 1000) return `${trim(ms.toFixed(ms < 10 ? 1 : 0))} ms`;
  if (ms < 60_000) return `${trim((ms / 1000).toFixed(2))} s`;
  if (ms < 3_600_000 - 500) {
    const total = Math.round(ms / 1000);
    const m = Math.floor(total / 60);
    const s = total % 60;
    return s === 0 ? `${m} min` : `${m} min ${s} s`;
  }
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function trim(n: string): string {
  return n.includes('.') ? n.replace(/\.?0+$/, '') : n;
}

/** A run of neighbouring segments drawn at one scale: an idle break, or time at a scale other than 1:1. */
interface ScaleRun {
  idle: boolean;
  scale: number;
  simStart: number;
  simEnd: number;
  dispStart: number;
  dispEnd: number;
}

/** Idle breaks, and the runs of time drawn at another scale than 1:1 (labelled on the axis). */
export function scaleRuns(segments: readonly Segment[]): ScaleRun[] {
  const out: ScaleRun[] = [];
  for (const s of segments) {
    const scale = segmentScale(s);
    if (!s.isBreak && scaleLabel(scale) === '') continue;
    const last = out[out.length - 1];
    if (
      last &&
      !s.isBreak &&
      !last.idle &&
      last.dispEnd === s.dispStart &&
      scaleLabel(last.scale) === scaleLabel(scale)
    ) {
      last.simEnd = s.simEnd;
      last.dispEnd = s.dispEnd;
    } else
      out.push({
        idle: s.isBreak,
        scale,
        simStart: s.simStart,
        simEnd: s.simEnd,
        dispStart: s.dispStart,
        dispEnd: s.dispEnd,
      });
  }
  return out;
}

/** `time ×1/44` for compressed time, `time ×92` for widened time, '' for 1:1 (within rounding). */
export function scaleLabel(scale: number): string {
  if (!(scale > 0)) return '';
  if (scale < 1) {
    const n = Math.round(1 / scale);
    return n <= 1 ? '' : `time ×1/${n.toLocaleString('en-US')}`;
  }
  const n = Math.round(scale);
  return n <= 1 ? '' : `time ×${n.toLocaleString('en-US')}`;
}
