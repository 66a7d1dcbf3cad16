/** Scenario files, the `simulate` CLI and the Chrome trace export, end to end with real processes. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { toChromeTrace } from '../../../server/src/simulator/chrome';
import { runSimulate } from '../../../server/src/simulator/cli';
import { defaultPlatform } from '../../../server/src/simulator/config';
import { simulate } from '../../../server/src/simulator/engine';
import { readTemplateFunctions } from '../../../server/src/service/index';
import { loadScenario, resolveScenario, ScenarioError } from '../../../server/src/simulator/scenario';
import { starterScenario } from '../../../server/src/simulator/starter';
import { liveRuntimePids } from '../../../server/src/simulator/runtimes/process';
import type { SimulationTrace } from '../../../server/src/simulator/trace';
import { assertAccounting, assertNoOrphans, FIXTURES } from './helpers';

const SCENARIOS = join(FIXTURES, 'scenarios');

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

test('an inline scenario: function config, overrides, platform, sample and file events, idle gap, async failure', async () => {
  const { config, warnings } = loadScenario(join(SCENARIOS, 'inline.scenario.json'));
  assert.deepEqual(warnings, []);
  assert.equal(config.function.memorySizeMb, 512, 'overrides win');
  assert.equal(config.function.timeoutMs, 2000);
  assert.equal(config.function.environment['CUSTOM'], 'inline');
  assert.equal(config.platform.idleTimeoutMs, 300_000);
  assert.equal(config.traffic.length, 4);
  const trace = await simulate(config);
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.scenario.name, 'inline burst, idle, async failure');
  assert.equal(trace.invocations.filter((i) => i.source === 'sync').length, 5);
  const afterIdle = trace.invocations.filter((i) => i.arrivedMs >= 900_000 && i.source === 'sync');
  assert.equal(afterIdle.length, 1);
  assert.equal(afterIdle[0]!.cold, true, 'idle past 5 minutes: cold');
  assert.equal(trace.invocations.filter((i) => i.source === 'async').length, 2, '1 try + 1 retry');
  assert.equal(trace.deliveries[0]?.target, 'arn:aws:sqs:us-east-1:123456789012:order-failures');
});

test('a template scenario takes the handler, settings and SQS trigger from the SAM template', async () => {
  const { config } = loadScenario(join(SCENARIOS, 'template.scenario.json'));
  const f = config.function;
  assert.equal(f.name, 'OrdersFunction');
  assert.equal(f.handler, 'index.handler');
  assert.equal(f.runtime, 'nodejs22.x');
  assert.equal(f.timeoutMs, 5000);
  assert.equal(f.memorySizeMb, 256);
  assert.equal(f.reservedConcurrency, 5);
  assert.equal(f.environment['STAGE'], 'test');
  assert.ok(f.codeRoot.endsWith(join('simulator', 'batch')));
  const entry = config.traffic[0]!;
  assert.equal(entry.kind, 'sqs');
  if (entry.kind !== 'sqs') return;
  assert.equal(entry.queue.batchSize, 5);
  assert.equal(entry.queue.reportBatchItemFailures, true);
  assert.equal(entry.queue.visibilityTimeoutSeconds, 60);
  assert.equal(entry.queue.maxReceiveCount, 2);
  assert.equal(entry.queue.name, 'OrdersQueue');
  const trace = await simulate(config);
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.summary.accounting.succeeded, 3);
  assert.equal(trace.summary.accounting.delivered, 1, 'fail-2 reaches the DLQ after 2 receives');
});

test('a bad scenario lists every problem with its path', () => {
  assert.throws(
    () => loadScenario(join(SCENARIOS, 'bad.scenario.json')),
    (e: unknown) => {
      assert.ok(e instanceof ScenarioError);
      const text = e.problems.join('\n');
      for (const expected of [
        'function.memorySize',
        'function.timeout',
        'platform.idleTimeoutMs',
        'platform.bogus',
        'traffic[0].invoke',
        'traffic[1].sqs.batchSize',
        'traffic[2]',
      ]) {
        assert.ok(text.includes(expected), `mentions ${expected}:\n${text}`);
      }
      return true;
    },
  );
  assert.throws(() => loadScenario(join(SCENARIOS, 'missing.json')), /cannot read the scenario/);
});

test('the schema covers the loader: every platform setting is described', () => {
  const schema = JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'scenario.schema.json'), 'utf8'),
  ) as {
    properties: { platform: { properties: Record<string, unknown> } };
  };
  assert.deepEqual(Object.keys(schema.properties.platform.properties).sort(), Object.keys(defaultPlatform()).sort());
});

test('lambda-lens simulate: text report with REPORT lines, --out trace, --chrome export; usage errors exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-cli-'));
  try {
    const out = capture();
    const err = capture();
    const tracePath = join(dir, 'trace.json');
    const chromePath = join(dir, 'chrome.json');
    const code = await runSimulate(
      ['simulate', join(SCENARIOS, 'template.scenario.json'), '--out', tracePath, `--chrome=${chromePath}`],
      out.stream,
      err.stream,
    );
    assert.equal(code, 0, err.text());
    const text = out.text();
    assert.match(text, /Lambda Lens simulation: SQS partial batch from the template/);
    assert.match(text, /REPORT RequestId: [0-9a-f-]+ {2}Duration: /);
    assert.match(text, /inputs 4: 3 succeeded, 1 delivered to a destination\/DLQ, 0 dropped/);
    assert.match(text, /queue-dlq \(maxReceiveCount\)/);
    const trace = JSON.parse(readFileSync(tracePath, 'utf8')) as SimulationTrace;
    assertAccounting(trace);
    const chrome = JSON.parse(readFileSync(chromePath, 'utf8')) as { traceEvents: { ph: string; cat?: string }[] };
    assert.ok(chrome.traceEvents.some((e) => e.ph === 'X' && e.cat?.startsWith('invoke')));

    const json = capture();
    assert.equal(
      await runSimulate([join(SCENARIOS, 'inline.scenario.json'), '--format', 'json'], json.stream, capture().stream),
      0,
    );
    const parsed = JSON.parse(json.text()) as SimulationTrace;
    assert.equal(parsed.version, 1);
    assertAccounting(parsed);

    const usage = capture();
    assert.equal(await runSimulate([], capture().stream, usage.stream), 2);
    assert.match(usage.text(), /missing the scenario file/);
    assert.equal(await runSimulate(['x.json', '--format', 'yaml'], capture().stream, capture().stream), 2);
    assert.equal(await runSimulate(['x.json', '--bogus'], capture().stream, capture().stream), 2);
    const bad = capture();
    assert.equal(
      await runSimulate([join(SCENARIOS, 'bad.scenario.json')], capture().stream, bad.stream),
      2,
      'a scenario with problems is bad input',
    );
    assert.match(bad.text(), /function\.memorySize/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Chrome export: one thread per environment, INIT and invoke slices, throttles as instants, times from 0', async () => {
  const { config } = loadScenario(join(SCENARIOS, 'inline.scenario.json'));
  config.function.provisionedConcurrency = 1;
  config.function.reservedConcurrency = 2;
  config.platform = { ...config.platform };
  const trace = await simulate(config);
  assertAccounting(trace);
  const chrome = toChromeTrace(trace);
  const threads = chrome.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name');
  assert.equal(threads.length, trace.environments.length + 1);
  assert.ok(chrome.traceEvents.every((e) => e.ts >= 0));
  assert.ok(chrome.traceEvents.some((e) => e.cat === 'init' && e.name === 'INIT (provisioned)'));
  assert.equal(chrome.traceEvents.filter((e) => e.cat === 'throttle').length, trace.summary.throttles);
  assert.equal(
    chrome.traceEvents.filter((e) => e.ph === 'X' && e.cat?.startsWith('invoke')).length,
    trace.summary.invocations,
  );
});

test('lambda-lens simulate <template>: a starter scenario shaped by the trigger, printed or run', async () => {
  const template = join(SCENARIOS, 'sam', 'template.yaml');
  const printed = capture();
  assert.equal(await runSimulate([template, '--print-scenario'], printed.stream, capture().stream), 0);
  const starter = JSON.parse(printed.text()) as {
    template: string;
    function: string;
    traffic: { at: number; sqs?: { messages: string[] } }[];
  };
  assert.equal(starter.function, 'OrdersFunction');
  assert.equal(starter.template, 'template.yaml');
  assert.ok(
    starter.traffic.every((t) => t.sqs),
    'an SQS function gets SQS traffic',
  );

  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-starter-'));
  try {
    const tracePath = join(dir, 'trace.json');
    const out = capture();
    const err = capture();
    assert.equal(
      await runSimulate([template, '--function', 'OrdersFunction', '--out', tracePath], out.stream, err.stream),
      0,
      err.text(),
    );
    const trace = JSON.parse(readFileSync(tracePath, 'utf8')) as SimulationTrace;
    assertAccounting(trace);
    assert.equal(trace.summary.accounting.put, 40);
    assert.ok(
      trace.invocations.some((i) => i.cold),
      'cold starts',
    );
    assert.ok(
      trace.invocations.some((i) => !i.cold && i.arrivedMs >= 60_000 && i.arrivedMs < 15 * 60_000),
      'warm reuse a minute later',
    );
    assert.ok(
      trace.invocations.some((i) => i.arrivedMs >= 15 * 60_000 && i.cold),
      'cold again after the idle gap',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const bad = capture();
  assert.equal(await runSimulate([template, '--function', 'Nope'], capture().stream, bad.stream), 2);
  assert.match(bad.text(), /no function Nope .*found: OrdersFunction/);
  assert.equal(
    await runSimulate(
      [join(SCENARIOS, 'inline.scenario.json'), '--print-scenario'],
      capture().stream,
      capture().stream,
    ),
    2,
  );
});

test('starter scenarios for sync, async and stream triggers run with the accounting intact', async () => {
  const text = [
    'Transform: AWS::Serverless-2016-10-31',
    'Resources:',
    '  Api:',
    '    Type: AWS::Serverless::Function',
    '    Properties: { CodeUri: ../echo, Handler: index.handler, Runtime: nodejs22.x, Events: { Get: { Type: HttpApi, Properties: { Path: /x, Method: get } } } }',
    '  Uploads:',
    '    Type: AWS::Serverless::Function',
    '    Properties: { CodeUri: ../echo, Handler: index.handler, Runtime: nodejs22.x, Events: { Put: { Type: S3, Properties: { Bucket: !Ref B, Events: s3:ObjectCreated:* } } } }',
    '  Clicks:',
    '    Type: AWS::Serverless::Function',
    '    Properties: { CodeUri: ../echo, Handler: index.handler, Runtime: nodejs22.x, Events: { S: { Type: Kinesis, Properties: { Stream: !GetAtt K.Arn, StartingPosition: LATEST } } } }',
    '  B: { Type: AWS::S3::Bucket }',
    '  K: { Type: AWS::Kinesis::Stream, Properties: { ShardCount: 1 } }',
  ].join('\n');
  const file = join(SCENARIOS, 'virtual.yaml');
  const functions = readTemplateFunctions(`file://${file}`, text);
  const expected: Record<string, string> = { Api: 'sync', Uploads: 'async', Clicks: 'kinesis' };
  for (const model of functions) {
    const starter = starterScenario(model, 'virtual.yaml');
    const first = starter.traffic[0]!;
    assert.equal(
      first['invoke'] ?? Object.keys(first).find((k) => k !== 'at'),
      expected[model.logicalId],
      model.logicalId,
    );
    // Run it from the model directly (the template file itself does not exist on disk).
    const { template: _fromTemplate, ...rest } = starter;
    const json = { ...rest, function: { name: model.logicalId, handler: 'index.handler', codeUri: '../echo' } };
    const trace = await simulate(resolveScenario(json, join(SCENARIOS, 'x.scenario.json')).config);
    assertAccounting(trace);
    assertNoOrphans(trace);
    assert.ok(trace.summary.invocations > 0);
  }
});

test('Ctrl-C during lambda-lens simulate cancels the run: every environment killed, the report says so, exit 130', async () => {
  const out = capture();
  const err = capture();
  const running = runSimulate([join(SCENARIOS, 'hang.scenario.json')], out.stream, err.stream);
  // The CLI listens for SIGINT while it runs; emitting the event delivers it without a real signal.
  setTimeout(() => process.emit('SIGINT'), 500);
  assert.equal(await running, 130);
  assert.match(out.text(), /\(cancelled\)/);
  assert.match(out.text(), /2 dropped: run cancelled before it was processed/);
  assert.match(err.text(), /interrupted/);
  assert.deepEqual(liveRuntimePids(), []);
});

test("a function that publishes an alias is simulated through it: the starter scenario names the alias, and the template's provisioned concurrency is the alias's", async () => {
  const template = join(SCENARIOS, 'alias', 'template.yaml');
  const functions = readTemplateFunctions(`file://${template}`, readFileSync(template, 'utf8'));
  const starters = Object.fromEntries(functions.map((m) => [m.logicalId, starterScenario(m, 'template.yaml')]));
  assert.equal(starters['LiveFunction']?.qualifier, 'live', 'SAM AutoPublishAlias');
  assert.equal(starters['PlainFunction']?.qualifier, 'prod', 'an AWS::Lambda::Alias on the function');
  assert.equal(starters['LatestFunction']?.qualifier, undefined, 'no alias: $LATEST');

  const resolve = (json: Record<string, unknown>) =>
    resolveScenario(
      { template: 'template.yaml', traffic: [{ at: 0, invoke: 'sync', count: 3 }], ...json },
      join(SCENARIOS, 'alias', 'x.scenario.json'),
    );
  // The starter scenario as written: the alias, its version, its provisioned concurrency.
  const live = resolve({ ...starters['LiveFunction'], traffic: [{ at: 0, invoke: 'sync', count: 3 }] });
  assert.equal(live.config.routing?.qualifier, 'live');
  assert.equal(live.config.function.provisionedConcurrency, 2);
  assert.deepEqual(live.warnings, []);
  // A scenario that names no qualifier invokes the published alias too, as the function's triggers do.
  const implicit = resolve({ function: 'PlainFunction' });
  assert.equal(implicit.config.routing?.qualifier, 'prod');
  assert.equal(implicit.config.function.provisionedConcurrency, 1);
  // $LATEST has no provisioned concurrency (it lives on the alias): none, and a warning that says where it is.
  const latest = resolve({ function: 'LiveFunction', qualifier: '$LATEST' });
  assert.equal(latest.config.function.provisionedConcurrency, 0);
  assert.ok(
    latest.warnings.some((w) => /provisioned concurrency is on alias live, and this scenario invokes \$LATEST/.test(w)),
    latest.warnings.join('\n'),
  );
  assert.equal(resolve({ function: 'LatestFunction' }).config.routing, undefined);

  // Run the starter: the alias's version 1 starts with its provisioned environments, the burst is warm on them.
  const trace = await simulate({ ...live.config, traffic: live.config.traffic.slice(0, 1) });
  assertAccounting(trace);
  assertNoOrphans(trace);
  const provisioned = trace.environments.filter((e) => e.initializationType === 'provisioned-concurrency');
  assert.equal(provisioned.length, 2);
  assert.ok(provisioned.every((e) => e.version === '1'));
  assert.equal(
    trace.invocations.filter((i) => !i.cold).length,
    2,
    'two of the three concurrent requests run on the provisioned environments',
  );
  assert.ok(trace.invocations.every((i) => i.logs[0]?.endsWith('Version: 1')));
});
