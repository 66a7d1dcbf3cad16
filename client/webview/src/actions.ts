/**
 * What the user can do to the timeline panel, as changes of its state (state.ts): select, search,
 * zoom, pan, step. The few things that show outside the canvas (the details pane, the search
 * count, the screen reader's announcement) are asked of the page through `PanelUi`; redrawing
 * and saving the view are left to the caller (see `act` in main.ts).
 */
import { tooltipOf } from './describe';
import { invocationKey, type Bar, type Timeline } from './model';
import { seek, step } from './playback';
import { visibleRowCount } from './render';
import { findMatches, stepMatch } from './search';
import { findBar, firstRow, keyOf, rowOf, type PanelState } from './state';
import { buildTimeAxis, DEFAULT_AXIS_OPTIONS, linearAxis, type TimeAxis } from './timeaxis';
import { clampView, fitView, panView, revealView, zoomView } from './viewport';

/** The page around the canvas, as the actions see it. */
export interface PanelUi {
  /** The selection or the selected stretch changed: show it in the details pane. */
  detailsChanged(): void;
  /** The text beside the search box (`3 / 12`, `no match`, …). */
  searchCount(text: string): void;
  /** Whether the previous/next match buttons can be used. */
  searchFound(any: boolean): void;
  /** Says something to screen readers. */
  announce(text: string): void;
}

export type Direction = 'left' | 'right' | 'up' | 'down';

export class Actions {
  constructor(
    private readonly s: PanelState,
    private readonly ui: PanelUi,
  ) {}

  /** Shows `next`; `keepView` keeps the user's zoom (a live run growing), else the whole run is fitted. */
  setTimeline(next: Timeline, keepView: boolean): void {
    const s = this.s;
    s.timeline = next;
    s.axis = axisOf(next, s.compress);
    if (!keepView || !s.userMovedView) s.view = fitView(s.axis.displayEnd);
    else s.view = clampView(s.view, s.axis.displayEnd);
    s.selected = findBar(s, s.selectedKey);
    s.hovered = null;
    this.runSearch(false);
  }

  select(bar: Bar | null, announce = true): void {
    const s = this.s;
    s.selected = bar;
    if (bar) s.range = null;
    const row = bar ? rowOf(s, bar) : undefined;
    s.selectedKey = bar ? keyOf(s, bar, row) : null;
    if (bar && s.matchSet) {
      s.matchIndex = bar.inv >= 0 ? s.matches.indexOf(bar.inv) : -1;
      if (s.matchIndex >= 0) this.ui.searchCount(`${s.matchIndex + 1} / ${s.matches.length}`);
    }
    if (bar && row) {
      const rows = visibleRowCount(s.height);
      const index = s.timeline.rows.indexOf(row);
      if (index < s.scrollRow) s.scrollRow = index;
      else if (index >= s.scrollRow + rows) s.scrollRow = index - rows + 1;
      s.view = revealView(s.view, s.axis.toDisplay(bar.start), s.axis.displayEnd);
      if (bar.start > s.playback.playheadMs) s.playback = seek(s.playback, bar.end, s.timeline.endMs);
      if (announce) {
        const tip = tooltipOf(bar, row, s.timeline.invocations);
        this.ui.announce(`${tip.heading}. ${tip.lines.join('. ')}`);
      }
    }
    this.ui.detailsChanged();
  }

  /** Compressed time on or off (the toolbar's toggle, key C); the whole run is fitted again. */
  toggleCompress(): void {
    const s = this.s;
    s.compress = !s.compress;
    s.axis = axisOf(s.timeline, s.compress);
    this.fitAll();
  }

  clearRange(): void {
    this.s.range = null;
    this.ui.detailsChanged();
  }

  /** Recomputes the matches of the search (`s.query`); `announce` says how many. */
  runSearch(announce: boolean): void {
    const s = this.s;
    s.matches = findMatches(s.timeline.invocations, s.timeline.order, s.query);
    s.matchSet = s.query.trim() === '' ? null : new Set(s.matches);
    s.matchIndex = s.selected && s.selected.inv >= 0 ? s.matches.indexOf(s.selected.inv) : -1;
    const n = s.matches.length;
    const label =
      s.matchSet === null
        ? ''
        : n === 0
          ? 'no match'
          : s.matchIndex >= 0
            ? `${s.matchIndex + 1} / ${n}`
            : `${n} match${n === 1 ? '' : 'es'}`;
    this.ui.searchCount(label);
    this.ui.searchFound(n > 0);
    if (announce) this.ui.announce(label);
  }

  goToMatch(dir: 1 | -1): void {
    const s = this.s;
    s.matchIndex = stepMatch(s.matches.length, s.matchIndex, dir);
    if (s.matchIndex < 0) return;
    const bar = findBar(s, invocationKey(s.timeline.invocations[s.matches[s.matchIndex]!]!));
    if (bar) this.select(bar);
    this.ui.searchCount(`${s.matchIndex + 1} / ${s.matches.length}`);
  }

