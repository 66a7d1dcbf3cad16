/** No orphans: cancelling a run or exiting the host kills every runtime process. */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { simulate } from '../../../server/src/simulator/engine';
import { liveRuntimePids, RuntimeChild, SparePool } from '../../../server/src/simulator/runtimes/process';
import { assertAccounting, assertNoOrphans, config, FIXTURES, fn, isAlive, sync } from './helpers';

test('cancelling a run kills every environment and accounts for every input', async () => {
  const controller = new AbortController();
  let started = 0;
  const trace = await simulate(
    config(fn('node-basic', { timeoutMs: 60_000 }), [sync(0, { hang: true }, 3), sync(60_000, {}, 2)]),
    {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'invoke-start' && ++started === 3) controller.abort();
      },
    },
  );
  assert.equal(trace.cancelled, true);
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.environments.length, 3);
  assert.ok(trace.environments.every((e) => e.endReason === 'cancelled'));
  assert.equal(trace.inputs.length, 3, 'traffic after the cancel is never put in');
  assert.ok(trace.inputs.every((i) => i.fate === 'dropped' && /cancelled/.test(i.reason)));
});

test('a host process that exits mid-run leaves no runtime process behind', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(FIXTURES, 'run-and-exit.ts')],
    { cwd: join(__dirname, '..', '..', '..'), timeout: 60_000 },
  );
  const pids = JSON.parse(stdout.trim()) as number[];
  assert.ok(pids.length >= 3, `saw ${pids.length} runtime processes`);
  // The exit hook kills synchronously; give the kernel a moment to reap.
  for (let i = 0; i < 50 && pids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(pids.filter(isAlive), []);
});

test('a host process ended by SIGTERM leaves no runtime process behind', async () => {
  const host = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'run-and-exit.ts'), 'signal'], {
    cwd: join(__dirname, '..', '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const pids = await new Promise<number[]>((resolve, reject) => {
    host.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.trim()) as number[]);
    });
    host.once('exit', () => reject(new Error(`host exited early: ${out}`)));
  });
  assert.ok(pids.length >= 3);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => host.once('exit', (_code, signal) => resolve(signal)));
  host.kill('SIGTERM');
  assert.equal(await exited, 'SIGTERM', 'the signal keeps its default effect on the host');
  for (let i = 0; i < 50 && pids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(pids.filter(isAlive), []);
});

test('the stream of events tells the whole story and ends with the trace', async () => {
  const events: string[] = [];
  let final: unknown = null;
  const trace = await simulate(config(fn('node-basic'), [sync(0, {}), sync(10_000, { fail: 'x' })]), {
    onEvent: (e) => {
      events.push(e.type);
      if (e.type === 'run-end') final = e.trace;
    },
  });
  assertAccounting(trace);
  assert.equal(events[0], 'run-start');
  assert.equal(events.at(-1), 'run-end');
  assert.equal(final, trace);
  for (const t of ['env-start', 'init-end', 'invoke-start', 'log', 'invoke-end', 'input-settled', 'env-end'])
    assert.ok(events.includes(t), t);
});

test('processes a handler starts are killed with its environment', async () => {
  const trace = await simulate(config(fn('spawner'), [sync(0, {})]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const pid = (trace.invocations[0]!.response as { pid: number }).pid;
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(isAlive(pid), false);
});

test('cancelling while provisioned environments initialise leaves no process behind', async () => {
  const controller = new AbortController();
  const trace = await simulate(config(fn('slow-init', { provisionedConcurrency: 3 }), [sync(0, {})]), {
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'run-start') controller.abort();
    },
  });
  assert.equal(trace.cancelled, true);
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.deepEqual(liveRuntimePids(), []);
});

test(
  'a runtime process that never says it is ready fails its start with a clear error instead of stalling the run, and is killed',
  { skip: process.platform === 'win32' },
  async () => {
    const options = {
      binary: process.execPath,
      bootstrap: join(FIXTURES, 'stops-before-ready.js'),
      cwd: FIXTURES,
      env: {},
      readyTimeoutMs: 1500,
    };
    const started = performance.now();
    await assert.rejects(
      RuntimeChild.start(options),
      /runtime process \d+ did not say it was ready within 1\.5 s, so it was killed/,
    );
    assert.ok(performance.now() - started < 10_000);
    // The spare pool's shutdown awaits every spare it started: a stopped spare would hold it (and the run) for ever.
    const pool = new SparePool(options, 2);
    await assert.rejects(pool.take(), /did not say it was ready/);
    await pool.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(liveRuntimePids(), []);
  },
);
