/**
 * The overview strip above the timeline: the whole run at once, as how many environments are
 * busy per pixel column (errors, cold and warm stacked), the idle breaks, the deployments, the
 * visible window and the playhead. Dragging across it zooms to that stretch; a click centres the view there.
 * The density is computed once per timeline and width, so drawing a frame is one image copy.
 */
import { Renderer, LAYOUT } from './render';
import type { Timeline } from './model';
import type { Theme } from './theme';
import type { TimeAxis } from './timeaxis';
import type { View } from './viewport';

export const OVERVIEW_HEIGHT = 36;

export interface OverviewFrame {
  timeline: Timeline;
  axis: TimeAxis;
  view: View;
  playheadMs: number;
  width: number;
  /** Pixel columns being dragged over, if any. */
  dragging: { from: number; to: number } | null;
}

export class Overview {
  private cache: HTMLCanvasElement | null = null;
  private cacheFor: { timeline: Timeline; axis: TimeAxis; width: number; dpr: number } | null = null;

  constructor(
    private readonly ctx: CanvasRenderingContext2D,
    private theme: Theme,
  ) {}

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.cacheFor = null;
  }

  /** The whole run, in display units, across the strip's pixels. */
  static full(axis: TimeAxis): View {
    return { start: 0, end: Math.max(axis.displayEnd, 1) };
  }

  /** Display position of pixel `x` of the strip. */
  static displayAt(axis: TimeAxis, width: number, x: number): number {
    const v = Overview.full(axis);
    return v.start + ((x - LAYOUT.gutter) / Math.max(1, width - LAYOUT.gutter)) * (v.end - v.start);
  }

  draw(f: OverviewFrame): void {
    const { ctx, theme } = this;
    const dpr = window.devicePixelRatio || 1;
    if (
      !this.cacheFor ||
      this.cacheFor.timeline !== f.timeline ||
      this.cacheFor.axis !== f.axis ||
      this.cacheFor.width !== f.width ||
      this.cacheFor.dpr !== dpr
    ) {
      this.cache = this.density(f, dpr);
      this.cacheFor = { timeline: f.timeline, axis: f.axis, width: f.width, dpr };
    }
    ctx.save();
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, f.width, OVERVIEW_HEIGHT);
    ctx.font = theme.fontSmall;
    ctx.fillStyle = theme.muted;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.fillText('Overview', 8, OVERVIEW_HEIGHT / 2);
    if (this.cache) ctx.drawImage(this.cache, 0, 0, f.width, OVERVIEW_HEIGHT);
    const full = { view: Overview.full(f.axis), width: f.width };
    // Deployments: a dashed line each, as on the timeline.
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = 2;
    ctx.setLineDash([4, 2]);
    for (const d of f.timeline.deployments) {
      const x = Math.round(Renderer.x(full, f.axis.toDisplay(d.atMs)));
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, OVERVIEW_HEIGHT);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    // Later than the playhead: dimmed, it has not happened yet in the playback.
    const xp = Renderer.x(full, f.axis.toDisplay(f.playheadMs));
    if (f.playheadMs < f.timeline.endMs) {
      ctx.globalAlpha = 0.6;
      ctx.fillStyle = theme.background;
      ctx.fillRect(xp, 0, f.width - xp, OVERVIEW_HEIGHT);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = theme.playhead;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(xp, 0);
      ctx.lineTo(xp, OVERVIEW_HEIGHT);
      ctx.stroke();
    }
    const x0 = Math.max(LAYOUT.gutter, Renderer.x(full, f.view.start));
    const x1 = Math.min(f.width, Renderer.x(full, f.view.end));
    ctx.strokeStyle = theme.focus;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(x0 + 0.75, 0.75, Math.max(2, x1 - x0 - 1.5), OVERVIEW_HEIGHT - 1.5);
    if (f.dragging) {
      const a = Math.max(LAYOUT.gutter, Math.min(f.dragging.from, f.dragging.to));
      const b = Math.min(f.width, Math.max(f.dragging.from, f.dragging.to));
      ctx.globalAlpha = 0.25;
      ctx.fillStyle = theme.focus;
      ctx.fillRect(a, 0, b - a, OVERVIEW_HEIGHT);
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = theme.grid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, OVERVIEW_HEIGHT - 0.5);
    ctx.lineTo(f.width, OVERVIEW_HEIGHT - 0.5);
    ctx.moveTo(LAYOUT.gutter - 0.5, 0);
    ctx.lineTo(LAYOUT.gutter - 0.5, OVERVIEW_HEIGHT);
    ctx.stroke();
    ctx.restore();
  }

  /** Busy environments per pixel column, stacked by kind, drawn once into an offscreen canvas. */
  private density(f: OverviewFrame, dpr: number): HTMLCanvasElement | null {
    const cols = Math.max(0, Math.floor(f.width - LAYOUT.gutter));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.floor(f.width * dpr));
    canvas.height = Math.floor(OVERVIEW_HEIGHT * dpr);
    const c = canvas.getContext('2d');
    if (!c || cols === 0) return null;
    c.scale(dpr, dpr);
    const failed = new Uint16Array(cols);
    const cold = new Uint16Array(cols);
    const warm = new Uint16Array(cols);
    const throttled = new Uint8Array(cols);
    const full = { view: Overview.full(f.axis), width: f.width };
    const col = (sim: number): number => Math.floor(Renderer.x(full, f.axis.toDisplay(sim)) - LAYOUT.gutter);
    for (const row of f.timeline.rows) {
      for (const b of row.bars) {
        if (b.kind === 'env-end') continue;
        const a = Math.max(0, col(b.start));
        if (b.kind === 'throttle') {
          if (a < cols) throttled[a] = 1;
          continue;
        }
        const broke = b.style === 'error' || b.style === 'timeout' || b.style === 'crash' || b.style === 'init-error';
        const target = broke ? failed : b.kind === 'init' || b.cold ? cold : warm;
        const z = Math.min(cols - 1, Math.max(a, col(b.end)));
        for (let x = a; x <= z; x++) target[x] = (target[x] ?? 0) + 1;
      }
    }
    let max = 1;
    for (let x = 0; x < cols; x++) max = Math.max(max, (failed[x] ?? 0) + (cold[x] ?? 0) + (warm[x] ?? 0));
    for (const b of f.axis.breaks) {
      const x0 = Renderer.x(full, b.dispStart);
      const x1 = Renderer.x(full, b.dispEnd);
      c.globalAlpha = 0.3;
      c.fillStyle = this.theme.muted;
      c.fillRect(x0, 0, Math.max(1, x1 - x0), OVERVIEW_HEIGHT);
      c.globalAlpha = 1;
    }
    const h = OVERVIEW_HEIGHT - 6;
    const stack: [Uint16Array, string][] = [
      [failed, this.theme.styles.error],
      [cold, this.theme.styles.cold],
      [warm, this.theme.styles.warm],
    ];
    for (let x = 0; x < cols; x++) {
      let y = OVERVIEW_HEIGHT - 2;
      for (const [counts, color] of stack) {
        const n = counts[x] ?? 0;
        if (n === 0) continue;
        const bh = (n / max) * h;
        c.fillStyle = color;
        c.fillRect(LAYOUT.gutter + x, y - bh, 1, bh);
        y -= bh;
      }
      if (throttled[x]) {
        c.fillStyle = this.theme.styles.throttle;
        c.fillRect(LAYOUT.gutter + x - 1, 1, 3, 3);
      }
    }
    return canvas;
  }
}