  /**
   * Zooms by `factor` (< 1 zooms in) around `anchor` (0–1 across the view): by default the
   * playhead when it is in view, else the middle.
   */
  zoom(factor: number, anchor?: number): void {
    const s = this.s;
    const a =
      anchor ??
      (() => {
        const p = s.axis.toDisplay(s.playback.playheadMs);
        return p >= s.view.start && p <= s.view.end && s.playback.playheadMs < s.timeline.endMs
          ? (p - s.view.start) / (s.view.end - s.view.start)
          : 0.5;
      })();
    s.view = zoomView(s.view, factor, a, s.axis.displayEnd);
    s.userMovedView = true;
  }

  pan(fraction: number): void {
    this.s.view = panView(this.s.view, fraction, this.s.axis.displayEnd);
    this.s.userMovedView = true;
  }

  fitAll(): void {
    this.s.view = fitView(this.s.axis.displayEnd);
    this.s.userMovedView = false;
  }

  /** Fits the selected bar (with its wait before it started), or the whole run when nothing is selected. */
  fitSelection(): void {
    const s = this.s;
    if (!s.selected) {
      this.fitAll();
      return;
    }
    const d0 = s.axis.toDisplay(s.selected.arrived);
    const d1 = s.axis.toDisplay(s.selected.end);
    const pad = Math.max((d1 - d0) * 0.5, 1);
    s.view = clampView({ start: d0 - pad, end: d1 + pad }, s.axis.displayEnd);
    s.userMovedView = true;
  }

  /** Moves the playhead to the previous/next event and keeps it in view. */
  stepTo(dir: 1 | -1): void {
    const s = this.s;
    s.playback = step(s.playback, s.timeline.eventTimes, dir);
    s.view = revealView(s.view, s.axis.toDisplay(s.playback.playheadMs), s.axis.displayEnd);
  }

  /** Scrolls the rows by `pages` canvas heights. */
  scrollPages(pages: 1 | -1): void {
    const s = this.s;
    const rows = visibleRowCount(s.height);
    if (pages < 0) s.scrollRow = Math.max(0, firstRow(s) - rows);
    else s.scrollRow = Math.min(Math.max(0, s.timeline.rows.length - rows), firstRow(s) + rows);
  }

  /** Moves the selection to the previous/next invocation in time, or to the nearest one on the row above/below. */
  moveSelection(dir: Direction): void {
    const s = this.s;
    const { timeline } = s;
    const visible = (b: Bar): boolean => b.start <= s.playback.playheadMs;
    if (dir === 'left' || dir === 'right') {
      const order = timeline.order;
      if (order.length === 0) return;
      const current = s.selected && s.selected.inv >= 0 ? order.indexOf(s.selected.inv) : -1;
      let i = current < 0 ? (dir === 'right' ? 0 : order.length - 1) : current + (dir === 'right' ? 1 : -1);
      i = Math.max(0, Math.min(order.length - 1, i));
      const bar = findBar(s, invocationKey(timeline.invocations[order[i]!]!));
      if (bar) {
        if (!visible(bar)) s.playback = seek(s.playback, bar.end, timeline.endMs);
        this.select(bar);
      }
      return;
    }
    const fromRow = s.selected ? timeline.rows.indexOf(rowOf(s, s.selected)!) : firstRow(s);
    const t = s.selected ? s.selected.start : s.axis.toSim((s.view.start + s.view.end) / 2);
    for (
      let r = fromRow + (dir === 'down' ? 1 : -1);
      r >= 0 && r < timeline.rows.length;
      r += dir === 'down' ? 1 : -1
    ) {
      const candidates = timeline.rows[r]!.bars.filter((b) => b.kind !== 'env-end' && visible(b));
      if (candidates.length === 0) continue;
      let best = candidates[0]!;
      for (const b of candidates) if (Math.abs(b.start - t) < Math.abs(best.start - t)) best = b;
      this.select(best);
      return;
    }
  }
}

/**
 * The time axis of a timeline: compressed (idle breaks, INIT and waiting at one scale, narrow
 * clusters widened; see timeaxis.ts) or real time.
 */
export function axisOf(timeline: Timeline, compress: boolean): TimeAxis {
  if (!compress) return linearAxis(timeline.endMs);
  const busy: number[] = [];
  const background: number[] = [];
  for (const row of timeline.rows) {
    for (const b of row.bars) {
      if (b.kind === 'init') {
        background.push(b.start, b.end);
        continue;
      }
      busy.push(b.start, b.end);
      if (b.arrived < b.start) {
        busy.push(b.arrived, b.arrived);
        background.push(b.arrived, b.start);
      }
    }
  }
  return buildTimeAxis(busy, timeline.endMs, DEFAULT_AXIS_OPTIONS, background);
}
