/**
 * The time axis. Simulated time jumps over idle gaps (15 minutes of idle cost nothing), and so
 * does the axis: a long stretch with nothing happening is drawn as a narrow break, labelled with
 * how long it was, instead of being squeezed silently or filling the screen with nothing.
 *
 * "Display" units are what the viewport scrolls and zooms over: equal to simulated ms inside
 * active segments, compressed inside breaks. Pure: no DOM.
 */

export interface Segment {
  simStart: number;
  simEnd: number;
  dispStart: number;
  dispEnd: number;
  /** True for a jumped idle gap (drawn as a break). */
  isBreak: boolean;
}

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

  /** Display units per simulated ms at `sim` (1 in active segments, less inside a break). */
  scaleAt(sim: number): number {
    const s = this.find(sim, 'simStart');
    if (!s || !s.isBreak) return 1;
    return (s.dispEnd - s.dispStart) / (s.simEnd - s.simStart);
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

/**
 * Builds the axis from the intervals when something happens (`[start, end]` pairs, flattened:
 * start0, end0, start1, end1, …; a point is start = end) over a run of `endMs`.
 */
export function buildTimeAxis(intervals: readonly number[], endMs: number, options: AxisOptions = DEFAULT_AXIS_OPTIONS): TimeAxis {
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < intervals.length; i += 2) pairs.push([intervals[i]!, Math.max(intervals[i]!, intervals[i + 1]!)]);
  pairs.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const p of pairs) {
    const last = merged[merged.length - 1];
    if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
    else merged.push([p[0], p[1]]);
  }
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
    segments.push({ simStart, simEnd, dispStart: disp, dispEnd: disp + width, isBreak });
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
  if (segments.length === 0) segments.push({ simStart: 0, simEnd: end, dispStart: 0, dispEnd: end, isBreak: false });
  return new TimeAxis(segments);
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
  const step = niceStep(((viewEnd - viewStart) / widthPx) * minSpacingPx);
  const out: Tick[] = [];
  for (const seg of axis.segments) {
    if (seg.isBreak || seg.dispEnd < viewStart || seg.dispStart > viewEnd) continue;
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
