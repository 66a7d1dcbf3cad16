/**
 * The duration model (CPU follows memory, host waits removed) and the schedstat reader, on
 * real processes: a busy child is seen on a CPU, its threads and descendants are found.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { lambdaPhase, vcpuShare } from '../../../server/src/simulator/durations/model';
import {
  diffTimes,
  HAS_SCHEDSTAT,
  parseSchedstat,
  readMainThread,
  readProcessTree,
} from '../../../server/src/simulator/durations/schedstat';
import { runtimeStartup } from '../../../server/src/simulator/durations/startup';

test('vCPU share: 1,769 MB is one vCPU, 128 MB 7.2 %, capped at 6', () => {
  assert.equal(vcpuShare(1769), 1);
  assert.ok(Math.abs(vcpuShare(128) - 0.07236) < 1e-4);
  assert.ok(Math.abs(vcpuShare(10240) - 5.789) < 1e-3);
  assert.equal(vcpuShare(20000), 6);
});

test('a CPU-bound phase takes 1769/128 ≈ 13.8× as long at 128 MB as at 1,769 MB; above one vCPU one thread gains nothing', () => {
  const host = { wallMs: 100, cpuMs: 100, waitMs: 0 };
  const small = lambdaPhase(host, 128).ms;
  const one = lambdaPhase(host, 1769).ms;
  assert.ok(Math.abs(small / one - 1769 / 128) < 1e-9, `${small} / ${one}`);
  assert.equal(lambdaPhase(host, 3008).ms, 100);
});

test('waiting for a host CPU is removed; I/O waits are kept and not scaled', () => {
  // 300 ms wall: 40 ms on a CPU, 200 ms in the run queue, 60 ms asleep on I/O.
  const l = lambdaPhase({ wallMs: 300, cpuMs: 40, waitMs: 200 }, 1769);
  assert.equal(l.ioMs, 60);
  assert.equal(l.ms, 100);
  const small = lambdaPhase({ wallMs: 300, cpuMs: 40, waitMs: 200 }, 128);
  assert.equal(small.ioMs, 60);
  assert.ok(Math.abs(small.ms - (60 + (40 * 1769) / 128)) < 1e-9);
});

test('all threads together get at most the share: the quota bound wins for parallel CPU work', () => {
  // Main thread asleep 100 ms while workers burn 400 ms of CPU.
  const host = { wallMs: 100, cpuMs: 0, waitMs: 0, totalCpuMs: 400 };
  assert.equal(lambdaPhase(host, 1769).ms, 400);
  assert.ok(Math.abs(lambdaPhase(host, 10240).ms - 100) < 1e-9, "at 5.8 vCPUs the main thread's 100 ms is the bound");
});

test('measurements that do not add up are clamped, never negative', () => {
  const l = lambdaPhase({ wallMs: 10, cpuMs: 12, waitMs: 5 }, 1769);
  assert.equal(l.ioMs, 0);
  assert.equal(l.ms, 10);
  assert.equal(lambdaPhase({ wallMs: 0, cpuMs: 0, waitMs: 0 }, 128).ms, 0);
});

test('a calibration factor converts host CPU time to vCPU time', () => {
  assert.equal(lambdaPhase({ wallMs: 100, cpuMs: 100, waitMs: 0 }, 1769, { hostCpuFactor: 1.5 }).ms, 150);
});

test('schedstat lines are parsed; anything else is null', () => {
  assert.deepEqual(parseSchedstat('488202 9597165 4\n'), { cpuMs: 0.488202, waitMs: 9.597165 });
  assert.equal(parseSchedstat(''), null);
  assert.equal(parseSchedstat('a b c'), null);
});

test('runtime start-up defaults are the published medians, by family otherwise', () => {
  assert.equal(runtimeStartup('nodejs22.x').ms, 145);
  assert.equal(runtimeStartup('python3.12').ms, 87);
  assert.equal(runtimeStartup('nodejs24.x').ms, 145);
  assert.equal(runtimeStartup('python3.9').ms, 94);
  assert.equal(runtimeStartup('java21').ms, 0);
});

test(
  'a busy process and its busy child are read on a CPU, a sleeping one is not',
  { skip: !HAS_SCHEDSTAT && 'no /proc/<pid>/schedstat here' },
  async () => {
    // The parent spins 300 ms of CPU in a child it starts, then sleeps; we read the tree.
    const script = `
    const { spawn } = require('node:child_process');
    const c = spawn(process.execPath, ['-e', 'const e = process.cpuUsage().user + 300000; while (process.cpuUsage().user < e) {} setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    console.log(c.pid);
    setInterval(() => {}, 1000);`;
    const p = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let childPid = 0;
    try {
      childPid = Number(
        await new Promise<string>((resolve) => p.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))),
      );
      assert.ok(childPid > 0);
      const before = readProcessTree(p.pid as number);
      assert.ok(before, 'the tree is readable');
      // Wait until the child used its 300 ms of CPU (however loaded the machine is).
      for (let i = 0; i < 600; i++) {
        const c = readMainThread(childPid);
        if (c && c.cpuMs >= 300) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const after = readProcessTree(p.pid as number);
      assert.ok(after);
      assert.ok(after.processes >= 2, `the child is found (${after.processes} processes)`);
      assert.ok(after.threads > after.processes, 'Node threads are counted');
      const grown = diffTimes(before.all, after.all);
      assert.ok(grown.cpuMs >= 250, `the tree used ${grown.cpuMs} ms of CPU`);
      const parentMain = diffTimes(before.main, after.main);
      assert.ok(parentMain.cpuMs < grown.cpuMs, "the parent's main thread did not do the work");
    } finally {
      if (childPid > 0) process.kill(childPid, 'SIGKILL');
      process.kill(p.pid as number, 'SIGKILL');
    }
  },
);
