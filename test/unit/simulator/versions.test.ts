/**
 * Versions, aliases and deployments in the simulator (issue 10): each version has its own
 * environments, a deployment mid-run starts a wave of cold starts on the new version while
 * the old version's warm environments drain, and a canary's weight holds within statistical
 * tolerance (the routing draws are seeded, so the run repeats).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTrafficShift } from '../../../server/src/service/model/deployment';
import type { SimulationConfig, VersionRouting } from '../../../server/src/simulator/config';
import { formatTrace } from '../../../server/src/simulator/cli';
import { simulate } from '../../../server/src/simulator/engine';
import { resolveScenario, ScenarioError } from '../../../server/src/simulator/scenario';
import { assertAccounting, assertNoOrphans, config, fn, sync } from './helpers';

function routed(base: SimulationConfig, routing: Omit<VersionRouting, 'seed'>): SimulationConfig {
  return { ...base, routing: { ...routing, seed: 42 } };
}

function deploy(at: number, version: string, type: string): VersionRouting['deployments'][number] {
  const shift = parseTrafficShift(type);
  assert.ok(shift);
  return { at, version, shift, type };
}

test('steady traffic to alias live, canary deployment halfway: 10 % goes to the new version, which starts cold', async () => {
  const DEPLOY_AT = 20_000;
  // Five concurrent requests every second for a minute: 100 before the deployment, 200 during its 5-minute canary.
  const round = (k: number) => sync(k, { sleepMs: 5 }, 60, 1000);
  const trace = await simulate(
    routed(config(fn('node-basic'), [round(0), round(1), round(2), round(3), round(4)]), {
      qualifier: 'live',
      version: '1',
      additional: null,
      deployments: [deploy(DEPLOY_AT, '2', 'Canary10Percent5Minutes')],
    }),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const before = trace.invocations.filter((i) => i.arrivedMs < DEPLOY_AT);
  const after = trace.invocations.filter((i) => i.arrivedMs >= DEPLOY_AT);
  assert.equal(before.length, 100);
  assert.ok(
    before.every((i) => i.version === '1'),
    'before the deployment every request runs version 1',
  );
  const onNew = after.filter((i) => i.version === '2');
  // Binomial(200, 0.1): mean 20, standard deviation 4.2; allow three of them.
  assert.ok(onNew.length >= 8 && onNew.length <= 33, `${onNew.length} of 200 canary-phase requests on version 2`);
  assert.equal(onNew[0]?.cold, true, 'the first request to the new version is a cold start');
  assert.ok(
    after.filter((i) => i.version === '1').every((i) => !i.cold),
    'the old version keeps its warm environments',
  );
  // Each version has its own environments, and the trace says which.
  const envVersion = new Map(trace.environments.map((e) => [e.id, e.version]));
  for (const inv of trace.invocations) {
    assert.equal(envVersion.get(inv.env ?? ''), inv.version);
    assert.equal(inv.logs[0], `START RequestId: ${inv.requestId} Version: ${inv.version}`);
  }
  assert.deepEqual([...new Set(trace.environments.map((e) => e.version))].sort(), ['1', '2']);
  assert.match(trace.environments.find((e) => e.version === '2')?.logStreamName ?? '', /\/\[2\][0-9a-f]{32}$/);
  assert.deepEqual(trace.routing, {
    qualifier: 'live',
    deployments: [{ atMs: DEPLOY_AT, version: '2', type: 'Canary10Percent5Minutes', shiftStartMs: DEPLOY_AT }],
  });
});

test("all-at-once deployment: a cold-start wave on the new version, the old version's warm environments drain and are reclaimed", async () => {
  const DEPLOY_AT = 20_000;
  // Three requests arriving together every second for 40 s: three warm environments per version.
  // (One entry per second with count 3, so the three arrive at the same simulated instant even
  // when a loaded machine delays timers while other environments run.)
  const rounds = Array.from({ length: 40 }, (_, i) => sync(i * 1000, { sleepMs: 30 }, 3));
  const trace = await simulate(
    routed(config(fn('node-basic'), rounds, { idleTimeoutMs: 10_000 }), {
      qualifier: 'live',
      version: '1',
      additional: null,
      deployments: [deploy(DEPLOY_AT, '2', 'AllAtOnce')],
    }),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const after = trace.invocations.filter((i) => i.arrivedMs >= DEPLOY_AT);
  assert.ok(
    after.every((i) => i.version === '2'),
    'all traffic moves at once',
  );
  const v2Cold = after.filter((i) => i.cold);
  assert.equal(v2Cold.length, 3, 'one cold start per concurrent request right after the deployment');
  assert.ok(
    v2Cold.every((i) => i.arrivedMs < DEPLOY_AT + 1000),
    'the cold-start wave comes with the first requests after the deployment',
  );
  const old = trace.environments.filter((e) => e.version === '1');
  assert.equal(old.length, 3);
  for (const env of old) {
    const lastUse = Math.max(...trace.invocations.filter((i) => i.env === env.id).map((i) => i.endMs));
    assert.ok(lastUse < DEPLOY_AT + 1000, `${env.id} serves nothing after the deployment`);
    assert.equal(env.endReason, 'idle', `${env.id} is reclaimed once idle`);
  }
});

test('an alias with weighted routing splits traffic from the start; the context sees the version and the qualified ARN', async () => {
  const trace = await simulate(
    routed(
      config(
        fn('node-basic'),
        [0, 1, 2, 3, 4].map((k) => sync(k, { sleepMs: 5 }, 40, 100)),
      ),
      { qualifier: 'live', version: '3', additional: { version: '4', weight: 0.25 }, deployments: [] },
    ),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const onFour = trace.invocations.filter((i) => i.version === '4').length;
  // Binomial(200, 0.25): mean 50, standard deviation 6.1.
  assert.ok(onFour >= 32 && onFour <= 68, `${onFour} of 200 on version 4`);
  assert.equal(trace.invocations.filter((i) => i.version === '3').length, 200 - onFour);
});

test('scenario files: qualifier, alias weights and deploy entries; mistakes are named', () => {
  const { config: c } = resolveScenario(
    {
      function: { handler: 'index.handler', runtime: 'nodejs22.x', codeUri: '.' },
      qualifier: 'live',
      alias: { version: '1', additionalVersion: '2', weight: 0.1 },
      seed: 7,
      traffic: [
        { at: 0, invoke: 'sync', count: 10, intervalMs: 1000 },
        { at: 60_000, deploy: { type: 'Linear10PercentEvery1Minute' } },
        { at: 5000, deploy: { version: '2', type: 'Canary10Percent5Minutes' } },
      ],
    },
    '/tmp/scenario.json',
  );
  assert.equal(c.routing?.qualifier, 'live');
  assert.deepEqual(c.routing?.additional, { version: '2', weight: 0.1 });
  assert.deepEqual(
    c.routing?.deployments.map((d) => [d.at, d.version, d.type]),
    [
      [5000, '2', 'Canary10Percent5Minutes'],
      [60_000, '3', 'Linear10PercentEvery1Minute'],
    ],
  );
  assert.equal(c.routing?.seed, 7);
  assert.equal(c.traffic.length, 1);
  assert.throws(
    () =>
      resolveScenario(
        {
          function: { handler: 'index.handler', runtime: 'nodejs22.x', codeUri: '.' },
          traffic: [{ at: 1, deploy: { version: '2', type: 'Blue' } }],
        },
        '/tmp/s.json',
      ),
    (e: unknown) =>
      e instanceof ScenarioError &&
      e.problems.some((p) => /qualifier "\$LATEST" is not one/.test(p)) &&
      e.problems.some((p) => /type: expected AllAtOnce/.test(p)),
  );
});

test("provisioned concurrency on the alias, canary deployment halfway: the new version's provisioned environments initialise at the deployment, before its first request; the old version's are released when the shift completes", async () => {
  const DEPLOY_AT = 30_000;
  const PC = 2;
  // Two concurrent requests every 2 s for 2 minutes: never more than the provisioned concurrency.
  const pair = (k: number) => sync(k, { sleepMs: 20 }, 60, 2000);
  const trace = await simulate(
    routed(config(fn('node-basic', { provisionedConcurrency: PC }), [pair(0), pair(1)]), {
      qualifier: 'live',
      version: '1',
      additional: null,
      deployments: [deploy(DEPLOY_AT, '2', 'Canary50Percent1Minute')],
    }),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.equal(trace.invocations.length, 120);
  assert.ok(trace.invocations.every((i) => i.outcome === 'success'));

  const shiftStart = trace.routing?.deployments[0]?.shiftStartMs;
  assert.ok(
    shiftStart !== undefined && shiftStart >= DEPLOY_AT,
    `the shift starts at or after the deployment (${shiftStart})`,
  );
  const shiftEnd = shiftStart + 60_000;
  const byVersion = (v: string) => trace.environments.filter((e) => e.version === v);
  // Only provisioned environments: requests never exceed the provisioned concurrency of their version.
  assert.ok(
    trace.environments.every((e) => e.initializationType === 'provisioned-concurrency'),
    trace.environments.map((e) => `${e.id} v${e.version} ${e.initializationType}`).join(', '),
  );
  assert.equal(byVersion('1').length, PC);
  assert.equal(byVersion('2').length, PC);
  assert.ok(
    trace.invocations.every((i) => !i.cold),
    'no cold start on either version',
  );

  // Version 1's provisioned environments: initialised before traffic, released once the alias no longer routes to it.
  for (const env of byVersion('1')) {
    assert.ok(env.createdMs < 0 && env.createdMs + env.initMs === 0, `${env.id} initialised before t = 0`);
    assert.equal(env.endReason, 'released', `${env.id} is released`);
    assert.ok(
      env.endedMs !== null && env.endedMs >= shiftEnd && env.endedMs < shiftEnd + 2000,
      `${env.id} released when the shift completes (${env.endedMs}, shift end ${shiftEnd})`,
    );
  }
  // Version 2's: initialised from the deployment on, done before the shift starts and before its first request.
  const firstOnTwo = trace.invocations.filter((i) => i.version === '2').sort((a, b) => a.startMs - b.startMs)[0];
  assert.ok(firstOnTwo, 'version 2 serves requests');
  for (const env of byVersion('2')) {
    assert.ok(
      env.createdMs >= DEPLOY_AT && env.createdMs < DEPLOY_AT + 1000,
      `${env.id} starts initialising at the deployment (${env.createdMs})`,
    );
    assert.ok(
      env.createdMs + env.initMs <= shiftStart + 1,
      `${env.id} is initialised before traffic shifts (${env.createdMs} + ${env.initMs} vs ${shiftStart})`,
    );
    assert.ok(
      env.createdMs + env.initMs <= firstOnTwo.startMs,
      `${env.id} INIT ends before the first request to version 2`,
    );
    assert.equal(env.endReason, 'run-end');
    assert.match(trace.environmentLogs.find((l) => l.env === env.id)?.line ?? '', /^INIT_START/);
  }
  // Routing: all on version 1 before the shift, a canary share during it, all on version 2 after it.
  assert.ok(trace.invocations.filter((i) => i.arrivedMs < shiftStart).every((i) => i.version === '1'));
  const during = trace.invocations.filter((i) => i.arrivedMs >= shiftStart && i.arrivedMs < shiftEnd);
  assert.ok(
    during.some((i) => i.version === '1') && during.some((i) => i.version === '2'),
    'the canary splits traffic',
  );
  assert.ok(trace.invocations.filter((i) => i.arrivedMs >= shiftEnd).every((i) => i.version === '2'));
  // Each provisioned environment reports provisioned-concurrency to the handler.
  for (const inv of trace.invocations)
    assert.equal(
      ((inv.response as Record<string, unknown>)['env'] as Record<string, unknown>)['initType'],
      'provisioned-concurrency',
    );
  // The CLI report says when the deployment happened and when its traffic started to shift.
  assert.match(
    formatTrace(trace),
    /Deployment at 30\.000 s: version 2 \(Canary50Percent1Minute\), traffic shifting from \d+\.\d{3} s, once its provisioned environments were ready/,
  );
});

test("cancelling while a deployment's provisioned environments initialise ends the run and leaves no process behind", async () => {
  const controller = new AbortController();
  const trace = await simulate(
    routed(config(fn('slow-init', { provisionedConcurrency: 2 }), [sync(0, {}, 10, 1000)]), {
      qualifier: 'live',
      version: '1',
      additional: null,
      deployments: [deploy(4000, '2', 'AllAtOnce')],
    }),
    {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'env-start' && e.env.version === '2') controller.abort();
      },
    },
  );
  assert.equal(trace.cancelled, true);
  assertAccounting(trace);
  assertNoOrphans(trace);
  assert.ok(
    trace.environments.some((e) => e.version === '2' && e.initializationType === 'provisioned-concurrency'),
    "the new version's provisioned environments had started",
  );
  assert.ok(
    trace.invocations.every((i) => i.version === '1'),
    'no request reached the new version: its shift never started',
  );
  assert.equal(trace.routing?.deployments[0]?.shiftStartMs, undefined);
});
