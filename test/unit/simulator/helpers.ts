/** Shared helpers for the simulator tests: configs, the accounting invariant, orphan checks. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultAsyncConfig,
  defaultPlatform,
  type FunctionConfig,
  type PlatformSettings,
  type SimulationConfig,
  type TrafficEntry,
} from '../../../server/src/simulator/config';
import { liveRuntimePids, markedHostProcesses } from '../../../server/src/simulator/runtimes/process';
import type { SimulationTrace } from '../../../server/src/simulator/trace';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'simulator');

export function fn(dir: string, overrides: Partial<FunctionConfig> = {}): FunctionConfig {
  return {
    name: 'TestFunction',
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    codeRoot: join(FIXTURES, dir),
    architecture: 'x86_64',
    memorySizeMb: 256,
    timeoutMs: 3000,
    ephemeralStorageMb: 512,
    environment: {},
    reservedConcurrency: null,
    provisionedConcurrency: 0,
    async: defaultAsyncConfig(),
    deadLetterQueue: null,
    ...overrides,
  };
}

export function config(
  f: FunctionConfig,
  traffic: TrafficEntry[],
  platform: Partial<PlatformSettings> = {},
): SimulationConfig {
  return {
    scenario: { name: 'test', path: null },
    function: f,
    platform: { ...defaultPlatform(), spareProcesses: 1, ...platform },
    traffic,
  };
}

export function sync(at: number, event: unknown, count = 1, intervalMs = 0): TrafficEntry {
  return { at, kind: 'sync', event, count, intervalMs };
}

export function async(at: number, event: unknown, count = 1, intervalMs = 0): TrafficEntry {
  return { at, kind: 'async', event, count, intervalMs };
}

/** Every input put in is succeeded, delivered or dropped with a reason — checked in every test. */
export function assertAccounting(trace: SimulationTrace): void {
  const { accounting } = trace.summary;
  assert.equal(accounting.put, trace.inputs.length);
  assert.equal(
    accounting.succeeded + accounting.delivered + accounting.dropped,
    accounting.put,
    'every input has a fate',
  );
  for (const input of trace.inputs) {
    assert.ok(['succeeded', 'delivered', 'dropped'].includes(input.fate), `input ${input.id} has a fate`);
    assert.notEqual(input.reason, 'pending', `input ${input.id} was settled`);
    assert.ok(input.reason.length > 0, `input ${input.id} has a reason`);
    assert.ok(input.settledMs >= input.putMs, `input ${input.id} settled after it was put`);
    if (input.fate === 'delivered')
      assert.ok(
        trace.deliveries.some((d) => d.inputs.includes(input.id)),
        `delivered input ${input.id} has a delivery`,
      );
  }
  for (const env of trace.environments) assert.notEqual(env.endReason, null, `${env.id} ended`);
}

/** No runtime process outlives its run, nor anything it started (checked in /proc). */
export function assertNoOrphans(trace: SimulationTrace): void {
  assert.deepEqual(liveRuntimePids(), []);
  assert.deepEqual(markedHostProcesses(), [], 'no process started by an environment is left');
  for (const env of trace.environments) {
    for (const pid of env.pids) assert.equal(isAlive(pid), false, `process ${pid} of ${env.id} is gone`);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie has exited; it waits for its parent (or init) to collect it.
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

/** The response of an invocation, as an object. */
export function body(trace: SimulationTrace, index: number): Record<string, unknown> {
  const inv = trace.invocations[index];
  assert.ok(inv, `invocation ${index} exists`);
  return inv.response as Record<string, unknown>;
}
