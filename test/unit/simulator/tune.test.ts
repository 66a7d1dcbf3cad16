/**
 * `lambda-lens tune`: the same scenario at each memory size, on real processes; the JSON rows,
 * the recommendation, and bad usage.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { recommend, runTune } from '../../../server/src/simulator/tune';
import type { TuneRow } from '../../../server/src/simulator/trace';
import { liveRuntimePids } from '../../../server/src/simulator/runtimes/process';
import { FIXTURES } from './helpers';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function row(memorySizeMb: number, durationP50Ms: number, x86: number): TuneRow {
  return {
    memorySizeMb,
    durationP50Ms,
    durationP95Ms: durationP50Ms,
    initP50Ms: 150,
    billedGbS: 1,
    costPerMillionUsd: { x86_64: x86, arm64: x86 * 0.8 },
    invocations: 10,
    errors: 0,
  };
}

test('recommend: the cheapest size, and the smallest size within the tolerance of the best Duration', () => {
  const rows = [row(128, 250, 0.83), row(512, 62, 1.03), row(1769, 18, 1.72), row(3008, 17.5, 2.76)];
  assert.deepEqual(recommend(rows, 'x86_64', 10), { cheapestMb: 128, fastestMb: 1769 });
  assert.deepEqual(recommend(rows, 'x86_64', 0), { cheapestMb: 128, fastestMb: 3008 });
  assert.deepEqual(recommend([row(128, 100, 2), row(256, 40, 1.5)], 'arm64', 10), { cheapestMb: 256, fastestMb: 256 });
});

test('tune runs the scenario at each size: JSON rows with Duration, INIT, GB-s and cost on both architectures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-tune-'));
  try {
    writeFileSync(
      join(dir, 'template.yaml'),
      `Transform: AWS::Serverless-2016-10-31
Resources:
  Cpu:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      CodeUri: ${join(FIXTURES, 'cpu-bound')}
      MemorySize: 20000
      Timeout: 30
`,
    );
    const scenario = join(dir, 'cpu.scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        template: 'template.yaml',
        function: 'Cpu',
        traffic: [
          { at: 0, invoke: 'sync', event: { work: 10 }, count: 2 },
          { at: 1000, invoke: 'sync', event: { work: 10 }, count: 5, intervalMs: 1000 },
        ],
      }),
    );
    const out = capture();
    const err = capture();
    // MemorySize 20000 is out of range, but tune replaces it with each size tried.
    assert.equal(
      await runTune([scenario, '--memory', '1769,128', '--format', 'json'], out.stream, err.stream),
      0,
      err.text(),
    );
    const rows = JSON.parse(out.text()) as TuneRow[];
    assert.deepEqual(
      rows.map((r) => r.memorySizeMb),
      [128, 1769],
    );
    for (const r of rows) {
      assert.equal(r.invocations, 7);
      assert.ok(r.durationP50Ms !== null && r.durationP95Ms !== null && r.durationP95Ms >= r.durationP50Ms);
      assert.ok(r.initP50Ms !== null && r.initP50Ms >= 145, 'INIT includes the runtime start-up');
      assert.ok(r.billedGbS > 0);
      assert.ok(r.costPerMillionUsd.arm64 < r.costPerMillionUsd.x86_64, 'arm64 is cheaper per GB-s');
      assert.ok(r.costPerMillionUsd.x86_64 > 0.2, 'the request price is included');
    }
    const [small, big] = rows as [TuneRow, TuneRow];
    assert.ok(
      (small.durationP50Ms as number) > 5 * (big.durationP50Ms as number),
      'CPU-bound code is much slower at 128 MB',
    );
    assert.deepEqual(liveRuntimePids(), []);

    const text = capture();
    assert.equal(await runTune([scenario, '--memory=128,1769'], text.stream, capture().stream), 0);
    assert.match(text.text(), /^128 MB .* cheapest/m);
    assert.match(text.text(), /^1769 MB .* fastest/m);
    assert.match(
      text.text(),
      /Cheapest: 128 MB\. Fastest: 1769 MB \(the smallest size within 10 % of the best Duration p50\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad usage is exit 2 with a message', async () => {
  for (const args of [
    [],
    ['x.json', '--memory', '64'],
    ['x.json', '--memory', 'a,b'],
    ['x.json', '--format', 'csv'],
    ['x.json', '--tolerance', '-1'],
  ]) {
    const err = capture();
    assert.equal(await runTune(args, capture().stream, err.stream), 2, args.join(' '));
    assert.match(err.text(), /^lambda-lens tune: /);
  }
  const err = capture();
  assert.equal(await runTune(['/nonexistent/x.scenario.json'], capture().stream, err.stream), 2);
  assert.match(err.text(), /cannot load the scenario/);
});
