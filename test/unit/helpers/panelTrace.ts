/**
 * A deterministic synthetic trace for the timeline panel's tests, bench and screenshots: a cold
 * burst, steady warm traffic, an idle gap that reclaims environments, errors, timeouts,
 * throttles, async retries, and one handler that logs an XSS payload; optionally a deployment
 * of version 2 during the idle gap (the environments after it run version 2). It is shaped like the
 * simulator's output (server/src/simulator/trace.ts) but made without running anything.
 */
import type {
  SimulationTrace,
  TraceEnvironment,
  TraceInput,
  TraceInvocation,
} from '../../../server/src/simulator/trace';
import { computeFigures } from '../../../client/webview/src/summary';

export const XSS_PAYLOAD = '<img src=x onerror=alert(1)>';

export interface SyntheticOptions {
  invocations: number;
  /** Concurrent requests in the opening burst. */
  burst?: number;
  /** Reserved concurrency (requests beyond it are throttled). */
  reserved?: number;
  /** Idle gap inserted half way, ms. */
  idleGapMs?: number;
  /** Mean time between arrivals after the burst, ms (default 6). */
  spacingMs?: number;
  seed?: number;
  /**
   * Alias `live` on version 1, and version 2 deployed all at once during the idle gap: the
   * environments created after the gap (all of them, the gap reclaims the old ones) run version 2.
   */
  deployAtGap?: boolean;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(r: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

const IDLE_TIMEOUT = 600_000;

export function syntheticTrace(options: SyntheticOptions): SimulationTrace {
  const r = rng(options.seed ?? 7);
  const n = options.invocations;
  const burst = Math.min(options.burst ?? 10, n);
  const reserved = options.reserved ?? 40;
  const gap = options.idleGapMs ?? 15 * 60_000;
  const memory = 256;
  const arrivals: { at: number; source: 'sync' | 'async'; attempt: number; requestId: string }[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    if (i >= burst) t += i === Math.floor(n / 2) ? gap : (options.spacingMs ?? 6) * (0.5 + r());
    arrivals.push({ at: t, source: i % 50 === 7 ? 'async' : 'sync', attempt: 1, requestId: uuid(r) });
  }
  const envs: (TraceEnvironment & { busyUntil: number; lastUsed: number })[] = [];
  const invocations: TraceInvocation[] = [];
  const inputs: TraceInput[] = [];
  // The deployment: a second before the first request after the idle gap.
  const deployAt = options.deployAtGap ? arrivals[Math.floor(n / 2)]!.at - 1000 : Infinity;
  const versionAt = (at: number): string | undefined =>
    options.deployAtGap ? (at >= deployAt ? '2' : '1') : undefined;
  const queue = [...arrivals];
  let index = 0;
  while (queue.length > 0 && invocations.length < n * 1.2) {
    queue.sort((a, b) => a.at - b.at);
    const a = queue.shift()!;
    for (const e of envs) {
      if (e.endedMs === null && e.busyUntil <= a.at && a.at - e.lastUsed > IDLE_TIMEOUT) {
        e.endedMs = e.lastUsed + IDLE_TIMEOUT;
        e.endReason = 'idle';
      }
    }
    // An environment that timed out is still busy until its request ends.
    const alive = envs.filter((e) => e.endedMs === null || e.busyUntil > a.at);
    const idle = alive.filter((e) => e.endedMs === null && e.busyUntil <= a.at).sort((x, y) => y.lastUsed - x.lastUsed);
    const inputId = `in-${inputs.length + 1}`;
    if (a.attempt === 1)
      inputs.push({
        id: inputId,
        source: a.source,
        putMs: a.at,
        externalId: a.requestId,
        fate: 'succeeded',
        settledMs: a.at,
        reason: '',
        attempts: 0,
      });
    let env = idle[0];
    let cold = false;
    let initMs = 0;
    if (!env) {
      if (alive.length >= reserved) {
        const rejected = throttle(a, memory, inputId);
        const version = versionAt(a.at);
        if (version !== undefined) rejected.version = version;
        invocations.push(rejected);
        continue;
      }
      cold = true;
      initMs = 120 + r() * 280;
      const version = versionAt(a.at);
      env = {
        id: `env-${envs.length + 1}`,
        logStreamName: `2026/11/27/[${version ?? '$LATEST'}]${uuid(r).replace(/-/g, '')}`,
        initializationType: 'on-demand',
        createdMs: a.at,
        initMs,
        initStatus: 'success',
        endedMs: null,
        endReason: null,
        tmpDir: `/tmp/lambda-lens/env-${envs.length + 1}`,
        pids: [10_000 + envs.length],
        maxMemoryMb: 60,
        ...(version === undefined ? {} : { version }),
        busyUntil: 0,
        lastUsed: 0,
      };
      envs.push(env);
    }
    const roll = r();
    const outcome: TraceInvocation['outcome'] =
      index === 3 ? 'error' : roll < 0.03 ? 'error' : roll < 0.04 ? 'timeout' : 'success';
    const duration = outcome === 'timeout' ? 3000 : 15 + r() * 120 + (cold ? 40 : 0);
    const start = a.at + initMs;
    const end = start + duration;
    const billed = Math.ceil(duration) + (cold ? Math.ceil(initMs) : 0);
    const xss = index === 2;
    const logs = [
      `START RequestId: ${a.requestId} Version: ${env.version ?? '$LATEST'}`,
      `2026-11-27T10:00:00.000Z\t${a.requestId}\tINFO\t${xss ? XSS_PAYLOAD : `order ${index} accepted`}`,
      ...(outcome === 'error'
        ? [
            `2026-11-27T10:00:00.010Z\t${a.requestId}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"card declined"}`,
          ]
        : []),
      `END RequestId: ${a.requestId}`,
    ];
    const report = `REPORT RequestId: ${a.requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${memory} MB\tMax Memory Used: 61 MB${cold ? `\tInit Duration: ${initMs.toFixed(2)} ms` : ''}${outcome === 'timeout' ? '\tStatus: timeout' : ''}`;
    logs.push(report);
    invocations.push({
      requestId: a.requestId,
      env: env.id,
      attempt: a.attempt,
      source: a.source,
      cold,
      ...(env.version === undefined ? {} : { version: env.version }),
      arrivedMs: a.at,
      startMs: start,
      endMs: end,
      initMs,
      durationMs: duration,
      billedMs: billed,
      memorySizeMb: memory,
      maxMemoryMb: 61,
      outcome,
      errorType: outcome === 'success' ? null : outcome === 'timeout' ? 'Sandbox.Timedout' : 'Error',
      request: {
        body: JSON.stringify({ order: index }),
        requestContext: { http: { method: 'POST', path: '/orders' } },
      },
      response: outcome === 'success' ? { statusCode: 201, body: xss ? XSS_PAYLOAD : `{"order":${index}}` } : null,
      error:
        outcome === 'error'
          ? {
              errorType: 'Error',
              errorMessage: 'card declined',
              trace: ['Error: card declined', '    at handler (/var/task/api.js:12:11)'],
            }
          : null,
      throttleReason: null,
      inputs: [inputId],
      logs,
      report,
    });
    env.busyUntil = end;
    env.lastUsed = end;
    if (outcome === 'timeout') {
      env.endedMs = end;
      env.endReason = 'timeout';
    }
    if (outcome !== 'success' && a.source === 'async' && a.attempt < 3) {
      queue.push({ ...a, at: end + 60_000 * a.attempt, attempt: a.attempt + 1 });
    }
    index++;
  }
  const endMs = Math.max(...invocations.map((i) => i.endMs));
  for (const e of envs) {
    if (e.endedMs === null) {
      e.endedMs = endMs;
      e.endReason = 'run-end';
    }
  }
  const environments: TraceEnvironment[] = envs.map(({ busyUntil: _b, lastUsed: _l, ...e }) => e);
  const figures = computeFigures(invocations, environments.length);
  return {
    version: 1,
    scenario: { name: `synthetic ${n}`, path: null },
    epochMs: Date.UTC(2026, 10, 27, 10),
    function: {
      name: 'OrdersApiFunction',
      handler: 'api.handler',
      runtime: 'nodejs22.x',
      codeRoot: '/work/examples/sam-app/src/orders',
      architecture: 'arm64',
      memorySizeMb: memory,
      timeoutMs: 3000,
      reservedConcurrency: reserved,
      provisionedConcurrency: 0,
    },
    runtime: {
      requested: 'nodejs22.x',
      binary: '/usr/bin/node',
      version: 'v20.19.0',
      exact: false,
      note: 'Node 22 is not installed, so nodejs22.x runs on the current Node v20.19.0.',
    },
    platform: { idleTimeoutMs: IDLE_TIMEOUT },
    environments,
    invocations,
    deliveries: [],
    inputs,
    environmentLogs: [],
    summary: {
      invocations: figures.invocations,
      coldStarts: figures.coldStarts,
      environments: environments.length,
      peakConcurrency: figures.peakConcurrency,
      throttles: figures.throttles,
      retries: figures.retries,
      errors: figures.errors,
      warm: figures.warm,
      cold: figures.cold,
      init: figures.init,
      billedMs: invocations.reduce((s, i) => s + i.billedMs, 0),
      gbSeconds: figures.gbSeconds,
      cost: {
        x86_64: figures.gbSeconds * 0.0000166667 + figures.invocations * 2e-7,
        arm64: figures.gbSeconds * 0.0000133334 + figures.invocations * 2e-7,
      },
      simulatedMs: endMs,
      wallMs: 1234,
      accounting: { put: inputs.length, succeeded: inputs.length, delivered: 0, dropped: 0 },
    },
    cancelled: false,
    ...(options.deployAtGap
      ? { routing: { qualifier: 'live', deployments: [{ atMs: deployAt, version: '2', type: 'AllAtOnce' }] } }
      : {}),
  };
}

function throttle(
  a: { at: number; source: 'sync' | 'async'; attempt: number; requestId: string },
  memory: number,
  inputId: string,
): TraceInvocation {
  return {
    requestId: a.requestId,
    env: null,
    attempt: a.attempt,
    source: a.source,
    cold: false,
    arrivedMs: a.at,
    startMs: a.at,
    endMs: a.at,
    initMs: 0,
    durationMs: 0,
    billedMs: 0,
    memorySizeMb: memory,
    maxMemoryMb: 0,
    outcome: 'throttled',
    errorType: 'TooManyRequestsException',
    response: null,
    error: null,
    throttleReason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    inputs: [inputId],
    logs: [],
    report: '',
  };
}
