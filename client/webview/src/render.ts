/**
 * Draws the timeline on a canvas: an axis with its idle breaks, one row per environment, the
 * bars up to the playhead, the playhead and the selection. Only what is visible is drawn; bars
 * narrower than a pixel are merged, so a run of 10,000 invocations costs about as much as the
 * pixels it covers.
 */
import type { Bar, BarStyle, Row, Timeline } from './model';
import { firstBarEndingAfter } from './model';
import type { Theme } from './theme';
import { formatDuration, scaleLabel, scaleRuns, ticks, type TimeAxis } from './timeaxis';
import { versionAccent, versionLabel } from './versions';
import type { View } from './viewport';

export const LAYOUT = {
  gutter: 168,
  axisHeight: 24,
  rowHeight: 26,
  /** Bar heights: success bars are thinner than failures, so outcomes differ in shape too. */
  barHeight: 12,
  failHeight: 18,
} as const;

export interface Frame {
  timeline: Timeline;
  axis: TimeAxis;
  view: View;
  playheadMs: number;
  scrollRow: number;
  /** The selected bar, if any. */
  selected: Bar | null;
  hovered: Bar | null;
  /** Invocation indices that match the search; null when there is no search. */
  matches: ReadonlySet<number> | null;
  /** A stretch selected with Shift+drag, simulated ms. */
  range: { fromMs: number; toMs: number } | null;
  width: number;
  height: number;
}

/** How many rows fit under the axis. */
export function visibleRowCount(height: number): number {
  return Math.max(1, Math.floor((height - LAYOUT.axisHeight) / LAYOUT.rowHeight));
}

export class Renderer {
  private hatch: Map<string, CanvasPattern> = new Map();
  /** Row-header marks per version, accent and pixel ratio (see versionStamp). */
  private stamps = new Map<string, { image: HTMLCanvasElement | null; badge: number }>();

