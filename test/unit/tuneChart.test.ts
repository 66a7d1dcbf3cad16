/** The Compare Memory Sizes page: an SVG chart (Duration and cost against memory) and the table, no script. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tuneChartSvg, tunePageHtml } from '../../client/src/panel/tuneChart';
import type { TuneResult, TuneRow } from '../../server/src/simulator/tune';

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

test('the page: the recommendation, the table in memory order, no script, the CSP given', () => {
  const html = tunePageHtml(RESULT, 'Cpu: memory sizes', "default-src 'none'; style-src 'unsafe-inline'");
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /content="default-src &#39;none&#39;|content="default-src 'none'/);
  assert.match(
    html,
    /Cheapest:<\/strong> 128 MB\. <strong>Fastest:<\/strong> 1769 MB, the smallest size within 10 % of the best Duration p50/,
  );
  const sizes = [...html.matchAll(/<tr><td>(\d+) MB<\/td>/g)].map((m) => Number(m[1]));
  assert.deepEqual(sizes, [128, 512, 1769, 3008]);
  assert.match(html, /<td>\$0\.66<\/td>/, 'arm64 cost shown');
});

test('text in the page is escaped', () => {
  const html = tunePageHtml(RESULT, '<img src=x>', "default-src 'none'");
  assert.doesNotMatch(html, /<img src=x>/);
  assert.match(html, /&lt;img src=x&gt;/);
});
