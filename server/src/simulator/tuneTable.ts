/**
 * The memory-size comparison as a table: one row per size, in memory order, the same cells in
 * `lambda-lens tune`'s text report (tune.ts) and in the timeline panel's Memory sizes view
 * (client/webview/src/memorySizes.ts). Pure, and free of the simulator's runtime, so the webview
 * bundle can hold it.
 */
import type { TuneResult } from './trace';

/** A Duration: `–` when there is none, milliseconds under a second, seconds above. */
export function ms(v: number | null): string {
  return v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`;
}

/** The table's cells for one size, as `lambda-lens tune` prints them, in memory order; `marks` says cheapest/fastest/errors. */
export function tuneTable(result: Pick<TuneResult, 'rows' | 'cheapestMb' | 'fastestMb'>): {
  memorySizeMb: number;
  cells: string[];
  marks: string;
}[] {
  return [...result.rows]
    .sort((a, b) => a.memorySizeMb - b.memorySizeMb)
    .map((r) => ({
      memorySizeMb: r.memorySizeMb,
      cells: [
        `${r.memorySizeMb} MB`,
        ms(r.durationP50Ms),
        ms(r.durationP95Ms),
        ms(r.initP50Ms),
        r.billedGbS.toFixed(4),
        `$${r.costPerMillionUsd.x86_64.toFixed(2)}`,
        `$${r.costPerMillionUsd.arm64.toFixed(2)}`,
      ],
      marks: [
        r.memorySizeMb === result.cheapestMb ? 'cheapest' : '',
        r.memorySizeMb === result.fastestMb ? 'fastest' : '',
        r.errors > 0 ? `${r.errors} errors` : '',
      ]
        .filter(Boolean)
        .join(', '),
    }));
}

/** The table's column headings. */
export const TUNE_COLUMNS = ['memory', 'Duration p50', 'p95', 'INIT p50', 'GB-s', '$/1M x86_64', '$/1M arm64', ''];