  constructor(
    private readonly ctx: CanvasRenderingContext2D,
    private theme: Theme,
  ) {}

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.hatch.clear();
    this.stamps.clear();
  }

  /** x in CSS pixels of display position `disp`. */
  static x(f: Pick<Frame, 'view' | 'width'>, disp: number): number {
    const w = f.width - LAYOUT.gutter;
    return LAYOUT.gutter + ((disp - f.view.start) / (f.view.end - f.view.start)) * w;
  }

  draw(f: Frame): void {
    const { ctx, theme } = this;
    ctx.save();
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, f.width, f.height);
    const rows = visibleRowCount(f.height);
    const first = Math.max(0, Math.min(f.scrollRow, Math.max(0, f.timeline.rows.length - rows)));
    for (let r = 0; r < rows && first + r < f.timeline.rows.length; r++) {
      if ((first + r) % 2 === 1) {
        ctx.fillStyle = theme.rowStripe;
        ctx.fillRect(0, LAYOUT.axisHeight + r * LAYOUT.rowHeight, f.width, LAYOUT.rowHeight);
      }
    }
    this.drawBreaks(f);
    this.drawScaleMarks(f);
    const deploys = this.deployMarks(f);
    this.drawShiftWindows(f, deploys);
    const labels = this.breakLabels(f);
    this.drawTicks(f, [...labels, ...deploys.flatMap((d) => d.labels)]);
    this.drawBreakLabels(labels);
    this.drawDeployLabels(deploys);
    ctx.save();
    ctx.beginPath();
    ctx.rect(LAYOUT.gutter, LAYOUT.axisHeight, f.width - LAYOUT.gutter, f.height - LAYOUT.axisHeight);
    ctx.clip();
    for (let r = 0; r < rows && first + r < f.timeline.rows.length; r++) {
      this.drawRow(f, f.timeline.rows[first + r]!, LAYOUT.axisHeight + r * LAYOUT.rowHeight);
    }
    this.drawDeployLines(f, deploys);
    this.drawPlayhead(f);
    this.drawRange(f);
    ctx.restore();
    this.drawLabels(f, first, rows);
    if (f.timeline.rows.length > rows) this.drawScrollbar(f, first, rows);
    ctx.restore();
  }

  private drawBreaks(f: Frame): void {
    const { ctx, theme } = this;
    for (const b of f.axis.segments) {
      if (!b.isBreak || b.dispEnd < f.view.start || b.dispStart > f.view.end) continue;
      const x0 = Math.max(LAYOUT.gutter, Renderer.x(f, b.dispStart));
      const x1 = Renderer.x(f, b.dispEnd);
      if (x1 <= LAYOUT.gutter) continue;
      ctx.fillStyle = this.pattern(theme.muted, 0.22);
      ctx.fillRect(x0, 0, Math.max(2, x1 - x0), f.height);
      ctx.strokeStyle = theme.muted;
      ctx.lineWidth = 1;
      for (const x of [Renderer.x(f, b.dispStart), x1]) {
        if (x < LAYOUT.gutter) continue;
        ctx.beginPath();
        for (let y = 0, i = 0; y <= f.height; y += 6, i++) {
          const xx = x + (i % 2 === 0 ? -2 : 2);
          if (i === 0) ctx.moveTo(xx, y);
          else ctx.lineTo(xx, y);
        }
        ctx.stroke();
      }
    }
  }

  /**
   * Where each visible break's label goes (`idle 4.2 s`), and the label of each stretch drawn
   * at another scale than 1:1 (`time ×1/44`, `time ×92`), so that tick labels keep clear of them.
   */
  private breakLabels(f: Frame): { label: string; cx: number; width: number }[] {
    const { ctx, theme } = this;
    ctx.font = theme.fontSmall;
    const out: { label: string; cx: number; width: number }[] = [];
    const place = (label: string, from: number, to: number): void => {
      if (to < f.view.start || from > f.view.end) return;
      const x0 = Math.max(LAYOUT.gutter, Renderer.x(f, from));
      const x1 = Math.min(f.width, Renderer.x(f, to));
      if (x1 <= LAYOUT.gutter) return;
      out.push({ label, cx: (x0 + x1) / 2, width: ctx.measureText(label).width + 8 });
    };
    for (const run of scaleRuns(f.axis.segments)) {
      if (run.idle) place(`idle ${formatDuration(run.simEnd - run.simStart)}`, run.dispStart, run.dispEnd);
      else place(scaleLabel(run.scale), run.dispStart, run.dispEnd);
    }
    return out;
  }

  /** A line under the axis along each stretch drawn at another scale than 1:1. */
  private drawScaleMarks(f: Frame): void {
    const { ctx, theme } = this;
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = 2;
    ctx.setLineDash([4, 3]);
    for (const run of scaleRuns(f.axis.segments)) {
      if (run.idle || run.dispEnd < f.view.start || run.dispStart > f.view.end) continue;
      const x0 = Math.max(LAYOUT.gutter, Renderer.x(f, run.dispStart));
      const x1 = Math.min(f.width, Renderer.x(f, run.dispEnd));
      if (x1 <= x0) continue;
      ctx.beginPath();
      ctx.moveTo(x0, LAYOUT.axisHeight - 1.5);
      ctx.lineTo(x1, LAYOUT.axisHeight - 1.5);
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }

  private drawBreakLabels(labels: { label: string; cx: number; width: number }[]): void {
    const { ctx, theme } = this;
    ctx.font = theme.fontSmall;
    let lastRight = -Infinity;
    for (const { label, cx, width } of labels) {
      if (cx - width / 2 < lastRight + 4) continue;
      lastRight = cx + width / 2;
      const tw = width - 8;
      ctx.fillStyle = theme.background;
      ctx.fillRect(cx - tw / 2 - 4, 4, tw + 8, LAYOUT.axisHeight - 8);
      ctx.strokeStyle = theme.muted;
      ctx.strokeRect(cx - tw / 2 - 4 + 0.5, 4.5, tw + 8, LAYOUT.axisHeight - 9);
      ctx.fillStyle = theme.foreground;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'center';
      ctx.fillText(label, cx, LAYOUT.axisHeight / 2);
    }
  }

  /**
   * Where each visible deployment goes: its marker's x, the end of its traffic shift, and its
   * labels on the axis (`deploy v2 · Canary10Percent5Minutes` at the marker, `all on v2` where
   * the shift ends), placed so that they do not overlap.
   */
  private deployMarks(f: Frame): DeployMark[] {
    if (f.timeline.deployments.length === 0) return [];
    const { ctx, theme } = this;
    ctx.font = theme.fontSmall;
    const out: DeployMark[] = [];
    let lastRight = LAYOUT.gutter;
    const place = (text: string, x: number, strong: boolean): AxisLabel | null => {
      const width = ctx.measureText(text).width + 8;
      // After the marker when it fits, else before it.
      const left = x + 3 + width <= f.width ? x + 3 : x - 3 - width;
      if (left < lastRight + 4 || left < LAYOUT.gutter) return null;
      lastRight = left + width;
      return { label: text, cx: left + width / 2, width, strong };
    };
    for (const d of f.timeline.deployments) {
      const x = Renderer.x(f, f.axis.toDisplay(d.atMs));
      const xStart = Renderer.x(f, f.axis.toDisplay(d.shiftStartMs));
      const xEnd = Renderer.x(f, f.axis.toDisplay(Math.min(d.shiftEndMs, f.timeline.endMs)));
      if (xEnd < LAYOUT.gutter || x > f.width) continue;
      const labels: AxisLabel[] = [];
      // The full label where it fits, else just the version (`deploy v2`).
      const at =
        x >= LAYOUT.gutter ? (place(d.label, x, true) ?? place(`deploy ${versionLabel(d.version)}`, x, true)) : null;
      if (at) labels.push(at);
      const shifted =
        d.shiftEndMs > d.shiftStartMs && d.shiftEndMs <= f.timeline.endMs && xEnd <= f.width
          ? place(`all on ${versionLabel(d.version)}`, xEnd, false)
          : null;
      if (shifted) labels.push(shifted);
      out.push({
        x,
        xStart,
        xEnd: d.shiftEndMs > d.shiftStartMs ? xEnd : null,
        reached: d.atMs <= f.playheadMs,
        labels,
      });
    }
    return out;
  }

  /** The traffic-shift windows (canary or linear): a faint band behind the bars, edged along the axis. */
  private drawShiftWindows(f: Frame, deploys: readonly DeployMark[]): void {
    const { ctx, theme } = this;
    for (const d of deploys) {
      if (d.xEnd === null) continue;
      const x0 = Math.max(LAYOUT.gutter, d.xStart);
      const x1 = Math.min(f.width, d.xEnd);
      if (x1 <= x0) continue;
      ctx.globalAlpha = 0.07;
      ctx.fillStyle = theme.foreground;
      ctx.fillRect(x0, LAYOUT.axisHeight, x1 - x0, f.height - LAYOUT.axisHeight);
      ctx.globalAlpha = 0.6;
      ctx.fillRect(x0, LAYOUT.axisHeight - 3, x1 - x0, 3);
      ctx.globalAlpha = 1;
      if (d.xEnd <= f.width) {
        ctx.strokeStyle = theme.foreground;
        ctx.lineWidth = 1;
        ctx.setLineDash([1, 3]);
        ctx.beginPath();
        ctx.moveTo(Math.round(d.xEnd) + 0.5, LAYOUT.axisHeight);
        ctx.lineTo(Math.round(d.xEnd) + 0.5, f.height);
        ctx.stroke();
        ctx.setLineDash([]);
      }
    }
  }

  /** A deployment's marker: a dashed line across every row (faint until the playhead reaches it). */
  private drawDeployLines(f: Frame, deploys: readonly DeployMark[]): void {
    const { ctx, theme } = this;
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 3]);
    for (const d of deploys) {
      if (d.x < LAYOUT.gutter || d.x > f.width) continue;
      ctx.globalAlpha = d.reached ? 1 : 0.45;
      ctx.beginPath();
      ctx.moveTo(Math.round(d.x), LAYOUT.axisHeight);
      ctx.lineTo(Math.round(d.x), f.height);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
  }

  private drawDeployLabels(deploys: readonly DeployMark[]): void {
    const { ctx, theme } = this;
    ctx.font = theme.fontSmall;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    for (const d of deploys) {
      ctx.globalAlpha = d.reached ? 1 : 0.45;
      for (const l of d.labels) {
        const left = l.cx - l.width / 2;
        ctx.fillStyle = l.strong ? theme.foreground : theme.background;
        ctx.fillRect(left, 3, l.width, LAYOUT.axisHeight - 7);
        if (!l.strong) {
          ctx.strokeStyle = theme.foreground;
          ctx.lineWidth = 1;
          ctx.strokeRect(left + 0.5, 3.5, l.width - 1, LAYOUT.axisHeight - 8);
        }
        ctx.fillStyle = l.strong ? theme.background : theme.foreground;
        ctx.fillText(l.label, l.cx, LAYOUT.axisHeight / 2 - 1);
      }
    }
    ctx.globalAlpha = 1;
  }

  private drawTicks(f: Frame, avoid: { cx: number; width: number }[]): void {
    const { ctx, theme } = this;
    ctx.font = theme.fontSmall;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.strokeStyle = theme.grid;
    ctx.globalAlpha = 0.6;
    const all = ticks(f.axis, f.view.start, f.view.end, f.width - LAYOUT.gutter);
    for (const t of all) {
      const x = Math.round(Renderer.x(f, t.disp)) + 0.5;
      if (x < LAYOUT.gutter) continue;
      ctx.beginPath();
      ctx.moveTo(x, LAYOUT.axisHeight - 6);
      ctx.lineTo(x, f.height);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = theme.muted;
    for (const t of all) {
      const x = Renderer.x(f, t.disp);
      if (x < LAYOUT.gutter) continue;
      const w = ctx.measureText(t.label).width;
      if (avoid.some((a) => x + 3 < a.cx + a.width / 2 + 4 && x + 3 + w > a.cx - a.width / 2 - 4)) continue;
      ctx.fillText(t.label, x + 3, LAYOUT.axisHeight / 2 - 2);
    }
    ctx.strokeStyle = theme.grid;
    ctx.beginPath();
    ctx.moveTo(0, LAYOUT.axisHeight - 0.5);
    ctx.lineTo(f.width, LAYOUT.axisHeight - 0.5);
    ctx.stroke();
  }

  private drawRow(f: Frame, row: Row, top: number): void {
    const viewStartSim = f.axis.toSim(f.view.start);
    const viewEndSim = Math.min(f.axis.toSim(f.view.end), f.playheadMs);
    const mid = top + LAYOUT.rowHeight / 2;
    let lastRight = -Infinity;
    let lastStyle: BarStyle | null = null;
    for (let i = firstBarEndingAfter(row.bars, viewStartSim); i < row.bars.length; i++) {
      const b = row.bars[i]!;
      if (b.start > viewEndSim) break;
      const x0 = Renderer.x(f, f.axis.toDisplay(b.start));
      const x1 = Renderer.x(f, f.axis.toDisplay(Math.min(b.end, f.playheadMs)));
      const matched = f.matches !== null && b.inv >= 0 && f.matches.has(b.inv);
      // Merge what a pixel cannot show: a bar inside the last drawn pixel of the same style adds nothing.
      if (!matched && x1 - x0 < 1 && x1 <= lastRight + 0.5 && b.style === lastStyle && b.attempt === 1) continue;
      // While searching, what does not match steps back.
      if (f.matches !== null && !matched) this.ctx.globalAlpha = 0.25;
      this.drawBar(b, x0, x1, mid, f, b.end > f.playheadMs);
      if (b.kind === 'invoke' && b.inv >= 0) this.drawCalls(f, b, x0, x1, mid);
      this.ctx.globalAlpha = 1;
      if (matched) {
        this.ctx.strokeStyle = this.theme.match;
        this.ctx.lineWidth = 2;
        this.ctx.strokeRect(x0 - 2, mid - LAYOUT.failHeight / 2 - 2, Math.max(1, x1 - x0) + 4, LAYOUT.failHeight + 4);
      }
      lastRight = Math.max(lastRight, x1 < x0 + 1 ? x0 + 1 : x1);
      lastStyle = b.style;
    }
  }

  /** Draws one bar centred on `mid`; shared with the legend. */
  drawBar(
    b: Bar,
    x0: number,
    x1: number,
    mid: number,
    f: Pick<Frame, 'axis' | 'view' | 'width' | 'selected' | 'hovered'> | null,
    cut = false,
  ): void {
    const { ctx, theme } = this;
    const color = theme.styles[b.style];
    if (b.kind === 'env-end') {
      ctx.strokeStyle = theme.muted;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x0 - 3, mid - 3);
      ctx.lineTo(x0 + 3, mid + 3);
      ctx.moveTo(x0 + 3, mid - 3);
      ctx.lineTo(x0 - 3, mid + 3);
      ctx.stroke();
      return;
    }
    if (b.kind === 'throttle') {
      const r = 5;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.moveTo(x0, mid - r);
      ctx.lineTo(x0 + r, mid);
      ctx.lineTo(x0, mid + r);
      ctx.lineTo(x0 - r, mid);
      ctx.closePath();
      ctx.fill();
      ctx.strokeStyle = theme.ink;
      ctx.lineWidth = 1;
      ctx.stroke();
      this.outline(b, x0 - r, mid - r, 2 * r, 2 * r, f);
      return;
    }
    const failed = b.style === 'error' || b.style === 'timeout' || b.style === 'crash' || b.style === 'init-error';
    const h = failed ? LAYOUT.failHeight : LAYOUT.barHeight;
    const y = mid - h / 2;
    // An INIT stays at least 3 px wide: zoomed out, every cold start (a deployment's wave) still shows.
    const w = Math.max(b.kind === 'init' ? 3 : 1, x1 - x0);
    if (b.kind === 'invoke' && f && b.arrived < b.start - 0.5) {
      // Time the request waited before it started (queue, INIT of its environment is its own bar).
      const xa = Renderer.x(f, f.axis.toDisplay(b.arrived));
      if (x0 - xa > 2) this.drawWait(xa, x0, mid);
    }
    if (b.kind === 'init') {
      ctx.fillStyle = this.pattern(color, 1);
      ctx.fillRect(x0, y, w, h);
      if (b.startupEnd !== undefined) {
        // The runtime's start-up, before the module loads: a plain, lighter segment. Without a
        // frame (the legend) it takes its share of the bar's own extent.
        const at = f
          ? Renderer.x(f, f.axis.toDisplay(b.startupEnd))
          : x0 + (w * (b.startupEnd - b.start)) / Math.max(1e-9, b.end - b.start);
        const xs = Math.min(x0 + w, Math.max(x0, at));
        // Solid over the background, without the hatching: it reads as a segment of its own.
        ctx.fillStyle = theme.background;
        ctx.fillRect(x0, y, xs - x0, h);
        const alpha = ctx.globalAlpha;
        ctx.globalAlpha = alpha * 0.55;
        ctx.fillStyle = color;
        ctx.fillRect(x0, y, xs - x0, h);
        ctx.globalAlpha = alpha;
      }
      ctx.strokeStyle = color;
      ctx.lineWidth = 1;
      if (w > 2) ctx.strokeRect(x0 + 0.5, y + 0.5, w - 1, h - 1);
    } else {
      const alpha = ctx.globalAlpha;
      if (b.open || cut) ctx.globalAlpha = alpha * 0.7;
      ctx.fillStyle = color;
      ctx.fillRect(x0, y, w, h);
      ctx.globalAlpha = alpha;
      if (theme.highContrast && w > 2) {
        ctx.strokeStyle = theme.foreground;
        ctx.lineWidth = 1;
        ctx.strokeRect(x0 + 0.5, y + 0.5, w - 1, h - 1);
      }
      this.marks(b, x0, w, y, h);
    }
    if (b.attempt > 1) this.retryBadge(b, x0, w, y);
    this.outline(b, x0, y, w, h, f);
  }

  /**
   * The AWS calls an invocation made, as marks inside its bar at the time each started, in its
   * service's colour; a duplicate side effect stands taller, in the duplicate colour, with a cap;
   * a call the template's rules stopped (denied, unreachable, refused) has a cross above it.
   */
  private drawCalls(f: Frame, b: Bar, x0: number, x1: number, mid: number): void {
    const calls = f.timeline.invocations[b.inv]?.awsCalls;
    if (!calls || calls.length === 0 || x1 - x0 < 4) return;
    for (const c of calls) {
      if (c.startMs > f.playheadMs) break;
      const x = Math.min(x1 - 2, Math.max(x0 + 1, Renderer.x(f, f.axis.toDisplay(c.startMs))));
      this.callMark(x, mid, c.service, c.duplicateOf !== null, c.outcome !== 'ok', c.enforcement !== undefined);
    }
  }

  /** One call mark centred on `mid` at `x` (also the legend's). */
  private callMark(
    x: number,
    mid: number,
    service: string,
    duplicate: boolean,
    failed: boolean,
    blocked = false,
  ): void {
    const { ctx, theme } = this;
    const h = duplicate ? LAYOUT.failHeight + 4 : LAYOUT.barHeight - 4;
    ctx.fillStyle = duplicate
      ? theme.duplicate
      : (theme.services[service] ?? theme.services['other'] ?? theme.foreground);
    ctx.strokeStyle = theme.ink;
    ctx.lineWidth = 1;
    ctx.fillRect(x - 1, mid - h / 2, 3, h);
    ctx.strokeRect(x - 1.5, mid - h / 2 - 0.5, 4, h + 1);
    if (duplicate) {
      // A cap above the bar: the repeat is visible even on a narrow bar.
      ctx.beginPath();
      ctx.moveTo(x - 3.5, mid - h / 2 - 1);
      ctx.lineTo(x + 4.5, mid - h / 2 - 1);
      ctx.lineTo(x + 0.5, mid - h / 2 - 5);
      ctx.closePath();
      ctx.fill();
    } else if (failed) {
      ctx.fillStyle = theme.ink;
      ctx.fillRect(x, mid - 1, 1, 2);
    }
    if (blocked) {
      // A cross above the mark: the deployed function could not have made this call (or delivery).
      const top = mid - h / 2 - 2;
      ctx.strokeStyle = theme.duplicate;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x - 2.5, top - 5);
      ctx.lineTo(x + 3.5, top + 1);
      ctx.moveTo(x + 3.5, top - 5);
      ctx.lineTo(x - 2.5, top + 1);
      ctx.stroke();
    }
  }

  /** The dotted line of the time a request waited, from its arrival `xa` to its start `x0`. */
  private drawWait(xa: number, x0: number, mid: number): void {
    const { ctx, theme } = this;
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = 1;
    ctx.setLineDash([2, 2]);
    ctx.beginPath();
    ctx.moveTo(xa, mid + 0.5);
    ctx.lineTo(x0, mid + 0.5);
    ctx.stroke();
    ctx.setLineDash([]);
  }

  /**
   * A legend swatch for a mark that is not a bar, `w` × `h` px, drawn as the timeline draws it:
   * `waited` (a request's wait before its start, then the bar), `idle` (a break), `scaled` (the
   * line under the axis along time drawn at another scale), `deploy` (a deployment's marker).
   */
  drawLegendMark(
    mark: 'waited' | 'idle' | 'scaled' | 'deploy' | 'aws-call' | 'duplicate' | 'blocked',
    w: number,
    h: number,
  ): void {
    const { ctx, theme } = this;
    const mid = h / 2;
    switch (mark) {
      case 'aws-call':
      case 'blocked':
      case 'duplicate': {
        const bar: Bar = {
          kind: 'invoke',
          style: 'warm',
          start: 0,
          end: 1,
          arrived: 0,
          attempt: mark === 'duplicate' ? 2 : 1,
          cold: false,
          inv: -1,
          open: false,
        };
        this.drawBar(bar, 2, w - 2, mid, null);
        if (mark === 'aws-call') {
          this.callMark(9, mid, 'dynamodb', false, false);
          this.callMark(17, mid, 'sqs', false, false);
          this.callMark(25, mid, 's3', false, false);
        } else if (mark === 'blocked') this.callMark(w - 10, mid + 3, 'dynamodb', false, true, true);
        else this.callMark(w - 8, mid, 'ses', true, false);
        break;
      }
      case 'waited': {
        this.drawWait(2, w - 10, mid);
        const bar: Bar = {
          kind: 'invoke',
          style: 'cold',
          start: 0,
          end: 1,
          arrived: 0,
          attempt: 1,
          cold: true,
          inv: -1,
          open: false,
        };
        this.drawBar(bar, w - 10, w - 2, mid, null);
        break;
      }
      case 'idle': {
        const x0 = w / 2 - 5;
        const x1 = w / 2 + 5;
        ctx.fillStyle = this.pattern(theme.muted, 0.22);
        ctx.fillRect(x0, 0, x1 - x0, h);
        ctx.strokeStyle = theme.muted;
        ctx.lineWidth = 1;
        for (const x of [x0, x1]) {
          ctx.beginPath();
          for (let y = 0, i = 0; y <= h; y += 6, i++) ctx[i === 0 ? 'moveTo' : 'lineTo'](x + (i % 2 === 0 ? -2 : 2), y);
          ctx.stroke();
        }
        break;
      }
      case 'scaled':
        ctx.strokeStyle = theme.muted;
        ctx.lineWidth = 2;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(2, mid);
        ctx.lineTo(w - 2, mid);
        ctx.stroke();
        ctx.setLineDash([]);
        break;
      case 'deploy':
        ctx.strokeStyle = theme.foreground;
        ctx.lineWidth = 2;
        ctx.setLineDash([6, 3]);
        ctx.beginPath();
        ctx.moveTo(Math.round(w / 2), 0);
        ctx.lineTo(Math.round(w / 2), h);
        ctx.stroke();
        ctx.setLineDash([]);
        break;
    }
  }

  /** The shape that tells an outcome apart without its colour. */
  private marks(b: Bar, x0: number, w: number, y: number, h: number): void {
    const { ctx, theme } = this;
    ctx.fillStyle = theme.ink;
    ctx.strokeStyle = theme.ink;
    ctx.lineWidth = 1.5;
    switch (b.style) {
      case 'cold':
        if (w >= 5) {
          // A notch in the top-left corner: "this request paid for INIT".
          ctx.beginPath();
          ctx.moveTo(x0, y);
          ctx.lineTo(x0 + Math.min(6, w), y);
          ctx.lineTo(x0, y + Math.min(6, h));
          ctx.closePath();
          ctx.fill();
        }
        break;
      case 'error':
        if (w >= 8) {
          const cx = x0 + Math.min(w / 2, 8);
          ctx.beginPath();
          ctx.moveTo(cx - 3, y + h / 2 - 3);
          ctx.lineTo(cx + 3, y + h / 2 + 3);
          ctx.moveTo(cx + 3, y + h / 2 - 3);
          ctx.lineTo(cx - 3, y + h / 2 + 3);
          ctx.stroke();
        }
        break;
      case 'timeout':
        // An end cap: the request was cut off at the timeout.
        if (w >= 4) ctx.fillRect(x0 + w - 3, y, 2, h);
        if (w >= 10) {
          ctx.beginPath();
          ctx.moveTo(x0 + w - 9, y + 3);
          ctx.lineTo(x0 + w - 5, y + h / 2);
          ctx.lineTo(x0 + w - 9, y + h - 3);
          ctx.stroke();
        }
        break;
      case 'crash':
        if (w >= 6) {
          ctx.save();
          ctx.beginPath();
          ctx.rect(x0, y, w, h);
          ctx.clip();
          ctx.lineWidth = 1;
          for (let x = x0 - h; x < x0 + w; x += 6) {
            ctx.beginPath();
            ctx.moveTo(x, y + h);
            ctx.lineTo(x + h, y);
            ctx.stroke();
          }
          ctx.restore();
        }
        break;
      case 'running':
        if (w >= 4) {
          ctx.setLineDash([2, 2]);
          ctx.beginPath();
          ctx.moveTo(x0 + w - 0.5, y);
          ctx.lineTo(x0 + w - 0.5, y + h);
          ctx.stroke();
          ctx.setLineDash([]);
        }
        break;
      default:
        break;
    }
  }

  /** A ring above the bar's start, with the attempt number when there is room. */
  private retryBadge(b: Bar, x0: number, w: number, y: number): void {
    const { ctx, theme } = this;
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.arc(x0, y - 1, 3, 0, Math.PI * 2);
    ctx.stroke();
    if (w >= 26) {
      ctx.font = this.theme.fontSmall;
      ctx.fillStyle = theme.ink;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText(`#${b.attempt}`, x0 + 6, y + LAYOUT.failHeight / 2);
    }
  }

  private outline(
    b: Bar,
    x: number,
    y: number,
    w: number,
    h: number,
    f: Pick<Frame, 'selected' | 'hovered'> | null,
  ): void {
    if (!f || (b !== f.selected && b !== f.hovered)) return;
    const { ctx, theme } = this;
    ctx.strokeStyle = b === f.selected ? theme.selection : theme.foreground;
    ctx.lineWidth = 2;
    ctx.strokeRect(x - 2, y - 2, Math.max(w, 1) + 4, h + 4);
  }

  private drawPlayhead(f: Frame): void {
    if (f.playheadMs >= f.timeline.endMs) return;
    const x = Renderer.x(f, f.axis.toDisplay(f.playheadMs));
    if (x < LAYOUT.gutter || x > f.width) return;
    const { ctx, theme } = this;
    ctx.strokeStyle = theme.playhead;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, LAYOUT.axisHeight);
    ctx.lineTo(x, f.height);
    ctx.stroke();
  }

  private drawRange(f: Frame): void {
    if (!f.range) return;
    const { ctx, theme } = this;
    const x0 = Renderer.x(f, f.axis.toDisplay(Math.min(f.range.fromMs, f.range.toMs)));
    const x1 = Renderer.x(f, f.axis.toDisplay(Math.max(f.range.fromMs, f.range.toMs)));
    ctx.globalAlpha = 0.15;
    ctx.fillStyle = theme.focus;
    ctx.fillRect(x0, LAYOUT.axisHeight, x1 - x0, f.height - LAYOUT.axisHeight);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = theme.focus;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(Math.round(x0) + 0.5, LAYOUT.axisHeight);
    ctx.lineTo(Math.round(x0) + 0.5, f.height);
    ctx.moveTo(Math.round(x1) + 0.5, LAYOUT.axisHeight);
    ctx.lineTo(Math.round(x1) + 0.5, f.height);
    ctx.stroke();
  }

  private drawLabels(f: Frame, first: number, rows: number): void {
    const { ctx, theme } = this;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, LAYOUT.axisHeight, LAYOUT.gutter, f.height - LAYOUT.axisHeight);
    ctx.strokeStyle = theme.grid;
    ctx.beginPath();
    ctx.moveTo(LAYOUT.gutter - 0.5, 0);
    ctx.lineTo(LAYOUT.gutter - 0.5, f.height);
    ctx.stroke();
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    for (let r = 0; r < rows && first + r < f.timeline.rows.length; r++) {
      const row = f.timeline.rows[first + r]!;
      const top = LAYOUT.axisHeight + r * LAYOUT.rowHeight;
      const exists =
        row.env === null ? row.bars.some((b) => b.start <= f.playheadMs) : row.env.createdMs <= f.playheadMs;
      const ended =
        row.env?.endedMs !== null &&
        row.env?.endedMs !== undefined &&
        row.env.endedMs <= f.playheadMs &&
        row.env.endReason !== 'run-end';
      const previous = f.timeline.rows[first + r - 1];
      if (
        row.version !== null &&
        previous?.version !== null &&
        previous?.version !== undefined &&
        previous.version !== row.version
      ) {
        // Where one version's environments end and the next version's begin.
        ctx.fillStyle = theme.foreground;
        ctx.fillRect(0, top - 1, f.width, 2);
      }
      ctx.globalAlpha = exists ? 1 : 0.45;
      const badge =
        row.version === null ? 0 : this.drawVersion(row.version, f.timeline.versions.indexOf(row.version), top);
      ctx.font = theme.font;
      ctx.fillStyle = theme.foreground;
      ctx.textAlign = 'left';
      ctx.fillText(row.label, 8, top + LAYOUT.rowHeight / 2);
      const lw = ctx.measureText(row.label).width;
      ctx.font = theme.fontSmall;
      ctx.fillStyle = theme.muted;
      const detail = ended
        ? `ended: ${row.env?.endReason ?? ''}`
        : row.env?.initializationType === 'provisioned-concurrency'
          ? 'provisioned'
          : row.env === null
            ? ''
            : row.detail.split(' · ')[0]!;
      ctx.fillText(fit(ctx, detail, LAYOUT.gutter - 20 - lw - badge), 14 + lw, top + LAYOUT.rowHeight / 2);
      ctx.globalAlpha = 1;
    }
  }

  /** A row's version: a badge at the gutter's right end and a strip along its left edge, in the version's accent. Returns the badge's width. */
  private drawVersion(version: string, index: number, top: number): number {
    const dpr = window.devicePixelRatio || 1;
    const key = `${version}|${index}|${dpr}`;
    let stamp = this.stamps.get(key);
    if (!stamp) {
      stamp = this.versionStamp(version, index, dpr);
      this.stamps.set(key, stamp);
    }
    if (stamp.image) this.ctx.drawImage(stamp.image, 0, top, LAYOUT.gutter, LAYOUT.rowHeight);
    return stamp.badge;
  }

  /** A version's row-header marks drawn once into an image, so that a frame copies it instead of drawing text per row. */
  private versionStamp(
    version: string,
    index: number,
    dpr: number,
  ): { image: HTMLCanvasElement | null; badge: number } {
    const { theme } = this;
    const image = document.createElement('canvas');
    image.width = Math.ceil(LAYOUT.gutter * dpr);
    image.height = Math.ceil(LAYOUT.rowHeight * dpr);
    const c = image.getContext('2d');
    if (!c) return { image: null, badge: 0 };
    c.scale(dpr, dpr);
    const accent = versionAccent(Math.max(0, index));
    const text = versionLabel(version);
    c.font = theme.fontSmall;
    const w = c.measureText(text).width + 10;
    const h = 16;
    const x = LAYOUT.gutter - 6 - w;
    const y = (LAYOUT.rowHeight - h) / 2;
    const filled = accent === 'solid' || accent === 'hatched';
    c.beginPath();
    c.roundRect(x + 0.5, y + 0.5, w - 1, h - 1, h / 2);
    if (filled) {
      c.fillStyle = theme.foreground;
      c.fill();
    } else {
      c.strokeStyle = theme.foreground;
      c.lineWidth = 1;
      if (accent === 'dashed') c.setLineDash([3, 2]);
      c.stroke();
      c.setLineDash([]);
    }
    c.fillStyle = filled ? theme.background : theme.foreground;
    c.textAlign = 'center';
    c.textBaseline = 'middle';
    c.fillText(text, x + w / 2, LAYOUT.rowHeight / 2);
    // The strip along the gutter's left edge: rows of one version stack into one continuous band.
    c.fillStyle = theme.foreground;
    c.strokeStyle = theme.foreground;
    switch (accent) {
      case 'outline':
        c.fillRect(1, 0, 1, LAYOUT.rowHeight);
        c.fillRect(4, 0, 1, LAYOUT.rowHeight);
        break;
      case 'solid':
        c.fillRect(1, 0, 4, LAYOUT.rowHeight);
        break;
      case 'dashed':
        for (let yy = 0; yy < LAYOUT.rowHeight; yy += 6) c.fillRect(1, yy, 4, 3);
        break;
      case 'hatched':
        c.beginPath();
        c.rect(0, 0, 6, LAYOUT.rowHeight);
        c.clip();
        c.lineWidth = 1.5;
        c.beginPath();
        for (let yy = -6; yy < LAYOUT.rowHeight + 6; yy += 4) {
          c.moveTo(0, yy + 6);
          c.lineTo(6, yy);
        }
        c.stroke();
        break;
    }
    return { image, badge: w + 6 };
  }

  private drawScrollbar(f: Frame, first: number, rows: number): void {
    const { ctx, theme } = this;
    const total = f.timeline.rows.length;
    const trackH = f.height - LAYOUT.axisHeight;
    const h = Math.max(16, (rows / total) * trackH);
    const y = LAYOUT.axisHeight + (first / Math.max(1, total - rows)) * (trackH - h);
    ctx.globalAlpha = 0.5;
    ctx.fillStyle = theme.muted;
    ctx.fillRect(f.width - 6, y, 4, h);
    ctx.globalAlpha = 1;
  }

  /** Diagonal stripes in `color` (INIT bars and idle breaks). */
  private pattern(color: string, alpha: number): CanvasPattern | string {
    const key = `${color}|${alpha}`;
    const hit = this.hatch.get(key);
    if (hit) return hit;
    const tile = document.createElement('canvas');
    tile.width = 6;
    tile.height = 6;
    const t = tile.getContext('2d');
    if (!t) return color;
    t.globalAlpha = alpha;
    t.strokeStyle = color;
    t.lineWidth = 2;
    t.beginPath();
    t.moveTo(-1, 7);
    t.lineTo(7, -1);
    t.moveTo(5, 7);
    t.lineTo(7, 5);
    t.moveTo(-1, 1);
    t.lineTo(1, -1);
    t.stroke();
    const p = this.ctx.createPattern(tile, 'repeat');
    if (!p) return color;
    this.hatch.set(key, p);
    return p;
  }
}

/** A label on the axis band, centred on `cx`. */
interface AxisLabel {
  label: string;
  cx: number;
  width: number;
  /** The deployment's own label (filled) rather than the end of its shift (outlined). */
  strong: boolean;
}

/** A deployment as placed on the canvas for one frame. */
interface DeployMark {
  x: number;
  /** Where its traffic shift starts (after the marker when provisioned environments initialised first). */
  xStart: number;
  /** Where its traffic shift ends, or null for an all-at-once deployment. */
  xEnd: number | null;
  /** True once the playhead has reached it. */
  reached: boolean;
  labels: AxisLabel[];
}

/** `text` cut to `width` pixels with an ellipsis. */
function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (width <= 0) return '';
  if (ctx.measureText(text).width <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${text.slice(0, lo)}…`;
}
