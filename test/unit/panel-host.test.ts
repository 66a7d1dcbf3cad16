import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePattern, messageBodies, sampleForTrigger, trafficFor } from '../../client/src/panel/traffic';
import { latestRun, newRunId, readTrace, saveRun, saveScenario } from '../../client/src/panel/runs';
import { resolveScenario, SAMPLE_EVENTS } from '../../server/src/simulator/index';
import { syntheticTrace } from './helpers/panelTrace';

const root = join(__dirname, '..', '..');

describe('panel host: traffic patterns', () => {
  test('each pattern resolves as a scenario against the example template', () => {
    const template = join(root, 'examples', 'sam-app', 'template.yaml');
    const patterns = [
      { kind: 'single' },
      { kind: 'burst', count: 5 },
      { kind: 'steady', perSecond: 4, seconds: 2.5 },
      { kind: 'spike-after-idle', idleMinutes: 15, count: 4 },
      { kind: 'async', count: 2 },
    ] as const;
    for (const p of patterns) {
      const scenario = {
        name: describePattern(p),
        template,
        function: 'OrdersApiFunction',
        traffic: trafficFor(p, { sample: 'apigateway-http' }),
      };
      const { config } = resolveScenario(scenario, join(root, 'x.scenario.json'));
      const invokes = config.traffic.reduce((n, t) => n + (t.kind === 'sync' || t.kind === 'async' ? t.count : 0), 0);
      assert.equal(invokes, { single: 1, burst: 10, steady: 10, 'spike-after-idle': 10, async: 2 }[p.kind], p.kind);
    }
    const sqs = { kind: 'sqs', messages: 25, batchSize: 10 } as const;
    const bodies = messageBodies(SAMPLE_EVENTS['sqs']);
    const { config } = resolveScenario(
      { template, function: 'ChargeOrderFunction', traffic: trafficFor(sqs, { sample: 'sqs' }, bodies) },
      join(root, 'x.scenario.json'),
    );
    const entry = config.traffic[0]!;
    assert.equal(entry.kind, 'sqs');
    assert.ok(entry.kind === 'sqs' && entry.messages.length >= 25 - bodies.length && entry.queue.batchSize === 10);
  });

  test('the spike waits the idle time; the steady rate spaces requests', () => {
    const spike = trafficFor({ kind: 'spike-after-idle', idleMinutes: 15, count: 8 }, { sample: 'direct' });
    assert.equal(spike[spike.length - 1]!['at'], 900_000);
    const steady = trafficFor({ kind: 'steady', perSecond: 20, seconds: 10 }, { eventFile: '/x/events/a.json' });
    assert.deepEqual(steady[0], { at: 0, invoke: 'sync', eventFile: '/x/events/a.json', count: 200, intervalMs: 50 });
  });

  test('SQS bodies come from an SQS event, else the whole event is one body', () => {
    assert.deepEqual(messageBodies({ Records: [{ body: 'a' }, { body: 'b' }] }), ['a', 'b']);
    assert.deepEqual(messageBodies({ orderId: 1 }), ['{"orderId":1}']);
    assert.equal(sampleForTrigger('HttpApi'), 'apigateway-http');
    assert.equal(sampleForTrigger('SQS'), 'sqs');
    assert.equal(sampleForTrigger('Nope'), null);
    for (const t of ['Api', 'HttpApi', 'SQS', 'S3', 'SNS', 'Kinesis', 'DynamoDB', 'Schedule', 'EventBridgeRule'])
      assert.ok(SAMPLE_EVENTS[sampleForTrigger(t)!] !== undefined, t);
  });
});

describe('panel host: saved runs', () => {
  test('runs are saved under .lambda-lens/runs, newest last; scenario files are not runs', () => {
    const ws = mkdtempSync(join(tmpdir(), 'll-runs-'));
    assert.equal(latestRun(ws), null);
    const a = newRunId('Fn', new Date(Date.UTC(2026, 0, 1)));
    const b = newRunId('Fn', new Date(Date.UTC(2026, 0, 2)));
    const trace = syntheticTrace({ invocations: 20 });
    saveRun(ws, b, trace);
    saveRun(ws, a, trace);
    saveScenario(ws, `${b}-later`, { traffic: [] });
    const last = latestRun(ws)!;
    assert.ok(last.endsWith(`${b}.json`), last);
    assert.ok(last.includes(join('.lambda-lens', 'runs')));
    assert.equal(readTrace(last).invocations.length, trace.invocations.length);
  });

  test('a file that is not a trace is refused with a sentence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-bad-'));
    writeFileSync(join(dir, 'a.json'), '{"version": 1}');
    writeFileSync(join(dir, 'b.json'), '{nope');
    assert.throws(() => readTrace(join(dir, 'a.json')), /not a Lambda Lens trace/);
    assert.throws(() => readTrace(join(dir, 'b.json')), /not readable JSON/);
  });
});

describe('panel host: log grammar', () => {
  const grammar = JSON.parse(readFileSync(join(root, 'syntaxes', 'lambda-lens-log.tmLanguage.json'), 'utf8')) as {
    repository: Record<string, { match?: string; begin?: string }>;
  };
  const re = (key: string): RegExp => new RegExp(grammar.repository[key]!.match ?? grammar.repository[key]!.begin!);
  const id = '8d6c2b1e-3f4a-4b5c-9d8e-7f6a5b4c3d2e';

  test('START, END and REPORT lines, metrics, request lines and errors are matched', () => {
    assert.ok(re('start-end').test(`START RequestId: ${id} Version: $LATEST`));
    assert.ok(re('start-end').test(`END RequestId: ${id}`));
    assert.ok(re('report').test(`REPORT RequestId: ${id}\tDuration: 12.34 ms`));
    const metric = new RegExp(grammar.repository['metric']!.match!, 'g');
    const line = `REPORT RequestId: ${id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 150.10 ms`;
    assert.deepEqual(
      [...line.matchAll(metric)].map((m) => m[1]),
      ['Duration', 'Billed Duration', 'Memory Size', 'Max Memory Used', 'Init Duration'],
    );
    // A handler's line: its level is captured by its own group (5 is ERROR/FATAL, coloured as an error).
    assert.ok(re('node-line').test(`2026-11-27T10:00:00.000Z\t${id}\tINFO\thello`));
    assert.equal(re('node-line').exec(`2026-11-27T10:00:00.000Z\t${id}\tERROR\tInvoke Error`)?.[5], 'ERROR');
    assert.equal(re('node-line').exec(`2026-11-27T10:00:00.000Z\t${id}\tINFO\tall good`)?.[5], undefined);
    assert.ok(re('timeout').test(`2026-11-27T10:00:03.000Z ${id} Task timed out after 3.00 seconds`));
    assert.ok(re('init').test('INIT_START Runtime Version: nodejs:22.v1'));
  });
});
