/** Compare Memory Sizes… in the timeline panel: the SVG chart (Duration and cost against memory), the table and the recommendation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readShownTune, recommendation, tuneChartSvg } from '../../client/webview/src/tuneChart';
import { tuneTable } from '../../server/src/simulator/tuneTable';
import type { TuneResult, TuneRow } from '../../server/src/simulator/trace';

function row(memorySizeMb: number, durationP50Ms: number, x86: number): TuneRow {
  return {
    memorySizeMb,
    durationP50Ms,
    durationP95Ms: durationP50Ms * 1.2,
    initP50Ms: 150,
    billedGbS: 0.5,
    costPerMillionUsd: { x86_64: x86, arm64: x86 * 0.8 },
    invocations: 13,
    errors: 0,
  };
}

const RESULT: TuneResult = {
  rows: [row(1769, 17.7, 1.72), row(128, 249.1, 0.83), row(512, 61.9, 1.03), row(3008, 18, 2.76)],
  cheapestMb: 128,
  fastestMb: 1769,
  tolerancePct: 10,
  architecture: 'x86_64',
};

function points(svg: string, cls: string): [number, number][] {
  const m = new RegExp(`<polyline class="${cls}" points="([^"]*)"`).exec(svg);
  assert.ok(m, `a ${cls} line`);
  return (m[1] as string).split(' ').map((p) => p.split(',').map(Number) as [number, number]);
}

test('the chart has one point per size, left to right by memory; Duration falls and cost rises here', () => {
  const svg = tuneChartSvg(RESULT);
  const d = points(svg, 'duration');
  const c = points(svg, 'cost');
  assert.equal(d.length, 4);
  assert.equal(c.length, 4);
  for (let i = 1; i < 4; i++)
    assert.ok((d[i] as [number, number])[0] > (d[i - 1] as [number, number])[0], 'x grows with memory');
  // SVG y grows downwards: a longer Duration is higher up (smaller y).
  assert.ok((d[0] as [number, number])[1] < (d[3] as [number, number])[1], '128 MB is slower than 3008 MB');
  assert.ok((c[0] as [number, number])[1] > (c[3] as [number, number])[1], '128 MB is cheaper than 3008 MB');
  assert.match(svg, /<circle class="duration pick"[^>]*><title>1769 MB: Duration p50 17\.7 ms<\/title>/);
  assert.match(svg, /<rect class="cost pick"[^>]*><title>128 MB: \$0\.83 per million \(x86_64\)<\/title>/);
  for (const mb of [128, 512, 1769, 3008]) assert.match(svg, new RegExp(`>${mb}</text>`));
});

test('the table in memory order with both prices and the marks; the recommendation', () => {
  const table = tuneTable(RESULT);
  assert.deepEqual(
    table.map((r) => r.memorySizeMb),
    [128, 512, 1769, 3008],
  );
  assert.deepEqual(table[0]?.cells, ['128 MB', '249.1 ms', '298.9 ms', '150.0 ms', '0.5000', '$0.83', '$0.66']);
  assert.deepEqual(
    table.map((r) => r.marks),
    ['cheapest', '', 'fastest', ''],
  );
  assert.equal(
    recommendation(RESULT),
    'Cheapest: 128 MB. Fastest: 1769 MB, the smallest size within 10 % of the best Duration p50.',
  );
});

test('a comparison saved in the panel state is read back only when it has the shape of one', () => {
  assert.deepEqual(readShownTune({ result: RESULT, title: 'Cpu: memory sizes' }), {
    result: RESULT,
    title: 'Cpu: memory sizes',
  });
  assert.equal(readShownTune(undefined), null);
  assert.equal(readShownTune({ result: { ...RESULT, architecture: '<svg>' }, title: 't' }), null);
  assert.equal(readShownTune({ result: { ...RESULT, rows: [{ memorySizeMb: '1"/><script>' }] }, title: 't' }), null);
  assert.equal(readShownTune({ result: RESULT }), null);
});
