/**
 * The memory-size comparison as a page (Lambda Lens: Compare Memory Sizes…): Duration p50 and
 * the cost per million requests against memory, as an SVG chart with no script, and the table
 * `lambda-lens tune` prints. Pure: the rows in, HTML out (test/unit/tuneChart.test.ts).
 */
import type { TuneResult, TuneRow } from '../../../server/src/simulator/tune';

const WIDTH = 640;
const HEIGHT = 300;
const PAD = { left: 64, right: 72, top: 24, bottom: 44 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function ms(v: number | null): string {
  return v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`;
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

function row(r: TuneRow, result: Pick<TuneResult, 'cheapestMb' | 'fastestMb'>): string {
  const marks = [
    r.memorySizeMb === result.cheapestMb ? 'cheapest' : '',
    r.memorySizeMb === result.fastestMb ? 'fastest' : '',
    r.errors > 0 ? `${r.errors} errors` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const cells = [
    `${r.memorySizeMb} MB`,
    ms(r.durationP50Ms),
    ms(r.durationP95Ms),
    ms(r.initP50Ms),
    r.billedGbS.toFixed(4),
    `$${r.costPerMillionUsd.x86_64.toFixed(2)}`,
    `$${r.costPerMillionUsd.arm64.toFixed(2)}`,
    marks,
  ];
  return `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
}

/** The whole page: heading, chart, legend, table and the recommendation. `csp` is the Content-Security-Policy. */
export function tunePageHtml(result: TuneResult, title: string, csp: string): string {
  const rows = [...result.rows].sort((a, b) => a.memorySizeMb - b.memorySizeMb);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<title>${esc(title)}</title>
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px; }
svg { max-width: 100%; height: auto; }
svg text { fill: var(--vscode-descriptionForeground); font-size: 11px; }
svg .grid { stroke: var(--vscode-editorWidget-border, #8884); stroke-width: 1; }
svg polyline { fill: none; stroke-width: 2; }
svg .duration { stroke: var(--vscode-charts-blue, #3794ff); fill: var(--vscode-charts-blue, #3794ff); }
svg polyline.duration, svg polyline.cost { fill: none; }
svg .cost { stroke: var(--vscode-charts-orange, #d18616); fill: var(--vscode-charts-orange, #d18616); }
svg polyline.cost { stroke-dasharray: 5 4; }
svg .pick { stroke: var(--vscode-foreground); stroke-width: 2; }
.legend span { margin-right: 16px; }
.legend .d { color: var(--vscode-charts-blue, #3794ff); }
.legend .c { color: var(--vscode-charts-orange, #d18616); }
table { border-collapse: collapse; margin: 12px 0; }
td, th { padding: 2px 10px; text-align: right; border-bottom: 1px solid var(--vscode-editorWidget-border, #8884); }
td:first-child, th:first-child, td:last-child, th:last-child { text-align: left; }
</style>
</head>
<body>
<h2>${esc(title)}</h2>
<p class="legend"><span class="d">● Duration p50</span><span class="c">■ cost per million requests (${esc(result.architecture)})</span><span>outlined: fastest and cheapest</span></p>
${tuneChartSvg(result)}
<p><strong>Cheapest:</strong> ${result.cheapestMb} MB. <strong>Fastest:</strong> ${result.fastestMb} MB, the smallest size within ${result.tolerancePct} % of the best Duration p50.</p>
<table>
<thead><tr><th>memory</th><th>Duration p50</th><th>p95</th><th>INIT p50</th><th>GB-s</th><th>$/1M x86_64</th><th>$/1M arm64</th><th></th></tr></thead>
<tbody>${rows.map((r) => row(r, result)).join('')}</tbody>
</table>
<p>Each size ran the same scenario in the simulator; CPU follows memory (1,769 MB = 1 vCPU), the costs are us-east-1 prices for GB-seconds and requests, INIT billed for on-demand cold starts. Figures are this model's, on this machine.</p>
</body>
</html>`;
}
