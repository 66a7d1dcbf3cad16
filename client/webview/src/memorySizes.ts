/**
 * The panel's Memory sizes view (Lambda Lens: Compare Memory Sizes…): Duration p50 and the cost
 * per million requests against memory as a chart, the recommendation (cheapest, and fastest
 * within the tolerance), and the table `lambda-lens tune` prints. The chart's markup comes from
 * tuneChart.ts (numbers and fixed words only); everything else is built as nodes.
 */
import { clear, el } from './dom';
import { TUNE_COLUMNS, tuneTable } from '../../../server/src/simulator/tuneTable';
import { recommendation, tuneChartSvg, type ShownTune } from './tuneChart';

export function renderMemorySizes(target: HTMLElement, tune: ShownTune | null): void {
  clear(target);
  if (!tune) return;
  const { result } = tune;
  const svg = new DOMParser().parseFromString(tuneChartSvg(result), 'image/svg+xml').documentElement;
  const table = el(
    'table',
    { className: 'll-tune-table' },
    el('caption', { className: 'll-sr', text: `${tune.title}: figures per memory size` }),
    el('thead', {}, el('tr', {}, ...TUNE_COLUMNS.map((c) => el('th', { text: c, attrs: { scope: 'col' } })))),
    el(
      'tbody',
      {},
      ...tuneTable(result).map((r) =>
        el(
          'tr',
          { className: r.marks ? 'll-tune-pick' : '', attrs: { 'data-memory': String(r.memorySizeMb) } },
          ...r.cells.map((c, i) => el(i === 0 ? 'th' : 'td', { text: c, attrs: i === 0 ? { scope: 'row' } : {} })),
          el('td', { text: r.marks }),
        ),
      ),
    ),
  );
  target.append(
    el('h2', { className: 'll-tune-title', text: tune.title }),
    el(
      'p',
      { className: 'll-tune-legend' },
      el('span', { className: 'll-tune-d', text: '● Duration p50' }),
      el('span', { className: 'll-tune-c', text: `■ cost per million requests (${result.architecture})` }),
      el('span', { text: 'outlined: fastest and cheapest' }),
    ),
    el('div', { className: 'll-tune-chart' }, document.importNode(svg, true)),
    el('p', { className: 'll-tune-pickline', text: recommendation(result) }),
    table,
    el('p', {
      className: 'll-tune-note',
      text: 'Each size ran the same scenario in the simulator; CPU follows memory (1,769 MB = 1 vCPU), the costs are us-east-1 prices for GB-seconds and requests, INIT billed for on-demand cold starts. Figures are this model’s, on this machine.',
    }),
  );
}
