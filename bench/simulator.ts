/**
 * Simulator overhead, next to the physical floor measured in the same run (bare fork of a Node
 * child to its first IPC message, and an IPC round trip) and to the peers' published figures
 * (docs/lambda.md, "How other local tools run handlers"). Prints figures; asserts nothing.
 *
 *   node --import tsx bench/simulator.ts
 */
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultAsyncConfig,
  defaultPlatform,
  type FunctionConfig,
  type PlatformSettings,
  type TrafficEntry,
} from '../server/src/simulator/config';
import { simulate } from '../server/src/simulator/engine';
import { liveRuntimePids } from '../server/src/simulator/runtimes/process';
import type { SimulationTrace } from '../server/src/simulator/trace';
import { stats } from './stats';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'simulator');

function fn(dir: string): FunctionConfig {
  return {
    name: 'Bench',
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    codeRoot: join(FIXTURES, dir),
    architecture: 'x86_64',
    memorySizeMb: 1024,
    timeoutMs: 30_000,
    ephemeralStorageMb: 512,
    environment: {},
    reservedConcurrency: null,
    provisionedConcurrency: 0,
    async: defaultAsyncConfig(),
    deadLetterQueue: null,
  };
}

async function run(
  dir: string,
  traffic: TrafficEntry[],
  platform: Partial<PlatformSettings>,
  onEnd?: () => void,
): Promise<SimulationTrace> {
  return simulate(
    {
      scenario: { name: 'bench', path: null },
      function: fn(dir),
      platform: { ...defaultPlatform(), ...platform },
      traffic,
    },
    { onEvent: (e) => (e.type === 'invoke-end' ? onEnd?.() : undefined) },
  );
}

/** Real time between consecutive invocation ends: the cost of one request cycle. */
async function cycles(
  dir: string,
  traffic: TrafficEntry[],
  platform: Partial<PlatformSettings>,
): Promise<{ samples: number[]; trace: SimulationTrace }> {
  const ends: number[] = [];
  const trace = await run(dir, traffic, platform, () => ends.push(performance.now()));
  const samples = ends.slice(1).map((t, i) => t - (ends[i] as number));
  return { samples, trace };
}

const f2 = (n: number): string => n.toFixed(2);

