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
  assert.ok(before.every((i) => i.version === '1'), 'before the deployment every request runs version 1');
  const onNew = after.filter((i) => i.version === '2');
  // Binomial(200, 0.1): mean 20, standard deviation 4.2; allow three of them.
  assert.ok(onNew.length >= 8 && onNew.length <= 33, `${onNew.length} of 200 canary-phase requests on version 2`);
  assert.equal(onNew[0]?.cold, true, 'the first request to the new version is a cold start');
  assert.ok(after.filter((i) => i.version === '1').every((i) => !i.cold), 'the old version keeps its warm environments');
  // Each version has its own environments, and the trace says which.
  const envVersion = new Map(trace.environments.map((e) => [e.id, e.version]));
  for (const inv of trace.invocations) {
    assert.equal(envVersion.get(inv.env ?? ''), inv.version);
    assert.equal(inv.logs[0], `START RequestId: ${inv.requestId} Version: ${inv.version}`);
  }
  assert.deepEqual([...new Set(trace.environments.map((e) => e.version))].sort(), ['1', '2']);
  assert.match(trace.environments.find((e) => e.version === '2')?.logStreamName ?? '', /\/\[2\][0-9a-f]{32}$/);
  assert.deepEqual(trace.routing, { qualifier: 'live', deployments: [{ atMs: DEPLOY_AT, version: '2', type: 'Canary10Percent5Minutes' }] });
});

test('all-at-once deployment: a cold-start wave on the new version, the old version\'s warm environments drain and are reclaimed', async () => {
  const DEPLOY_AT = 20_000;
  // Three concurrent requests every second for 40 s: three warm environments per version.
  const burst = (k: number) => sync(k, { sleepMs: 30 }, 40, 1000);
  const trace = await simulate(
    routed(config(fn('node-basic'), [burst(0), burst(1), burst(2)], { idleTimeoutMs: 10_000 }), {
      qualifier: 'live',
      version: '1',
      additional: null,
      deployments: [deploy(DEPLOY_AT, '2', 'AllAtOnce')],
    }),
  );
  assertAccounting(trace);
  assertNoOrphans(trace);
  const after = trace.invocations.filter((i) => i.arrivedMs >= DEPLOY_AT);
  assert.ok(after.every((i) => i.version === '2'), 'all traffic moves at once');
  const v2Cold = after.filter((i) => i.cold);
  assert.equal(v2Cold.length, 3, 'one cold start per concurrent request right after the deployment');
  assert.ok(v2Cold.every((i) => i.arrivedMs < DEPLOY_AT + 1000), 'the cold-start wave comes with the first requests after the deployment');
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
    routed(config(fn('node-basic'), [0, 1, 2, 3, 4].map((k) => sync(k, { sleepMs: 5 }, 40, 100))), { qualifier: 'live', version: '3', additional: { version: '4', weight: 0.25 }, deployments: [] }),
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
  assert.deepEqual(c.routing?.deployments.map((d) => [d.at, d.version, d.type]), [[5000, '2', 'Canary10Percent5Minutes'], [60_000, '3', 'Linear10PercentEvery1Minute']]);
  assert.equal(c.routing?.seed, 7);
  assert.equal(c.traffic.length, 1);
  assert.throws(
    () => resolveScenario({ function: { handler: 'index.handler', runtime: 'nodejs22.x', codeUri: '.' }, traffic: [{ at: 1, deploy: { version: '2', type: 'Blue' } }] }, '/tmp/s.json'),
    (e: unknown) => e instanceof ScenarioError && e.problems.some((p) => /qualifier "\$LATEST" is not one/.test(p)) && e.problems.some((p) => /type: expected AllAtOnce/.test(p)),
  );
});
