/**
 * Executables and platform defaults chosen by the host (VS Code's `lambdaLens.simulator.*`
 * settings): a chosen Node or Python is used and named in the trace, one that does not exist
 * or does not run fails with a sentence, and a scenario's own platform values win over the
 * host's defaults.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { simulate } from '../../../server/src/simulator/engine';
import { resolveScenario } from '../../../server/src/simulator/scenario';
import { chosenNodeBinary } from '../../../server/src/simulator/runtimes/node';
import { chosenPythonBinary } from '../../../server/src/simulator/runtimes/python';
import { config, fn, sync, FIXTURES } from './helpers';

test('a chosen Node runs the handler and the trace names it', async () => {
  const trace = await simulate(config(fn('trivial'), [sync(0, {})]), { executables: { node: process.execPath } });
  assert.equal(trace.runtime.binary, process.execPath);
  assert.match(trace.runtime.note, /as configured/);
  assert.equal(trace.invocations[0]?.outcome, 'success');
});

test('a chosen Node whose major differs from the runtime is used and flagged as not exact', () => {
  const major = Number(process.version.slice(1).split('.')[0]);
  assert.equal(chosenNodeBinary(`nodejs${major}.x`, process.execPath).exact, true);
  assert.equal(chosenNodeBinary(`nodejs${major + 2}.x`, process.execPath).exact, false);
});

test('a chosen executable that does not exist or is not Node fails the run with a sentence naming it', async () => {
  const missing = join(FIXTURES, 'no-such-node');
  await assert.rejects(
    async () => simulate(config(fn('trivial'), [sync(0, {})]), { executables: { node: missing } }),
    new RegExp(`${missing} does not exist`),
  );
  assert.throws(() => chosenNodeBinary('nodejs22.x', '/bin/true'), /is not Node/);
  assert.throws(() => chosenPythonBinary('python3.13', missing), /does not exist/);
  assert.throws(() => chosenPythonBinary('python3.13', process.execPath), /does not run as a Python 3 interpreter/);
});

test("host platform defaults apply where the scenario sets nothing; the scenario's own values win", () => {
  const scenario = (platform?: object) => ({
    function: { handler: 'index.handler', runtime: 'nodejs22.x', codeUri: join(FIXTURES, 'trivial') },
    ...(platform ? { platform } : {}),
    traffic: [{ at: 0, invoke: 'sync' }],
  });
  const path = join(FIXTURES, 'host.scenario.json');
  const hosted = resolveScenario(scenario(), path, { idleTimeoutMs: 60_000, accountConcurrency: 5 }).config.platform;
  assert.equal(hosted.idleTimeoutMs, 60_000);
  assert.equal(hosted.accountConcurrency, 5);
  const own = resolveScenario(scenario({ idleTimeoutMs: 120_000 }), path, {
    idleTimeoutMs: 60_000,
    accountConcurrency: 5,
  }).config.platform;
  assert.equal(own.idleTimeoutMs, 120_000);
  assert.equal(own.accountConcurrency, 5);
});
