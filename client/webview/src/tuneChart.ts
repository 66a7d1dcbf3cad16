/**
 * The memory-size comparison's chart (Lambda Lens: Compare Memory Sizes…, shown in the timeline
 * panel by memorySizes.ts): Duration p50 and the cost per million requests against memory, as
 * SVG markup. Pure: the rows in, markup out (test/unit/tuneChart.test.ts).
 */
import type { TuneResult } from '../../../server/src/simulator/trace';
import { ms } from '../../../server/src/simulator/tuneTable';

const WIDTH = 640;
const HEIGHT = 300;
const PAD = { left: 64, right: 72, top: 24, bottom: 44 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round step for about `n` ticks up to `max`. */
function niceStep(max: number, n = 4): number {
  const raw = max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw) as number;
}

/**
 * The chart: memory on a log-2 x axis (128 MB to 10 GB spread evenly), Duration p50 (solid, left
 * axis) and the cost per million on the function's architecture (dashed, right axis); the
 * cheapest and the fastest sizes are marked.
 */
export function tuneChartSvg(result: Pick<TuneResult, 'rows' | 'cheapestMb' | 'fastestMb' | 'architecture'>): string {
  const rows = [...result.rows].sort((a, b) => a.memorySizeMb - b.memorySizeMb);
  const xs = rows.map((r) => Math.log2(r.memorySizeMb));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (mb: number): number =>
    PAD.left + (xMax === xMin ? plotW / 2 : ((Math.log2(mb) - xMin) / (xMax - xMin)) * plotW);
  const durMax = Math.max(1e-9, ...rows.map((r) => r.durationP50Ms ?? 0));
  const costMax = Math.max(1e-9, ...rows.map((r) => r.costPerMillionUsd[result.architecture]));
  const durStep = niceStep(durMax);
  const costStep = niceStep(costMax);
  const durTop = Math.ceil(durMax / durStep) * durStep;
  const costTop = Math.ceil(costMax / costStep) * costStep;
  const yDur = (v: number): number => PAD.top + plotH - (v / durTop) * plotH;
  const yCost = (v: number): number => PAD.top + plotH - (v / costTop) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Duration p50 and cost per million requests against memory">`,
  );
  for (let v = 0; v <= durTop + 1e-9; v += durStep) {
    parts.push(
      `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${yDur(v).toFixed(1)}" y2="${yDur(v).toFixed(1)}"/>`,
    );
    parts.push(
      `<text class="tick duration" x="${PAD.left - 6}" y="${(yDur(v) + 4).toFixed(1)}" text-anchor="end">${esc(ms(v))}</text>`,
    );
  }
  for (let v = 0; v <= costTop + 1e-9; v += costStep) {
    parts.push(
      `<text class="tick cost" x="${WIDTH - PAD.right + 6}" y="${(yCost(v) + 4).toFixed(1)}">$${v.toFixed(v < 1 ? 2 : 1)}</text>`,
    );
  }
  for (const r of rows) {
    parts.push(
      `<text class="tick" x="${x(r.memorySizeMb).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${r.memorySizeMb}</text>`,
    );
  }
  parts.push(
    `<text class="axis" x="${PAD.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">memory (MB)</text>`,
  );
  const timed = rows.filter((r) => r.durationP50Ms !== null);
  parts.push(
    `<polyline class="duration" points="${timed.map((r) => `${x(r.memorySizeMb).toFixed(1)},${yDur(r.durationP50Ms as number).toFixed(1)}`).join(' ')}"/>`,
  );
  parts.push(
    `<polyline class="cost" points="${rows.map((r) => `${x(r.memorySizeMb).toFixed(1)},${yCost(r.costPerMillionUsd[result.architecture]).toFixed(1)}`).join(' ')}"/>`,
  );
  for (const r of timed) {
    const title = `${r.memorySizeMb} MB: Duration p50 ${ms(r.durationP50Ms)}`;
    parts.push(
      `<circle class="duration${r.memorySizeMb === result.fastestMb ? ' pick' : ''}" cx="${x(r.memorySizeMb).toFixed(1)}" cy="${yDur(r.durationP50Ms as number).toFixed(1)}" r="4"><title>${esc(title)}</title></circle>`,
    );
  }
  for (const r of rows) {
    const title = `${r.memorySizeMb} MB: $${r.costPerMillionUsd[result.architecture].toFixed(2)} per million (${result.architecture})`;
    parts.push(
      `<rect class="cost${r.memorySizeMb === result.cheapestMb ? ' pick' : ''}" x="${(x(r.memorySizeMb) - 4).toFixed(1)}" y="${(yCost(r.costPerMillionUsd[result.architecture]) - 4).toFixed(1)}" width="8" height="8"><title>${esc(title)}</title></rect>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** The recommendation, in one sentence. */
export function recommendation(result: Pick<TuneResult, 'cheapestMb' | 'fastestMb' | 'tolerancePct'>): string {
  return `Cheapest: ${result.cheapestMb} MB. Fastest: ${result.fastestMb} MB, the smallest size within ${result.tolerancePct} % of the best Duration p50.`;
}

/** A comparison and its title, as the panel shows it. */
export interface ShownTune {
  result: TuneResult;
  title: string;
}

/** A tune result read back from saved state (older or altered state is dropped, not trusted). */
export function readShownTune(v: unknown): ShownTune | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const r = o['result'] as Record<string, unknown> | undefined;
  if (typeof o['title'] !== 'string' || typeof r !== 'object' || r === null || !Array.isArray(r['rows'])) return null;
  const num = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  const rowOk = (row: unknown): boolean => {
    if (typeof row !== 'object' || row === null) return false;
    const w = row as Record<string, unknown>;
    const cost = w['costPerMillionUsd'] as Record<string, unknown> | undefined;
    return (
      num(w['memorySizeMb']) &&
      num(w['billedGbS']) &&
      ['durationP50Ms', 'durationP95Ms', 'initP50Ms'].every((k) => w[k] === null || num(w[k])) &&
      typeof cost === 'object' &&
      cost !== null &&
      num(cost['x86_64']) &&
      num(cost['arm64']) &&
      num(w['errors'])
    );
  };
  if (!r['rows'].every(rowOk) || !num(r['cheapestMb']) || !num(r['fastestMb']) || !num(r['tolerancePct'])) return null;
  if (r['architecture'] !== 'x86_64' && r['architecture'] !== 'arm64') return null;
  return { result: r as unknown as TuneResult, title: o['title'] };
}
