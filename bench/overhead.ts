/**
 * How much of a run's wall time is simulator overhead: 1 − (the time handler code ran, as the
 * environments' processes measured it: INIT and every request) / the run's wall time, on a
 * sequential scenario (one request at a time, so the handler times add up). Several engines
 * can be compared in one run (a checkout of an earlier commit, for before/after figures); runs
 * alternate between them so that the machine's load hits both alike. Prints medians; asserts
 * nothing.
 *
 *   node --import tsx bench/overhead.ts [path/to/other/server/src/simulator/engine.ts …]
 */
import { join, resolve } from 'node:path';
import { defaultAsyncConfig, defaultPlatform, type SimulationConfig } from '../server/src/simulator/config';
import { simulate } from '../server/src/simulator/engine';
import type { SimulationTrace } from '../server/src/simulator/trace';
import { stats } from './stats';

type Simulate = (config: SimulationConfig) => Promise<SimulationTrace>;

const ROUNDS = 5;

function scenario(): SimulationConfig {
  return {
    scenario: { name: 'overhead', path: null },
    function: {
      name: 'Bench',
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      codeRoot: join(__dirname, '..', 'test', 'fixtures', 'simulator', 'cpu-bound'),
      architecture: 'x86_64',
      memorySizeMb: 1769,
      timeoutMs: 30_000,
      ephemeralStorageMb: 512,
      environment: { INIT_WORK: '5' },
      reservedConcurrency: null,
      provisionedConcurrency: 0,
      async: defaultAsyncConfig(),
      deadLetterQueue: null,
    },
    platform: { ...defaultPlatform(), spareProcesses: 1 },
    // One at a time: 100 requests (≈ 4 ms of CPU and a 2 ms sleep each), an idle gap, 100 more.
    traffic: [
      { at: 0, kind: 'sync', event: { work: 2, sleepMs: 2 }, count: 100, intervalMs: 1000 },
      { at: 3_600_000, kind: 'sync', event: { work: 2, sleepMs: 2 }, count: 100, intervalMs: 1000 },
    ],
  };
}

/** The handler's own time in the trace: host figures where the trace has them, else Duration and INIT as measured then. */
function handlerMs(trace: SimulationTrace): number {
  type HostShaped = { host?: { wallMs: number } };
  type EnvShaped = { initHost?: { wallMs: number }; initMs: number };
  const invocations = trace.invocations.reduce((sum, i) => sum + ((i as HostShaped).host?.wallMs ?? i.durationMs), 0);
  const inits = trace.environments.reduce(
    (sum, e) => sum + ((e as EnvShaped).initHost?.wallMs ?? (e as EnvShaped).initMs),
    0,
  );
  return invocations + inits;
}

async function main(): Promise<void> {
  const engines: { name: string; simulate: Simulate }[] = [{ name: 'this tree', simulate }];
  for (const path of process.argv.slice(2))
    engines.push({ name: path, simulate: ((await import(resolve(path))) as { simulate: Simulate }).simulate });
  const shares = new Map<string, number[]>(engines.map((e) => [e.name, []]));
  const walls = new Map<string, number[]>(engines.map((e) => [e.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const e of engines) {
      const trace = await e.simulate(scenario());
      const wall = trace.summary.wallMs;
      shares.get(e.name)?.push(1 - handlerMs(trace) / wall);
      walls.get(e.name)?.push(wall);
    }
  }
  console.log(`Simulator overhead on 200 sequential requests (1 cold start each half), median of ${ROUNDS} runs:`);
  for (const e of engines) {
    const s = stats(shares.get(e.name) ?? []);
    const w = stats(walls.get(e.name) ?? []);
    console.log(
      `  ${e.name}: ${(s.median * 100).toFixed(1)} % of the run's wall time (range ${(s.min * 100).toFixed(1)}–${(s.max * 100).toFixed(1)} %), wall ${w.median.toFixed(0)} ms`,
    );
  }
}

void main();
