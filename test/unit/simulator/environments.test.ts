/**
 * Execution environments with real child processes: cold and warm starts, reuse, idle reclaim,
 * module-scope state, provisioned and reserved concurrency, the scaling rate.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { simulate } from '../../../server/src/simulator/engine';
import { startEnv } from '../../../server/src/simulator/runtimes/node';
import { assertAccounting, assertNoOrphans, body, config, fn, sync } from './helpers';

test('5 concurrent requests start 5 cold environments; then sequential requests reuse one warm', async () => {
  const trace = await simulate(config(fn('node-basic'), [sync(0, { sleepMs: 200 }, 5), sync(10_000, {}, 4, 5000)]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const first = trace.invocations.slice(0, 5);
  assert.equal(first.filter((i) => i.cold).length, 5);
  assert.equal(new Set(first.map((i) => i.env)).size, 5);
  assert.equal(trace.summary.peakConcurrency, 5);
  const later = trace.invocations.slice(5);
  assert.equal(later.length, 4);
  assert.ok(later.every((i) => !i.cold && i.outcome === 'success'));
  assert.equal(new Set(later.map((i) => i.env)).size, 1, 'sequential requests reuse one environment');
  // Most recently used first: the environment that finished last serves the next request.
  assert.equal(trace.environments.length, 5);
  assert.equal(trace.summary.coldStarts, 5);
  assert.equal(trace.summary.accounting.succeeded, 9);
  for (const inv of first) {
    // The INIT bar starts once the request has a process and ends before the handler starts.
    const env = trace.environments.find((e) => e.id === inv.env)!;
    assert.ok(
      env.createdMs >= inv.arrivedMs && env.createdMs + env.initMs <= inv.startMs + 0.001,
      `${env.id}: INIT inside [arrived, start]`,
    );
  }
  for (const inv of trace.invocations) {
    assert.match(
      inv.report,
      /^REPORT RequestId: [0-9a-f-]+\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB/,
    );
    assert.equal(inv.logs[0], `START RequestId: ${inv.requestId} Version: $LATEST`);
    assert.equal(inv.logs.at(-2), `END RequestId: ${inv.requestId}`);
    assert.equal(/Init Duration/.test(inv.report), inv.cold);
  }
});

test('module-scope state survives warm invocations and not cold ones; idle past the timeout is cold', async () => {
  const trace = await simulate(
    config(fn('node-basic'), [sync(0, {}), sync(10_000, {}), sync(20_000, {}), sync(20_000 + 15 * 60_000, {})], {
      idleTimeoutMs: 10 * 60_000,
    }),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const counts = trace.invocations.map((_, i) => body(trace, i)['count']);
  assert.deepEqual(counts, [1, 2, 3, 1]);
  assert.deepEqual(
    trace.invocations.map((i) => i.cold),
    [true, false, false, true],
  );
  const [a, b] = trace.environments;
  assert.ok(a && b);
  assert.equal(a.endReason, 'idle');
  assert.ok(
    a.endedMs !== null && Math.abs(a.endedMs - (20_000 + 600_000)) < 1000,
    'reclaimed 10 minutes after its last request',
  );
  assert.equal(b.endReason, 'run-end');
  // The simulated 15 minutes cost no real waiting.
  assert.ok(trace.summary.simulatedMs > 15 * 60_000);
  assert.ok(trace.summary.wallMs < 60_000);
});

test('provisioned concurrency 2: the first 2 concurrent requests are warm, the third spills to a cold start', async () => {
  const trace = await simulate(config(fn('node-basic', { provisionedConcurrency: 2 }), [sync(0, { sleepMs: 200 }, 3)]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const cold = trace.invocations.filter((i) => i.cold);
  const warm = trace.invocations.filter((i) => !i.cold);
  assert.equal(warm.length, 2);
  assert.equal(cold.length, 1);
  const provisioned = trace.environments.filter((e) => e.initializationType === 'provisioned-concurrency');
  assert.equal(provisioned.length, 2);
  assert.ok(
    provisioned.every((e) => e.createdMs < 0 && e.createdMs + e.initMs === 0),
    'initialised before traffic, ending at t = 0',
  );
  const firstEnd = Math.min(...trace.invocations.map((i) => i.endMs));
  assert.ok(
    trace.invocations.every((i) => i.arrivedMs < firstEnd),
    'the three requests arrive together',
  );
  for (const inv of warm)
    assert.equal(
      (body(trace, trace.invocations.indexOf(inv))['env'] as Record<string, unknown>)['initType'],
      'provisioned-concurrency',
    );
  assert.equal(
    (body(trace, trace.invocations.indexOf(cold[0]!))['env'] as Record<string, unknown>)['initType'],
    'on-demand',
  );
});

test('reserved concurrency 1 with 3 concurrent sync requests: 2 are throttled with 429', async () => {
  const trace = await simulate(config(fn('node-basic', { reservedConcurrency: 1 }), [sync(0, { sleepMs: 100 }, 3)]));
  assertAccounting(trace);
  assertNoOrphans(trace);
  const throttled = trace.invocations.filter((i) => i.outcome === 'throttled');
  assert.equal(throttled.length, 2);
  for (const t of throttled) {
    assert.equal(t.env, null);
    assert.equal(t.errorType, 'TooManyRequestsException');
    assert.equal(t.throttleReason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
  }
  assert.equal(trace.summary.throttles, 2);
  assert.equal(trace.summary.invocations, 1);
  assert.equal(trace.summary.accounting.dropped, 2);
  assert.ok(trace.inputs.filter((i) => i.fate === 'dropped').every((i) => /429/.test(i.reason)));
});

test('account concurrency and the scaling rate throttle new environments', async () => {
  const trace = await simulate(config(fn('node-basic'), [sync(0, { sleepMs: 100 }, 4)], { accountConcurrency: 3 }));
  assertAccounting(trace);
  assert.deepEqual(
    trace.invocations.filter((i) => i.outcome === 'throttled').map((i) => i.throttleReason),
    ['ConcurrentInvocationLimitExceeded'],
  );
  const scaled = await simulate(config(fn('node-basic'), [sync(0, { sleepMs: 100 }, 3)], { scalingPer10s: 2 }));
  assertAccounting(scaled);
  assertNoOrphans(scaled);
  assert.deepEqual(
    scaled.invocations.filter((i) => i.outcome === 'throttled').map((i) => i.throttleReason),
    ['ScalingRateExceeded'],
  );
});

test('context, environment variables, working directory and a private /tmp per environment', async () => {
  const f = fn('node-basic', { environment: { CUSTOM: 'from-template' }, memorySizeMb: 512, timeoutMs: 5000 });
  process.env['LAMBDA_LENS_HOST_ONLY'] = 'secret';
  try {
    const trace = await simulate(config(f, [sync(0, { writeTmp: 'a.txt' }, 2)]));
    assertAccounting(trace);
    assertNoOrphans(trace);
    const r = body(trace, 0);
    const env = r['env'] as Record<string, unknown>;
    assert.equal(env['name'], 'TestFunction');
    assert.equal(env['handler'], 'index.handler');
    assert.equal(env['custom'], 'from-template');
    assert.equal(env['tz'], ':UTC');
    assert.equal(env['hostSecret'], undefined, 'the host environment does not leak into the function');
    assert.equal(r['memory'], '512');
    assert.equal(r['arn'], 'arn:aws:lambda:us-east-1:123456789012:function:TestFunction');
    assert.equal(r['requestId'], trace.invocations[0]!.requestId);
    assert.ok((r['remaining'] as number) > 4000 && (r['remaining'] as number) <= 5000);
    assert.equal(r['cwd'], f.codeRoot);
    // Two environments, each with its own /tmp (ephemeral.test.ts) or, where the host cannot
    // give one, its own TMPDIR; each holds its file (and, in its own /tmp, only the host's
    // entries the process needs).
    const tmps = trace.invocations.map((_, i) => (body(trace, i)['env'] as Record<string, unknown>)['tmp']);
    if (trace.function.ephemeralStorage?.enforced) assert.deepEqual(tmps, ['/tmp', '/tmp']);
    else assert.notEqual(tmps[0], tmps[1]);
    for (const i of [0, 1]) assert.ok((body(trace, i)['tmpFiles'] as string[]).includes('a.txt'));
  } finally {
    delete process.env['LAMBDA_LENS_HOST_ONLY'];
  }
});

test('the trace records which Node binary ran the handler', async () => {
  const trace = await simulate(config(fn('node-basic', { runtime: 'nodejs22.x' }), [sync(0, {})]));
  assertAccounting(trace);
  assert.equal(trace.runtime.requested, 'nodejs22.x');
  assert.ok(trace.runtime.binary.length > 0);
  assert.match(trace.runtime.version, /^v\d+\./);
  assert.equal(trace.runtime.exact, trace.runtime.version.startsWith('v22.'));
  assert.match(trace.runtime.note, /nodejs22\.x/);
});

test('the Node binary the runtime names is used when it is on PATH', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lens-node22-'));
  const shim = join(dir, 'node22');
  // A stand-in for a real node22: answers --version as Node 22 and runs the current Node.
  writeFileSync(
    shim,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo v22.99.0; exit 0; fi\nexec "${process.execPath}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  const path = process.env['PATH'];
  process.env['PATH'] = `${dir}${delimiter}${path ?? ''}`;
  try {
    const trace = await simulate(config(fn('node-basic', { runtime: 'nodejs22.x' }), [sync(0, {})]));
    assertAccounting(trace);
    assertNoOrphans(trace);
    assert.equal(trace.runtime.binary, shim);
    assert.equal(trace.runtime.version, 'v22.99.0');
    assert.equal(trace.runtime.exact, true);
    assert.equal(trace.invocations[0]!.outcome, 'success');
  } finally {
    process.env['PATH'] = path;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an environment is frozen between requests: a timer left running fires only when the next request thaws it', async () => {
  // env-1 gets the timer request; env-2 keeps the clock running for 2.5 s; at t = 2 s the next
  // request lands on idle env-1 and reports when the 100 ms timer really fired.
  const trace = await simulate(
    config(fn('node-basic'), [sync(0, { deferMs: 100 }), sync(0, { sleepMs: 2500 }), sync(2000, {})]),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const third = trace.invocations.find((i) => i.arrivedMs >= 2000)!;
  const first = trace.invocations.find((i) => i.env === third.env && i !== third)!;
  assert.ok(first, 'the third request reuses the first environment');
  const deferred = (third.response as { deferred: { scheduledAt: number; firedAt: number | null } }).deferred;
  assert.ok(deferred.firedAt !== null, 'the timer fired once the environment was thawed');
  assert.ok(
    deferred.firedAt - deferred.scheduledAt > 1000,
    `fired ${deferred.firedAt - deferred.scheduledAt} ms after it was set, not 100 ms: frozen in between`,
  );
});

test('inside Electron (the VS Code extension host) the editor binary is started as Node', () => {
  assert.deepEqual(startEnv('/app/code', '/app/code', '39.0.0'), { ELECTRON_RUN_AS_NODE: '1' });
  assert.deepEqual(startEnv('/usr/bin/node22', '/app/code', '39.0.0'), {}, 'a real node binary needs nothing');
  assert.deepEqual(startEnv(process.execPath, process.execPath, undefined), {}, 'plain Node needs nothing');
});

test('which idle environment takes a request is a setting: most recently used by default, or least', async () => {
  const traffic = [sync(0, { sleepMs: 100 }, 3), sync(10_000, {}, 3, 5000)];
  const mru = await simulate(config(fn('node-basic'), traffic));
  assertAccounting(mru);
  assertNoOrphans(mru);
  const later = (t: typeof mru) => t.invocations.filter((i) => i.arrivedMs >= 10_000).map((i) => i.env);
  assert.equal(new Set(later(mru)).size, 1);
  const lru = await simulate(config(fn('node-basic'), traffic, { idleEnvironmentChoice: 'least-recent' }));
  assertAccounting(lru);
  assertNoOrphans(lru);
  assert.equal(new Set(later(lru)).size, 3, 'least recently used rotates over the three warm environments');
  assert.ok(lru.invocations.filter((i) => i.arrivedMs >= 10_000).every((i) => !i.cold));
});

test('with a maximum lifetime, an old environment is retired and the next request is cold', async () => {
  const trace = await simulate(
    config(fn('node-basic'), [sync(0, {}), sync(30_000, {}), sync(90_000, {})], { maxEnvironmentLifetimeMs: 60_000 }),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.deepEqual(
    trace.invocations.map((i) => i.cold),
    [true, false, true],
  );
  assert.equal(trace.environments[0]!.endReason, 'lifetime');
  assert.ok(Math.abs(trace.environments[0]!.endedMs! - 60_000) < 1000, 'retired at its lifetime while idle');
});

test('a run service adds variables to each environment, hears each request start on its environment, and sees each invocation before it is emitted', async () => {
  const started: string[] = [];
  const ended: string[] = [];
  const emitted: string[] = [];
  let closed = false;
  const trace = await simulate(
    config(fn('node-basic', { environment: { CUSTOM: 'function' } }), [sync(0, {}, 2, 1000)]),
    {
      services: [
        {
          environmentVariables: (env) => ({ CUSTOM: `service:${env.id}`, AWS_LAMBDA_FUNCTION_NAME: 'not-allowed' }),
          invocationStarted: (requestId, envId) => started.push(`${requestId}@${envId}`),
          invocationEnded: (inv) =>
            ended.push(`${inv.requestId}@${inv.env}:${emitted.includes(inv.requestId) ? 'late' : 'before-emit'}`),
          close: async () => {
            closed = true;
          },
        },
      ],
      onEvent: (e) => {
        if (e.type === 'invoke-end') emitted.push(e.invocation.requestId);
      },
    },
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const env = (body(trace, 0)['env'] ?? {}) as Record<string, unknown>;
  assert.equal(
    env['custom'],
    `service:${trace.invocations[0]?.env}`,
    "the service's variable wins over the function's",
  );
  assert.equal(env['name'], 'TestFunction', "Lambda's reserved variables win over the service's");
  assert.deepEqual(
    started,
    trace.invocations.map((i) => `${i.requestId}@${i.env}`),
  );
  assert.deepEqual(
    ended,
    trace.invocations.map((i) => `${i.requestId}@${i.env}:before-emit`),
  );
  assert.equal(closed, true);
});
