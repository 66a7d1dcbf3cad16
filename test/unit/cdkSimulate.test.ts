/**
 * Simulating a CDK function (issue 20): the stack rendered as the SAM template the simulator
 * reads (service/cdk/simulation.ts: code, handler, settings, environment references to the
 * stack's tables and queues, event sources), its NodejsFunction entry compiled into
 * cdk.out/lambda-lens/, and real runs through `lambda-lens simulate` in a network namespace
 * with only loopback: the handlers' AWS calls are answered by the stack's own resources.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nodeFileSystem } from '../../server/src/nodeFs';
import { renderCdkStack } from '../../server/src/service/cdk/simulation';
import { resolveScenario, ScenarioError } from '../../server/src/simulator/scenario';
import type { SimulationTrace } from '../../server/src/simulator/trace';
import { PassThrough } from 'node:stream';
import { renderStacksFor } from '../../server/src/cdkTargets';
import { runTune } from '../../server/src/simulator/tune';
import { simulate } from '../../server/src/simulator/run';

const APP = resolve(__dirname, '../fixtures/cdk/sim-app');
const STACK = join(APP, 'lib/orders-stack.ts');
const BUILD = join(APP, 'cdk.out');
const ROOT = resolve(__dirname, '../..');

type Resource = { Type: string; Metadata?: unknown; Properties: Record<string, unknown> };

function render(build: boolean): { resources: Record<string, Resource>; warnings: readonly string[]; text: string } {
  const r = renderCdkStack(STACK, readFileSync(STACK, 'utf8'), nodeFileSystem(), { build });
  return {
    resources: (JSON.parse(r.template) as { Resources: Record<string, Resource> }).Resources,
    warnings: r.warnings,
    text: r.template,
  };
}

test('a CDK stack rendered for the simulator: code, settings, references to its own resources, event sources', () => {
  const { resources, warnings } = render(false);
  assert.deepEqual(warnings, []);
  assert.deepEqual(resources['Orders']?.Properties['KeySchema'], [{ AttributeName: 'id', KeyType: 'HASH' }]);
  assert.equal(resources['Jobs']?.Properties['VisibilityTimeout'], 60);
  const worker = resources['Worker']?.Properties ?? {};
  assert.equal(worker['CodeUri'], join(APP, 'cdk.out/lambda-lens/Worker'));
  assert.equal(worker['Handler'], 'lambda/worker.handler');
  // 512 comes from bin/app.ts (props.workerMemory), 10 s from Duration.seconds(10).
  assert.equal(worker['MemorySize'], 512);
  assert.equal(worker['Timeout'], 10);
  assert.deepEqual(worker['Environment'], { Variables: { TABLE_NAME: { Ref: 'Orders' }, STAGE: 'test' } });
  assert.deepEqual(worker['Events'], {
    SQS1: { Type: 'SQS', Properties: { Queue: { 'Fn::GetAtt': ['Jobs', 'Arn'] }, BatchSize: 5 } },
  });
  const api = resources['Api']?.Properties ?? {};
  assert.equal(api['CodeUri'], join(APP, 'lambda/api'));
  assert.deepEqual(api['Environment'], { Variables: { QUEUE_URL: { Ref: 'Jobs' } } });
  assert.equal((api['Events'] as Record<string, { Type: string }>)['Api1']?.Type, 'Api');
  const report = resources['Report']?.Properties ?? {};
  assert.deepEqual(
    [report['CodeUri'], report['Handler'], report['Runtime']],
    [join(APP, 'lambda/py'), 'report.main', 'python3.12'],
  );
  // Nothing is written without a build.
  assert.equal(existsSync(join(BUILD, 'lambda-lens')), false);
});

test('a scenario naming a CDK stack needs the rendering: the simulator holds no TypeScript compiler', () => {
  const scenario = { template: 'lib/orders-stack.ts', function: 'Worker', traffic: [{ at: 0, invoke: 'sync' }] };
  assert.throws(
    () => resolveScenario(scenario, join(APP, 'x.scenario.json')),
    (e: unknown) => e instanceof ScenarioError && /is a CDK stack/.test(e.message),
  );
  try {
    const { text } = render(true);
    // The entry and the module it imports, compiled to CommonJS.
    assert.match(
      readFileSync(join(BUILD, 'lambda-lens/Worker/lambda/worker.js'), 'utf8'),
      /exports\.handler = handler/,
    );
    assert.ok(existsSync(join(BUILD, 'lambda-lens/Worker/lambda/lib/item.js')));
    const loaded = resolveScenario(scenario, join(APP, 'x.scenario.json'), {}, { templates: new Map([[STACK, text]]) });
    assert.equal(loaded.config.function.memorySizeMb, 512);
    assert.equal(loaded.config.function.handler, 'lambda/worker.handler');
    assert.equal(loaded.config.templateFile, STACK);
  } finally {
    rmSync(BUILD, { recursive: true, force: true });
  }
});

test('lambda-lens simulate on a CDK stack, in a network namespace with only loopback: the TypeScript worker runs, the API feeds it through the stack queue, items land in the stack table', (t) => {
  if (spawnSync('unshare', ['-n', 'true']).status !== 0) {
    t.skip('unshare -n is not permitted here (needs root or user namespaces)');
    return;
  }
  const cli = join(ROOT, 'bin/lambda-lens.js');
  const scenario = join(APP, 'api.scenario.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      template: 'lib/orders-stack.ts',
      function: 'Api',
      traffic: [{ at: 0, invoke: 'sync', event: { body: '{"id":"o-7"}' }, count: 2, intervalMs: 100 }],
    }),
  );
  try {
    const out = execFileSync(
      'unshare',
      [
        '-n',
        'sh',
        '-c',
        `ip link set lo up && ip -o link | grep -c . && "${process.execPath}" "${cli}" simulate lib/orders-stack.ts --function Worker --format json && echo ==== && "${process.execPath}" "${cli}" simulate api.scenario.json --format json --dump-state -`,
      ],
      { cwd: APP, encoding: 'utf8', timeout: 240_000 },
    );
    const [first, second] = out.split('\n====\n');
    assert.equal(first?.split('\n')[0]?.trim(), '1', 'only the loopback interface');
    const worker = JSON.parse((first ?? '').slice((first ?? '').indexOf('{'))) as SimulationTrace;
    assert.equal(worker.function.memorySizeMb, 512);
    assert.ok(worker.invocations.length > 0);
    assert.deepEqual([...new Set(worker.invocations.map((i) => i.outcome))], ['success']);
    const calls = worker.invocations.flatMap((i) => i.awsCalls ?? []);
    assert.deepEqual(
      [...new Set(calls.map((c) => `${c.service} ${c.operation} ${c.outcome}`))],
      ['dynamodb PutItem ok'],
    );
    // The second command prints the trace, then the emulated resources' final state.
    const text = second ?? '';
    const stateAt = text.lastIndexOf('\n{');
    const api = JSON.parse(text.slice(0, stateAt)) as SimulationTrace;
    const state = JSON.parse(text.slice(stateAt)) as {
      tables?: Record<string, { id?: string }[]>;
      queues?: Record<string, unknown[]>;
    };
    const outcomes = api.invocations.map((i) => `${i.function} ${i.outcome}`);
    assert.deepEqual(
      outcomes.filter((o) => o.startsWith('Api')),
      ['Api success', 'Api success'],
    );
    // The two messages reach the worker through the stack's queue, in one batch or two.
    const workerRuns = outcomes.filter((o) => o.startsWith('Worker'));
    assert.ok(workerRuns.length >= 1 && workerRuns.every((o) => o === 'Worker success'), outcomes.join(', '));
    assert.deepEqual(
      state.tables?.['Orders']?.map((i) => i.id),
      ['o-7'],
    );
    assert.deepEqual(state.queues?.['Jobs'], [], 'the worker consumed both messages');
  } finally {
    rmSync(scenario, { force: true });
    rmSync(BUILD, { recursive: true, force: true });
  }
});

test('lambda-lens tune on a CDK stack: the rendered stack at each memory size', async () => {
  const argv = [STACK, '--function', 'Report', '--memory', '128,256', '--format', 'json'];
  try {
    const { templates, warnings } = renderStacksFor(argv);
    assert.deepEqual([...templates.keys()], [STACK]);
    assert.deepEqual(warnings, []);
    const out = new PassThrough();
    const err = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const code = await runTune(argv, out, err, templates);
    assert.equal(code, 0, String(err.read() ?? ''));
    const rows = JSON.parse(text) as { memorySizeMb: number }[];
    assert.deepEqual(
      rows.map((r) => r.memorySizeMb),
      [128, 256],
    );
  } finally {
    rmSync(BUILD, { recursive: true, force: true });
  }
});

test('a simulation judges a CDK function by the role the CDK creates: what grantReadData does not cover is denied, a role the reader cannot see is not judged', async () => {
  const app = resolve(__dirname, '../fixtures/cdk/iam-app');
  const stack = join(app, 'lib/stack.ts');
  const rendering = renderCdkStack(stack, readFileSync(stack, 'utf8'), nodeFileSystem(), { build: true });
  const templates = new Map([[stack, rendering.template]]);
  const run = async (fn: string) =>
    simulate(
      resolveScenario(
        { template: 'lib/stack.ts', function: fn, traffic: [{ at: 0, invoke: 'sync', event: { id: 'r-1' } }] },
        join(app, 'x.scenario.json'),
        {},
        { templates },
      ).config,
    );
  const reader = await run('Reader');
  const calls = reader.invocations.flatMap((i) => i.awsCalls ?? []);
  assert.deepEqual(
    calls.map((c) => `${c.operation} ${c.outcome} ${c.enforcement?.kind ?? '-'}`),
    ['GetItem ok -', 'PutItem error denied'],
  );
  assert.equal(calls[1]?.errorCode, 'AccessDeniedException');
  const writer = await run('Writer');
  assert.deepEqual(
    writer.invocations.flatMap((i) => i.awsCalls ?? []).map((c) => `${c.operation} ${c.outcome}`),
    ['PutItem ok'],
  );
});
