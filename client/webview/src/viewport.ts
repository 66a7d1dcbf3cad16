/**
 * The visible window of the time axis, in display units (timeaxis.ts): zoom around a point,
 * pan, fit. Pure: no DOM.
 */

export interface View {
  start: number;
  end: number;
}

/** The narrowest window, display units (about 10 µs). */
export const MIN_SPAN = 0.01;

/** The whole run with a little room on both sides. */
export function fitView(total: number): View {
  const span = Math.max(total, 1);
  return { start: -span * 0.01, end: span * 1.01 };
}

/** Keeps the window inside the run (with the fit margin) and no narrower than MIN_SPAN. */
export function clampView(v: View, total: number): View {
  const full = fitView(total);
  let span = Math.max(MIN_SPAN, Math.min(v.end - v.start, full.end - full.start));
  if (!Number.isFinite(span)) span = full.end - full.start;
  let start = Number.isFinite(v.start) ? v.start : full.start;
  start = Math.max(full.start, Math.min(start, full.end - span));
  return { start, end: start + span };
}

/** Zooms by `factor` (< 1 zooms in) keeping the point at `anchor` (0–1 across the window) still. */
export function zoomView(v: View, factor: number, anchor: number, total: number): View {
  const span = v.end - v.start;
  const at = v.start + span * anchor;
  const next = Math.max(MIN_SPAN, span * factor);
  return clampView({ start: at - next * anchor, end: at - next * anchor + next }, total);
}

/** Moves the window by `fraction` of its width (positive: later). */
export function panView(v: View, fraction: number, total: number): View {
  const d = (v.end - v.start) * fraction;
  return clampView({ start: v.start + d, end: v.end + d }, total);
}

/** The window centred on `disp` if it is outside the window, else the window unchanged. */
export function revealView(v: View, disp: number, total: number): View {
  if (disp >= v.start && disp <= v.end) return v;
  const span = v.end - v.start;
  return clampView({ start: disp - span / 2, end: disp + span / 2 }, total);
}
