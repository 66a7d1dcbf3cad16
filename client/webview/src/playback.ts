/**
 * Playback state: where the playhead is, whether it moves, how fast, and whether it follows a
 * live run. The playhead moves through *display* time (timeaxis.ts), so at 1× it runs with real
 * time where something happens and crosses a jumped idle gap in the moment its break takes.
 * Pure: no DOM.
 */
import type { TimeAxis } from './timeaxis';

export const SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100];

export interface Playback {
  /** Simulated ms. */
  playheadMs: number;
  playing: boolean;
  /** A member of SPEEDS. */
  speed: number;
  /** Following a live run: the playhead stays at its newest event. */
  following: boolean;
}

export function initialPlayback(endMs: number): Playback {
  return { playheadMs: endMs, playing: false, speed: 1, following: false };
}

/** Moves the playhead by `realDtMs` of wall time; stops at the end (unless following a live run). */
export function advance(p: Playback, axis: TimeAxis, realDtMs: number, endMs: number): Playback {
  if (p.following) return { ...p, playheadMs: endMs };
  if (!p.playing) return p;
  const disp = axis.toDisplay(p.playheadMs) + realDtMs * p.speed;
  const next = Math.min(axis.toSim(disp), endMs);
  return { ...p, playheadMs: next, playing: next < endMs };
}

/** Play from where the playhead is, or from the start when it is at the end; pause when playing. */
export function togglePlay(p: Playback, endMs: number): Playback {
  if (p.playing) return { ...p, playing: false, following: false };
  return { ...p, playing: true, following: false, playheadMs: p.playheadMs >= endMs ? 0 : p.playheadMs };
}

export function seek(p: Playback, ms: number, endMs: number): Playback {
  return { ...p, playheadMs: Math.max(0, Math.min(ms, endMs)), following: false };
}

/** Next speed up (`dir` 1) or down (-1) in SPEEDS. */
export function changeSpeed(p: Playback, dir: 1 | -1): Playback {
  const i = SPEEDS.indexOf(p.speed);
  const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? 2 : i) + dir))]!;
  return { ...p, speed: next };
}

/** The closest of SPEEDS to `speed` (restored states may hold anything). */
export function validSpeed(speed: number): number {
  let best = 1;
  for (const s of SPEEDS) if (Math.abs(Math.log(s / speed)) < Math.abs(Math.log(best / speed))) best = s;
  return Number.isFinite(speed) && speed > 0 ? best : 1;
}

/** The first event time after `t` (or `t` itself when there is none). `times` is sorted. */
export function nextEventTime(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo < times.length ? times[lo]! : t;
}

/** The last event time before `t` (or 0 when there is none). `times` is sorted. */
export function previousEventTime(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? times[lo - 1]! : 0;
}

/** Steps to the next (1) or previous (-1) event and pauses there. */
export function step(p: Playback, times: readonly number[], dir: 1 | -1): Playback {
  const t = dir > 0 ? nextEventTime(times, p.playheadMs) : previousEventTime(times, p.playheadMs);
  return { ...p, playheadMs: t, playing: false, following: false };
}