/** Bare fork of a Node child to its first IPC message, and IPC round trips on one child. */
async function floor(): Promise<{ forks: number[]; ipcMs: number }> {
  const script = join(tmpdir(), 'lambda-lens-bench-floor.js');
  writeFileSync(script, "process.on('message', (m) => process.send(m)); process.send('ready');\n");
  const forks: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    const child = fork(script, [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    forks.push(performance.now() - t);
    if (i < 14) {
      child.kill('SIGKILL');
      continue;
    }
    const trips: number[] = [];
    for (let k = 0; k < 2000; k++) {
      const s = performance.now();
      child.send(k);
      await new Promise<void>((resolve) => child.once('message', () => resolve()));
      trips.push(performance.now() - s);
    }
    child.kill('SIGKILL');
    return { forks, ipcMs: stats(trips).median };
  }
  throw new Error('unreachable');
}

function childrenRssMb(): number {
  let kb = 0;
  for (const pid of liveRuntimePids()) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // Gone between listing and reading.
    }
  }
  return kb / 1024;
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
  // The floor is measured before and after the rest, on a machine others may be using too.
  const before = await floor();
  const forkMs = stats(before.forks).median;
  const ipcMs = before.ipcMs;
  console.log(
    `physical floor: fork → first IPC message ${f2(forkMs)} ms (median of 15); IPC round trip ${f2(ipcMs * 1000)} µs (median of 2,000)`,
  );

  const warmN = 2000;
  const warmTraffic: TrafficEntry[] = [{ at: 0, kind: 'sync', event: {}, count: warmN, intervalMs: 1 }];
  for (const freeze of [true, false]) {
    const { samples } = await cycles('trivial', warmTraffic, { freezeBetweenInvokes: freeze, spareProcesses: 1 });
    const s = stats(samples.slice(1));
    console.log(
      `warm invoke, trivial handler${freeze ? ' (frozen between invokes)' : ' (freeze off)'}: median ${f2(s.median)} ms, p95 ${f2(s.p95)} ms = ${f2(s.median / ipcMs)}× the IPC round trip` +
        ` (lambda-local 0.40 ms, serverless-offline 1.58 ms)`,
    );
  }
  {
    const { samples } = await cycles('slow-init', [{ at: 0, kind: 'sync', event: {}, count: 500, intervalMs: 1 }], {
      spareProcesses: 1,
    });
    const s = stats(samples.slice(1));
    console.log(
      `warm invoke, 50 ms module init: median ${f2(s.median)} ms (lambda-local re-runs module code: 50.1 ms; serverless-offline 1.92 ms)`,
    );
  }

  // Cold starts: each request 11 minutes (simulated) after the last, so every one is cold. The
  // handler runs 300 ms so that a spare process can be forked meanwhile; the overhead is the real
  // time from the request reaching the platform to its end, minus INIT and the handler's Duration.
  // With no spare, it includes the fork.
  const coldN = 15;
  const coldTraffic: TrafficEntry[] = [
    { at: 0, kind: 'sync', event: { sleepMs: 300 }, count: coldN, intervalMs: 11 * 60_000 },
  ];
  for (const spares of [0, 2]) {
    // Requests are 11 simulated minutes apart and the clock jumps over the gap, so each one
    // arrives in real time right after the previous one ended (and its environment was
    // reclaimed): the real time between two ends is the next request's whole latency.
    let lastEnd: number | null = null;
    const overhead: number[] = [];
    const trace = await simulate(
      {
        scenario: { name: 'bench', path: null },
        function: fn('node-basic'),
        platform: { ...defaultPlatform(), spareProcesses: spares },
        traffic: coldTraffic,
      },
      {
        onEvent: (e) => {
          if (e.type !== 'invoke-end') return;
          const now = performance.now();
          if (lastEnd !== null) overhead.push(now - lastEnd - e.invocation.initMs - e.invocation.durationMs);
          lastEnd = now;
        },
      },
    );
    const s = stats(overhead);
    console.log(
      `cold start overhead, ${spares} spare process(es): median ${f2(s.median)} ms, p95 ${f2(s.p95)} ms = ${f2(s.median / forkMs)}× the bare fork+IPC floor` +
        ` (plus the measured Init Duration, p50 ${f2(trace.summary.init.p50 ?? 0)} ms; ${trace.summary.coldStarts}/${trace.summary.invocations} cold)`,
    );
  }

  // 10,000 invocations at concurrency 50: 200 waves of 50 concurrent requests.
  let hostPeak = 0;
  let childPeak = 0;
  const sampler = setInterval(() => {
    hostPeak = Math.max(hostPeak, process.memoryUsage().rss / 2 ** 20);
    childPeak = Math.max(childPeak, childrenRssMb());
  }, 100);
  const waves: TrafficEntry[] = Array.from({ length: 200 }, (_, k) => ({
    at: k * 1000,
    kind: 'sync' as const,
    event: {},
    count: 50,
    intervalMs: 0,
  }));
  const started = performance.now();
  const trace = await run('trivial', waves, { spareProcesses: 2, maxInvocations: 20_000 });
  const wall = performance.now() - started;
  clearInterval(sampler);
  const s = trace.summary;
  console.log(
    `10,000 invocations at concurrency 50: wall ${f2(wall / 1000)} s (${Math.round((s.invocations / wall) * 1000)} invocations/s), ${s.environments} environments, peak concurrency ${s.peakConcurrency},` +
      ` cold ${s.coldStarts}, throttles ${s.throttles}; memory peak: simulator ${Math.round(hostPeak)} MB, runtime processes ${Math.round(childPeak)} MB (${f2(childPeak / Math.max(1, s.environments))} MB each);` +
      ` accounting ${s.accounting.succeeded}/${s.accounting.put} succeeded`,
  );
  const after = await floor();
  console.log(
    `physical floor again at the end: fork → first IPC message ${f2(stats(after.forks).median)} ms; IPC round trip ${f2(after.ipcMs * 1000)} µs`,
  );
}

void main();
